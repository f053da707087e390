"""Acceptance, section 6 (stories)."""

from tests.conftest import SeedRun


def test_the_five_articles_form_one_story(seed_run: SeedRun) -> None:
    stories = seed_run.tables["stories"]
    assert len(stories) == 1
    assert sorted(stories.iloc[0]["article_ids"]) == sorted(seed_run.tables["articles"]["article_id"])


def test_the_story_counts_five_outlets(seed_run: SeedRun) -> None:
    assert seed_run.tables["stories"].iloc[0]["outlet_count"] == 5
