"""Typed numeric claims: the seeds' figures (acceptance sections 4 and 5), other styles, ECB+ train text."""

from __future__ import annotations

import json
from dataclasses import dataclass, fields
from datetime import date
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pytest
import spacy
from spacy.tokens import Doc

from pipeline.evaluation.ecbplus import split_of
from pipeline.extract.claims import Claim, MeasureVocabulary, claims_table, default_vocabulary, extract_claims
from pipeline.extract.sentences import sentence_spans
from pipeline.nlp import cached_pipeline
from pipeline.schema import schema_for
from pipeline.text import name_key
from tests.conftest import ROOT, SAMPLE, ecbplus_train_folder, library_parse

GOLD = ROOT / "eval" / "gold"
PUBLISHED = date(2024, 12, 2)


@dataclass
class Parsed:
    """A folder run through ingest, articles, parse and sentences, with its claims table."""

    articles: pd.DataFrame
    claims: pd.DataFrame

    def article_id(self, prefix: str) -> str:
        match = self.articles[self.articles["source_path"].str.startswith(prefix)]
        assert len(match) == 1, prefix
        return match.iloc[0]["article_id"]

    def of(self, prefix: str) -> pd.DataFrame:
        return self.claims[self.claims["article_id"] == self.article_id(prefix)]

    def one(self, prefix: str, number_text: str) -> pd.Series:
        rows = self.of(prefix)
        rows = rows[rows["number_text"] == number_text]
        assert len(rows) == 1, f"{number_text!r} in {prefix}: {self.of(prefix)['number_text'].tolist()}"
        return rows.iloc[0]


def _parse(folder: Path) -> Parsed:
    parsed = library_parse(folder)
    return Parsed(parsed.articles, claims_table(parsed.articles, parsed.sentences, parsed.docs))


@pytest.fixture(scope="module")
def seeds() -> Parsed:
    return _parse(SAMPLE)


def claims_in(
    text: str, published: date | None = PUBLISHED, vocabulary: MeasureVocabulary | None = None
) -> list[Claim]:
    """The claims of one made-up article."""
    doc = cached_pipeline()(text)
    return extract_claims(
        "a", text, doc, sentence_spans(doc, [], []), published, vocabulary or default_vocabulary()
    )


def only(claims: list[Claim], number_text: str) -> Claim:
    found = [claim for claim in claims if claim.number_text == number_text]
    assert len(found) == 1, f"{number_text!r} not once in {[c.number_text for c in claims]}"
    return found[0]


def absent(value: object) -> bool:
    return value is None or (isinstance(value, float) and pd.isna(value))


# Acceptance, section 4: the seeds' figures.


def test_001_more_than_400_killed_according_to_the_syrian_observatory(seeds: Parsed) -> None:
    claim = seeds.one("001", "more than 400")
    assert (claim["measure"], claim["value"], claim["qualifier"]) == ("killed", 400, "more than")
    assert claim["attributed_to"] == "the Syrian Observatory for Human Rights"


def test_001_at_least_72_civilians_are_part_of_the_400(seeds: Parsed) -> None:
    claim = seeds.one("001", "at least 72")
    parent = seeds.one("001", "more than 400")
    assert (claim["measure"], claim["value"], claim["qualifier"]) == ("civilians_killed", 72, "at least")
    assert (claim["subject"], claim["parent_claim_id"]) == ("civilians", parent["claim_id"])
    assert claim["attributed_to"] == "the Syrian Observatory for Human Rights"


def test_001_nearly_50000_fled_according_to_the_un(seeds: Parsed) -> None:
    claim = seeds.one("001", "Nearly 50,000")
    assert (claim["measure"], claim["value"], claim["qualifier"]) == ("displaced", 50000, "nearly")
    assert claim["attributed_to"] == "the UN"


def test_001_the_headline_figure_is_its_own_claim_by_the_outlet(seeds: Parsed) -> None:
    claim = seeds.one("001", "Over 400")
    assert (claim["measure"], claim["qualifier"]) == ("killed", "over")
    assert absent(claim["attributed_to"])


