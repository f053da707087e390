"""Quotes: quoted speech found in each batch's articles, then speakers resolved and words clustered."""

import dagster as dg
import pandas as pd
from spacy.tokens import DocBin

from pipeline.extract.quotes import quote_candidates_table
from pipeline.io import table_asset, table_out
from pipeline.progress import tracker
from pipeline.reconcile.quotes import attribute_speakers, cluster_quotes
from pipeline.resources import WorkersResource


@table_asset("quote_candidates", group_name="extract")
def quote_candidates(
    context: dg.AssetExecutionContext,
    workers: WorkersResource,
    articles: pd.DataFrame,
    sentences: pd.DataFrame,
    mention_candidates: pd.DataFrame,
    docs: DocBin,
) -> pd.DataFrame:
    table, skipped = quote_candidates_table(
        articles,
        sentences,
        mention_candidates,
        docs,
        workers.processes_for(len(docs)),
        on_progress=tracker("quotes", len(docs), context.log),
    )
    for mark in skipped:
        context.log.warning(
            "quote skipped in %s at character %d: %s", mark.article_id, mark.start_char, mark.reason
        )
    return table


@dg.multi_asset(
    outs={"quotes": table_out("quotes"), "quote_clusters": table_out("quote_clusters")},
    group_name="reconcile",
)
def quotes_and_clusters(
    quote_candidates: pd.DataFrame, mentions: pd.DataFrame, entities: pd.DataFrame, articles: pd.DataFrame
) -> tuple[pd.DataFrame, pd.DataFrame]:
    return cluster_quotes(attribute_speakers(quote_candidates, mentions, entities), articles)
