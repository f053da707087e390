"""Articles: metadata and furniture parsed from each raw article."""

import dagster as dg
import pandas as pd

from pipeline.articles import build_articles
from pipeline.io import table_asset
from pipeline.progress import tracker


@table_asset("articles", group_name="parse")
def articles(context: dg.AssetExecutionContext, raw_articles: pd.DataFrame) -> pd.DataFrame:
    return build_articles(raw_articles, on_progress=tracker("articles", len(raw_articles), context.log))
