"""Acceptance, section 4 (claims and time), read from the tables of the full run over the seeds."""

import pandas as pd
import pytest

from pipeline.text import name_key
from tests.conftest import SeedRun


def rows_of(seed_run: SeedRun, table: str, seed: str) -> pd.DataFrame:
    frame = seed_run.tables[table]
    return frame[frame["article_id"] == seed_run.article_id(seed)]


def claim(seed_run: SeedRun, seed: str, number_text: str) -> pd.Series:
    claims = rows_of(seed_run, "claims", seed)
    [row] = claims[claims["number_text"] == number_text].itertuples(index=False)
    return pd.Series(row._asdict())


@pytest.mark.parametrize(
    ("seed", "number_text", "measure", "value", "qualifier", "source"),
    [
        ("001", "more than 400", "killed", 400, "more than", "Syrian Observatory for Human Rights"),
        ("001", "at least 72", "civilians_killed", 72, "at least", "Syrian Observatory for Human Rights"),
        ("004", "over 250", "killed", 250, "over", None),
        ("001", "Nearly 50,000", "displaced", 50000, "nearly", "UN"),
        ("004", "over 14,000", "displaced", 14000, "over", None),
        ("004", "nearly 1,000", "fighters_killed", 1000, "nearly", "Syrian state television"),
        ("004", "more than 50", "places_captured", 50, "more than", None),
    ],
)
def test_typed_numeric_claims_with_qualifier_and_source(
    seed_run: SeedRun,
    seed: str,
    number_text: str,
    measure: str,
    value: int,
    qualifier: str,
    source: str | None,
) -> None:
    row = claim(seed_run, seed, number_text)
    assert (row["measure"], row["value"], row["qualifier"]) == (measure, value, qualifier)
    if source is None:
        assert pd.isna(row["attributed_to"])
    else:
        assert name_key(source) in name_key(row["attributed_to"])


def test_the_72_civilians_are_a_sub_claim_of_the_400_killed(seed_run: SeedRun) -> None:
    parent = claim(seed_run, "001", "more than 400")
    assert claim(seed_run, "001", "at least 72")["parent_claim_id"] == parent["claim_id"]


def test_insurgents_are_the_subject_of_the_1000_killed(seed_run: SeedRun) -> None:
    assert claim(seed_run, "004", "nearly 1,000")["subject"] == "insurgents"


@pytest.mark.parametrize(
    ("seed", "text", "value"),
    [
        ("000", "December 2, 2024", "2024-12-02"),
        ("001", "Dec. 2", "2024-12-02"),
        ("004", "December 2", "2024-12-02"),
        ("004", "November 27", "2024-11-27"),
    ],
)
def test_dates_resolve(seed_run: SeedRun, seed: str, text: str, value: str) -> None:
    times = rows_of(seed_run, "time_expressions", seed)
    assert set(times.loc[times["text"] == text, "value"]) == {value}


def test_monday_in_001_is_the_briefing_day(seed_run: SeedRun) -> None:
    times = rows_of(seed_run, "time_expressions", "001")
    mondays = times[times["text"] == "Monday"]
    assert set(mondays["value"]) == {"2024-12-02"}
    assert set(mondays["anchor"]) == {"publication_date"}


def test_an_undated_article_is_anchored_on_its_story(seed_run: SeedRun) -> None:
    times = rows_of(seed_run, "time_expressions", "004")
    assert set(times.loc[times["text"] == "November 27", "anchor"]) == {"story_date"}


@pytest.mark.parametrize("seed", ["000", "001"])
def test_last_week_is_anchored_on_the_publication_date(seed_run: SeedRun, seed: str) -> None:
    times = rows_of(seed_run, "time_expressions", seed)
    last_week = times[times["text"].str.lower() == "last week"]
    assert not last_week.empty
    assert set(last_week["value"]) == {"2024-W48"} and set(last_week["anchor"]) == {"publication_date"}


def test_durations_are_marked_not_dated(seed_run: SeedRun) -> None:
    times = rows_of(seed_run, "time_expressions", "000")
    [row] = times[times["text"] == "more than a decade"].itertuples()
    assert (row.granularity, row.value, row.modifier) == ("duration", "P10Y", "more than")
