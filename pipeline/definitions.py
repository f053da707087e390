"""The Dagster seam: assets, checks, resources and IO managers in one `Definitions`.

`dagster dev` (via `workspace.yaml`) loads `defs`, configured from the
environment; `newsrecon run` builds the same definitions with the folders it
is given.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Callable, Collection, Iterator, Sequence
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
    report,
    sentences,
    sql_views,
    stories,
    times,
)
from assets.checks import CHECKS
from pipeline.automation import (
    CROSS_BATCH_ASSETS,
    PER_BATCH_ASSETS,
    PROCESS_BATCH_JOB,
    RECONCILE_JOB,
    daily_reconciliation,
    new_input_files,
    process_batch,
    reconcile,
    unregistered,
)
from pipeline.batches import BatchLedger
from pipeline.executors import executor_for, executor_from_env, executor_run_config, reconstructable_job
from pipeline.io import BATCHES, DocBinIOManager, ParquetIOManager
from pipeline.progress import terminal_display
from pipeline.resources import (
    NewsreconSettings,
    SpacyResource,
    WarehouseResource,
    WorkersResource,
    settings_from_env,
    settle_seconds_from_env,
)
from pipeline.storage import WarehousePath, partition_keys

VALIDATE_JOB = "validate_warehouse"
# Executes a selection of assets (all when None) for one batch (or none), with their checks.
Execute = Callable[
    [dg.DagsterInstance, str | None, list[str] | None], dg.ExecuteInProcessResult | dg.JobExecutionResult
]
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
    report,
    sql_views,
)


def build_definitions(
    input_dir: str,
    warehouse_dir: str,
    model: str = "en_core_web_sm",
    settle_seconds: float | None = None,
    executor: str | None = None,
) -> dg.Definitions:
    """Every asset and check, reading `input_dir` and writing tables under `warehouse_dir`.

    `settle_seconds` overrides how long a file must rest before it is read (see `NewsreconSettings`);
    `executor` names how steps run (`pipeline.executors`), else `$NEWSRECON_EXECUTOR` or multiprocess.
    """
    settings = NewsreconSettings(input_dir=input_dir)
    if settle_seconds is not None:
        settings = NewsreconSettings(input_dir=input_dir, settle_seconds=settle_seconds)
    return dg.Definitions(
        assets=dg.load_assets_from_modules(ASSET_MODULES),
        asset_checks=CHECKS,
        jobs=[
            process_batch,
            reconcile,
            dg.define_asset_job(
                VALIDATE_JOB,
                selection=dg.AssetSelection.all_asset_checks(),
                description="Run every check on the tables as they stand, recomputing nothing.",
            ),
        ],
        sensors=[new_input_files],
        schedules=[daily_reconciliation],
        resources={
            "settings": settings,
            "warehouse": WarehouseResource(warehouse_dir=warehouse_dir),
            "nlp": SpacyResource(model=model),
            "workers": WorkersResource(),
            "io_manager": ParquetIOManager(warehouse_dir=warehouse_dir),
            "docbin_io_manager": DocBinIOManager(warehouse_dir=warehouse_dir),
        },
        executor=executor_for(executor) if executor else executor_from_env(),
    )


@dataclass
class RunSummary:
    """What a run did, for the closing lines and the exit status."""

    tables: dict[str, int] = field(default_factory=dict)
    checks_passed: list[str] = field(default_factory=list)
    checks_failed: list[tuple[str, str, str]] = field(default_factory=list)
    failed_steps: list[tuple[str, str]] = field(default_factory=list)
    batches: list[str] = field(default_factory=list)
    waiting: list[str] = field(default_factory=list)

    @property
    def success(self) -> bool:
        return not self.checks_failed and not self.failed_steps

    def add(self, result: dg.ExecuteInProcessResult | dg.JobExecutionResult) -> None:
        """Count what one execution materialized and checked."""
        for event in result.get_asset_materialization_events():
            materialization = event.event_specific_data.materialization
            rows = materialization.metadata.get("dagster/row_count")
            if rows is None:  # not a table: the report, the DuckDB file
                continue
            table = materialization.asset_key.to_user_string()
            self.tables[table] = self.tables.get(table, 0) + int(rows.value)
        for evaluation in result.get_asset_check_evaluations():
            table = evaluation.asset_key.to_user_string()
            if evaluation.passed:
                self.checks_passed.append(f"{table}:{evaluation.check_name}")
            else:
                self.checks_failed.append((table, evaluation.check_name, evaluation.description or ""))
        for event in result.all_events:
            if event.is_step_failure:
                error = event.step_failure_data.error
                self.failed_steps.append((event.step_key or "?", error.message.strip() if error else ""))


def run(
    input_dir: Path,
    warehouse_dir: WarehousePath,
    model: str,
    show_progress: bool,
    settle_seconds: float | None = None,
    executor: str | None = None,
) -> RunSummary:
    """Bring the warehouse up to date with the input folder, with the UI's definitions.

    New settled files become a batch, which goes through every per-batch stage;
    batches an earlier run left unfinished are finished first; then the
    cross-batch tables are recomputed over every batch, and every check runs.
    Steps run in this process unless `executor` names another executor
    (`pipeline.executors`), which then runs on a persistent instance.
    """
    settle = settle_seconds if settle_seconds is not None else settle_seconds_from_env()
    ledger = BatchLedger(warehouse_dir)
    pending = ledger.pending(input_dir, settle)
    if pending.files:
        ledger.create(pending.files)
    summary = RunSummary(waiting=list(pending.unsettled))
    execute = _executor(input_dir, warehouse_dir, model, settle_seconds, executor, show_progress)
    _process_batches(execute, executor, ledger, unfinished_batches(warehouse_dir, ledger.keys()), summary)
    return summary


def backfill(
    input_dir: Path,
    warehouse_dir: WarehousePath,
    model: str,
    show_progress: bool,
    keys: Sequence[str] | None = None,
    executor: str | None = None,
) -> RunSummary:
    """Process again the batches `keys` (every batch when None), then the cross-batch tables.

    Each batch reads the files its manifest fixed; no new batch is made.
    """
    ledger = BatchLedger(warehouse_dir)
    known = ledger.keys()
    unknown = sorted(set(keys or ()) - set(known))
    if unknown:
        raise KeyError(f"no such batches in {warehouse_dir}: {', '.join(unknown)}")
    summary = RunSummary()
    execute = _executor(input_dir, warehouse_dir, model, None, executor, show_progress)
    _process_batches(execute, executor, ledger, sorted(keys) if keys is not None else known, summary)
    return summary


def _process_batches(
    execute: Execute, executor: str | None, ledger: BatchLedger, keys: Sequence[str], summary: RunSummary
) -> None:
    """Each batch's per-batch stages in turn, the last together with every cross-batch asset."""
    with _instance(executor) as instance:
        missing = unregistered(instance, ledger.keys())
        if missing:
            instance.add_dynamic_partitions(BATCHES.name, missing)
        for key in keys:
            summary.batches.append(key)
            summary.add(execute(instance, key, None if key == keys[-1] else list(PER_BATCH_ASSETS)))
        if not keys:
            summary.add(execute(instance, None, list(CROSS_BATCH_ASSETS)))


