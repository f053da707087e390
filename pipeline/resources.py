"""Dagster resources: run settings and the spaCy pipeline, loaded once per process."""

from __future__ import annotations

import os
from pathlib import Path

import dagster as dg
from spacy.language import Language

from pipeline.ingest import DEFAULT_MAX_BYTES, DEFAULT_MIN_CHARS, IngestSettings
from pipeline.nlp import DEFAULT_MODEL, cached_pipeline

INPUT_ENV = "NEWSRECON_INPUT_DIR"
WAREHOUSE_ENV = "NEWSRECON_WAREHOUSE_DIR"
MODEL_ENV = "NEWSRECON_SPACY_MODEL"
DEFAULT_INPUT = "data/sample"
DEFAULT_WAREHOUSE = "warehouse"


class NewsreconSettings(dg.ConfigurableResource):
    """Where inputs come from and what counts as an article."""

    input_dir: str
    max_input_bytes: int = DEFAULT_MAX_BYTES
    min_article_chars: int = DEFAULT_MIN_CHARS

    @property
    def input_path(self) -> Path:
        return Path(self.input_dir).expanduser().resolve()

    def ingest_settings(self) -> IngestSettings:
        return IngestSettings(max_bytes=self.max_input_bytes, min_chars=self.min_article_chars)


class SpacyResource(dg.ConfigurableResource):
    """The spaCy pipeline; `nlp.pipe` batching is configured here, not in code."""

    model: str = DEFAULT_MODEL
    batch_size: int = 64
    n_process: int = 1

    def load(self) -> Language:
        """The pipeline, loaded on first use in each process and reused afterwards."""
        return cached_pipeline(self.model)


def settings_from_env() -> tuple[str, str, str]:
    """Input folder, warehouse folder and model name, as the UI and the CLI read them."""
    return (
        os.environ.get(INPUT_ENV, DEFAULT_INPUT),
        os.environ.get(WAREHOUSE_ENV, DEFAULT_WAREHOUSE),
        os.environ.get(MODEL_ENV, DEFAULT_MODEL),
    )
