"""Quotes: quoted speech with its speaker and cue, and the same words clustered across outlets."""

import dagster as dg
import pandas as pd
from spacy.tokens import DocBin

from pipeline.extract.quotes import quotes_table
from pipeline.io import table_out
from pipeline.nlp import iter_docs
from pipeline.progress import tracker
from pipeline.reconcile.quotes import cluster_quotes


@dg.multi_asset(
    outs={"quotes": table_out("quotes"), "quote_clusters": table_out("quote_clusters")},
    group_name="reconcile",
)
def quotes_and_clusters(
    context: dg.AssetExecutionContext,
    articles: pd.DataFrame,
    sentences: pd.DataFrame,
    mentions: pd.DataFrame,
    entities: pd.DataFrame,
    docs: DocBin,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    table, skipped = quotes_table(
        articles,
        sentences,
        mentions,
        entities,
        iter_docs(docs),
        on_progress=tracker("quotes", len(docs), context.log),
    )
    for mark in skipped:
        context.log.warning(
            "quote skipped in %s at character %d: %s", mark.article_id, mark.start_char, mark.reason
        )
    return cluster_quotes(table, articles)
