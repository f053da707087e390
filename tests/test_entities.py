"""Cross-document entity resolution on cases written apart from the seeds."""

from __future__ import annotations

import pandas as pd

from pipeline.extract.mentions import MentionCandidate
from pipeline.reconcile.entities import resolve_entities


def candidates(*rows: tuple) -> pd.DataFrame:
    """Rows of `(article_id, text, ner_label[, acronym_of[, candidate]])`, laid out one after another."""
    records = []
    for position, row in enumerate(rows):
        article_id, text, label, *rest = row
        acronym_of = rest[0] if rest else None
        candidate = rest[1] if len(rest) > 1 else False
        start = position * 100
        records.append(
            MentionCandidate(
                article_id, 0, start, start + len(text), text, label, acronym_of, candidate
            ).__dict__
        )
    return pd.DataFrame(records)


def entity_ids(mentions: pd.DataFrame, article_id: str, text: str) -> set[str]:
    chosen = mentions[(mentions["article_id"] == article_id) & (mentions["text"] == text)]
    return set(chosen["entity_id"])


def entities_at(rows: list[tuple[str, int, str, str]]) -> dict[tuple[str, int], str]:
    """Resolve `(article_id, start, text, ner_label)` rows at their offsets; entity by article and start."""
    mentions, _ = resolve_entities(
        pd.DataFrame(
            [
                MentionCandidate(article, 0, start, start + len(text), text, label, None, False).__dict__
                for article, start, text, label in rows
            ]
        )
    )
    return {(row.article_id, row.start_char): row.entity_id for row in mentions.itertuples()}


def test_a_surname_joins_the_full_name_in_its_own_article() -> None:
    mentions, _ = resolve_entities(
        candidates(
            ("a", "Jane Miller", "PERSON"),
            ("a", "Miller", "PERSON"),
            ("b", "Matthew Miller", "PERSON"),
            ("b", "Miller", "PERSON"),
        )
    )
    assert entity_ids(mentions, "a", "Miller") == entity_ids(mentions, "a", "Jane Miller")
    assert entity_ids(mentions, "b", "Miller") == entity_ids(mentions, "b", "Matthew Miller")
    assert entity_ids(mentions, "a", "Miller") != entity_ids(mentions, "b", "Miller")


def test_a_surname_shared_by_two_people_elsewhere_stays_unresolved() -> None:
    mentions, _ = resolve_entities(
        candidates(
            ("a", "Jane Miller", "PERSON"), ("b", "Matthew Miller", "PERSON"), ("c", "Miller", "PERSON")
        )
    )
    lone = entity_ids(mentions, "c", "Miller")
    assert lone.isdisjoint(
        entity_ids(mentions, "a", "Jane Miller") | entity_ids(mentions, "b", "Matthew Miller")
    )


def test_a_surname_with_one_full_name_in_the_corpus_joins_it() -> None:
    mentions, _ = resolve_entities(
        candidates(("a", "Angela Merkel", "PERSON"), ("b", "Chancellor Merkel", "PERSON"))
    )
    assert mentions["entity_id"].nunique() == 1


def test_an_acronym_defined_in_one_article_resolves_it_in_another() -> None:
    mentions, entities = resolve_entities(
        candidates(
            ("a", "Federal Bureau of Investigation", "ORG"),
            ("a", "FBI", "ORG", "Federal Bureau of Investigation"),
            ("b", "FBI", "ORG", None, True),
        )
    )
    assert mentions["entity_id"].nunique() == 1
    assert entities.iloc[0]["name"] == "Federal Bureau of Investigation"


# Two reports of one summit: they share its host, so they are one event.
NATO = "North Atlantic Treaty Organization"
SUMMIT = [
    ("a", "Jens Stoltenberg", "PERSON"),
    ("a", NATO, "ORG"),
    ("b", "Jens Stoltenberg", "PERSON"),
    ("b", "NATO", "ORG", None, True),
]


def test_an_acronym_implied_by_a_long_form_in_its_story_is_resolved() -> None:
    mentions, _ = resolve_entities(candidates(*SUMMIT))
    assert entity_ids(mentions, "b", "NATO") == entity_ids(mentions, "a", NATO)


