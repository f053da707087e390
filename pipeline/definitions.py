"""The Dagster seam: assets, checks, resources and IO managers in one `Definitions`.

`dagster dev` (via `workspace.yaml`) loads `defs`, configured from the
environment; `newsrecon run` builds the same definitions with the folders it
is given.
"""

from __future__ import annotations

import dagster as dg

from assets import articles, docs, entities, ingest, sentences, stories
from assets.checks import CHECKS
from pipeline.io import DocBinIOManager, ParquetIOManager
from pipeline.resources import NewsreconSettings, SpacyResource, settings_from_env

VALIDATE_JOB = "validate_warehouse"
ASSET_MODULES = (ingest, articles, docs, sentences, entities, stories)


def build_definitions(input_dir: str, warehouse_dir: str, model: str = "en_core_web_sm") -> dg.Definitions:
    """Every asset and check, reading `input_dir` and writing tables under `warehouse_dir`."""
    return dg.Definitions(
        assets=dg.load_assets_from_modules(ASSET_MODULES),
        asset_checks=CHECKS,
        jobs=[
            dg.define_asset_job(
                VALIDATE_JOB,
                selection=dg.AssetSelection.all_asset_checks(),
                description="Run every check on the tables as they stand, recomputing nothing.",
            )
        ],
        resources={
            "settings": NewsreconSettings(input_dir=input_dir),
            "nlp": SpacyResource(model=model),
            "io_manager": ParquetIOManager(warehouse_dir=warehouse_dir),
            "docbin_io_manager": DocBinIOManager(warehouse_dir=warehouse_dir),
        },
    )


defs = build_definitions(*settings_from_env())
