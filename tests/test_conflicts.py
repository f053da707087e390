"""Claims that agree and claims that conflict: acceptance section 5 on the seeds, and cases of our own."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from pipeline.datafiles import packaged
from pipeline.extract.claims import claims_table
from pipeline.reconcile.conflicts import CONFLICT_COLUMNS, GROUP_COLUMNS, ConflictSettings, reconcile_claims
from pipeline.reconcile.overlap import COLUMNS as OVERLAP_COLUMNS
from tests.conftest import SAMPLE, library_parse

NO_OVERLAP = pd.DataFrame(columns=OVERLAP_COLUMNS)


# --------------------------------------------------------------------------- the seeds


@pytest.fixture(scope="module")
def seeds() -> dict:
    """The seed claims from the library pipeline, reconciled as the one story they are.

    The seeds share no copy outside quotations (`test_overlap.py`), so no overlap is passed.
    """
    parsed = library_parse(SAMPLE)
    claims = claims_table(parsed.articles, parsed.sentences, parsed.docs)
    stories = pd.DataFrame({"story_id": ["S1"], "article_ids": [list(parsed.articles["article_id"])]})
    groups, conflicts = reconcile_claims(claims, stories, parsed.articles, NO_OVERLAP)
    return {"articles": parsed.articles, "claims": claims, "groups": groups, "conflicts": conflicts}


def seed_claim(seeds: dict, seed: str, number_text: str) -> str:
    """The id of the claim whose figure reads `number_text` in the seed file starting with `seed`."""
    articles, claims = seeds["articles"], seeds["claims"]
    [article_id] = articles.loc[articles["source_path"].str.startswith(seed), "article_id"]
    [claim_id] = claims.loc[
        (claims["article_id"] == article_id) & (claims["number_text"] == number_text), "claim_id"
    ]
    return claim_id


def group_of(groups: pd.DataFrame, claim_id: str) -> pd.Series:
    [row] = [row for _, row in groups.iterrows() if claim_id in row["claim_ids"]]
    return row


def conflicts_between(conflicts: pd.DataFrame, first: str, second: str) -> pd.DataFrame:
    return conflicts[[first in ids and second in ids for ids in conflicts["claim_ids"]]]


@pytest.mark.parametrize(
    ("measure", "one", "other", "words"),
    [
        ("killed", ("001", "more than 400"), ("004", "over 250"), ["more than 400", "over 250"]),
        ("displaced", ("001", "Nearly 50,000"), ("004", "over 14,000"), ["nearly 50,000", "over 14,000"]),
        ("war_start_year", ("001", "2012"), ("002", "2011"), ["2012", "2011"]),
    ],
)
def test_seed_outlets_disagree(seeds: dict, measure: str, one: tuple, other: tuple, words: list[str]) -> None:
    found = conflicts_between(seeds["conflicts"], seed_claim(seeds, *one), seed_claim(seeds, *other))
    [conflict] = found.itertuples(index=False)
    assert conflict.measure == measure
    assert all(word in conflict.description for word in words)
    assert one[0] in conflict.description and other[0] in conflict.description


def test_the_seeds_have_only_those_three_conflicts(seeds: dict) -> None:
    assert sorted(seeds["conflicts"]["measure"]) == ["displaced", "killed", "war_start_year"]


@pytest.mark.parametrize(
    ("one", "other"),
    [
        (("001", "Over 400"), ("001", "more than 400")),  # headline and body: one voice
        (("002", "2011"), ("003", "fourteenth year")),  # 2024 is the war's fourteenth year
        (("001", "2012"), ("001", "12-year")),  # `since 2012` and `the 12-year war`
        (("001", "dozens"), ("004", "more than 50")),  # towns and villages captured
    ],
)
def test_seed_statements_that_agree_are_one_group_and_no_conflict(
    seeds: dict, one: tuple, other: tuple
) -> None:
    first, second = seed_claim(seeds, *one), seed_claim(seeds, *other)
    assert group_of(seeds["groups"], first)["group_id"] == group_of(seeds["groups"], second)["group_id"]
    assert all((first in ids) == (second in ids) for ids in seeds["conflicts"]["claim_ids"]), "same side"


def test_seed_groups_read_as_sentences(seeds: dict) -> None:
    descriptions = set(seeds["groups"]["description"])
    assert "2 articles (2 independent sources) agree that the war began in 2011." in descriptions
    assert "1 article says that more than 400 people were killed." in descriptions
    assert "1 article says that nearly 1,000 insurgents were killed." in descriptions


def test_the_at_least_18_killed_in_one_air_strike_is_no_rival_toll(seeds: dict) -> None:
    strike = seed_claim(seeds, "004", "at least 18")
    assert not any(strike in ids for ids in seeds["conflicts"]["claim_ids"])


def test_every_seed_claim_is_in_exactly_one_group(seeds: dict) -> None:
    grouped = [claim_id for ids in seeds["groups"]["claim_ids"] for claim_id in ids]
    assert sorted(grouped) == sorted(seeds["claims"]["claim_id"])


# --------------------------------------------------------------------------- cases of our own


def claim(
    article_id: str,
    number_text: str,
    value: float,
    *,
    measure: str = "killed",
    qualifier: str | None = None,
    value_high: float | None = None,
    subject: str | None = None,
    unit: str = "people",
    source: str | None = None,
    parent: str | None = None,
    text: str | None = None,
    at: int = 0,
) -> dict:
    """A `claims` row: the clause `text` (by default `<figure> people were killed`) starting at `at`."""
    text = text or f"{number_text} {subject or unit} were killed"
    start = at + text.index(number_text)
    return {
        "claim_id": f"{article_id}:{start}",
        "article_id": article_id,
        "sentence_id": 0,
        "start_char": at,
        "end_char": at + len(text),
        "text": text,
        "measure": measure,
        "value": float(value),
        "value_high": value_high,
        "unit": unit,
        "qualifier": qualifier,
        "attributed_to": source,
        "subject": subject,
        "number_start": start,
        "number_end": start + len(number_text),
        "number_text": number_text,
        "parent_claim_id": parent,
    }


def reconcile(
    *claims: dict,
    stories: dict[str, list[str]] | None = None,
    shared_copy: tuple = (),
    outlets: dict[str, str] | None = None,
    settings: ConflictSettings | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The claim rows reconciled as one story (or `stories`); `shared_copy` lists overlapping pairs.

    Articles come from files named after their ids, with the given `outlets`.
    """
    frame = pd.DataFrame(claims)
    article_ids = sorted(set(frame["article_id"]))
    stories = stories or {"S1": article_ids}
    articles = pd.DataFrame(
        {
            "article_id": article_ids,
            "outlet": [(outlets or {}).get(article_id) for article_id in article_ids],
            "source_path": [f"{article_id}.txt" for article_id in article_ids],
            "published_date": None,
        }
    )
    overlap = pd.DataFrame([(a, b, 500, 0.5, 1) for a, b in shared_copy], columns=OVERLAP_COLUMNS)
    return reconcile_claims(
        frame,
        pd.DataFrame({"story_id": list(stories), "article_ids": list(stories.values())}),
        articles,
        overlap,
        settings,
    )