def test_an_acronym_its_story_uses_for_a_long_form_resolves_it_in_another_story() -> None:
    mentions, _ = resolve_entities(
        candidates(*SUMMIT, ("c", "Kyiv", "GPE"), ("c", "NATO", "ORG", None, True))
    )
    assert entity_ids(mentions, "c", "NATO") == entity_ids(mentions, "a", NATO)


def test_an_acronym_is_not_guessed_from_the_initials_of_a_name_in_an_unrelated_story() -> None:
    mentions, _ = resolve_entities(
        candidates(
            ("a", "Banstead Baptist Church", "ORG"),
            ("a", "Surrey", "GPE"),
            ("b", "Gary Lineker", "PERSON"),
            ("b", "BBC", "ORG"),
        )
    )
    assert entity_ids(mentions, "b", "BBC").isdisjoint(entity_ids(mentions, "a", "Banstead Baptist Church"))


def test_a_bare_acronym_that_matches_nothing_is_dropped() -> None:
    mentions, _ = resolve_entities(
        candidates(("a", "Angela Merkel", "PERSON"), ("b", "XYZ", "ORG", None, True))
    )
    assert "XYZ" not in set(mentions["text"])


def test_an_acronym_with_two_meanings_in_the_corpus_is_not_guessed() -> None:
    mentions, _ = resolve_entities(
        candidates(
            ("a", "Palestinian Authority", "ORG"),
            ("a", "PA", "ORG", "Palestinian Authority"),
            ("b", "Press Association", "ORG"),
            ("b", "PA", "ORG", "Press Association"),
            ("c", "PA", "ORG"),
        )
    )
    assert entity_ids(mentions, "a", "PA") != entity_ids(mentions, "b", "PA")
    lone = entity_ids(mentions, "c", "PA")
    assert lone.isdisjoint(entity_ids(mentions, "a", "PA") | entity_ids(mentions, "b", "PA"))


def test_a_long_form_the_model_took_for_a_person_is_an_organisation_when_it_has_an_acronym() -> None:
    _, entities = resolve_entities(
        candidates(
            ("a", "Jabhat Fateh al-Sham", "PERSON"),
            ("a", "JFS", "ORG", "Jabhat Fateh al-Sham"),
        )
    )
    assert entities["label"].tolist() == ["ORG"]


def test_country_spellings_resolve_to_one_country() -> None:
    mentions, entities = resolve_entities(
        candidates(("a", "Russia", "GPE"), ("b", "Russian Federation", "GPE"), ("c", "Côte d'Ivoire", "GPE"))
    )
    assert entity_ids(mentions, "a", "Russia") == entity_ids(mentions, "b", "Russian Federation")
    assert set(entities["label"]) == {"GPE"}


def test_british_and_us_spellings_of_a_name_are_one_entity() -> None:
    mentions, _ = resolve_entities(
        candidates(
            ("a", "the Lincoln Centre for the Performing Arts", "ORG"),
            ("b", "Lincoln Center for the Performing Arts", "FAC"),
        )
    )
    assert entity_ids(mentions, "a", "the Lincoln Centre for the Performing Arts") == entity_ids(
        mentions, "b", "Lincoln Center for the Performing Arts"
    )


def test_numbered_instruments_with_different_numbers_stay_apart() -> None:
    mentions, _ = resolve_entities(
        candidates(
            ("a", "Security Council Resolution 1325", "LAW"),
            ("b", "Resolution 1325", "LAW"),
            ("c", "Resolution 2254", "LAW"),
        )
    )
    assert entity_ids(mentions, "a", "Security Council Resolution 1325") == entity_ids(
        mentions, "b", "Resolution 1325"
    )
    assert entity_ids(mentions, "b", "Resolution 1325") != entity_ids(mentions, "c", "Resolution 2254")


def test_every_mention_points_to_an_entity_and_counts_add_up() -> None:
    mentions, entities = resolve_entities(
        candidates(("a", "Angela Merkel", "PERSON"), ("a", "Merkel", "PERSON"), ("b", "Berlin", "GPE"))
    )
    assert set(mentions["entity_id"]) == set(entities["entity_id"])
    assert entities["mention_count"].sum() == len(mentions)


def test_no_candidates_give_empty_tables() -> None:
    mentions, entities = resolve_entities(candidates())
    assert mentions.empty and entities.empty


