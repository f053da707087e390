"""Docs: the one spaCy parse of every article, which every extraction stage reads."""

import dagster as dg
import pandas as pd
from spacy.tokens import DocBin

from pipeline.extract.sentences import spans_of
from pipeline.nlp import parse_articles
from pipeline.progress import tracker
from pipeline.resources import SpacyResource


@dg.asset(
    io_manager_key="docbin_io_manager",
    group_name="parse",
    description="spaCy parse of every article (furniture blanked), as a DocBin.",
)
def docs(context: dg.AssetExecutionContext, nlp: SpacyResource, articles: pd.DataFrame) -> DocBin:
    items = (
        (
            row.article_id,
            row.text,
            [s[:2] for s in spans_of(row.furniture)],
            [s[:2] for s in spans_of(row.sections)],
        )
        for row in articles.itertuples(index=False)
    )
    return parse_articles(
        nlp.load(),
        items,
        batch_size=nlp.batch_size,
        n_process=nlp.n_process,
        on_progress=tracker("docs", len(articles), context.log),
    )
