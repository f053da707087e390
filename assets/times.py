"""Time expressions: read and dated per batch, then undated articles anchored on their stories."""

import dagster as dg
import pandas as pd
from spacy.tokens import DocBin

from pipeline.extract.times import anchor_on_stories, time_candidates_table
from pipeline.io import table_asset
from pipeline.nlp import table_from_docs
from pipeline.progress import tracker
from pipeline.resources import WorkersResource


@table_asset("time_candidates", group_name="extract")
def time_candidates(
    context: dg.AssetExecutionContext,
    workers: WorkersResource,
    articles: pd.DataFrame,
    sentences: pd.DataFrame,
    docs: DocBin,
) -> pd.DataFrame:
    return table_from_docs(
        lambda parsed: time_candidates_table(articles, sentences, parsed),
        docs,
        workers.processes_for(len(docs)),
        tracker("time", len(docs), context.log),
    )


@table_asset("time_expressions", group_name="reconcile")
def time_expressions(time_candidates: pd.DataFrame, stories: pd.DataFrame) -> pd.DataFrame:
    return anchor_on_stories(time_candidates, stories)
