"""Acceptance, section 3 (extraction part): Miller's quotes found in every outlet and attributed."""

import re

import pandas as pd
import pytest

from tests.conftest import SeedRun

ALL_SEEDS = ["000", "001", "002", "003", "004"]


def quotes_containing(seed_run: SeedRun, pattern: str) -> pd.DataFrame:
    """Quotes whose text matches `pattern` (case-insensitive, typography folded), with their seed prefix."""
    quotes = seed_run.tables["quotes"]
    articles = seed_run.tables["articles"]
    sources = dict(zip(articles["article_id"], articles["source_path"], strict=True))
    folded = quotes["text"].str.replace("’", "'").str.replace(r"\s+", " ", regex=True)
    found = quotes[folded.str.contains(pattern, flags=re.IGNORECASE, regex=True)]
    return found.assign(seed=found["article_id"].map(sources).str[:3])


@pytest.mark.parametrize(
    ("pattern", "seeds"),
    [
        (r"Assad is a brutal dictator with blood on his hands", ALL_SEEDS),
        (r"Ultimately, what we want to see is a political process forward", ALL_SEEDS),
        (r"Nothing has changed", ["000", "001", "002", "004"]),
        (
            r"helpful if Russia and Iran stopped their destabilizing influence inside (?:of )?Syria",
            ["000", "002", "004"],
        ),
        (r"de-escalation and protection of civilians and minority groups", ["001", "003"]),
    ],
)
def test_millers_quote_is_found_in_each_outlet_that_carries_it(
    seed_run: SeedRun, pattern: str, seeds: list[str]
) -> None:
    found = quotes_containing(seed_run, pattern)
    assert sorted(set(found["seed"])) == seeds
    assert set(found["speaker_name"]) == {"Matthew Miller"}


def test_millers_quotes_point_to_his_entity(seed_run: SeedRun) -> None:
    entities = seed_run.tables["entities"]
    miller = entities.loc[entities["name"] == "Matthew Miller", "entity_id"].item()
    found = quotes_containing(seed_run, "Assad is a brutal dictator")
    assert set(found["speaker_entity_id"]) == {miller}


def test_the_savett_quote_is_attributed_to_savett_not_miller(seed_run: SeedRun) -> None:
    [savett] = quotes_containing(seed_run, r"\[t\]he Assad regime's ongoing refusal").itertuples()
    assert savett.speaker_name == "Sean Savett"
    assert savett.seed == "002"


def test_a_quote_repeated_inside_one_article_is_found_each_time(seed_run: SeedRun) -> None:
    found = quotes_containing(seed_run, r"^What we want to see are de-escalation")
    assert found["seed"].tolist() == ["003", "003"]


def test_block_quote_under_the_speaker_line_is_millers(seed_run: SeedRun) -> None:
    [row] = quotes_containing(seed_run, "Nothing has changed").query("seed == '000'").itertuples()
    assert (row.kind, row.speaker_name) == ("block", "Matthew Miller")


@pytest.mark.parametrize(
    ("seed", "pattern", "cue"),
    [
        ("003", "What we want to see are de-escalation", "told reporters"),
        ("001", "That's what we want to see over the long term", "added"),
        ("002", "in any way, shape or form", "emphasized"),
    ],
)
def test_the_cue_is_recorded(seed_run: SeedRun, seed: str, pattern: str, cue: str) -> None:
    found = quotes_containing(seed_run, pattern)
    assert set(found.loc[found["seed"] == seed, "cue"]) == {cue}


def test_partial_quotes_inside_reported_speech_are_marked_partial(seed_run: SeedRun) -> None:
    assert set(quotes_containing(seed_run, "in any way, shape or form")["kind"]) == {"partial"}
