"""Acceptance, section 4 (time): normalized time expressions on the seeds, other styles, and ECB+ train."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from datetime import date
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pytest
from spacy.language import Language

from pipeline.extract.sentences import sentence_spans
from pipeline.extract.times import (
    RULES,
    TimeExpression,
    TimeWords,
    anchor_on_stories,
    extract_times,
    latest_written_date,
    time_candidates_table,
)
from pipeline.nlp import cached_pipeline
from pipeline.schema import schema_for
from tests.conftest import ROOT, SAMPLE, ecbplus_train_folder, library_parse

TUESDAY = date(2024, 12, 3)


@dataclass
class Parsed:
    """A folder's articles run through parsing, sentences and time extraction."""

    articles: pd.DataFrame
    sentences: pd.DataFrame
    docs: list
    times: pd.DataFrame

    def rows(self, prefix: str, text: str | None = None) -> pd.DataFrame:
        """Time rows of the article whose file name starts with `prefix`, optionally with this text."""
        article = self.articles[self.articles["source_path"].str.startswith(prefix)]
        assert len(article) == 1, f"expected one article from {prefix}*"
        chosen = self.times[self.times["article_id"] == article.iloc[0]["article_id"]]
        return chosen if text is None else chosen[chosen["text"] == text]

    def one(self, prefix: str, text: str) -> pd.Series:
        found = self.rows(prefix, text)
        assert len(found) >= 1, (
            f"no time expression {text!r} in {prefix}: {self.rows(prefix)['text'].tolist()}"
        )
        return found.iloc[0]


def _parse(folder: Path, one_story: bool) -> Parsed:
    parsed = library_parse(folder)
    articles, docs, sentences = parsed.articles, parsed.docs, parsed.sentences
    stories = None
    if one_story:  # the seeds are one story (tests/test_seeds_stories.py)
        stories = pd.DataFrame(
            {
                "article_ids": [list(articles["article_id"])],
                "first_published": [articles["published_date"].dropna().min()],
            }
        )
    return Parsed(
        articles,
        sentences,
        docs,
        anchor_on_stories(time_candidates_table(articles, sentences, docs), stories),
    )


@pytest.fixture(scope="module")
def seeds() -> Parsed:
    return _parse(SAMPLE, one_story=True)


@pytest.fixture(scope="module")
def nlp() -> Language:
    return cached_pipeline()


def times_in(
    nlp: Language, text: str, anchor: date | None = TUESDAY, words: TimeWords | None = None
) -> list[TimeExpression]:
    """Time expressions of a one-off text published on `anchor`."""
    doc = nlp(text)
    return extract_times("t", text, doc, sentence_spans(doc, [], []), anchor, words)


def only(found: list[TimeExpression], text: str) -> TimeExpression:
    matching = [row for row in found if row.text == text]
    assert len(matching) == 1, f"expected one {text!r}, found {[row.text for row in found]}"
    return matching[0]


# Seeds: must.


def test_000_december_2_2024_is_an_absolute_day(seeds: Parsed) -> None:
    row = seeds.one("000", "December 2, 2024")
    assert (row["value"], row["granularity"], row["anchor"]) == ("2024-12-02", "day", "absolute")


def test_001_monday_before_dec_2_resolves_to_december_2(seeds: Parsed) -> None:
    row = seeds.one("001", "Monday")
    assert (row["value"], row["anchor"], row["anchor_date"]) == ("2024-12-02", "publication_date", TUESDAY)


def test_001_dec_2_in_brackets_resolves_to_december_2(seeds: Parsed) -> None:
    assert seeds.one("001", "Dec. 2")["value"] == "2024-12-02"


def test_004_december_2_resolves_through_the_story_date(seeds: Parsed) -> None:
    row = seeds.one("004", "December 2")
    assert (row["value"], row["anchor"], row["anchor_date"]) == (
        "2024-12-02",
        "story_date",
        date(2024, 12, 2),
    )


def test_004_november_27_resolves_to_the_offensive_start(seeds: Parsed) -> None:
    assert seeds.one("004", "November 27")["value"] == "2024-11-27"


# Seeds: should.


