"""Shared fixtures: one real run of the whole graph over the bundled seeds."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pytest

from pipeline.definitions import RunSummary, run
from pipeline.schema import TABLES
from pipeline.storage import read_table

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "data" / "sample"
# CI clones the project with `shared/` beside it.
SHARED = ROOT.parent / "shared"


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


@pytest.fixture(scope="session")
def seed_run(tmp_path_factory: pytest.TempPathFactory) -> SeedRun:
    warehouse = tmp_path_factory.mktemp("warehouse")
    summary = run(SAMPLE, warehouse, "en_core_web_sm", show_progress=False)
    return SeedRun(warehouse, summary, {table: read_table(warehouse, table) for table in TABLES})
