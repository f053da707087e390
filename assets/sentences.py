"""Sentences: spaCy's sentences, furniture cut out, each with its editorial kind."""

import pandas as pd
from spacy.tokens import DocBin

from pipeline.extract.sentences import sentences_table
from pipeline.io import table_asset
from pipeline.nlp import iter_docs


@table_asset("sentences", group_name="extract")
def sentences(articles: pd.DataFrame, docs: DocBin) -> pd.DataFrame:
    return sentences_table(articles, iter_docs(docs))