def test_004_over_250_fatalities_are_people_killed(seeds: Parsed) -> None:
    claim = seeds.one("004", "over 250")
    assert (claim["measure"], claim["value"], claim["qualifier"], claim["unit"]) == (
        "killed",
        250,
        "over",
        "people",
    )
    assert absent(claim["attributed_to"])


def test_004_over_14000_people_fleeing_are_displaced(seeds: Parsed) -> None:
    claim = seeds.one("004", "over 14,000")
    assert (claim["measure"], claim["value"], claim["qualifier"]) == ("displaced", 14000, "over")


def test_004_nearly_1000_insurgents_killed_according_to_state_television(seeds: Parsed) -> None:
    claim = seeds.one("004", "nearly 1,000")
    assert (claim["measure"], claim["value"], claim["subject"]) == ("fighters_killed", 1000, "insurgents")
    assert claim["attributed_to"] == "Syrian state television"


def test_004_more_than_50_towns_and_villages_seized(seeds: Parsed) -> None:
    claim = seeds.one("004", "more than 50")
    assert (claim["measure"], claim["value"], claim["unit"]) == ("places_captured", 50, "places")
    assert claim["subject"] == "towns and villages"


def test_004_killing_at_least_18_and_wounding_dozens_more(seeds: Parsed) -> None:
    killed, wounded = seeds.one("004", "at least 18"), seeds.one("004", "dozens")
    assert (killed["measure"], killed["value"]) == ("killed", 18)
    assert (wounded["measure"], wounded["value"]) == ("wounded", 24)


def test_000_has_no_figure_of_any_measure(seeds: Parsed) -> None:
    assert seeds.of(
        "000"
    ).empty  # `Resolution 2254`, `more than a decade`, `hundreds of fighters ... crossed`


# Acceptance, section 5: the start of the civil war, for the reconciliation.


def test_001_the_war_going_on_since_2012_started_in_2012(seeds: Parsed) -> None:
    claim = seeds.one("001", "2012")
    assert (claim["measure"], claim["value"], claim["unit"]) == ("war_start_year", 2012, "year")
    assert absent(claim["attributed_to"])  # a gloss of the outlet inside the State Department's report


def test_002_a_civil_war_sparked_in_2011_started_in_2011(seeds: Parsed) -> None:
    claim = seeds.one("002", "2011")
    assert (claim["measure"], claim["value"]) == ("war_start_year", 2011)


def test_003_a_conflict_in_its_fourteenth_year_started_in_2011(seeds: Parsed) -> None:
    claim = seeds.one("003", "fourteenth year")  # published 2024-12-02: 2024 - 14 + 1
    assert (claim["measure"], claim["value"]) == ("war_start_year", 2011)


def test_001_the_12_year_war_started_12_years_before_publication(seeds: Parsed) -> None:
    claim = seeds.one("001", "12-year")  # published 2024-12-03
    assert (claim["measure"], claim["value"]) == ("war_start_year", 2012)


# The table.


def test_the_seed_claims_are_exactly_the_gold_annotation(seeds: Parsed) -> None:
    lines = [json.loads(line) for line in (GOLD / "seeds_claims.jsonl").read_text().splitlines()]
    names = dict(zip(seeds.articles["article_id"], seeds.articles["source_path"], strict=True))
    keys = ["measure", "value", "value_high", "qualifier", "attributed_to", "subject", "number_text"]

    def row(item: dict) -> tuple:
        return tuple(None if absent(item[key]) else item[key] for key in ["document", *keys])

    found = sorted(
        (row({"document": names[r["article_id"]], **r}) for r in seeds.claims.to_dict("records")), key=str
    )
    assert found == sorted((row(item) for item in lines[1:]), key=str)


def test_the_table_has_the_claims_schema(seeds: Parsed) -> None:
    schema = schema_for("claims")
    assert [field.name for field in fields(Claim)] == schema.names
    assert pa.Table.from_pandas(seeds.claims, schema=schema, preserve_index=False).num_rows == len(
        seeds.claims
    )


