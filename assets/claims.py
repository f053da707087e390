"""Claims: typed numeric figures with their qualifier and source."""

import dagster as dg
import pandas as pd
from spacy.tokens import DocBin

from pipeline.extract.claims import claims_table
from pipeline.io import table_asset
from pipeline.nlp import table_from_docs
from pipeline.progress import tracker
from pipeline.resources import WorkersResource


@table_asset("claims", group_name="extract")
def claims(
    context: dg.AssetExecutionContext,
    workers: WorkersResource,
    articles: pd.DataFrame,
    sentences: pd.DataFrame,
    docs: DocBin,
) -> pd.DataFrame:
    return table_from_docs(
        lambda parsed: claims_table(articles, sentences, parsed),
        docs,
        workers.processes_for(len(docs)),
        tracker("claims", len(docs), context.log),
    )
