"""Dagster resources: run settings and the spaCy pipeline, loaded once per process."""

from __future__ import annotations

import os
from pathlib import Path

import dagster as dg
from pydantic import Field
from spacy.language import Language

from pipeline.batches import BatchLedger
from pipeline.ingest import DEFAULT_LANGUAGES, DEFAULT_MAX_BYTES, DEFAULT_MIN_CHARS, IngestSettings
from pipeline.nlp import DEFAULT_MODEL, cached_pipeline, worker_processes
from pipeline.storage import WarehousePath, warehouse_path

INPUT_ENV = "NEWSRECON_INPUT_DIR"
WAREHOUSE_ENV = "NEWSRECON_WAREHOUSE_DIR"
MODEL_ENV = "NEWSRECON_SPACY_MODEL"
SETTLE_ENV = "NEWSRECON_SETTLE_SECONDS"
DEFAULT_INPUT = "data/sample"
DEFAULT_WAREHOUSE = "warehouse"
# A file modified this recently may still be being written: it is quarantined, and read by a later run.
DEFAULT_SETTLE_SECONDS = 2.0


def settle_seconds_from_env() -> float:
    """`NEWSRECON_SETTLE_SECONDS`, or the 2 s default when it is not set."""
    value = os.environ.get(SETTLE_ENV)
    if value is None:
        return DEFAULT_SETTLE_SECONDS
    try:
        return float(value)
    except ValueError:
        raise ValueError(f"{SETTLE_ENV} must be a number of seconds, not {value!r}") from None


class NewsreconSettings(dg.ConfigurableResource):
    """Where inputs come from and what counts as an article.

    `settle_seconds` defaults to `NEWSRECON_SETTLE_SECONDS` when set, else 2 s:
    whoever writes inputs and runs at once (tests, evaluation) sets it to 0.
    """

    input_dir: str
    max_input_bytes: int = DEFAULT_MAX_BYTES
    min_article_chars: int = DEFAULT_MIN_CHARS
    settle_seconds: float = Field(default_factory=settle_seconds_from_env)
    accepted_languages: list[str] = Field(default_factory=lambda: list(DEFAULT_LANGUAGES))

    @property
    def input_path(self) -> Path:
        return Path(self.input_dir).expanduser().resolve()

    def ingest_settings(self) -> IngestSettings:
        """The same limits for ingestion and for the accounting check, which must expand inputs alike."""
        return IngestSettings(
            max_bytes=self.max_input_bytes,
            min_chars=self.min_article_chars,
            settle_seconds=self.settle_seconds,
            languages=tuple(self.accepted_languages),
        )


class WarehouseResource(dg.ConfigurableResource):
    """The warehouse, for what lives there beside the tables: the batch ledger, the report.

    `warehouse_dir` is a folder or an fsspec URL (`s3://bucket/prefix`); see `pipeline.storage`.
    """

    warehouse_dir: str

    @property
    def path(self) -> WarehousePath:
        """An absolute local Path for a folder, a UPath for a URL."""
        return warehouse_path(self.warehouse_dir)

    def ledger(self) -> BatchLedger:
        """The record of input batches: which files each partition reads."""
        return BatchLedger(self.path)


class SpacyResource(dg.ConfigurableResource):
    """The spaCy pipeline; `nlp.pipe` batching and processes are configured here, not in code.

    `n_process` unset means one process per usable core for batches big enough
    to repay starting them (`min_documents_per_process` each).
    """

    model: str = DEFAULT_MODEL
    batch_size: int = 64
    n_process: int | None = None
    min_documents_per_process: int = 100

    def load(self) -> Language:
        """The pipeline, loaded on first use in each process and reused afterwards."""
        return cached_pipeline(self.model)

    def processes_for(self, documents: int) -> int:
        """The `n_process` to parse `documents` texts with."""
        return worker_processes(documents, self.n_process, self.min_documents_per_process)


class WorkersResource(dg.ConfigurableResource):
    """Forked worker processes for the CPU-bound steps after the parse (`pipeline.forked`).

    Extraction shares out a batch's articles and the report its stories. `processes`
    unset means one per usable core when each gets at least `min_items_per_process`
    items, and one inside daemonic processes (Dask, Celery workers), which may not
    start children. Set `processes: 1` where other steps or runs keep every core busy.
    """

    processes: int | None = None
    min_items_per_process: int = 20

    def processes_for(self, items: int) -> int:
        """How many processes to share `items` between."""
        return worker_processes(items, self.processes, self.min_items_per_process)


def settings_from_env() -> tuple[str, str, str]:
    """Input folder, warehouse folder and model name, as the UI and the CLI read them."""
    return (
        os.environ.get(INPUT_ENV, DEFAULT_INPUT),
        os.environ.get(WAREHOUSE_ENV, DEFAULT_WAREHOUSE),
        os.environ.get(MODEL_ENV, DEFAULT_MODEL),
    )
