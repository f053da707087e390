"""Story grouping on text it was not written for: ECB+ train topics and hand-made cases."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pytest
from sklearn.metrics import adjusted_rand_score

from pipeline.definitions import run
from pipeline.evaluation.coref import story_labels
from pipeline.evaluation.ecbplus import read_split, write_articles
from pipeline.reconcile.stories import StorySettings, group_stories
from pipeline.storage import read_table
from tests.conftest import SHARED

ECBPLUS = SHARED / "ecbplus"
# Two train topics, each with two different real events of the same kind.
TOPICS = {1, 3}
# Train topics whose two events share enough words to be linked into one group before the event step.
CHAINED_TOPICS = {1, 25, 28, 30, 31}


@pytest.mark.skipif(not ECBPLUS.is_dir(), reason=f"ECB+ not found at {ECBPLUS}")
def test_ecbplus_events_of_the_same_kind_become_separate_stories(tmp_path: Path) -> None:
    documents = [d for d in read_split(ECBPLUS, "train") if d.topic in TOPICS]
    by_source = write_articles(documents, tmp_path / "input")
    summary = run(tmp_path / "input", tmp_path / "warehouse", "en_core_web_sm", show_progress=False)
    assert summary.success
    articles = read_table(tmp_path / "warehouse", "articles")
    stories = read_table(tmp_path / "warehouse", "stories")
    story_of = {
        article: story
        for story, ids in zip(stories["story_id"], stories["article_ids"], strict=True)
        for article in ids
    }
    gold = [by_source[source].subtopic for source in articles["source_path"]]
    predicted = [story_of[article] for article in articles["article_id"]]
    assert adjusted_rand_score(gold, predicted) >= 0.6


def frames(*articles: tuple[str, str, dt.date | None]) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """`articles`, `sentences` and (empty) `mentions` frames for `(article_id, text, date)` rows."""
    table = pd.DataFrame(
        [
            {"article_id": i, "title": None, "published_date": date, "outlet": None, "text": text}
            for i, text, date in articles
        ]
    )
    sentences = table[["article_id", "text"]]
    mentions = pd.DataFrame(
        {"article_id": pd.Series([], dtype="str"), "entity_id": pd.Series([], dtype="str")}
    )
    return table, sentences, mentions


QUAKE_1 = "A magnitude 6.1 earthquake struck the Lombok island region, collapsing houses in Mataram."
QUAKE_2 = "The Lombok earthquake of magnitude 6.1 destroyed houses in Mataram, officials said."
ELECTION = "Voters in Ontario returned the Liberal premier for a third term after a tight campaign."


def test_two_reports_of_one_event_form_one_story() -> None:
    stories = group_stories(*frames(("a", QUAKE_1, dt.date(2018, 8, 5)), ("b", QUAKE_2, dt.date(2018, 8, 6))))
    assert stories["article_count"].tolist() == [2]


def test_unrelated_reports_on_the_same_day_stay_apart() -> None:
    stories = group_stories(
        *frames(("a", QUAKE_1, dt.date(2018, 8, 5)), ("b", ELECTION, dt.date(2018, 8, 5)))
    )
    assert sorted(stories["article_count"]) == [1, 1]


def test_similar_reports_a_year_apart_stay_apart() -> None:
    stories = group_stories(*frames(("a", QUAKE_1, dt.date(2018, 8, 5)), ("b", QUAKE_2, dt.date(2019, 8, 6))))
    assert sorted(stories["article_count"]) == [1, 1]


@pytest.mark.parametrize("first_day", range(1, 9))
def test_reports_published_the_most_days_apart_allowed_form_one_story(first_day: int) -> None:
    """Whichever weekday the first falls on: articles are compared within windows of days."""
    first = dt.date(2018, 8, first_day)
    second = first + dt.timedelta(days=StorySettings().max_days_apart)
    stories = group_stories(*frames(("a", QUAKE_1, first), ("b", QUAKE_2, second)))
    assert stories["article_count"].tolist() == [2]


def test_reports_published_a_day_too_far_apart_stay_apart() -> None:
    first = dt.date(2018, 8, 5)
    second = first + dt.timedelta(days=StorySettings().max_days_apart + 1)
    stories = group_stories(*frames(("a", QUAKE_1, first), ("b", QUAKE_2, second)))
    assert sorted(stories["article_count"]) == [1, 1]


def test_undated_reports_are_grouped_by_content_alone() -> None:
    stories = group_stories(*frames(("a", QUAKE_1, None), ("b", QUAKE_2, dt.date(2018, 8, 6))))
    assert stories["article_count"].tolist() == [2]


def test_an_article_without_any_text_is_a_story_of_its_own() -> None:
    stories = group_stories(*frames(("a", QUAKE_1, None), ("b", "", None)))
    assert sorted(stories["article_count"]) == [1, 1]


@dataclass(frozen=True)
class Chained:
    """Undated ECB+ train articles, text only, with each one's gold event and the default stories."""

    frames: tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]
    event_of: dict[str, str]
    stories: pd.DataFrame

    def events_per_story(self, stories: pd.DataFrame | None = None) -> list[set[str]]:
        stories = self.stories if stories is None else stories
        return [{self.event_of[article] for article in ids} for ids in stories["article_ids"]]

    def mixed(self, first: str, second: str, stories: pd.DataFrame | None = None) -> bool:
        """Whether one story holds articles of both events."""
        return any({first, second} <= events for events in self.events_per_story(stories))


@pytest.fixture(scope="module")
def chained() -> Chained:
    if not ECBPLUS.is_dir():
        pytest.skip(f"ECB+ not found at {ECBPLUS}")
    documents = [d for d in read_split(ECBPLUS, "train") if d.topic in CHAINED_TOPICS]
    table, sentences, mentions = frames(*((d.name, d.text, None) for d in documents))
    return Chained(
        (table, sentences, mentions),
        {d.name: d.subtopic for d in documents},
        group_stories(table, sentences, mentions),
    )


def test_two_events_of_one_kind_linked_by_shared_words_are_cut_apart(chained: Chained) -> None:
    linked_only = group_stories(*chained.frames, StorySettings(max_cut=0))
    assert chained.mixed("28ecb", "28ecbplus", linked_only)
    assert not chained.mixed("28ecb", "28ecbplus")
    assert not chained.mixed("30ecb", "30ecbplus")


def test_dates_written_in_the_text_keep_two_seasons_apart(chained: Chained) -> None:
    undated = group_stories(*chained.frames, StorySettings(dated_together_bonus=0))
    assert chained.mixed("25ecb", "25ecbplus", undated)
    assert not chained.mixed("25ecb", "25ecbplus")


def test_one_event_reported_by_many_articles_stays_one_story(chained: Chained) -> None:
    reports = {article for article, event in chained.event_of.items() if event == "1ecbplus"}
    assert len(reports) == 21
    assert any(reports <= set(ids) for ids in chained.stories["article_ids"])


def test_stories_of_chained_topics_match_their_events(chained: Chained) -> None:
    articles = sorted(chained.event_of)
    gold = [chained.event_of[article] for article in articles]
    assert adjusted_rand_score(gold, story_labels(chained.stories, articles)) >= 0.9