def test_more_than_and_at_least_the_same_figure_agree() -> None:
    groups, conflicts = reconcile(
        claim("a", "more than 400", 400, qualifier="more than"),
        claim("b", "at least 400", 400, qualifier="at least"),
    )
    assert conflicts.empty
    [group] = groups.itertuples(index=False)
    assert group.value_low == 400 and pd.isna(group.value_high), "open-ended: no high value"
    assert (
        group.description == "2 articles (2 independent sources) agree that more than 400 people were killed."
    )


def test_news_rounds_down_so_more_than_400_conflicts_with_over_250() -> None:
    groups, conflicts = reconcile(
        claim("a", "more than 400", 400, qualifier="more than", source="the monitor"),
        claim("b", "over 250", 250, qualifier="over"),
    )
    assert len(groups) == 2
    [conflict] = conflicts.itertuples(index=False)
    assert list(conflicts.columns) == CONFLICT_COLUMNS
    assert conflict.claim_ids == ["a:0", "b:0"]
    assert conflict.article_ids == ["a", "b"]
    assert conflict.values == [400.0, 250.0]
    assert conflict.spread == pytest.approx(1.6)
    assert (
        conflict.description
        == "Killed: a says more than 400 (according to the monitor), while b says over 250."
    )


def test_about_and_nearly_the_same_figure_agree() -> None:
    groups, conflicts = reconcile(
        claim("a", "about 1,000", 1000, qualifier="about"),
        claim("b", "nearly 1,000", 1000, qualifier="nearly"),
    )
    assert conflicts.empty
    assert groups[["value_low", "value_high"]].values.tolist() == [[750.0, 1000.0]]


