"""Ingest: every input file becomes a raw article or a quarantine row."""

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
    context.log.info(
        "%d inputs: %d read, %d quarantined",
        result.discovered,
        len(result.raw_articles),
        len(result.quarantine),
    )
    return result.raw_articles, result.quarantine
