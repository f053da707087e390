"""Stories: articles grouped by the event they report."""

import pandas as pd

from pipeline.io import table_asset
from pipeline.reconcile.stories import group_stories


@table_asset("stories", group_name="reconcile")
def stories(articles: pd.DataFrame, mentions: pd.DataFrame) -> pd.DataFrame:
    return group_stories(articles, mentions)