def test_nearly_50000_conflicts_with_over_14000() -> None:
    _, conflicts = reconcile(
        claim("a", "nearly 50,000", 50000, qualifier="nearly", measure="displaced"),
        claim("b", "over 14,000", 14000, qualifier="over", measure="displaced"),
    )
    assert conflicts["description"].tolist() == ["Displaced: a says nearly 50,000, while b says over 14,000."]


def test_a_range_agrees_with_a_figure_inside_it_and_conflicts_with_one_outside() -> None:
    between = claim("a", "between 20 and 30", 20, value_high=30)
    groups, conflicts = reconcile(between, claim("b", "25", 25))
    assert conflicts.empty
    assert groups[["value_low", "value_high"]].values.tolist() == [[25.0, 25.0]]
    _, conflicts = reconcile(between, claim("b", "40", 40))
    assert conflicts["description"].tolist() == ["Killed: b says 40, while a says between 20 and 30."]


def test_years_are_exact_whatever_the_qualifier() -> None:
    year = {"measure": "war_start_year", "unit": "year"}
    _, conflicts = reconcile(
        claim("a", "2012", 2012, **year), claim("b", "2011", 2011, qualifier="about", **year)
    )
    assert conflicts["description"].tolist() == ["War start year: a says 2012, while b says 2011."]


def test_a_figure_repeated_in_one_article_is_one_voice() -> None:
    groups, conflicts = reconcile(
        claim("a", "Over 400", 400, qualifier="over", text="Over 400 killed in current offensive"),
        claim("a", "more than 400", 400, qualifier="more than", at=100),
    )
    assert conflicts.empty
    [group] = groups.itertuples(index=False)
    assert (group.claim_ids, group.article_ids) == (["a:0", "a:100"], ["a"])
    assert group.description == "1 article says that over 400 people were killed.", "the first wording"


def test_a_sub_claim_never_conflicts_with_its_parent() -> None:
    parent = claim("a", "more than 400", 400, qualifier="more than")
    part = claim("a", "72", 72, parent="a:0", at=50, text="including 72 in Aleppo")
    groups, conflicts = reconcile(parent, part, claim("b", "over 400", 400, qualifier="over"))
    assert conflicts.empty
    assert groups["claim_ids"].tolist() == [["a:0", "b:0"], ["a:60"]]


def test_a_smaller_count_next_to_a_total_from_the_same_source_is_a_part() -> None:
    """`at least 18` killed in one air strike, beside `over 250` in the offensive, is no rival toll."""
    _, conflicts = reconcile(
        claim("a", "more than 400", 400, qualifier="more than"),
        claim("b", "over 250", 250, qualifier="over"),
        claim("b", "at least 18", 18, qualifier="at least", at=100),
    )
    assert conflicts["claim_ids"].tolist() == [["a:0", "b:0"]]


def test_an_article_reporting_two_sources_that_disagree_is_a_conflict() -> None:
    _, conflicts = reconcile(
        claim("a", "400", 400, source="the monitor"), claim("a", "250", 250, source="the army", at=100)
    )
    assert conflicts["description"].tolist() == [
        "Killed: a says 400 (according to the monitor), while a says 250 (according to the army)."
    ]


def test_an_increment_is_a_different_time_span_not_a_total() -> None:
    places = {"measure": "places_captured", "unit": "places", "subject": "settlements"}
    total = claim("a", "more than 50", 50, qualifier="more than", **places)
    _, conflicts = reconcile(
        total,
        claim("b", "eight", 8, text="the rebels took eight more settlements", **places),
        claim("c", "5", 5, text="rebels seized another 5 settlements", **places),
    )
    assert conflicts.empty
    _, conflicts = reconcile(
        total, claim("b", "eight", 8, text="the rebels took eight settlements", **places)
    )
    assert len(conflicts) == 1


