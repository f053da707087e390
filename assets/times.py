"""Time expressions: dates resolved, relative ones anchored, durations marked."""

import dagster as dg
import pandas as pd
from spacy.tokens import DocBin

from pipeline.extract.times import time_expressions_table
from pipeline.io import table_asset
from pipeline.nlp import iter_docs
from pipeline.progress import tracker


@table_asset("time_expressions", group_name="reconcile")
def time_expressions(
    context: dg.AssetExecutionContext,
    articles: pd.DataFrame,
    sentences: pd.DataFrame,
    stories: pd.DataFrame,
    docs: DocBin,
) -> pd.DataFrame:
    return time_expressions_table(
        articles, sentences, iter_docs(docs), stories, on_progress=tracker("time", len(docs), context.log)
    )