def test_a_surname_the_model_took_for_a_place_is_the_person_its_article_names() -> None:
    mentions, _ = resolve_entities(
        candidates(("a", "Sean Payton", "PERSON"), ("a", "Payton", "GPE"), ("b", "Sean Payton", "PERSON"))
    )
    assert entity_ids(mentions, "a", "Payton") == entity_ids(mentions, "b", "Sean Payton")


def test_an_untagged_surname_at_a_sentence_start_is_the_person_its_article_names() -> None:
    mentions, _ = resolve_entities(
        candidates(
            ("a", "Tyler Hansbrough", "PERSON"),
            ("a", "Gene Hansbrough", "PERSON"),
            ("a", "Hansbrough", "ORG", None, True),
        )
    )
    assert entity_ids(mentions, "a", "Hansbrough") == entity_ids(mentions, "a", "Tyler Hansbrough")


def test_a_known_city_named_like_a_person_in_the_article_stays_a_place() -> None:
    mentions, _ = resolve_entities(candidates(("a", "Michael Jackson", "PERSON"), ("a", "Jackson", "GPE")))
    assert entity_ids(mentions, "a", "Jackson") != entity_ids(mentions, "a", "Michael Jackson")


def test_a_first_name_alone_is_the_person_its_article_names_in_full() -> None:
    mentions, _ = resolve_entities(
        candidates(
            ("a", "Kathina Thomas", "PERSON"),
            ("a", "Thomas", "PERSON"),
            ("a", "Kathina", "GPE"),
            ("b", "Kathina Thomas", "PERSON"),
        )
    )
    assert entity_ids(mentions, "a", "Kathina") == entity_ids(mentions, "a", "Kathina Thomas")


def test_a_first_name_does_not_make_a_place_part_of_a_name_the_model_took_for_a_person() -> None:
    mentions, _ = resolve_entities(
        candidates(
            ("a", "Surrey Police", "PERSON"),
            ("b", "Surrey Police", "ORG"),
            ("a", "Surrey", "GPE"),
        )
    )
    assert entity_ids(mentions, "a", "Surrey") != entity_ids(mentions, "a", "Surrey Police")


def test_an_untagged_run_holding_two_names_keeps_both() -> None:
    mentions, _ = resolve_entities(
        candidates(
            ("a", "Indianapolis Colts", "ORG"),
            ("a", "Kansas City Chiefs", "ORG"),
            ("a", "Andrew Luck", "PERSON"),
            ("b", "Colts Beat Chiefs", "ORG", None, True),
            ("b", "Andrew Luck", "PERSON"),
        )
    )
    assert entity_ids(mentions, "b", "Colts") == entity_ids(mentions, "a", "Indianapolis Colts")
    assert entity_ids(mentions, "b", "Chiefs") == entity_ids(mentions, "a", "Kansas City Chiefs")


def test_a_country_in_an_untagged_run_is_kept() -> None:
    mentions, _ = resolve_entities(
        candidates(("a", "Turkmenistan", "GPE"), ("b", "Elections In Turkmenistan", "ORG", None, True))
    )
    assert entity_ids(mentions, "b", "Turkmenistan") == entity_ids(mentions, "a", "Turkmenistan")


def test_an_acronym_is_not_read_as_a_persons_initials() -> None:
    mentions, _ = resolve_entities(
        candidates(
            ("a", "Andrew Pusar", "PERSON"),
            ("a", "AP", "ORG", None, True),
            ("b", "Associated Press", "ORG"),
        )
    )
    assert entity_ids(mentions, "a", "AP").isdisjoint(entity_ids(mentions, "a", "Andrew Pusar"))


def test_an_outlets_web_address_is_the_outlet() -> None:
    mentions, _ = resolve_entities(candidates(("a", "People", "ORG"), ("b", "People.com", "ORG")))
    assert mentions["entity_id"].nunique() == 1


def test_initials_written_apart_are_the_abbreviation() -> None:
    mentions, _ = resolve_entities(
        candidates(
            ("a", "U.S. Department of Agriculture", "ORG"), ("b", "U . S . Department of Agriculture", "ORG")
        )
    )
    assert mentions["entity_id"].nunique() == 1