def test_claims_about_different_subjects_are_not_compared() -> None:
    places = {"measure": "places_captured", "unit": "places"}
    _, conflicts = reconcile(
        claim("a", "50", 50, subject="towns and villages", **places),
        claim("b", "8", 8, subject="settlements", **places),
        claim("c", "3", 3, subject="town and villages", **places),
    )
    assert conflicts["claim_ids"].tolist() == [["a:0", "c:0"]], "`towns` and `town` are one subject"


def test_two_stories_are_never_compared() -> None:
    groups, conflicts = reconcile(
        claim("a", "400", 400), claim("b", "250", 250), stories={"S1": ["a"], "S2": ["b"]}
    )
    assert conflicts.empty
    assert groups["story_id"].tolist() == ["S1", "S2"]


def test_articles_sharing_copy_count_as_one_independent_source() -> None:
    figures = [claim(article, "more than 400", 400, qualifier="more than") for article in "abc"]
    groups, _ = reconcile(*figures, shared_copy=[("a", "b")])
    [group] = groups.itertuples(index=False)
    assert group.independent_sources == 2
    assert (
        group.description == "3 articles (2 independent sources) agree that more than 400 people were killed."
    )


def test_ids_are_stable_whatever_the_order_of_rows() -> None:
    rows = [claim("a", "400", 400), claim("b", "250", 250), claim("c", "about 260", 260, qualifier="about")]
    first, second = reconcile(*rows), reconcile(*reversed(rows))
    assert sorted(first[0]["group_id"]) == sorted(second[0]["group_id"])
    assert sorted(first[1]["conflict_id"]) == sorted(second[1]["conflict_id"])


def test_no_claims_give_empty_tables_with_their_columns() -> None:
    stories = pd.DataFrame({"story_id": ["S1"], "article_ids": [["a"]]})
    articles = pd.DataFrame(
        {"article_id": ["a"], "outlet": [None], "source_path": ["a.txt"], "published_date": [None]}
    )
    empty_claims = pd.DataFrame(columns=list(claim("a", "1", 1)))
    groups, conflicts = reconcile_claims(empty_claims, stories, articles, NO_OVERLAP)
    assert (list(groups.columns), list(conflicts.columns)) == (GROUP_COLUMNS, CONFLICT_COLUMNS)
    assert groups.empty and conflicts.empty


def test_the_tolerance_is_a_setting() -> None:
    claims = (
        claim("a", "more than 400", 400, qualifier="more than"),
        claim("b", "over 250", 250, qualifier="over"),
    )
    assert len(reconcile(*claims)[1]) == 1
    assert reconcile(*claims, settings=ConflictSettings(tolerance=0.7))[1].empty, "250 * 1.7 reaches 400"


def test_a_new_measure_reads_with_the_default_statement_or_the_users_rules(tmp_path: Path) -> None:
    houses = claim("a", "12", 12, measure="houses_destroyed", unit="houses")
    groups, _ = reconcile(houses)
    assert groups["description"].tolist() == [
        "1 article says that the figure for houses destroyed is 12 houses."
    ]
    rules = json.loads(packaged("claim_reconciliation.json").read_text())
    rules["statements"]["houses_destroyed"] = "{figure} {counted} were destroyed"
    (tmp_path / "rules.json").write_text(json.dumps(rules))
    groups, _ = reconcile(houses, settings=ConflictSettings(rules_path=tmp_path / "rules.json"))
    assert groups["description"].tolist() == ["1 article says that 12 houses were destroyed."]


def test_descriptions_name_outlets_and_tell_one_outlets_articles_apart() -> None:
    _, conflicts = reconcile(
        claim("a", "400", 400),
        claim("b", "400", 400),
        claim("c", "250", 250),
        outlets={"a": "Reuters", "b": "Reuters", "c": "AP"},
    )
    assert conflicts["description"].tolist() == [
        "Killed: Reuters (a) and Reuters (b) say 400, while AP says 250."
    ]