@pytest.mark.parametrize("prefix", ["000", "001"])
def test_last_week_is_the_iso_week_before_publication(seeds: Parsed, prefix: str) -> None:
    rows = seeds.rows(prefix)
    weeks = rows[rows["text"].str.lower() == "last week"]
    assert len(weeks) >= 1
    assert set(weeks["value"]) == {"2024-W48"}
    assert set(weeks["anchor"]) == {"publication_date"}


def test_003_monday_published_on_a_monday_is_that_day(seeds: Parsed) -> None:
    row = seeds.one("003", "Monday")
    assert (row["value"], row["anchor_date"]) == ("2024-12-02", date(2024, 12, 2))


def test_001_since_2012_is_the_year_with_modifier_since(seeds: Parsed) -> None:
    row = seeds.one("001", "2012")
    assert (row["value"], row["granularity"], row["anchor"], row["modifier"]) == (
        "2012",
        "year",
        "absolute",
        "since",
    )


def test_002_in_2011_is_the_year_without_modifier(seeds: Parsed) -> None:
    row = seeds.one("002", "2011")
    assert (row["value"], row["granularity"]) == ("2011", "year")
    assert pd.isna(row["modifier"])


@pytest.mark.parametrize("prefix", ["000", "002", "004"])
def test_more_than_a_decade_is_a_ten_year_duration(seeds: Parsed, prefix: str) -> None:
    row = seeds.one(prefix, "more than a decade")
    assert (row["value"], row["granularity"], row["anchor"], row["modifier"]) == (
        "P10Y",
        "duration",
        "duration",
        "more than",
    )
    assert pd.isna(row["anchor_date"])


def test_001_a_12_year_war_is_a_duration(seeds: Parsed) -> None:
    assert seeds.one("001", "12-year")["value"] == "P12Y"


def test_002_last_month_without_any_date_resolves_through_the_story(seeds: Parsed) -> None:
    row = seeds.one("002", "last month")
    assert (row["value"], row["granularity"], row["anchor"]) == ("2024-11", "month", "story_date")


def test_004_on_stays_outside_the_span(seeds: Parsed) -> None:
    assert set(seeds.rows("004", "December 1")["value"]) == {"2024-12-01"}
    assert seeds.rows("004", "on December 1").empty


def test_furniture_stamps_are_not_time_expressions(seeds: Parsed) -> None:
    texts = set(seeds.times["text"])
    assert not any("2024-12-03" in text or "December 02" in text for text in texts)


def test_vague_expressions_are_skipped(seeds: Parsed) -> None:
    texts = {text.lower() for text in seeds.times["text"]}
    assert texts.isdisjoint({"years", "recent days", "the day", "day", "its fourteenth year", "now"})


def test_every_span_slices_the_article_text_and_is_trimmed(seeds: Parsed) -> None:
    texts = dict(zip(seeds.articles["article_id"], seeds.articles["text"], strict=True))
    for row in seeds.times.itertuples():
        assert texts[row.article_id][row.start_char : row.end_char] == row.text
        assert row.time_id == f"{row.article_id}:{row.start_char}-{row.end_char}"
        assert row.text == row.text.strip(" \n.,;:()")
        assert not row.text.lower().startswith("the ")


def test_the_table_fits_the_schema(seeds: Parsed) -> None:
    schema = schema_for("time_expressions")
    assert list(seeds.times.columns) == schema.names
    pa.Table.from_pandas(seeds.times, schema=schema, preserve_index=False)


def test_the_seeds_match_the_gold_annotation(seeds: Parsed) -> None:
    lines = (ROOT / "eval" / "gold" / "seeds_times.jsonl").read_text().splitlines()
    gold = sorted(
        (item["document"], item["text"], item["value"], item["granularity"], item["anchor"])
        for item in map(json.loads, lines[1:])
    )
    names = dict(zip(seeds.articles["article_id"], seeds.articles["source_path"], strict=True))
    found = sorted(
        (names[row.article_id], row.text, row.value, row.granularity, row.anchor)
        for row in seeds.times.itertuples()
    )
    assert found == gold


def test_without_a_publication_date_or_story_a_year_less_date_is_unresolved(seeds: Parsed) -> None:
    article = seeds.articles[seeds.articles["source_path"].str.startswith("004")]
    docs = [(article_id, doc) for article_id, doc in seeds.docs if article_id in set(article["article_id"])]
    alone = anchor_on_stories(time_candidates_table(article, seeds.sentences, docs), None)
    row = alone[alone["text"] == "November 27"].iloc[0]
    assert (row["granularity"], row["anchor"], row["anchor_date"]) == ("day", "unresolved", None)
    assert pd.isna(row["value"])