def test_a_name_the_model_cut_in_two_joins_the_name_other_articles_write_whole() -> None:
    # `... the bullet that struck Kathina Thomas seconds after ...`: the model took `Kathina` for a place.
    cut = [
        MentionCandidate("a", 0, 24, 31, "Kathina", "GPE", None, False).__dict__,
        MentionCandidate("a", 0, 32, 38, "Thomas", "ORG", None, True).__dict__,
        MentionCandidate("a", 1, 80, 86, "Albany", "GPE", None, False).__dict__,
        MentionCandidate("a", 1, 87, 93, "Police", "ORG", None, False).__dict__,
    ]
    whole = candidates(
        ("b", "Kathina Thomas", "PERSON"),
        ("b", "Albany", "GPE"),
        ("b", "Police", "ORG"),
        ("c", "Kathina Thomas", "PERSON"),
    )
    mentions, entities = resolve_entities(pd.concat([pd.DataFrame(cut), whole], ignore_index=True))
    person = entity_ids(mentions, "b", "Kathina Thomas")
    assert entity_ids(mentions, "a", "Kathina") == entity_ids(mentions, "a", "Thomas") == person
    assert set(entities.loc[entities["entity_id"].isin(person), "label"]) == {"PERSON"}
    assert entity_ids(mentions, "a", "Albany") != entity_ids(mentions, "a", "Police")


def test_two_people_the_model_ran_into_one_name_are_each_their_person() -> None:
    # `... the shooting that Lopez and Carrasquillo carried out ...`, tagged as one organisation.
    mentions, entities = resolve_entities(
        candidates(
            ("a", "Jonathan Carrasquillo", "PERSON"),
            ("a", "Alex Lopez", "PERSON"),
            ("a", "Lopez and Carrasquillo", "ORG"),
            ("b", "Fish and Wildlife Service", "ORG"),
            ("b", "Fish", "ORG"),
            ("b", "Wildlife Service", "ORG"),
        )
    )
    assert entity_ids(mentions, "a", "Carrasquillo") == entity_ids(mentions, "a", "Jonathan Carrasquillo")
    assert entity_ids(mentions, "a", "Lopez") == entity_ids(mentions, "a", "Alex Lopez")
    assert entity_ids(mentions, "a", "Lopez and Carrasquillo") == set()
    assert set(entities.loc[entities["entity_id"].isin(entity_ids(mentions, "a", "Lopez")), "label"]) == {
        "PERSON"
    }
    # An organisation named with `and` stays whole.
    assert len(entity_ids(mentions, "b", "Fish and Wildlife Service")) == 1


def test_names_of_a_clinic_that_differ_only_in_the_nouns_for_its_kind_are_one_clinic() -> None:
    # `Lohan Checks Into Betty Ford Clinic` as an untagged headline, beside articles that write
    # `the Betty Ford Center` and name the former first lady; another story writes the
    # `Betty Ford Treatment Center`.
    shared = [("Lindsay Lohan", "PERSON"), ("Rancho Mirage", "GPE"), ("Shawn Holley", "PERSON")]
    mentions, _ = resolve_entities(
        candidates(
            ("a", "Betty Ford Center", "ORG"),
            ("a", "Betty Ford", "PERSON"),
            *[("a", *name) for name in shared],
            ("b", "Betty Ford Clinic", "ORG", None, True),
            *[("b", *name) for name in shared],
            ("c", "Betty Ford Treatment Center", "ORG"),
            ("c", "Palm Springs", "GPE"),
        )
    )
    center = entity_ids(mentions, "a", "Betty Ford Center")
    assert entity_ids(mentions, "b", "Betty Ford Clinic") == center
    assert entity_ids(mentions, "c", "Betty Ford Treatment Center") == center
    assert entity_ids(mentions, "a", "Betty Ford") != center


def test_a_facility_named_without_its_kind_is_that_facility_in_its_event() -> None:
    # `... left Morningside on Friday` and `... moved to Stiles` beside articles that write the
    # `Morningside Recovery Center` and the `Stiles Unit` prison in full.
    shared = [("Lindsay Lohan", "PERSON"), ("Newport Beach", "GPE"), ("Shawn Holley", "PERSON")]
    mentions, _ = resolve_entities(
        candidates(
            ("a", "Morningside Recovery Center", "ORG"),
            ("a", "Stiles Unit", "FAC"),
            ("a", "Cleveland Clinic", "ORG"),
            ("a", "Justice Department", "ORG"),
            *[("a", *name) for name in shared],
            ("b", "Morningside", "PERSON"),
            ("b", "Stiles", "GPE"),
            ("b", "Cleveland", "GPE"),
            ("b", "Justice", "ORG"),
            *[("b", *name) for name in shared],
        )
    )
    assert entity_ids(mentions, "b", "Morningside") == entity_ids(
        mentions, "a", "Morningside Recovery Center"
    )
    assert entity_ids(mentions, "b", "Stiles") == entity_ids(mentions, "a", "Stiles Unit")
    # A city a clinic is named after, and the field a department is named for, stay apart.
    assert entity_ids(mentions, "b", "Cleveland") != entity_ids(mentions, "a", "Cleveland Clinic")
    assert entity_ids(mentions, "b", "Justice") != entity_ids(mentions, "a", "Justice Department")


