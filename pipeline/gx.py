"""Great Expectations, imported once with its analytics off.

The import alone takes seconds, so `pipeline.quality` imports this module only
when it first validates a table, and the multiprocess executor's forkserver
imports it once before forking step processes, so check steps do not pay for it
(`pipeline.executors.PRELOAD_MODULES`).
"""

import os

os.environ["GX_ANALYTICS_ENABLED"] = "false"

# Analytics must be off before the import.
import great_expectations as gx

__all__ = ["gx"]