def test_text_and_figure_are_slices_of_the_article_and_the_id_is_the_figure_span(seeds: Parsed) -> None:
    texts = dict(zip(seeds.articles["article_id"], seeds.articles["text"], strict=True))
    for claim in seeds.claims.itertuples():
        article = texts[claim.article_id]
        assert article[claim.start_char : claim.end_char] == claim.text
        assert article[claim.number_start : claim.number_end] == claim.number_text
        assert claim.start_char <= claim.number_start < claim.number_end <= claim.end_char
        assert claim.claim_id == f"{claim.article_id}:{claim.number_start}-{claim.number_end}"


# Other styles, written for these tests.


def test_an_earthquake_toll_with_its_injured_is_attributed_to_officials() -> None:
    claims = claims_in(
        "A magnitude 6.1 earthquake killed at least 42 people and injured more than 300, officials said."
    )
    killed, wounded = only(claims, "at least 42"), only(claims, "more than 300")
    assert (killed.measure, killed.value, wounded.measure, wounded.value) == ("killed", 42, "wounded", 300)
    assert killed.attributed_to == wounded.attributed_to == "officials"
    assert len(claims) == 2  # the magnitude is no head count


def test_dozens_were_injured() -> None:
    claim = only(claims_in("Dozens were injured."), "Dozens")
    assert (claim.measure, claim.value, claim.qualifier) == ("wounded", 24, None)


def test_between_20_and_30_people_is_a_range() -> None:
    claim = only(claims_in("Between 20 and 30 people were killed in the blast."), "Between 20 and 30")
    assert (claim.measure, claim.value, claim.value_high) == ("killed", 20, 30)


def test_a_hyphenated_range() -> None:
    claim = only(claims_in("20-30 people were wounded in the attack."), "20-30")
    assert (claim.measure, claim.value, claim.value_high) == ("wounded", 20, 30)


def test_about_a_dozen_arrested() -> None:
    claim = only(claims_in("About a dozen people were arrested."), "About a dozen")
    assert (claim.measure, claim.value, claim.qualifier) == ("arrested", 12, "about")


def test_police_arrested_3_suspects() -> None:
    claim = only(claims_in("Police arrested 3 suspects on Tuesday."), "3")
    assert (claim.measure, claim.value, claim.subject) == ("arrested", 3, "suspects")


def test_a_sentence_with_a_date_an_age_and_a_time_yields_nothing() -> None:
    assert claims_in("John Smith, 25, was killed on June 5, 2009 at 3 p.m.") == []


def test_a_hyphenated_age_is_no_count() -> None:
    assert claims_in("A 25-year-old man was shot dead on Monday.") == []


def test_a_resolution_number_is_no_count() -> None:
    assert claims_in("The Security Council adopted Resolution 2254 in 2015.") == []


def test_a_percentage_is_no_count() -> None:
    assert claims_in("Turnout among those displaced rose 12 percent to 45%.") == []


def test_a_phone_number_is_no_count_beside_a_real_one() -> None:
    claims = claims_in("Call 555-0199 with information about the 12 people missing.")
    assert [(c.measure, c.value, c.number_text) for c in claims] == [("missing", 12, "12")]


def test_the_death_toll_rose_to_42() -> None:
    claim = only(claims_in("The death toll rose to 42 on Tuesday."), "42")
    assert (claim.measure, claim.value) == ("killed", 42)


def test_no_one_was_injured_is_a_count_of_zero() -> None:
    claim = only(claims_in("No one was injured in the fire."), "No one")
    assert (claim.measure, claim.value) == ("wounded", 0)


def test_nearly_killed_and_attempted_killings_are_no_claims() -> None:
    assert claims_in("Two officers were nearly killed. He attempted to kill two guards.") == []


def test_speculation_is_no_claim() -> None:
    assert claims_in("There might have been two people killed. The toll could rise to 100.") == []


def test_one_of_the_men_arrested_is_no_count() -> None:
    assert claims_in("One of the men arrested was released.") == []


def test_places_taken_control_of_according_to_the_ministry() -> None:
    claim = only(claims_in("Rebels took control of 12 villages, according to the ministry."), "12")
    assert (claim.measure, claim.subject, claim.attributed_to) == (
        "places_captured",
        "villages",
        "the ministry",
    )


def test_three_tons_seized_are_no_places() -> None:
    assert claims_in("Police seized 3 tons of cocaine.") == []


