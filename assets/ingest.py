"""Ingest: every input item (a file, or a JSON Lines line) becomes a raw article or a quarantine row."""

import dagster as dg
import pandas as pd

from pipeline.ingest import discover_inputs, ingest
from pipeline.io import table_out
from pipeline.progress import tracker
from pipeline.resources import NewsreconSettings


@dg.multi_asset(
    outs={"raw_articles": table_out("raw_articles"), "quarantine": table_out("quarantine")},
    group_name="ingest",
)
def ingest_inputs(
    context: dg.AssetExecutionContext, settings: NewsreconSettings
) -> tuple[pd.DataFrame, pd.DataFrame]:
    paths = discover_inputs(settings.input_path)
    result = ingest(
        settings.input_path, paths, settings.ingest_settings(), tracker("ingest", len(paths), context.log)
    )
    reasons = result.quarantine["reason"].value_counts().to_dict()
    context.log.info(
        "%d files, %d items: %d read, %d quarantined %s",
        len(paths),
        result.items,
        len(result.raw_articles),
        len(result.quarantine),
        reasons,
    )
    return result.raw_articles, result.quarantine