def test_a_facility_named_without_its_kind_joins_the_one_such_facility_of_another_story() -> None:
    # One report writes `Cliffside` alone; the only facility so named is in another story.
    mentions, _ = resolve_entities(
        candidates(
            ("a", "Cliffside Rehab Center", "ORG"),
            ("a", "Lindsay Lohan", "PERSON"),
            ("a", "Palm Springs", "GPE"),
            ("b", "Cliffside", "GPE"),
            ("b", "Cliffside", "PRODUCT"),
            ("b", "Malibu", "GPE"),
        )
    )
    assert entity_ids(mentions, "b", "Cliffside") == entity_ids(mentions, "a", "Cliffside Rehab Center")


def test_a_given_name_the_model_left_untagged_before_a_full_name_is_part_of_it() -> None:
    # `Frederick` cut off `Frederick Cheney Burns`: he is `Frederick C. Burns`, not `Cheney Burns` apart.
    rows = candidates(
        ("a", "Frederick C. Burns", "PERSON"),
        ("a", "Watergate", "EVENT"),
        ("a", "Nixon White House", "ORG"),
        ("b", "Fred Burns", "PERSON"),
        ("b", "Watergate", "EVENT"),
        ("b", "Nixon White House", "ORG"),
        ("c", "Frederick", "ORG", None, True),
        ("c", "Cheney Burns", "PERSON"),
        ("c", "Watergate", "EVENT"),
        ("c", "Nixon White House", "ORG"),
    )
    cut = rows["text"] == "Cheney Burns"
    rows.loc[cut, "start_char"] = rows.loc[rows["text"] == "Frederick", "end_char"].iloc[0] + 1
    rows.loc[cut, "end_char"] = rows.loc[cut, "start_char"] + len("Cheney Burns")
    mentions, _ = resolve_entities(rows)
    assert entity_ids(mentions, "c", "Frederick Cheney Burns") == entity_ids(
        mentions, "a", "Frederick C. Burns"
    )


def test_a_given_name_spelt_with_ie_or_y_is_one_name_even_in_one_article() -> None:
    # `Jodie Foster ... was born Jody Lee Foster`: the article writes both spellings of one woman.
    mentions, _ = resolve_entities(
        candidates(
            ("a", "Jodie Foster", "PERSON"),
            ("a", "Jody Lee Foster", "PERSON"),
            ("a", "Silence of the Lambs", "WORK_OF_ART"),
            ("a", "Bronx", "GPE"),
            ("b", "Jodie Foster", "PERSON"),
            ("b", "Silence of the Lambs", "WORK_OF_ART"),
            ("b", "Bronx", "GPE"),
        )
    )
    assert entity_ids(mentions, "a", "Jody Lee Foster") == entity_ids(mentions, "b", "Jodie Foster")


def test_an_untagged_word_that_is_all_of_a_facility_name_but_its_kind_is_that_facility() -> None:
    mentions, _ = resolve_entities(
        candidates(
            ("a", "Hazelden Treatment Center", "ORG"),
            ("a", "Minnesota", "GPE"),
            ("b", "Minnesota", "GPE"),
            ("b", "Hazelden", "ORG", None, True),
        )
    )
    assert entity_ids(mentions, "b", "Hazelden") == entity_ids(mentions, "a", "Hazelden Treatment Center")


