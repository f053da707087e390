"""The Dagster seam: assets, checks, resources and IO managers in one `Definitions`.

`dagster dev` (via `workspace.yaml`) loads `defs`, configured from the
environment; `newsrecon run` builds the same definitions with the folders it
is given.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

import dagster as dg

from assets import (
    articles,
    claims,
    conflicts,
    docs,
    entities,
    ingest,
    overlap,
    quotes,
    sentences,
    stories,
    times,
)
from assets.checks import CHECKS
from pipeline.io import DocBinIOManager, ParquetIOManager
from pipeline.progress import terminal_display
from pipeline.resources import NewsreconSettings, SpacyResource, settings_from_env

VALIDATE_JOB = "validate_warehouse"
ASSET_MODULES = (
    ingest,
    articles,
    docs,
    sentences,
    entities,
    stories,
    quotes,
    claims,
    times,
    overlap,
    conflicts,
)


def build_definitions(
    input_dir: str, warehouse_dir: str, model: str = "en_core_web_sm", settle_seconds: float | None = None
) -> dg.Definitions:
    """Every asset and check, reading `input_dir` and writing tables under `warehouse_dir`.

    `settle_seconds` overrides how long a file must rest before it is read (see `NewsreconSettings`).
    """
    settings = NewsreconSettings(input_dir=input_dir)
    if settle_seconds is not None:
        settings = NewsreconSettings(input_dir=input_dir, settle_seconds=settle_seconds)
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
            "settings": settings,
            "nlp": SpacyResource(model=model),
            "io_manager": ParquetIOManager(warehouse_dir=warehouse_dir),
            "docbin_io_manager": DocBinIOManager(warehouse_dir=warehouse_dir),
        },
    )


@dataclass
class RunSummary:
    """What a run did, for the closing lines and the exit status."""

    tables: dict[str, int] = field(default_factory=dict)
    checks_passed: list[str] = field(default_factory=list)
    checks_failed: list[tuple[str, str, str]] = field(default_factory=list)
    failed_steps: list[tuple[str, str]] = field(default_factory=list)

    @property
    def success(self) -> bool:
        return not self.checks_failed and not self.failed_steps


def run(
    input_dir: Path, warehouse_dir: Path, model: str, show_progress: bool, settle_seconds: float | None = None
) -> RunSummary:
    """Materialize every asset and run every check, in this process, with the UI's definitions."""
    defs = build_definitions(str(input_dir), str(warehouse_dir), model, settle_seconds)
    job = defs.resolve_implicit_global_asset_job_def()
    instance = dg.DagsterInstance.get() if os.environ.get("DAGSTER_HOME") else dg.DagsterInstance.ephemeral()
    run_config = {"loggers": {"console": {"config": {"log_level": "WARNING" if show_progress else "ERROR"}}}}
    if show_progress:
        with terminal_display():
            result = job.execute_in_process(instance=instance, raise_on_error=False, run_config=run_config)
    else:
        result = job.execute_in_process(instance=instance, raise_on_error=False, run_config=run_config)

    summary = RunSummary()
    for event in result.get_asset_materialization_events():
        materialization = event.event_specific_data.materialization
        rows = materialization.metadata.get("dagster/row_count")
        summary.tables[materialization.asset_key.to_user_string()] = int(rows.value) if rows else 0
    for evaluation in result.get_asset_check_evaluations():
        name = f"{evaluation.asset_key.to_user_string()}:{evaluation.check_name}"
        if evaluation.passed:
            summary.checks_passed.append(name)
        else:
            summary.checks_failed.append(
                (evaluation.asset_key.to_user_string(), evaluation.check_name, evaluation.description or "")
            )
    for event in result.all_events:
        if event.is_step_failure:
            error = event.step_failure_data.error
            summary.failed_steps.append((event.step_key or "?", error.message.strip() if error else ""))
    return summary


defs = build_definitions(*settings_from_env())
