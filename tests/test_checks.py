"""The blocking checks fail on broken tables: a check that cannot fail is a defect.

Each test copies the seed run's warehouse, breaks one thing the way real bugs
would, and runs the check that must catch it with the `validate_warehouse` job
(one check: each Great Expectations suite takes seconds, and the others see
unbroken tables).
"""

from __future__ import annotations

import shutil
from collections.abc import Callable, Collection
from pathlib import Path

import pandas as pd
import pytest

from pipeline.definitions import validate as run_checks
from pipeline.storage import partition_keys, read_table, write_table
from tests.conftest import SAMPLE, SeedRun

ACCOUNTING = "inputs_accounted_for"


def validate(
    warehouse: Path, input_dir: Path = SAMPLE, checks: Collection[str] | None = None
) -> dict[str, bool]:
    """`check name -> passed` for every check (or those named), run on the tables as they are."""
    summary = run_checks(input_dir, warehouse, checks)
    results = {name.split(":", 1)[1]: True for name in summary.checks_passed}
    results.update({check: False for _, check, _ in summary.checks_failed})
    return results


def broken(
    seed_run: SeedRun, tmp_path: Path, table: str, breakage: Callable[[pd.DataFrame], pd.DataFrame]
) -> Path:
    """A copy of the seed warehouse with `table` (its one batch, for a per-batch table) broken."""
    warehouse = tmp_path / "warehouse"
    shutil.copytree(seed_run.warehouse, warehouse)
    (batch,) = partition_keys(warehouse, table) or [None]
    write_table(warehouse, table, breakage(read_table(warehouse, table)), batch)
    return warehouse


def test_every_check_passes_on_the_seed_run(seed_run: SeedRun) -> None:
    results = validate(seed_run.warehouse)
    assert len(results) >= 12
    assert all(results.values()), {name for name, passed in results.items() if not passed}


def _first_row(frame: pd.DataFrame, column: str, value: object) -> pd.DataFrame:
    frame = frame.copy()
    frame.loc[frame.index[0], column] = value
    return frame


BREAKAGES = {
    "duplicate article id": (
        "raw_articles",
        lambda f: pd.concat([f, f.head(1)]),
        "raw_articles_expectations",
    ),
    "bad sha256": (
        "raw_articles",
        lambda f: _first_row(f, "sha256", "not-a-hash"),
        "raw_articles_expectations",
    ),
    "body ends before it starts": (
        "articles",
        lambda f: _first_row(f, "body_start", int(f["body_end"].iloc[0]) + 1),
        "articles_expectations",
    ),
    "sentence text off by one": (
        "sentences",
        lambda f: _first_row(f, "start_char", int(f["start_char"].iloc[0]) + 1),
        "sentences_spans_match_article_text",
    ),
    "negative offset": ("sentences", lambda f: _first_row(f, "start_char", -1), "sentences_expectations"),
    "unknown entity type": (
        "mentions",
        lambda f: _first_row(f, "label", "SPACESHIP"),
        "mentions_expectations",
    ),
    "mention of a missing entity": (
        "mentions",
        lambda f: _first_row(f, "entity_id", "E-nowhere"),
        "mentions_entity_id_in_entities",
    ),
    "mention text not in the article": (
        "mentions",
        lambda f: _first_row(f, "text", "something else"),
        "mentions_spans_match_article_text",
    ),
    "duplicate entity": ("entities", lambda f: pd.concat([f, f.head(1)]), "entities_expectations"),
    "quote text not in the article": (
        "quotes",
        lambda f: _first_row(f, "text", "words nobody said"),
        "quotes_spans_match_article_text",
    ),
    "quote of an unknown kind": ("quotes", lambda f: _first_row(f, "kind", "rumour"), "quotes_expectations"),
    "quote by a missing entity": (
        "quotes",
        lambda f: _first_row(f, "speaker_entity_id", "E-nowhere"),
        "quotes_speaker_entity_id_in_entities",
    ),
    "claim figure not in the article": (
        "claims",
        lambda f: _first_row(f, "number_text", "a million"),
        "claims_figures_match_article_text",
    ),
    "claim range upside down": (
        "claims",
        lambda f: _first_row(f, "value_high", float(f["value"].iloc[0]) - 1),
        "claims_expectations",
    ),
    "sub-claim of a missing claim": (
        "claims",
        lambda f: _first_row(f, "parent_claim_id", "nowhere:0-1"),
        "claims_parent_claim_id_in_claims",
    ),
    "time span off by one": (
        "time_expressions",
        lambda f: _first_row(f, "end_char", int(f["end_char"].iloc[0]) + 1),
        "time_expressions_spans_match_article_text",
    ),
    "time candidate span off by one": (
        "time_candidates",
        lambda f: _first_row(f, "start_char", int(f["start_char"].iloc[0]) + 1),
        "time_candidates_spans_match_article_text",
    ),
    "date that is not ISO": (
        "time_expressions",
        lambda f: _first_row(f, "value", "2nd of December"),
        "time_expressions_expectations",
    ),
    "quote in a missing cluster": (
        "quotes",
        lambda f: _first_row(f, "cluster_id", "Q-nowhere"),
        "quotes_cluster_id_in_quote_clusters",
    ),
    "conflict in a missing story": (
        "conflicts",
        lambda f: _first_row(f, "story_id", "S-nowhere"),
        "conflicts_story_id_in_stories",
    ),
    "claim group in a missing story": (
        "claim_groups",
        lambda f: _first_row(f, "story_id", "S-nowhere"),
        "claim_groups_story_id_in_stories",
    ),
    "article in no story": (
        "stories",
        lambda f: f.assign(article_ids=[list(ids)[1:] for ids in f["article_ids"]]),
        "stories_cover_articles",
    ),
}


@pytest.mark.parametrize("breakage", sorted(BREAKAGES))
def test_check_fails_on_broken_table(seed_run: SeedRun, tmp_path: Path, breakage: str) -> None:
    table, change, check = BREAKAGES[breakage]
    results = validate(broken(seed_run, tmp_path, table, change), checks=[check])
    assert results[check] is False


def test_an_input_in_neither_articles_nor_quarantine_fails_the_accounting(
    seed_run: SeedRun, tmp_path: Path
) -> None:
    warehouse = broken(seed_run, tmp_path, "articles", lambda f: f.iloc[1:])
    assert validate(warehouse, checks=[ACCOUNTING])[ACCOUNTING] is False


def test_a_file_arriving_after_its_batch_was_made_does_not_upset_the_accounting(
    seed_run: SeedRun, tmp_path: Path
) -> None:
    input_dir = tmp_path / "input"
    shutil.copytree(SAMPLE, input_dir)
    (input_dir / "late_arrival.txt").write_text("A file that arrived after the run. " * 10, encoding="utf-8")
    assert validate(seed_run.warehouse, input_dir, [ACCOUNTING])[ACCOUNTING] is True


def test_a_check_named_that_does_not_exist_is_refused(seed_run: SeedRun) -> None:
    with pytest.raises(KeyError, match="no such checks: articles_are_poems"):
        validate(seed_run.warehouse, checks=["articles_are_poems"])