def validate(
    input_dir: Path, warehouse_dir: WarehousePath, checks: Collection[str] | None = None
) -> RunSummary:
    """Run every check (or those named in `checks`) on the tables as they stand, recomputing nothing.

    The checks run once per batch: the per-batch checks read the batch named by
    the run's partition tag; the cross-batch checks read every batch. Naming the
    checks spares the seconds each Great Expectations suite takes when only some matter.
    """
    definitions = build_definitions(str(input_dir), str(warehouse_dir), executor="in_process")
    job = definitions.resolve_job_def(VALIDATE_JOB)
    if checks is not None:
        selected = {key for key in job.asset_layer.asset_graph.asset_check_keys if key.name in checks}
        unknown = sorted(set(checks) - {key.name for key in selected})
        if unknown:
            raise KeyError(f"no such checks: {', '.join(unknown)}")
        job = job.get_subset(asset_check_selection=selected)
    keys = BatchLedger(warehouse_dir).keys()
    summary = RunSummary(batches=keys)
    with dg.DagsterInstance.ephemeral() as instance:
        instance.add_dynamic_partitions(BATCHES.name, keys)
        for key in keys or [None]:
            tags = {"dagster/partition": key} if key else None
            summary.add(job.execute_in_process(instance=instance, tags=tags, raise_on_error=False))
    return summary


def unfinished_batches(warehouse_dir: WarehousePath, keys: Sequence[str]) -> list[str]:
    """Batches that some per-batch table has not been written for yet, oldest first."""
    written = [set(partition_keys(warehouse_dir, asset)) for asset in PER_BATCH_ASSETS]
    return [key for key in keys if not all(key in tables for tables in written)]


def _executor(
    input_dir: Path,
    warehouse_dir: WarehousePath,
    model: str,
    settle_seconds: float | None,
    executor: str | None,
    show_progress: bool,
) -> Execute:
    """A function that executes a selection (all assets when None) for one batch (or none) and its checks."""
    run_config = {"loggers": {"console": {"config": {"log_level": "WARNING" if show_progress else "ERROR"}}}}
    defs = build_definitions(str(input_dir), str(warehouse_dir), model, settle_seconds, "in_process")

    def in_process(
        instance: dg.DagsterInstance, batch: str | None, selection: list[str] | None
    ) -> dg.ExecuteInProcessResult | dg.JobExecutionResult:
        job = defs.resolve_job_def(PROCESS_BATCH_JOB if batch else RECONCILE_JOB)
        display = terminal_display() if show_progress else contextlib.nullcontext()
        with display:
            return job.execute_in_process(
                instance=instance,
                partition_key=batch,
                asset_selection=[dg.AssetKey(name) for name in selection] if selection else None,
                raise_on_error=False,
                run_config=run_config,
            )

    def elsewhere(
        instance: dg.DagsterInstance, batch: str | None, selection: list[str] | None
    ) -> dg.ExecuteInProcessResult | dg.JobExecutionResult:
        job = reconstructable_job(
            input_dir,
            warehouse_dir,
            model,
            settle_seconds,
            executor,
            job_name=PROCESS_BATCH_JOB if batch else RECONCILE_JOB,
        )
        return dg.execute_job(
            job,
            instance=instance,
            run_config={**run_config, **executor_run_config(executor)},
            tags={"dagster/partition": batch} if batch else None,
            asset_selection=[dg.AssetKey(name) for name in selection] if selection else None,
            raise_on_error=False,
        )

    return in_process if executor in (None, "in_process") else elsewhere


@contextlib.contextmanager
def _instance(executor: str | None) -> Iterator[dg.DagsterInstance]:
    """`$DAGSTER_HOME`'s instance when set; else one that lasts for this run (on disk for other executors)."""
    if os.environ.get("DAGSTER_HOME"):
        with dg.DagsterInstance.get() as instance:
            yield instance
    elif executor in (None, "in_process"):
        with dg.DagsterInstance.ephemeral() as instance:
            yield instance
    else:
        with (
            tempfile.TemporaryDirectory(prefix="newsrecon-dagster-") as home,
            dg.DagsterInstance.local_temp(home) as instance,
        ):
            yield instance


defs = build_definitions(*settings_from_env())
