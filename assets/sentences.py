"""Sentences: spaCy's sentences, furniture cut out, each with its editorial kind."""

import dagster as dg
import pandas as pd
from spacy.tokens import DocBin

from pipeline.extract.sentences import sentences_table
from pipeline.io import table_asset
from pipeline.nlp import iter_docs
from pipeline.progress import tracker


@table_asset("sentences", group_name="extract")
def sentences(context: dg.AssetExecutionContext, articles: pd.DataFrame, docs: DocBin) -> pd.DataFrame:
    return sentences_table(
        articles, iter_docs(docs), on_progress=tracker("sentences", len(docs), context.log)
    )
