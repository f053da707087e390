"""Shared fixtures: one real run of the whole graph over the bundled seeds."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pytest

from pipeline.articles import build_articles
from pipeline.definitions import RunSummary, run
from pipeline.evaluation.ecbplus import read_document, split_of, write_articles
from pipeline.extract.sentences import sentences_table
from pipeline.ingest import discover_inputs, ingest
from pipeline.nlp import cached_pipeline, iter_docs, parse_articles
from pipeline.schema import TABLES
from pipeline.storage import read_table

# Tests write their inputs and run at once: those files are complete, not still being written.
os.environ.setdefault("NEWSRECON_SETTLE_SECONDS", "0")

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "data" / "sample"
# CI clones the project with `shared/` beside it.
SHARED = ROOT.parent / "shared"
# The test files that take minutes, longest first. `make test` (`pytest -n 2 --dist loadfile
# --no-loadscope-reorder`) hands out files in collection order, so both workers start on these and
# the short files fill in around them, instead of one worker running a long file alone at the end.
SLOWEST_FILES = (
    "test_ui_e2e.py",
    "test_object_storage.py",
    "test_executors.py",
    "test_postgres.py",
    "test_incremental.py",
)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    rank = {name: position for position, name in enumerate(SLOWEST_FILES)}
    items.sort(key=lambda item: rank.get(item.path.name, len(rank)))


@dataclass
class SeedRun:
    """The warehouse one run over the seeds produced, with its summary."""

    warehouse: Path
    summary: RunSummary
    tables: dict[str, pd.DataFrame]

    def article(self, prefix: str) -> pd.Series:
        """The article from the seed file whose name starts with `prefix` (`000`...)."""
        articles = self.tables["articles"]
        matches = articles[articles["source_path"].str.startswith(prefix)]
        assert len(matches) == 1, f"expected one article from {prefix}*, found {len(matches)}"
        return matches.iloc[0]

    def article_id(self, prefix: str) -> str:
        return self.article(prefix)["article_id"]


@dataclass
class LibraryParse:
    """A folder taken through ingest, articles, the spaCy parse and sentences, without Dagster."""

    articles: pd.DataFrame
    docs: list
    sentences: pd.DataFrame


def library_parse(folder: Path) -> LibraryParse:
    """Parse every article in `folder` the way the pipeline does, for tests of one extraction stage."""
    articles = build_articles(ingest(folder, discover_inputs(folder)).raw_articles)
    docs = list(iter_docs(parse_articles(cached_pipeline(), articles)))
    return LibraryParse(articles, docs, sentences_table(articles, docs))


def ecbplus_train_folder(folder: Path, names: tuple[str, ...]) -> Path:
    """The named ECB+ *train* documents written as articles into `folder` (skips without shared/)."""
    root = SHARED / "ecbplus"
    if not root.is_dir():
        pytest.skip(f"ECB+ not found at {root}")
    documents = [read_document(root / name.split("_")[0] / f"{name}.xml") for name in names]
    assert {split_of(document.topic) for document in documents} == {"train"}
    write_articles(documents, folder)
    return folder


@pytest.fixture(scope="session")
def seed_run(tmp_path_factory: pytest.TempPathFactory) -> SeedRun:
    warehouse = tmp_path_factory.mktemp("warehouse")
    summary = run(SAMPLE, warehouse, "en_core_web_sm", show_progress=False)
    return SeedRun(warehouse, summary, {table: read_table(warehouse, table) for table in TABLES})
