"""Acceptance, sections 3 (quote clusters) and 5 (where outlets disagree), from the full run."""

import re

import pandas as pd
import pytest

from tests.conftest import SeedRun

ALL_SEEDS = ["000", "001", "002", "003", "004"]


def seeds_of(seed_run: SeedRun, article_ids) -> list[str]:
    articles = seed_run.tables["articles"]
    prefix = dict(zip(articles["article_id"], articles["source_path"].str[:3], strict=True))
    return sorted(prefix[a] for a in article_ids)


def cluster_matching(seed_run: SeedRun, pattern: str) -> pd.Series:
    clusters = seed_run.tables["quote_clusters"]
    folded = clusters["text"].str.replace("’", "'")
    found = clusters[folded.str.contains(pattern, flags=re.IGNORECASE, regex=True)]
    assert len(found) == 1, found["text"].tolist()
    return found.iloc[0]


@pytest.mark.parametrize(
    ("pattern", "seeds"),
    [
        (r"^Assad is a brutal dictator with blood on his hands", ALL_SEEDS),
        (r"^Ultimately, what we want to see is a political process forward", ALL_SEEDS),
        (r"^Nothing has changed with respect to our policy", ["000", "001", "002", "004"]),
        (r"helpful if Russia and Iran stopped their destabilizing influence", ["000", "002", "004"]),
        (r"de-escalation and protection of civilians and minority groups", ["001", "003"]),
    ],
)
def test_millers_words_form_one_cluster_across_the_outlets_that_carry_them(
    seed_run: SeedRun, pattern: str, seeds: list[str]
) -> None:
    cluster = cluster_matching(seed_run, pattern)
    assert seeds_of(seed_run, cluster["article_ids"]) == seeds
    assert cluster["speaker_name"] == "Matthew Miller"


def test_the_savett_quote_is_not_in_a_miller_cluster(seed_run: SeedRun) -> None:
    assert (
        cluster_matching(seed_run, r"\[t\]he Assad regime's ongoing refusal")["speaker_name"] == "Sean Savett"
    )


def test_a_quote_repeated_in_one_article_counts_that_article_once(seed_run: SeedRun) -> None:
    cluster = cluster_matching(seed_run, "de-escalation and protection of civilians and minority groups")
    assert len(cluster["article_ids"]) == len(set(cluster["article_ids"])) == 2
    assert len(cluster["quote_ids"]) == 3


def conflict(seed_run: SeedRun, measure: str) -> pd.Series:
    conflicts = seed_run.tables["conflicts"]
    [row] = conflicts[conflicts["measure"] == measure].itertuples(index=False)
    return pd.Series(row._asdict())


@pytest.mark.parametrize(
    ("measure", "values", "seeds"),
    [
        ("killed", {400.0, 250.0}, ["001", "004"]),
        ("displaced", {50000.0, 14000.0}, ["001", "004"]),
        ("war_start_year", {2012.0, 2011.0}, ["001", "002", "003"]),
    ],
)
def test_outlets_disagree_about(seed_run: SeedRun, measure: str, values: set, seeds: list[str]) -> None:
    row = conflict(seed_run, measure)
    assert set(row["values"]) == values
    assert seeds_of(seed_run, set(row["article_ids"])) == seeds
    assert row["description"]


def test_only_those_three_disagreements_are_reported(seed_run: SeedRun) -> None:
    assert sorted(seed_run.tables["conflicts"]["measure"]) == ["displaced", "killed", "war_start_year"]


def test_agreement_is_recorded_too(seed_run: SeedRun) -> None:
    groups = seed_run.tables["claim_groups"]
    war_2011 = groups[(groups["measure"] == "war_start_year") & (groups["value_low"] == 2011)]
    assert seeds_of(seed_run, war_2011.iloc[0]["article_ids"]) == ["002", "003"]
    assert war_2011.iloc[0]["independent_sources"] == 2
