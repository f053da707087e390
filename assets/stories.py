"""Stories: articles grouped by the event they report."""

import dagster as dg
import pandas as pd

from pipeline.io import table_asset
from pipeline.progress import tracker
from pipeline.reconcile.stories import group_stories


@table_asset("stories", group_name="reconcile")
def stories(
    context: dg.AssetExecutionContext, articles: pd.DataFrame, sentences: pd.DataFrame, mentions: pd.DataFrame
) -> pd.DataFrame:
    return group_stories(
        articles, sentences, mentions, on_progress=tracker("stories", len(articles), context.log)
    )
