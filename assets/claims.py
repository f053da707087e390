"""Claims: typed numeric figures with their qualifier and source."""

import dagster as dg
import pandas as pd
from spacy.tokens import DocBin

from pipeline.extract.claims import claims_table
from pipeline.io import table_asset
from pipeline.nlp import iter_docs
from pipeline.progress import tracker


@table_asset("claims", group_name="extract")
def claims(
    context: dg.AssetExecutionContext, articles: pd.DataFrame, sentences: pd.DataFrame, docs: DocBin
) -> pd.DataFrame:
    return claims_table(
        articles, sentences, iter_docs(docs), on_progress=tracker("claims", len(docs), context.log)
    )
