"""Ingest: each item of a batch (a file, or a JSON Lines line) becomes a raw article or a quarantine row."""

import dagster as dg
import pandas as pd

from pipeline.ingest import ingest
from pipeline.io import BATCHES, table_out
from pipeline.progress import tracker
from pipeline.resources import NewsreconSettings, WarehouseResource


@dg.multi_asset(
    outs={"raw_articles": table_out("raw_articles"), "quarantine": table_out("quarantine")},
    group_name="ingest",
    partitions_def=BATCHES,
)
def ingest_inputs(
    context: dg.AssetExecutionContext, settings: NewsreconSettings, warehouse: WarehouseResource
) -> tuple[pd.DataFrame, pd.DataFrame]:
    ledger = warehouse.ledger()
    batch = ledger.batch(context.partition_key)
    paths = batch.paths(settings.input_path)
    result = ingest(
        settings.input_path,
        paths,
        settings.ingest_settings(),
        tracker("ingest", len(paths), context.log),
        kept_before=ledger.kept_before(batch.key),
    )
    ledger.record_kept(batch.key, result.raw_articles)
    context.log.info(
        "batch %s: %d files, %d items: %d read, %d quarantined %s",
        batch.key,
        len(paths),
        result.items,
        len(result.raw_articles),
        len(result.quarantine),
        result.quarantine["reason"].value_counts().to_dict(),
    )
    return result.raw_articles, result.quarantine
