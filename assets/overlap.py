"""Source overlap: articles that share long verbatim passages outside quotes (agency copy, syndication)."""

import pandas as pd

from pipeline.io import table_asset
from pipeline.reconcile.overlap import source_overlap as find_overlap


@table_asset("source_overlap", group_name="reconcile")
def source_overlap(
    articles: pd.DataFrame, sentences: pd.DataFrame, quotes: pd.DataFrame, stories: pd.DataFrame
) -> pd.DataFrame:
    return find_overlap(articles, sentences, quotes, stories)
