"""Entities: mentions found in each article, resolved across all articles."""

import dagster as dg
import pandas as pd
from spacy.tokens import DocBin

from pipeline.extract.mentions import mention_candidates
from pipeline.io import table_out
from pipeline.nlp import iter_docs
from pipeline.progress import tracker
from pipeline.reconcile.entities import resolve_entities


@dg.multi_asset(
    outs={"mentions": table_out("mentions"), "entities": table_out("entities")},
    group_name="reconcile",
)
def resolve_mentions(
    context: dg.AssetExecutionContext, articles: pd.DataFrame, sentences: pd.DataFrame, docs: DocBin
) -> tuple[pd.DataFrame, pd.DataFrame]:
    candidates = mention_candidates(
        articles, sentences, iter_docs(docs), on_progress=tracker("mentions", len(docs), context.log)
    )
    return resolve_entities(candidates)