def test_people_forced_to_flee_are_displaced() -> None:
    claim = only(claims_in("The fighting forced 10,000 people to flee."), "10,000")
    assert (claim.measure, claim.value) == ("displaced", 10000)


def test_soldiers_and_civilians_killed_are_told_apart() -> None:
    claims = claims_in("Twenty-five soldiers and 12 civilians were killed.")
    assert (only(claims, "Twenty-five").measure, only(claims, "Twenty-five").value) == ("fighters_killed", 25)
    assert only(claims, "12").measure == "civilians_killed"


def test_a_part_keeps_the_measure_of_its_whole() -> None:
    claims = claims_in("The offensive killed 120 rebels, including 14 commanders.")
    whole, part = only(claims, "120"), only(claims, "14")
    assert (part.measure, part.parent_claim_id, part.subject) == (
        "fighters_killed",
        whole.claim_id,
        "commanders",
    )


def test_he_said_is_attributed_to_the_person_named_before() -> None:
    claims = claims_in('Governor John Smith said the quake was strong. "Two people were hurt," he added.')
    assert only(claims, "Two").attributed_to == "John Smith"


def test_a_war_that_began_in_a_year() -> None:
    claim = only(claims_in("The war, which began in 2011, has killed 500,000 people."), "2011")
    assert (claim.measure, claim.value) == ("war_start_year", 2011)


def test_a_year_since_when_front_lines_were_frozen_is_no_war_start() -> None:
    assert claims_in("It is a civil war where front lines had largely been frozen since 2020.") == []


def test_an_ordinal_year_needs_a_publication_date() -> None:
    text = "The Syrian conflict, now in its 14th year, continues."
    assert claims_in(text, published=None) == []
    assert only(claims_in(text), "14th year").value == 2011


def test_a_war_n_years_old_started_n_years_before_publication() -> None:
    claim = only(claims_in("The 13-year-old conflict has displaced millions."), "13-year")
    assert (claim.measure, claim.value) == ("war_start_year", PUBLISHED.year - 13)


def test_a_user_can_add_a_measure_in_the_vocabulary_file(tmp_path: Path) -> None:
    data = json.loads((ROOT / "pipeline" / "data" / "measures.json").read_text())
    data["measures"]["kidnapped"] = {
        "description": "People abducted.",
        "unit": "people",
        "object_verbs": ["kidnap"],
    }
    (tmp_path / "measures.json").write_text(json.dumps(data))
    vocabulary = MeasureVocabulary.load(tmp_path / "measures.json")
    claim = only(claims_in("Gunmen kidnapped 12 tourists.", vocabulary=vocabulary), "12")
    assert (claim.measure, claim.subject) == ("kidnapped", "tourists")


# Robustness.

JUNK = [
    "",
    "   \n\n  ",
    "!!! ??? ... --- ,,, ;;;",
    "1 2 3 4 5 - - / , . 6 . 7 , 000",
    "9" * 400 + " people were killed",
    "between and to from or - killed dead 0 00 000",
    "<html><body>12 killed</body></html>",
    "🙂 2 🙂 killed 🙂 dozens of",
    "The the the 1,000,000,000,000,000,000,000 deaths.",
]


@pytest.mark.parametrize("text", JUNK)
def test_junk_never_raises(text: str) -> None:
    for claim in claims_in(text):
        assert text[claim.number_start : claim.number_end] == claim.number_text


def test_a_doc_without_a_parse_has_no_claims() -> None:
    doc = Doc(spacy.blank("en").vocab, words=["40", "people", "were", "killed"])
    assert extract_claims("a", doc.text, doc, [], PUBLISHED, default_vocabulary()) == []


# ECB+ train: real news, tokens joined by spaces.

ECB_DOCUMENTS = (
    "20_4ecbplus",
    "20_1ecb",
    "14_7ecb",
    "19_11ecb",
    "16_1ecbplus",
    "28_5ecbplus",
    "16_9ecbplus",
    "8_10ecbplus",
)


