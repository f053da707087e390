"""Quotes: quoted speech with its speaker and cue; unpaired marks are logged and skipped."""

import dagster as dg
import pandas as pd
from spacy.tokens import DocBin

from pipeline.extract.quotes import quotes_table
from pipeline.io import table_asset
from pipeline.nlp import iter_docs
from pipeline.progress import tracker


@table_asset("quotes", group_name="extract")
def quotes(
    context: dg.AssetExecutionContext,
    articles: pd.DataFrame,
    sentences: pd.DataFrame,
    mentions: pd.DataFrame,
    entities: pd.DataFrame,
    docs: DocBin,
) -> pd.DataFrame:
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
    context.add_output_metadata({"skipped_marks": len(skipped)})
    return table