def test_an_undated_articles_year_less_date_waits_with_the_rule_that_dates_it(seeds: Parsed) -> None:
    article = seeds.articles[seeds.articles["source_path"].str.startswith("004")]
    docs = [(article_id, doc) for article_id, doc in seeds.docs if article_id in set(article["article_id"])]
    candidates = time_candidates_table(article, seeds.sentences, docs)
    row = candidates[candidates["text"] == "November 27"].iloc[0]
    assert (row["anchor"], row["relative_rule"], list(row["relative_args"][:2])) == (
        "unresolved",
        "nearest_day",
        [11, 27],
    )


UNDATED_REPORT = (
    "Officials said on Monday that last week's storm, which struck 10 days ago, was the worst since "
    "last December. Yesterday the council met; repairs will start next Monday and should end by next "
    "spring, three years after the last flood. Talks resume on Dec 9."
)


def test_a_story_date_dates_relative_expressions_as_a_publication_date_would(nlp: Language) -> None:
    published = times_in(nlp, UNDATED_REPORT, anchor=TUESDAY)
    undated = pd.DataFrame([asdict(row) for row in times_in(nlp, UNDATED_REPORT, anchor=None)])
    story = pd.DataFrame({"article_ids": [["t"]], "first_published": [TUESDAY]})
    anchored = anchor_on_stories(undated, story)
    assert {row.anchor for row in published} >= {"publication_date"}
    assert list(anchored["value"]) == [row.value for row in published]
    relative = anchored[undated["relative_rule"].notna()]
    assert set(relative["anchor"]) == {"story_date"} and set(relative["anchor_date"]) == {TUESDAY}


def test_without_a_story_an_undated_relative_expression_stays_unresolved(nlp: Language) -> None:
    undated = pd.DataFrame([asdict(row) for row in times_in(nlp, UNDATED_REPORT, anchor=None)])
    other_story = pd.DataFrame({"article_ids": [["other"]], "first_published": [TUESDAY]})
    anchored = anchor_on_stories(undated, other_story)
    assert set(anchored.loc[undated["relative_rule"].notna(), "anchor"]) == {"unresolved"}


def test_the_time_candidates_suite_admits_exactly_the_rules_there_are() -> None:
    suite = json.loads((ROOT / "expectations" / "time_candidates.json").read_text())
    (rules,) = [
        e["kwargs"]["value_set"]
        for e in suite["expectations"]
        if e["kwargs"].get("column") == "relative_rule"
    ]
    assert set(rules) == set(RULES)


# Other styles.


def test_abbreviated_month_and_day(nlp: Language) -> None:
    assert only(times_in(nlp, "Talks resumed on Dec 2 in Geneva."), "Dec 2").value == "2024-12-02"


def test_day_month_year(nlp: Language) -> None:
    row = only(times_in(nlp, "The truce was signed on 2 December 2024 in Cairo."), "2 December 2024")
    assert (row.value, row.anchor) == ("2024-12-02", "absolute")


def test_last_weekday_is_the_one_before_the_anchor_day(nlp: Language) -> None:
    row = only(times_in(nlp, "Fighting broke out again last Tuesday."), "last Tuesday")
    assert row.value == "2024-11-26"


def test_earlier_this_month_is_the_month_with_modifier_earlier(nlp: Language) -> None:
    row = only(times_in(nlp, "Prices rose earlier this month, officials said."), "earlier this month")
    assert (row.value, row.granularity, row.modifier) == ("2024-12", "month", "earlier")


def test_weeks_ago_is_the_iso_week(nlp: Language) -> None:
    row = only(times_in(nlp, "The town fell three weeks ago."), "three weeks ago")
    assert (row.value, row.granularity) == ("2024-W46", "week")


def test_last_week_across_new_year_is_the_previous_iso_year(nlp: Language) -> None:
    row = only(times_in(nlp, "The town fell last week.", date(2025, 1, 2)), "last week")
    assert row.value == "2024-W52"


def test_a_decade_is_written_with_an_unspecified_digit(nlp: Language) -> None:
    row = only(times_in(nlp, "The conflict dates back to the 1990s."), "1990s")
    assert (row.value, row.granularity, row.anchor) == ("199X", "decade", "absolute")


