"""Acceptance, section 2 (entities): every listed surface form resolves to its one entity."""

import re

import pandas as pd
import pytest

from tests.conftest import SeedRun

ALL_SEEDS = ["000", "001", "002", "003", "004"]


def mentions_at(seed_run: SeedRun, pattern: str) -> pd.DataFrame:
    """Mentions overlapping any match of `pattern`, in any article, with the article's file prefix."""
    mentions = seed_run.tables["mentions"]
    found = []
    for article in seed_run.tables["articles"].itertuples():
        in_article = mentions[mentions["article_id"] == article.article_id]
        for match in re.finditer(pattern, article.text):
            hits = in_article[
                (in_article["start_char"] < match.end()) & (in_article["end_char"] > match.start())
            ]
            found.append(hits.assign(seed=article.source_path[:3], surface=match.group()))
    return pd.concat(found, ignore_index=True) if found else mentions.head(0).assign(seed=[], surface=[])


def entity_of(seed_run: SeedRun, patterns: list[str], label: str) -> pd.DataFrame:
    """The mentions of type `label` inside the surface forms; the test then asks they share one entity."""
    hits = pd.concat([mentions_at(seed_run, pattern) for pattern in patterns], ignore_index=True)
    return hits[hits["label"] == label]


def assert_one_entity(hits: pd.DataFrame, surfaces: list[str], seeds: list[str]) -> None:
    assert set(hits["surface"]) >= set(surfaces), (
        f"surface forms without a mention: {set(surfaces) - set(hits['surface'])}"
    )
    assert hits["entity_id"].nunique() == 1, hits.groupby("surface")["entity_id"].unique().to_dict()
    assert sorted(set(hits["seed"])) == seeds


def test_matthew_miller_is_one_person_in_all_five_articles(seed_run: SeedRun) -> None:
    surfaces = [
        "Matthew Miller",
        "Miller",
        "Spokesperson Miller",
        "State Department spokesperson Matthew Miller",
    ]
    hits = entity_of(seed_run, [rf"\b{re.escape(s)}\b" for s in surfaces], "PERSON")
    assert_one_entity(hits, surfaces, ALL_SEEDS)


def test_bashar_al_assad_is_one_person_in_all_five_articles(seed_run: SeedRun) -> None:
    surfaces = ["Assad", "Bashar al-Assad", "President Bashar al-Assad"]
    hits = entity_of(seed_run, [rf"\b{re.escape(s)}\b(?! regime)" for s in surfaces], "PERSON")
    assert_one_entity(hits, surfaces, ALL_SEEDS)


def test_the_assad_regime_is_not_the_person(seed_run: SeedRun) -> None:
    person = entity_of(seed_run, [r"\bBashar al-Assad\b"], "PERSON")["entity_id"].iloc[0]
    regime = mentions_at(seed_run, r"\bAssad regime\b")
    assert not regime.empty
    assert not ((regime["entity_id"] == person) & (regime["label"] == "PERSON")).any()


def test_hayat_tahrir_al_sham_is_one_organisation(seed_run: SeedRun) -> None:
    surfaces = ["Hayat Tahrir al-Sham", "Hay’at Tahrir al-Sham", "HTS"]
    hits = entity_of(seed_run, [rf"\b{re.escape(s)}\b" for s in surfaces], "ORG")
    assert_one_entity(hits, surfaces, ["000", "001", "002", "004"])


def test_hayat_tahrir_al_sham_is_never_a_person(seed_run: SeedRun) -> None:
    hits = mentions_at(seed_run, r"\bHay[’']?at Tahrir al-Sham\b|\bHTS\b")
    assert not hits.empty
    assert (hits["label"] != "PERSON").all()


def test_resolution_2254_is_one_instrument(seed_run: SeedRun) -> None:
    surfaces = [
        "United Nations Security Council Resolution 2254",
        "UNSCR 2254",
        "Resolution 2254",
        "UN Security Council Resolution, 2254",
    ]
    hits = entity_of(seed_run, [rf"\b{re.escape(s)}\b" for s in surfaces], "LAW")
    assert_one_entity(hits, surfaces, ["000", "001", "002", "003"])


def test_turkey_and_turkiye_are_one_country(seed_run: SeedRun) -> None:
    hits = entity_of(seed_run, [r"\bTurkey\b", r"\bTürkiye\b"], "GPE")
    assert_one_entity(hits, ["Turkey", "Türkiye"], ["000", "004"])


def test_distinct_people_stay_distinct(seed_run: SeedRun) -> None:
    people = ["Antony Blinken", "Hakan Fidan", "Sean Savett", "Khagan Isayev", "Matthew Miller"]
    ids = {}
    for name in people:
        hits = entity_of(seed_run, [rf"\b{name}\b"], "PERSON")
        assert hits["entity_id"].nunique() == 1, name
        ids[name] = hits["entity_id"].iloc[0]
    assert len(set(ids.values())) == len(people), ids


@pytest.mark.parametrize("name", ["Matthew Miller", "Bashar al-Assad", "Hayat Tahrir al-Sham"])
def test_entity_names_are_the_full_name(seed_run: SeedRun, name: str) -> None:
    assert name in set(seed_run.tables["entities"]["name"])
