"""When runs start on their own: a sensor for new input files, a daily schedule for the cross-batch tables.

Both are off until someone switches them on in the UI (Automation), so
loading the definitions never starts work by surprise.
"""

from __future__ import annotations

from collections.abc import Iterable

import dagster as dg

from pipeline.io import BATCHES
from pipeline.resources import NewsreconSettings, WarehouseResource
from pipeline.schema import PER_BATCH_TABLES, TABLES

PROCESS_BATCH_JOB = "process_batch"
RECONCILE_JOB = "reconcile"
# Per-batch assets: the per-batch tables and the spaCy parse they are extracted from.
PER_BATCH_ASSETS: tuple[str, ...] = (*sorted(PER_BATCH_TABLES), "docs")
# Cross-batch tables, refreshed by the schedule and after every batch.
CROSS_BATCH_TABLES: tuple[str, ...] = tuple(table for table in TABLES if table not in PER_BATCH_TABLES)
# Everything recomputed over all batches: the cross-batch tables and what is published from them.
CROSS_BATCH_ASSETS: tuple[str, ...] = (*CROSS_BATCH_TABLES, "report", "warehouse_duckdb")

process_batch = dg.define_asset_job(
    PROCESS_BATCH_JOB,
    selection=dg.AssetSelection.all(),
    description="One input batch through every per-batch stage, then every cross-batch table refreshed.",
)
reconcile = dg.define_asset_job(
    RECONCILE_JOB,
    selection=dg.AssetSelection.assets(*CROSS_BATCH_ASSETS),
    description="Recompute the cross-batch tables (entities, quotes, stories, conflicts) over all batches.",
)


def unregistered(instance: dg.DagsterInstance, keys: Iterable[str]) -> list[str]:
    """Batch keys of the ledger that `instance` does not know as partitions yet."""
    known = set(instance.get_dynamic_partitions(BATCHES.name))
    return [key for key in keys if key not in known]


@dg.sensor(
    job=process_batch,
    minimum_interval_seconds=30,
    default_status=dg.DefaultSensorStatus.STOPPED,
    description="Makes a batch of the input files no batch holds yet and requests one run for it.",
)
def new_input_files(
    context: dg.SensorEvaluationContext, settings: NewsreconSettings, warehouse: WarehouseResource
) -> dg.SensorResult | dg.SkipReason:
    """A batch of new settled files per tick; the run key is the batch key, so no batch runs twice.

    Batches made earlier but not yet partitions of this instance (another
    instance made them, or a tick failed after writing the manifest) are
    registered and requested too.
    """
    ledger = warehouse.ledger()
    pending = ledger.pending(settings.input_path, settings.settle_seconds)
    if pending.files:
        ledger.create(pending.files)
    missing = unregistered(context.instance, ledger.keys())
    if not missing:
        waiting = f"; {len(pending.unsettled)} files still being written" if pending.unsettled else ""
        return dg.SkipReason(f"no new input files{waiting}")
    return dg.SensorResult(
        run_requests=[dg.RunRequest(run_key=key, partition_key=key) for key in missing],
        dynamic_partitions_requests=[BATCHES.build_add_request(missing)],
        cursor=missing[-1],
    )


daily_reconciliation = dg.ScheduleDefinition(
    name="daily_reconciliation",
    job=reconcile,
    cron_schedule="0 6 * * *",
    default_status=dg.DefaultScheduleStatus.STOPPED,
    description="Every day at 06:00, the cross-batch tables recomputed over every batch.",
)