def test_a_century_is_written_with_two_unspecified_digits(nlp: Language) -> None:
    row = only(times_in(nlp, "The fort was built in the 19th century."), "19th century")
    assert (row.value, row.granularity) == ("18XX", "century")


def test_mid_year_is_the_year_with_modifier_mid(nlp: Language) -> None:
    row = only(times_in(nlp, "The rebels first appeared in mid-2023."), "mid-2023")
    assert (row.value, row.granularity, row.modifier) == ("2023", "year", "mid")


def test_a_day_range_is_its_first_and_last_day(nlp: Language) -> None:
    found = times_in(nlp, "The summit runs Jan. 5-7 in Davos.")
    assert [(row.text, row.value, row.modifier) for row in found] == [
        ("Jan. 5", "2025-01-05", "from"),
        ("7", "2025-01-07", "until"),
    ]


def test_a_year_range_is_its_first_and_last_year(nlp: Language) -> None:
    found = times_in(nlp, "The drought lasted from 2011-2013.")
    assert [(row.text, row.value, row.modifier) for row in found] == [
        ("2011", "2011", "from"),
        ("2013", "2013", "until"),
    ]


def test_last_summer_is_the_latest_summer_before_the_anchor(nlp: Language) -> None:
    found = times_in(nlp, "Fighting stopped last summer.", date(2024, 7, 15))
    assert (only(found, "last summer").value, only(found, "last summer").granularity) == ("2023-SU", "season")


def test_a_quarter_with_its_year(nlp: Language) -> None:
    row = only(times_in(nlp, "Sales fell in the first quarter of 2023."), "first quarter of 2023")
    assert (row.value, row.granularity, row.anchor) == ("2023-Q1", "quarter", "absolute")


def test_a_january_date_read_in_december_is_next_january(nlp: Language) -> None:
    assert only(times_in(nlp, "The summit opens on January 5."), "January 5").value == "2025-01-05"


def test_yesterday_is_the_day_before_the_anchor(nlp: Language) -> None:
    row = only(times_in(nlp, "Troops withdrew yesterday."), "yesterday")
    assert (row.value, row.anchor, row.anchor_date) == ("2024-12-02", "publication_date", TUESDAY)


def test_a_past_verb_keeps_a_year_less_month_in_the_past(nlp: Language) -> None:
    assert only(times_in(nlp, "He was killed in June."), "June").value == "2024-06"


def test_a_future_verb_moves_a_weekday_forward(nlp: Language) -> None:
    assert only(times_in(nlp, "The ministers will meet on Monday."), "Monday").value == "2024-12-09"


def test_a_weekday_keeps_its_part_of_day(nlp: Language) -> None:
    row = only(times_in(nlp, "Shelling resumed late Sunday night."), "late Sunday night")
    assert (row.value, row.modifier) == ("2024-12-01", "late")


def test_spelled_out_compound_numbers_make_durations(nlp: Language) -> None:
    assert only(times_in(nlp, "The war has lasted twenty-five years."), "twenty-five years").value == "P25Y"


def test_hours_are_a_clock_duration(nlp: Language) -> None:
    row = only(times_in(nlp, "The strike came 48 hours later."), "48 hours")
    assert (row.value, row.modifier) == ("PT48H", "later")


def test_an_unambiguous_numeric_date_is_read(nlp: Language) -> None:
    assert only(times_in(nlp, "Posted 12/25/2024 by staff."), "12/25/2024").value == "2024-12-25"


def test_an_ambiguous_numeric_date_is_not_guessed(nlp: Language) -> None:
    assert times_in(nlp, "Posted 03/04/2024 by staff.") == []


def test_a_person_named_may_is_not_a_month(nlp: Language) -> None:
    assert [row.text for row in times_in(nlp, "Theresa May spoke to reporters.")] == []


def test_black_friday_is_not_a_weekday(nlp: Language) -> None:
    assert times_in(nlp, "Shoppers crowded the Black Friday sales.") == []


def test_an_age_is_not_a_duration(nlp: Language) -> None:
    assert times_in(nlp, "Police shot a 16-year-old boy.") == []


def test_a_rate_is_not_a_duration(nlp: Language) -> None:
    assert times_in(nlp, "He earns $20 million a year.") == []