def test_a_city_standing_for_its_team_joins_the_team_and_the_city_stays_the_city() -> None:
    # `Kansas City beat Denver` (ORG) against `the Kansas City area` (GPE), in two reports of one game.
    mentions, _ = resolve_entities(
        candidates(
            ("a", "Kansas City Chiefs", "ORG"),
            ("a", "Denver Broncos", "ORG"),
            ("a", "Kansas City", "ORG"),
            ("a", "Kansas City", "GPE"),
            ("b", "Kansas City Chiefs", "ORG"),
            ("b", "Denver Broncos", "ORG"),
            ("b", "Chiefs", "ORG"),
            ("b", "Kansas City", "GPE"),
        )
    )
    team = entity_ids(mentions, "a", "Kansas City Chiefs")
    city = set(mentions[(mentions["text"] == "Kansas City") & (mentions["label"] == "GPE")]["entity_id"])
    assert set(mentions[mentions["start_char"] == 200]["entity_id"]) == team
    assert len(city) == 1
    assert city.isdisjoint(team)


def test_a_school_the_model_takes_for_a_place_is_its_team_throughout_its_event() -> None:
    # `Gonzaga beat Butler`, `the Gonzaga Bulldogs`, `Gonzaga coach Mark Few`: no gazetteer knows a Gonzaga.
    mentions, _ = resolve_entities(
        candidates(
            ("a", "Gonzaga Bulldogs", "ORG"),
            ("a", "Bulldogs", "ORG"),
            ("a", "Gonzaga", "ORG"),
            ("a", "Gonzaga", "GPE"),
            ("b", "Gonzaga", "GPE"),
            ("b", "Mark Few", "PERSON"),
        )
    )
    assert entity_ids(mentions, "a", "Gonzaga") == entity_ids(mentions, "a", "Gonzaga Bulldogs")
    assert entity_ids(mentions, "b", "Gonzaga") == entity_ids(mentions, "a", "Gonzaga Bulldogs")


def test_a_teams_clipped_nickname_joins_the_team() -> None:
    # `the Tampa Bay Buccaneers beat the Atlanta Falcons`, and in another report `the Bucs held on`.
    mentions, _ = resolve_entities(
        candidates(
            ("a", "Tampa Bay Buccaneers", "ORG"),
            ("a", "Josh Freeman", "PERSON"),
            ("a", "Atlanta Falcons", "ORG"),
            ("a", "Buccaneers", "ORG"),
            ("a", "Tampa Bay", "GPE"),
            ("b", "Josh Freeman", "PERSON"),
            ("b", "Atlanta Falcons", "ORG"),
            ("b", "Bucs", "PERSON"),
            ("b", "Buccaneers", "ORG"),
        )
    )
    assert entity_ids(mentions, "b", "Bucs") == entity_ids(mentions, "a", "Tampa Bay Buccaneers")


def test_a_city_acting_where_its_event_names_no_team_stays_the_city() -> None:
    # `Atlanta sued the state`: the event's `Atlanta Journal-Constitution` is a newspaper, not a team.
    mentions, _ = resolve_entities(
        candidates(
            ("a", "Atlanta Journal-Constitution", "ORG"),
            ("a", "Journal-Constitution", "ORG"),
            ("a", "Atlanta", "ORG"),
            ("a", "Atlanta", "GPE"),
        )
    )
    assert entity_ids(mentions, "a", "Atlanta") != entity_ids(mentions, "a", "Atlanta Journal-Constitution")
    assert len(entity_ids(mentions, "a", "Atlanta")) == 1


def test_a_state_standing_for_its_team_joins_the_nickname_written_after_it_elsewhere() -> None:
    # `the Kentucky Wildcats`, tagged as two names side by side; then `Kentucky beat Florida ... in Kentucky`.
    rows = [
        ("a", 0, "Kentucky", "GPE"),
        ("a", 9, "Wildcats", "ORG"),
        ("a", 40, "John Calipari", "PERSON"),
        ("b", 0, "Kentucky", "ORG"),
        ("b", 40, "John Calipari", "PERSON"),
        ("b", 80, "Wildcats", "ORG"),
        ("b", 120, "Kentucky", "GPE"),
    ]
    entity_at = entities_at(rows)
    assert entity_at[("b", 0)] == entity_at[("b", 80)]
    assert entity_at[("b", 120)] != entity_at[("b", 80)]


def test_a_city_cut_off_its_teams_name_joins_the_team_and_leaves_the_city_alone() -> None:
    # `the Denver Broncos`, tagged `Denver` (a place) and `Broncos`; `in Denver` in that story is the city.
    rows = [
        ("a", 0, "Denver Broncos", "ORG"),
        ("b", 0, "Denver", "GPE"),
        ("b", 7, "Broncos", "ORG"),
        ("b", 60, "Denver", "GPE"),
    ]
    entity_at = entities_at(rows)
    assert entity_at[("b", 0)] == entity_at[("a", 0)] == entity_at[("b", 7)]
    assert entity_at[("b", 60)] != entity_at[("a", 0)]


