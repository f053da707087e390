"""Docs: the one spaCy parse of every article, which every extraction stage reads."""

import dagster as dg
import pandas as pd
from spacy.tokens import DocBin

from pipeline.io import BATCHES
from pipeline.nlp import parse_articles
from pipeline.progress import tracker
from pipeline.resources import SpacyResource


@dg.asset(
    io_manager_key="docbin_io_manager",
    partitions_def=BATCHES,
    group_name="parse",
    kinds={"spacy"},
    description="spaCy parse of every article (furniture blanked), as a DocBin.",
)
def docs(context: dg.AssetExecutionContext, nlp: SpacyResource, articles: pd.DataFrame) -> DocBin:
    return parse_articles(
        nlp.load(),
        articles,
        batch_size=nlp.batch_size,
        n_process=nlp.processes_for(len(articles)),
        on_progress=tracker("docs", len(articles), context.log),
    )
