"""Time expressions: dates resolved, relative ones anchored, durations marked."""

import dagster as dg
import pandas as pd
from spacy.tokens import DocBin

from pipeline.extract.times import time_expressions_table
from pipeline.io import table_asset
from pipeline.nlp import table_from_docs
from pipeline.progress import tracker
from pipeline.resources import WorkersResource


@table_asset("time_expressions", group_name="reconcile")
def time_expressions(
    context: dg.AssetExecutionContext,
    workers: WorkersResource,
    articles: pd.DataFrame,
    sentences: pd.DataFrame,
    stories: pd.DataFrame,
    docs: DocBin,
) -> pd.DataFrame:
    return table_from_docs(
        lambda parsed: time_expressions_table(articles, sentences, parsed, stories),
        docs,
        workers.processes_for(len(docs)),
        tracker("time", len(docs), context.log),
    )