def test_a_city_cut_off_a_team_members_name_joins_the_team() -> None:
    # `a Boston Celtic since 2010`, tagged `Boston` (a place) and `Celtic`; `in Boston` stays the city.
    rows = [
        ("a", 0, "Boston Celtics", "ORG"),
        ("b", 0, "Boston", "GPE"),
        ("b", 7, "Celtic", "ORG"),
        ("b", 60, "Boston", "GPE"),
    ]
    entity_at = entities_at(rows)
    assert entity_at[("b", 0)] == entity_at[("a", 0)]
    assert entity_at[("b", 60)] != entity_at[("a", 0)]


def test_a_city_acting_stays_the_city_beside_a_newspaper_named_after_it() -> None:
    # `Los Angeles's mayor said ...`, as the `Los Angeles Times` (the `Times`) reported.
    mentions, _ = resolve_entities(
        candidates(
            ("a", "Los Angeles Times", "ORG"),
            ("a", "Times", "ORG"),
            ("a", "Los Angeles", "ORG"),
            ("a", "Los Angeles", "GPE"),
        )
    )
    assert len(entity_ids(mentions, "a", "Los Angeles")) == 1
    assert entity_ids(mentions, "a", "Los Angeles") != entity_ids(mentions, "a", "Los Angeles Times")


def test_a_name_that_says_only_the_kind_of_body_means_its_own_story_s_body() -> None:
    # Turkmenistan's `Supreme Court` is not California's; the `Red Cross` is one body everywhere.
    mentions, _ = resolve_entities(
        candidates(
            ("a", "Ashgabat", "GPE"),
            ("a", "Gurbanguly Berdimuhamedov", "PERSON"),
            ("a", "Supreme Court", "ORG"),
            ("a", "Red Cross", "ORG"),
            ("b", "Sacramento", "GPE"),
            ("b", "Jerry Brown", "PERSON"),
            ("b", "Supreme Court", "ORG"),
            ("b", "Red Cross", "ORG"),
        )
    )
    assert entity_ids(mentions, "a", "Supreme Court") != entity_ids(mentions, "b", "Supreme Court")
    assert entity_ids(mentions, "a", "Red Cross") == entity_ids(mentions, "b", "Red Cross")


def test_a_lone_word_for_a_kind_of_body_does_not_join_another_story_s_body() -> None:
    # `Parliament` in a story from Ashgabat is not the `Greek Parliament` of a story from Athens.
    mentions, _ = resolve_entities(
        candidates(
            ("a", "Ashgabat", "GPE"),
            ("a", "Gurbanguly Berdimuhamedov", "PERSON"),
            ("a", "Parliament", "ORG"),
            ("b", "Athens", "GPE"),
            ("b", "Alexis Tsipras", "PERSON"),
            ("b", "Greek Parliament", "ORG"),
        )
    )
    assert entity_ids(mentions, "a", "Parliament").isdisjoint(entity_ids(mentions, "b", "Greek Parliament"))


def test_a_force_run_into_a_members_rank_is_the_force_and_the_name_after_the_rank_the_member() -> None:
    mentions, _ = resolve_entities(
        candidates(
            ("a", "Riverside Police Sergeant Maria Lopez", "ORG"),
            ("a", "Idaho State Police Lt", "ORG"),
            ("b", "Riverside Police", "ORG"),
            ("b", "Maria Lopez", "PERSON"),
            ("b", "Idaho State Police", "ORG"),
        )
    )
    assert entity_ids(mentions, "a", "Riverside Police") == entity_ids(mentions, "b", "Riverside Police")
    assert entity_ids(mentions, "a", "Maria Lopez") == entity_ids(mentions, "b", "Maria Lopez")
    assert entity_ids(mentions, "a", "Idaho State Police") == entity_ids(mentions, "b", "Idaho State Police")