@pytest.fixture(scope="module")
def ecb(tmp_path_factory: pytest.TempPathFactory) -> Parsed:
    return _parse(ecbplus_train_folder(tmp_path_factory.mktemp("ecbplus"), ECB_DOCUMENTS))


def test_ecb_spaced_thousands_are_one_figure(ecb: Parsed) -> None:
    claim = ecb.one("20_4ecbplus", "more than 31 , 000")
    assert (claim["measure"], claim["value"], claim["qualifier"]) == ("killed", 31000, "more than")


def test_ecb_around_1400_wounded(ecb: Parsed) -> None:
    claim = ecb.one("20_4ecbplus", "around 1 , 400")
    assert (claim["measure"], claim["value"], claim["qualifier"]) == ("wounded", 1400, "about")


def test_ecb_30_of_the_80_wounded_counts_only_the_80(ecb: Parsed) -> None:
    wounded = ecb.of("20_4ecbplus").query("measure == 'wounded'")
    assert 80 in set(wounded["value"]) and 30 not in set(wounded["value"])


def test_ecb_15_of_them_is_part_of_the_40_injured(ecb: Parsed) -> None:
    whole, part = ecb.one("20_1ecb", "40"), ecb.one("20_1ecb", "15")
    assert (part["measure"], part["parent_claim_id"]) == ("wounded", whole["claim_id"])


def test_ecb_residents_who_had_to_be_evacuated(ecb: Parsed) -> None:
    claim = ecb.one("14_7ecb", "Sixty")
    assert (claim["measure"], claim["value"], claim["subject"]) == ("evacuated", 60, "residents")


def test_ecb_arrests_police_said_they_made(ecb: Parsed) -> None:
    claim = ecb.one("19_11ecb", "86")
    assert (claim["measure"], claim["attributed_to"]) == ("arrested", "Police")


def test_ecb_arrested_five_buildings_away_is_no_count(ecb: Parsed) -> None:
    assert ecb.of("16_1ecbplus").query("measure == 'arrested'").empty


def test_ecb_one_of_the_men_arrested_is_no_count(ecb: Parsed) -> None:
    assert ecb.of("28_5ecbplus").empty


def test_ecb_victims_nearly_killed_are_no_count(ecb: Parsed) -> None:
    assert ecb.of("16_9ecbplus").empty


def test_ecb_a_url_is_no_figure_but_a_shouted_headline_is(ecb: Parsed) -> None:
    claims = ecb.of("8_10ecbplus")
    assert not claims["text"].str.contains("/").any()
    assert {"3", "THREE"} <= set(claims["number_text"]) and set(claims["measure"]) == {"killed"}


@pytest.fixture(scope="module")
def ecb_gold(tmp_path_factory: pytest.TempPathFactory) -> tuple[list[dict], list[dict]]:
    """The ECB+ claims gold and the claims found, on its train documents only."""
    lines = [json.loads(line) for line in (GOLD / "ecbplus_claims.jsonl").read_text().splitlines()]
    names = [name for name in lines[0]["documents"] if split_of(int(name.split("_")[0])) == "train"]
    folder = tmp_path_factory.mktemp("ecbplus_gold")
    parsed = _parse(ecbplus_train_folder(folder, tuple(name.removesuffix(".txt") for name in names)))
    sources = dict(zip(parsed.articles["article_id"], parsed.articles["source_path"], strict=True))
    found = [{**row, "document": sources[row["article_id"]]} for row in parsed.claims.to_dict("records")]
    return [item for item in lines[1:] if item["document"] in names], found


def test_ecb_train_gold_precision_and_recall(ecb_gold: tuple[list[dict], list[dict]]) -> None:
    gold, found = ecb_gold
    remaining = list(found)
    matched = 0
    for item in gold:
        hit = next(
            (
                row
                for row in remaining
                if (row["document"], row["measure"], row["value"])
                == (item["document"], item["measure"], item["value"])
                and name_key(row["number_text"]) == name_key(item["number_text"])
            ),
            None,
        )
        if hit is not None:
            remaining.remove(hit)
            matched += 1
    # Measured 19 of 22 found, 20 claims made; the one extra is `No-one has been injured` (a zero).
    assert matched / len(gold) >= 0.85 and matched / len(found) >= 0.9
