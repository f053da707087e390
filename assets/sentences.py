"""Sentences: spaCy's sentences, furniture cut out, each with its editorial kind."""

import dagster as dg
import pandas as pd
from spacy.tokens import DocBin

from pipeline.extract.sentences import sentences_table
from pipeline.io import table_asset
from pipeline.nlp import table_from_docs
from pipeline.progress import tracker
from pipeline.resources import WorkersResource


@table_asset("sentences", group_name="extract")
def sentences(
    context: dg.AssetExecutionContext, workers: WorkersResource, articles: pd.DataFrame, docs: DocBin
) -> pd.DataFrame:
    return table_from_docs(
        lambda parsed: sentences_table(articles, parsed),
        docs,
        workers.processes_for(len(docs)),
        tracker("sentences", len(docs), context.log),
    )