def test_a_persons_name_read_as_a_facility_joins_the_facility_its_story_names_after_them() -> None:
    # `admitted to John Keller` where other reports name the `John Keller Clinic`; the founder quoted
    # by name stays the man, and the name read as a place in a story with no such clinic stays him too.
    mentions, _ = resolve_entities(
        candidates(
            ("a", "John Keller Clinic", "ORG"),
            ("a", "John Keller", "FAC"),
            ("a", "Sarah Mills", "PERSON"),
            ("a", "Lakewood", "GPE"),
            ("b", "John Keller", "FAC"),
            ("b", "John Keller", "PERSON"),
            ("b", "John Keller", "PERSON"),
            ("b", "Sarah Mills", "PERSON"),
            ("b", "Lakewood", "GPE"),
            ("c", "John Keller", "FAC"),
            ("c", "Harbor Point", "GPE"),
            ("c", "Dana Price", "PERSON"),
            ("c", "Westfield Mall", "FAC"),
            ("c", "Kevin Moss", "PERSON"),
        )
    )
    clinic = entity_ids(mentions, "a", "John Keller Clinic")
    assert entity_ids(mentions, "a", "John Keller") == clinic
    at_b = mentions[(mentions["article_id"] == "b") & (mentions["text"] == "John Keller")]
    assert at_b.iloc[0]["entity_id"] in clinic
    assert set(at_b.iloc[1:]["entity_id"]).isdisjoint(clinic)
    assert entity_ids(mentions, "c", "John Keller").isdisjoint(clinic)


def test_a_schools_initial_and_u_is_the_school_its_story_names_but_a_citys_is_not() -> None:
    # Game reports write `Gonzaga` (which the model takes for a place), the `Gonzaga Bulldogs` and `GU`;
    # `BU` beside the `Boston Celtics` may be Boston University, no name of the city or its team.
    game = [("Gonzaga Bulldogs", "ORG"), ("Mark Few", "PERSON"), ("Spokane Arena", "FAC")]
    nba = [("Boston Celtics", "ORG"), ("Jayson Tatum", "PERSON"), ("TD Garden", "FAC")]
    mentions, _ = resolve_entities(
        candidates(
            *[("a", *name) for name in game],
            ("a", "Gonzaga", "GPE"),
            *[("b", *name) for name in game],
            ("b", "GU", "ORG"),
            *[("c", *name) for name in nba],
            ("c", "Boston", "ORG"),
            *[("d", *name) for name in nba],
            ("d", "BU", "ORG"),
        )
    )
    assert entity_ids(mentions, "b", "GU") == entity_ids(mentions, "a", "Gonzaga")
    assert entity_ids(mentions, "d", "BU").isdisjoint(entity_ids(mentions, "c", "Boston"))


def test_a_place_written_with_its_kind_first_is_the_place() -> None:
    # `rescuers reached the Mediterranean Island of Lampedusa` / `Lampedusa Island`; `the City of Flint said`.
    mentions, _ = resolve_entities(
        candidates(
            ("a", "Mediterranean Island of Lampedusa", "LOC"),
            ("a", "City of Flint", "GPE"),
            ("b", "Lampedusa Island", "LOC"),
            ("b", "Flint", "GPE"),
        )
    )
    assert entity_ids(mentions, "a", "Mediterranean Island of Lampedusa") == entity_ids(
        mentions, "b", "Lampedusa Island"
    )
    assert entity_ids(mentions, "a", "City of Flint") == entity_ids(mentions, "b", "Flint")


def test_a_place_is_named_with_its_kind_capitalised_where_some_article_writes_it_so() -> None:
    # Most outlets write `Capri island`; the entity is still named as the one that capitalises the kind.
    _, entities = resolve_entities(
        candidates(
            ("a", "Capri island", "LOC"),
            ("b", "Capri island", "LOC"),
            ("c", "Capri Island", "LOC"),
        )
    )
    assert entities["name"].tolist() == ["Capri Island"]


def test_a_lone_word_that_only_qualifies_a_body_does_not_join_another_story_s_body() -> None:
    # Alaska's `Interior` (the region, tagged an organisation) is not another story's Interior Department.
    mentions, _ = resolve_entities(
        candidates(
            ("a", "Fairbanks", "GPE"),
            ("a", "Sarah Palin", "PERSON"),
            ("a", "Interior", "ORG"),
            ("b", "Washington", "GPE"),
            ("b", "Ken Salazar", "PERSON"),
            ("b", "Department of the Interior", "ORG"),
        )
    )
    department = entity_ids(mentions, "b", "Department of the Interior")
    assert entity_ids(mentions, "a", "Interior").isdisjoint(department)