def test_a_resolution_number_is_not_a_year(nlp: Language) -> None:
    assert [row.text for row in times_in(nlp, "Resolution 2254 was adopted in 2015.")] == ["2015"]


def test_without_publication_date_the_latest_full_date_anchors(nlp: Language) -> None:
    found = times_in(nlp, "The trial opened on March 11, 2005. He escaped on Saturday.", anchor=None)
    row = only(found, "Saturday")
    assert (row.value, row.anchor, row.anchor_date) == ("2005-03-05", "latest_date", date(2005, 3, 11))


def test_without_any_anchor_a_weekday_is_unresolved(nlp: Language) -> None:
    row = only(times_in(nlp, "He escaped on Saturday.", anchor=None), "Saturday")
    assert (row.value, row.anchor, row.anchor_date) == (None, "unresolved", None)


@pytest.mark.parametrize(
    "text", ["", "   \n\n ", "2024-99-99 Dec. 45 ago ago years 0 days -1 weeks", "\u2014" * 50]
)
def test_junk_never_raises(nlp: Language, text: str) -> None:
    for row in times_in(nlp, text):
        assert text[row.start_char : row.end_char] == row.text


def test_the_vocabulary_file_can_be_extended(nlp: Language, tmp_path: Path) -> None:
    data = json.loads((ROOT / "pipeline" / "data" / "time_words.json").read_text())
    data["qualifiers"].append("upwards of")
    (tmp_path / "words.json").write_text(json.dumps(data))
    words = TimeWords.load(tmp_path / "words.json")
    row = only(times_in(nlp, "The siege lasted upwards of six weeks.", words=words), "upwards of six weeks")
    assert (row.value, row.modifier) == ("P6W", "upwards of")


# ECB+ train: tokens joined by spaces, date lines instead of publication stamps.

ECB_DOCUMENTS = ("10_13ecbplus", "19_2ecbplus", "19_3ecb", "16_3ecb", "1_14ecbplus")


@pytest.fixture(scope="module")
def ecb(tmp_path_factory: pytest.TempPathFactory) -> Parsed:
    return _parse(ecbplus_train_folder(tmp_path_factory.mktemp("ecbplus"), ECB_DOCUMENTS), one_story=False)


def test_ecb_a_spaced_date_line_is_an_absolute_day(ecb: Parsed) -> None:
    row = ecb.one("19_2ecbplus", "Sunday , March 17 , 2013")
    assert (row["value"], row["anchor"]) == ("2013-03-17", "absolute")


def test_ecb_a_weekday_resolves_against_the_date_line(ecb: Parsed) -> None:
    row = ecb.one("10_13ecbplus", "Monday morning")
    assert (row["value"], row["anchor"], row["anchor_date"]) == (
        "2008-12-15",
        "latest_date",
        date(2008, 12, 15),
    )


def test_ecb_a_spaced_hyphenated_duration_is_read(ecb: Parsed) -> None:
    assert set(ecb.rows("10_13ecbplus", "eight - year")["value"]) == {"P8Y"}


def test_ecb_an_undated_article_leaves_weekdays_unresolved_with_their_modifier(ecb: Parsed) -> None:
    row = ecb.one("19_3ecb", "Late Saturday")
    assert (row["anchor"], row["modifier"]) == ("unresolved", "late")
    assert pd.isna(row["value"])


def test_ecb_a_weekday_used_as_an_adjective_is_no_date(ecb: Parsed) -> None:
    assert len(ecb.rows("19_3ecb", "Sunday")) == 3  # calm, published, released Sunday; not `a Sunday walk`


def test_ecb_this_august_2nd_is_a_day_not_a_month(ecb: Parsed) -> None:
    assert ecb.one("16_3ecb", "August 2nd")["granularity"] == "day"


def test_ecb_an_ambiguous_numeric_date_line_is_not_a_date(ecb: Parsed) -> None:
    assert not ecb.rows("1_14ecbplus")["text"].str.contains("/").any()


def test_latest_written_date_reads_the_full_dates_of_an_undated_text() -> None:
    text = "Last Updated : Monday , 28 November 2005 , 02 : 24 GMT. The storm of 3 March 2004 was worse."
    assert latest_written_date(text) == date(2005, 11, 28)


def test_latest_written_date_is_none_without_a_full_date() -> None:
    assert latest_written_date("Officials said on Tuesday that talks would resume in March.") is None
