"""`python -m pipeline run ...`: the same command line as `newsrecon`."""

from pipeline.cli import main

raise SystemExit(main())
