"""Entities: mentions found in each batch's articles, then resolved across all articles."""

import dagster as dg
import pandas as pd
from spacy.tokens import DocBin

from pipeline.extract.mentions import mention_candidates as find_mention_candidates
from pipeline.io import table_asset, table_out
from pipeline.nlp import table_from_docs
from pipeline.progress import tracker
from pipeline.reconcile.entities import resolve_entities
from pipeline.resources import WorkersResource


@table_asset("mention_candidates", group_name="extract")
def mention_candidates(
    context: dg.AssetExecutionContext,
    workers: WorkersResource,
    articles: pd.DataFrame,
    sentences: pd.DataFrame,
    docs: DocBin,
) -> pd.DataFrame:
    return table_from_docs(
        lambda parsed: find_mention_candidates(articles, sentences, parsed),
        docs,
        workers.processes_for(len(docs)),
        tracker("mentions", len(docs), context.log),
    )


@dg.multi_asset(
    outs={"mentions": table_out("mentions"), "entities": table_out("entities")},
    group_name="reconcile",
)
def resolve_mentions(mention_candidates: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    return resolve_entities(mention_candidates)
