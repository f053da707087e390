"""Entity resolution inside events, on untagged names, and for capitals that act for their government."""

from __future__ import annotations

import pandas as pd

from pipeline.extract.mentions import MentionCandidate, extract_mentions
from pipeline.extract.sentences import SentenceSpan
from pipeline.nlp import cached_pipeline
from pipeline.reconcile.entities import resolve_entities
from tests.conftest import SeedRun


def candidates(*rows: tuple) -> pd.DataFrame:
    """Rows of `(article_id, text, ner_label[, candidate])`, laid out one after another."""
    records = []
    for position, (article_id, text, label, *rest) in enumerate(rows):
        start = position * 100
        candidate = rest[0] if rest else False
        records.append(
            MentionCandidate(article_id, 0, start, start + len(text), text, label, None, candidate)
        )
    return pd.DataFrame([record.__dict__ for record in records])


def entity_of(mentions: pd.DataFrame, article_id: str, text: str) -> set[str]:
    return set(mentions[(mentions["article_id"] == article_id) & (mentions["text"] == text)]["entity_id"])


def found_in(text: str, article_id: str = "a") -> list[MentionCandidate]:
    """The mention candidates extraction finds in one article, read as one body."""
    doc = cached_pipeline()(text)
    sentences = [SentenceSpan(i, s.start_char, s.end_char, "body") for i, s in enumerate(doc.sents)]
    return extract_mentions(article_id, text, doc, sentences)


def found_frame(article_id: str, text: str) -> pd.DataFrame:
    return pd.DataFrame([m.__dict__ for m in found_in(text, article_id)])


# Two reports of one match: they share the teams' full names, so they are one event.
MATCH = [
    ("a", "Indianapolis Colts", "ORG"),
    ("a", "Kansas City Chiefs", "ORG"),
    ("a", "Andrew Luck", "PERSON"),
    ("b", "Indianapolis Colts", "ORG"),
    ("b", "Kansas City Chiefs", "ORG"),
    ("b", "Colts", "ORG"),
    ("b", "Chiefs", "NORP"),
]


def test_a_teams_last_word_joins_its_full_name_in_the_same_event() -> None:
    mentions, _ = resolve_entities(candidates(*MATCH))
    assert entity_of(mentions, "b", "Colts") == entity_of(mentions, "a", "Indianapolis Colts")
    assert entity_of(mentions, "b", "Chiefs") == entity_of(mentions, "a", "Kansas City Chiefs")
    assert entity_of(mentions, "b", "Colts") != entity_of(mentions, "b", "Chiefs")


def test_a_place_named_without_its_kind_joins_the_place_in_the_same_event() -> None:
    mentions, _ = resolve_entities(
        candidates(
            ("a", "Norman Atlantic", "PRODUCT"),
            ("a", "Adriatic Sea", "LOC"),
            ("a", "Brindisi", "GPE"),
            ("b", "Norman Atlantic", "PRODUCT"),
            ("b", "Adriatic", "LOC"),
            ("b", "Brindisi", "GPE"),
        )
    )
    assert entity_of(mentions, "b", "Adriatic") == entity_of(mentions, "a", "Adriatic Sea")


def test_a_known_familiar_first_name_is_the_same_person_even_in_one_article() -> None:
    mentions, _ = resolve_entities(
        candidates(
            ("a", "William Jefferson Clinton", "PERSON"),
            ("a", "Little Rock", "GPE"),
            ("a", "Bill Clinton", "PERSON"),
            ("a", "Hillary Clinton", "PERSON"),
        )
    )
    assert entity_of(mentions, "a", "Bill Clinton") == entity_of(mentions, "a", "William Jefferson Clinton")
    assert entity_of(mentions, "a", "Hillary Clinton") != entity_of(mentions, "a", "Bill Clinton")


def test_one_name_with_different_model_labels_is_one_entity() -> None:
    mentions, entities = resolve_entities(
        candidates(("a", "Wladimir Klitschko", "PERSON"), ("b", "Wladimir Klitschko", "GPE"))
    )
    assert mentions["entity_id"].nunique() == 1
    assert entities["label"].tolist() == ["PERSON"]


def test_an_untagged_headline_is_narrowed_to_the_name_it_contains() -> None:
    mentions, _ = resolve_entities(
        candidates(
            ("a", "Lindsay Lohan", "PERSON"),
            ("b", "Lindsay Lohan Checks Into Rehab", "ORG", True),
        )
    )
    narrowed = mentions[mentions["article_id"] == "b"]
    assert narrowed["text"].tolist() == ["Lindsay Lohan"]
    assert narrowed["end_char"].iloc[0] - narrowed["start_char"].iloc[0] == len("Lindsay Lohan")
    assert mentions["entity_id"].nunique() == 1


def test_an_untagged_run_that_names_nothing_known_is_dropped() -> None:
    mentions, _ = resolve_entities(
        candidates(("a", "Angela Merkel", "PERSON"), ("b", "Clinch Playoff Berth", "ORG", True))
    )
    assert set(mentions["text"]) == {"Angela Merkel"}


def test_father_and_son_of_one_name_stay_apart() -> None:
    mentions, _ = resolve_entities(
        candidates(
            ("a", "W. Mark Felt Sr.", "PERSON"),
            ("a", "Mark Felt Jr.", "PERSON"),
            ("b", "W. Mark Felt Sr.", "PERSON"),
            ("b", "W. Mark Felt", "PERSON"),
        )
    )
    assert entity_of(mentions, "b", "W. Mark Felt") == entity_of(mentions, "a", "W. Mark Felt Sr.")
    assert entity_of(mentions, "a", "Mark Felt Jr.") != entity_of(mentions, "a", "W. Mark Felt Sr.")


def test_a_surname_shared_in_its_article_is_the_person_introduced_first() -> None:
    mentions, _ = resolve_entities(
        candidates(("a", "Mark Felt", "PERSON"), ("a", "Joan Felt", "PERSON"), ("a", "Felt", "PERSON"))
    )
    assert entity_of(mentions, "a", "Felt") == entity_of(mentions, "a", "Mark Felt")


def test_a_legal_form_does_not_make_another_company() -> None:
    mentions, _ = resolve_entities(candidates(("a", "Microsoft Corp.", "ORG"), ("b", "Microsoft", "ORG")))
    assert mentions["entity_id"].nunique() == 1


def test_a_capital_that_acts_is_its_government_and_a_dateline_is_the_city() -> None:
    text = "WASHINGTON\nWashington warned Moscow on Monday, the United States said in a statement.\n"
    mentions, _ = resolve_entities(found_frame("a", text))
    dateline = mentions[mentions["start_char"] == 0]["entity_id"]
    acting = mentions[mentions["text"] == "Washington"]["entity_id"]
    country = mentions[mentions["text"] == "United States"]["entity_id"]
    assert set(acting) == set(country)
    assert set(dateline).isdisjoint(set(acting))


def test_a_city_that_beats_a_rival_is_its_team_and_a_dateline_or_locative_is_the_city() -> None:
    text = (
        "NEW ORLEANS (AP) — New Orleans beat Atlanta 31-24 on Sunday night behind three touchdown passes "
        "from its quarterback.\nThe New Orleans Saints have won five straight, and the Saints lead the "
        "division.\nFans in New Orleans celebrated late into the night.\n"
    )
    mentions, _ = resolve_entities(found_frame("a", text))
    entity_at = dict(zip(mentions["start_char"], mentions["entity_id"], strict=True))
    team = entity_at[text.index("New Orleans Saints")]
    city = entity_at[text.index("in New Orleans") + len("in ")]
    assert entity_at[text.index("New Orleans beat")] == team
    assert entity_at[0] == city
    assert city != team


def test_a_city_beaten_by_a_score_is_its_team() -> None:
    # The parser reads a place before a score as an adverbial (`beat Houston 23-20`), not an object.
    text = "The Titans beat Houston 23-20 on Sunday and moved into first place in the division.\n"
    labels = {m.text: m.ner_label for m in found_in(text)}
    assert labels["Houston"] == "ORG"


def test_a_place_followed_by_its_win_loss_record_is_its_team() -> None:
    # A scorer's line names the side he played for with its record in brackets; a locative stays the city.
    text = (
        "Jordan Smith scored 21 points and grabbed eight rebounds for Louisville (14-3), which won its ninth "
        "straight game.\n"
        "The game in Louisville drew a record crowd.\n"
    )
    labels = {(m.start_char, m.text): m.ner_label for m in found_in(text)}
    assert labels[(text.index("Louisville"), "Louisville")] == "ORG"
    assert labels[(text.index("in Louisville") + len("in "), "Louisville")] == "GPE"


def test_a_place_modifying_a_sport_or_its_play_is_its_team_and_its_area_the_place() -> None:
    text = (
        "Denver coach John Fox said the Denver defense had its best game of the season.\n"
        "Snow fell across the Denver area on Sunday.\n"
    )
    labels = {m.start_char: m.ner_label for m in found_in(text) if m.text == "Denver"}
    assert labels[0] == "ORG"
    assert labels[text.index("Denver defense")] == "ORG"
    assert labels[text.index("Denver area")] == "GPE"


def test_a_state_after_at_is_its_school_and_a_city_after_at_the_city() -> None:
    # One is `at` a school (`coached at Kentucky`) but `in` a state; `at Louisville` is the city.
    text = (
        "John Calipari has won more than 300 games as head coach at Kentucky.\n"
        "The Wildcats will play at Louisville on Saturday.\n"
        "Heavy rain fell in Kentucky on Friday.\n"
    )
    labels = {m.start_char: m.ner_label for m in found_in(text)}
    assert labels[text.index("Kentucky")] == "ORG"
    assert labels[text.index("Louisville")] == "GPE"
    assert labels[text.index("in Kentucky") + len("in ")] == "GPE"


def test_a_place_opening_a_line_with_its_win_loss_record_is_its_team_not_a_dateline() -> None:
    text = (
        "NEW ORLEANS (AP) — The home side won again on Sunday.\n"
        "New Orleans (11-5) won its fifth straight game behind three touchdown passes from its quarterback.\n"
    )
    labels = {m.start_char: m.ner_label for m in found_in(text)}
    assert labels[0] == "GPE"
    assert labels[text.index("New Orleans (11-5)")] == "ORG"


def test_the_seed_dateline_washington_is_not_the_us_government(seed_run: SeedRun) -> None:
    mentions = seed_run.tables["mentions"]
    us = mentions[mentions["text"].isin(["US", "U.S.", "United States"])]["entity_id"]
    assert us.nunique() == 1
    dateline = seed_run.article("000")
    start = dateline["text"].index("Washington, D.C.")
    in_dateline = mentions[
        (mentions["article_id"] == dateline["article_id"]) & (mentions["start_char"] == start)
    ]
    assert not in_dateline.empty
    assert set(in_dateline["entity_id"]).isdisjoint(set(us))


def test_an_untagged_common_word_does_not_link_two_stories() -> None:
    mentions, _ = resolve_entities(
        candidates(
            ("a", "Jane Miller", "PERSON"),
            ("a", "Police", "ORG"),
            ("b", "Matthew Miller", "PERSON"),
            ("b", "Police", "ORG", True),
        )
    )
    assert entity_of(mentions, "b", "Police").isdisjoint(entity_of(mentions, "a", "Police"))


def test_a_familiar_first_name_is_the_same_person_within_an_event() -> None:
    mentions, _ = resolve_entities(
        candidates(
            ("a", "Kathryn Jenkin", "PERSON"),
            ("a", "Millom", "GPE"),
            ("a", "Newton Street", "FAC"),
            ("b", "Katie Jenkin", "PERSON"),
            ("b", "Millom", "GPE"),
            ("b", "Newton Street", "FAC"),
        )
    )
    assert entity_of(mentions, "b", "Katie Jenkin") == entity_of(mentions, "a", "Kathryn Jenkin")


def test_alike_first_names_in_one_article_are_two_people() -> None:
    mentions, _ = resolve_entities(
        candidates(("a", "Mark Felt", "PERSON"), ("a", "Mary Felt", "PERSON"), ("b", "Mark Felt", "PERSON"))
    )
    assert entity_of(mentions, "a", "Mary Felt") != entity_of(mentions, "a", "Mark Felt")


def test_a_team_written_in_the_singular_is_the_team() -> None:
    mentions, _ = resolve_entities(
        candidates(
            *MATCH,
            ("c", "Indianapolis Colt", "ORG"),
            ("c", "Kansas City Chiefs", "ORG"),
            ("c", "Andrew Luck", "PERSON"),
        )
    )
    assert entity_of(mentions, "c", "Indianapolis Colt") == entity_of(mentions, "a", "Indianapolis Colts")


def test_a_nickname_blended_from_a_persons_names_is_that_person() -> None:
    mentions, _ = resolve_entities(
        candidates(
            ("a", "Lindsay Lohan", "PERSON"), ("a", "LiLo", "PERSON"), ("a", "Betty Ford Center", "ORG")
        )
    )
    assert entity_of(mentions, "a", "LiLo") == entity_of(mentions, "a", "Lindsay Lohan")


def test_a_storys_names_group_its_articles_in_a_corpus_of_many_stories() -> None:
    story = [(f"s{i}", name, label) for i in range(8) for name, label in
             (("Jane Miller", "PERSON"), ("Springfield Council", "ORG"), ("Oak Street", "FAC"))]  # fmt: skip
    other = [(f"o{i}", name, "PERSON") for i in range(8) for name in ("Matthew Miller", "Ned Price")]
    unrelated = [(f"u{i}", f"Town{i} Council", "ORG") for i in range(44)]
    late = [
        ("late", "Springfield Council", "ORG"),
        ("late", "Oak Street", "FAC"),
        ("late", "Miller", "PERSON"),
    ]
    mentions, _ = resolve_entities(candidates(*story, *other, *unrelated, *late))
    assert entity_of(mentions, "late", "Miller") == entity_of(mentions, "s0", "Jane Miller")


def extracted(text: str) -> list[tuple[str, str]]:
    """`(text, ner_label)` of the mentions found in one article."""
    return [(m.text, m.ner_label) for m in found_in(text)]


def test_a_nickname_between_given_name_and_surname_stays_in_the_name() -> None:
    found = extracted("Police said Kimani ( Kiki ) Gray , 16 , was shot on Saturday night .\n")
    assert ("Kimani ( Kiki ) Gray", "PERSON") in found


def test_a_middle_initial_written_apart_from_its_period_stays_in_the_name() -> None:
    found = extracted("The club was bought by John W . Henry in 2002 .\n")
    assert ("John W . Henry", "PERSON") in found


def test_initials_before_a_surname_are_part_of_the_name() -> None:
    found = extracted("The Yankees signed pitcher A . J . Burnett on Friday .\n")
    assert ("A . J . Burnett", "PERSON") in found


def test_a_letter_tagged_alone_stands_for_its_abbreviation_and_the_name_after_it() -> None:
    found = extracted("The fugitive was added to the U . S . Marshals list on Monday .\n")
    assert ("U . S . Marshals", "ORG") in found


def test_a_lone_letter_is_no_mention() -> None:
    found = extracted("The wooden structure at 325 E . Dahlia Ave . was known as the Sports Bar .\n")
    assert all(sum(char.isalnum() for char in text) >= 2 for text, _ in found)


def test_quote_marks_written_as_backticks_are_not_part_of_a_name() -> None:
    found = extracted("The actress starred in `` Bettie Page Reveals All '' last year .\n")
    assert [text for text, _ in found if "Bettie" in text] == ["Bettie Page Reveals All"]


def test_a_common_noun_opening_a_sentence_is_no_name() -> None:
    found = extracted(
        "Arson suspected in church fire\n"
        "Investigators said the fire was arson and the church was a total loss .\n"
        "Police say the gunman fled on foot .\n"
        "Two police officers were hurt in Staunton on Tuesday .\n"
    )
    texts = [text for text, _ in found]
    assert "Arson" not in texts
    assert "Police" not in texts
    assert ("Staunton", "GPE") in found


def labelled(text: str) -> list[str]:
    """The mentions of one article the model's labels stand for, not the candidates resolution checks."""
    return [m.text for m in found_in(text) if not m.candidate]


def test_a_role_noun_a_headline_writes_for_a_person_is_no_name() -> None:
    found = labelled(
        "Man held after wife and son stabbed\n"
        "A MAN was last night being questioned by detectives over the stabbing of his wife and son .\n"
    )
    assert "MAN" not in found


def test_a_surname_that_is_a_role_noun_stays_a_name_where_running_text_capitalises_it() -> None:
    found = labelled(
        "Son scored twice as Tottenham beat Leeds 3-1 on Saturday .\n"
        "Tottenham manager Ange Postecoglou said Son was superb .\n"
    )
    assert "Son" in found


def test_a_name_that_opens_a_sentence_stays_a_name_when_the_article_uses_it_only_otherwise() -> None:
    found = extracted(
        "Felt died on Thursday at his home in Santa Rosa , his family said .\n"
        "He had felt unwell for weeks , his grandson Nick Jones said .\n"
    )
    assert ("Felt", "PERSON") in found


def test_a_first_name_alone_is_the_one_person_its_event_names_in_full_with_it() -> None:
    shared = [("Alice McMeekin", "PERSON"), ("Millom", "GPE"), ("Cumbria", "GPE"), ("Newton Street", "FAC")]
    # Each article's people, then the names the three reports share.
    people = {
        "a": ["Katie Jenkin", "John Jenkin", "Jenkin"],
        "b": ["Katie", "John"],
        "c": ["John Smith", "Smith"],
    }
    story = [
        *((article, name, "PERSON") for article, names in people.items() for name in names),
        *((article, *name) for article in people for name in shared),
        ("d", "Paris", "GPE"),
        ("d", "Harry Winston", "ORG"),
    ]
    mentions, _ = resolve_entities(candidates(*story))
    assert entity_of(mentions, "b", "Katie") == entity_of(mentions, "a", "Katie Jenkin")
    # Two people of the event are called John: the first name alone is neither.
    assert entity_of(mentions, "b", "John").isdisjoint(entity_of(mentions, "a", "John Jenkin"))
    assert entity_of(mentions, "b", "John").isdisjoint(entity_of(mentions, "c", "John Smith"))


def test_a_name_does_not_end_in_a_function_word_the_model_ran_it_into() -> None:
    found = extracted(
        "Police are treating a fire which has destroyed a Waitrose supermarket in Banstead in Surrey "
        "as `` potentially suspicious '' .\n"
        "The reigning National Player of the Year passed Phil Ford for the record .\n"
    )
    texts = [text for text, _ in found]
    assert "Banstead" in texts
    assert "National Player" in texts
    assert not any(text.split()[-1].islower() for text in texts)


def test_a_surname_that_is_also_a_common_noun_stays_a_name_where_its_article_names_the_person() -> None:
    found = extracted(
        "Jimmy Page played at the O2 Arena on Monday night .\n"
        "Page said he had written the page of lyrics in an hour .\n"
    )
    assert ("Page", "PERSON") in found


def test_an_acronym_that_counts_a_leading_the_joins_the_name_in_its_event() -> None:
    # `Lohan's lawyer told THR ...` beside `... told The Hollywood Reporter`, where `The` is trimmed.
    mentions, _ = resolve_entities(
        candidates(
            ("a", "Lindsay Lohan", "PERSON"),
            ("a", "Hollywood Reporter", "ORG"),
            ("b", "Lindsay Lohan", "PERSON"),
            ("b", "THR", "ORG"),
            ("c", "Tony Thompson", "PERSON"),
            ("c", "Pennsylvania", "GPE"),
            ("c", "Philadelphia Eagles", "ORG"),
            ("c", "THR", "ORG"),
        )
    )
    assert entity_of(mentions, "b", "THR") == entity_of(mentions, "a", "Hollywood Reporter")
    # Another story's `THR` is not that outlet.
    assert entity_of(mentions, "c", "THR").isdisjoint(entity_of(mentions, "a", "Hollywood Reporter"))


def test_a_body_named_without_its_kind_of_unit_is_that_body_in_its_event() -> None:
    shared = ["Staunton", "Shelby Hamilton", "Augusta County", "Lindsay Lohan", "Shenandoah Valley"]
    mentions, _ = resolve_entities(
        candidates(
            ("a", "Staunton Police Department", "ORG"),
            ("a", "Cliffside Recovery Centre", "ORG"),
            ("a", "Betty Ford Center", "ORG"),
            *[("a", name, "PERSON" if " " in name else "GPE") for name in shared],
            ("b", "Staunton Police", "ORG"),
            ("b", "Cliffside Recovery", "ORG"),
            ("b", "Betty Ford", "PERSON"),
            *[("b", name, "PERSON" if " " in name else "GPE") for name in shared],
            ("b", "State Department", "ORG"),
            ("b", "State", "ORG"),
        )
    )
    staunton_police = entity_of(mentions, "a", "Staunton Police Department")
    assert entity_of(mentions, "b", "Staunton Police") == staunton_police
    assert entity_of(mentions, "b", "Staunton") != staunton_police
    assert entity_of(mentions, "b", "Cliffside Recovery") == entity_of(
        mentions, "a", "Cliffside Recovery Centre"
    )
    # A short name of one word, or a person a body is named after, stays apart.
    assert entity_of(mentions, "b", "State Department") != entity_of(mentions, "b", "State")
    assert entity_of(mentions, "b", "Betty Ford") != entity_of(mentions, "a", "Betty Ford Center")


def test_an_organisation_run_into_the_common_nouns_after_it_is_that_organisation() -> None:
    # `... told People magazine on Friday` beside `... a rep told People`.
    shared = [("Lindsay Lohan", "PERSON"), ("Betty Ford Center", "ORG"), ("Malibu", "GPE")]
    mentions, _ = resolve_entities(
        candidates(
            ("a", "People magazine", "ORG"),
            ("a", "Bush administration", "ORG"),
            *[("a", *name) for name in shared],
            ("b", "People", "ORG"),
            ("b", "Bush", "PERSON"),
            *[("b", *name) for name in shared],
        )
    )
    assert entity_of(mentions, "a", "People magazine") == entity_of(mentions, "b", "People")
    assert entity_of(mentions, "a", "Bush administration") != entity_of(mentions, "b", "Bush")


def test_a_persons_name_the_model_mostly_labels_an_organisation_is_still_a_person() -> None:
    # Headlines `Bettie Page Dies at 85`: the small model labels the name an organisation, yet
    # labels it a person once, and her surname alone a person throughout.
    mentions, _ = resolve_entities(
        candidates(
            ("a", "Bettie Page", "ORG"),
            ("a", "Page", "PERSON"),
            ("a", "Los Angeles", "GPE"),
            ("b", "Bettie Page", "ORG"),
            ("b", "Bettie Page", "PERSON"),
            ("b", "Page", "PERSON"),
            ("b", "Playboy", "ORG"),
            ("c", "Betty Page", "PERSON"),
            ("c", "Page", "PERSON"),
            ("c", "Los Angeles", "GPE"),
            ("c", "Playboy", "ORG"),
        )
    )
    assert entity_of(mentions, "c", "Betty Page") == entity_of(mentions, "a", "Bettie Page")
    assert entity_of(mentions, "c", "Page") == entity_of(mentions, "b", "Page")


def test_a_given_name_spelt_one_letter_apart_in_another_story_is_the_same_person() -> None:
    # Outlets transliterate or misspell a given name (`Karolos` / `Carolos Papoulias`), and an
    # article that spells it its own way may land in an event of its own.
    mentions, _ = resolve_entities(
        candidates(
            ("a", "Karolos Papoulias", "PERSON"),
            ("a", "Athens", "GPE"),
            ("a", "Marfin Egnatia Bank", "ORG"),
            ("b", "Karolos Papoulias", "PERSON"),
            ("b", "Athens", "GPE"),
            ("b", "Marfin Egnatia Bank", "ORG"),
            ("c", "Carolos Papoulias", "PERSON"),
            ("c", "Papoulias", "PERSON"),
            ("c", "Alexandros Grigoropoulos", "PERSON"),
            ("d", "Mark Felt", "PERSON"),
            ("e", "Mary Felt", "PERSON"),
            ("f", "Mario Rossi", "PERSON"),
            ("f", "Maria Rossi", "PERSON"),
        )
    )
    assert entity_of(mentions, "f", "Mario Rossi") != entity_of(mentions, "f", "Maria Rossi")
    assert entity_of(mentions, "c", "Papoulias") == entity_of(mentions, "a", "Karolos Papoulias")
    assert entity_of(mentions, "c", "Carolos Papoulias") == entity_of(mentions, "b", "Karolos Papoulias")
    assert entity_of(mentions, "d", "Mark Felt") != entity_of(mentions, "e", "Mary Felt")


# Two reports of one vote in Kyrgyzstan: they share its places and people, so they are one event.
VOTE = [("Kyrgyzstan", "GPE"), ("Bishkek", "GPE"), ("Sadyr Japarov", "PERSON"), ("Osh", "GPE")]


def test_a_bodys_name_with_its_words_reordered_or_inflected_is_that_body_in_its_event() -> None:
    mentions, _ = resolve_entities(
        candidates(
            ("a", "Central Commission for Elections", "ORG"),
            ("a", "US Department of State", "ORG"),
            *[("a", *name) for name in VOTE],
            ("b", "Central Elections Commission", "ORG"),
            ("b", "United States State Department", "ORG"),
            *[("b", *name) for name in VOTE],
            ("b", "Central Bank", "ORG"),
        )
    )
    commission = entity_of(mentions, "a", "Central Commission for Elections")
    assert entity_of(mentions, "b", "Central Elections Commission") == commission
    assert entity_of(mentions, "b", "United States State Department") == entity_of(
        mentions, "a", "US Department of State"
    )
    assert entity_of(mentions, "b", "Central Bank") != commission


def test_an_acronym_inside_a_long_form_counts_all_its_letters() -> None:
    mentions, _ = resolve_entities(
        candidates(
            ("a", "Central Election Commission", "ORG"),
            ("a", "CIS Executive Committee", "ORG"),
            *[("a", *name) for name in VOTE],
            ("b", "CEC", "ORG"),
            *[("b", *name) for name in VOTE],
        )
    )
    # `CIS Executive Committee` abbreviates to `CISEC`, so `CEC` has one long form in the event.
    assert entity_of(mentions, "b", "CEC") == entity_of(mentions, "a", "Central Election Commission")


def test_a_body_named_with_one_of_two_joined_words_is_that_body_in_its_event() -> None:
    mentions, _ = resolve_entities(
        candidates(
            ("a", "Central Election and Referendum Commission", "ORG"),
            *[("a", *name) for name in VOTE],
            ("b", "Central Election Commission", "ORG"),
            *[("b", *name) for name in VOTE],
        )
    )
    assert entity_of(mentions, "b", "Central Election Commission") == entity_of(
        mentions, "a", "Central Election and Referendum Commission"
    )


def test_a_name_with_its_letters_typed_out_of_order_is_that_name_in_its_event() -> None:
    mentions, _ = resolve_entities(
        candidates(
            ("a", "Turkmenistan", "GPE"),
            *[("a", *name) for name in VOTE],
            ("b", "Turkeminstan", "GPE"),
            *[("b", *name) for name in VOTE],
        )
    )
    assert entity_of(mentions, "b", "Turkeminstan") == entity_of(mentions, "a", "Turkmenistan")


def test_a_place_followed_by_police_is_its_police_force_not_the_place() -> None:
    found = pd.concat(
        [
            found_frame(
                "a",
                "The Lakeland Police Department said a man was held after a robbery in Lakeland on Monday.\n",
            ),
            found_frame("b", "Hours later , Lakeland police arrested a second man at his home .\n"),
        ],
        ignore_index=True,
    )
    mentions, _ = resolve_entities(found)
    force = entity_of(mentions, "b", "Lakeland police")
    assert force and force == entity_of(mentions, "a", "Lakeland Police Department")
    assert force != entity_of(mentions, "a", "Lakeland")


def test_a_persons_name_as_a_place_is_the_clinic_named_after_them_and_elsewhere_the_person() -> None:
    # The article names the `Mary Hale Clinic`; `at` and `going back to` the bare name are the clinic,
    # its owner and a subject the woman herself.
    text = (
        "The singer Tom Reed checked into the Mary Hale Clinic in Denver on Monday, his publicist said.\n"
        "Reed was previously at Mary Hale in 2019 and is going back to Mary Hale for a second stay.\n"
        "Mary Hale's husband founded the clinic in 1982, and Mary Hale said she was proud of it.\n"
    )
    mentions, _ = resolve_entities(found_frame("a", text))
    entity_at = dict(zip(mentions["start_char"], mentions["entity_id"], strict=True))
    clinic = entity_at[text.index("Mary Hale Clinic")]
    assert entity_at[text.index("at Mary Hale") + len("at ")] == clinic
    assert entity_at[text.index("to Mary Hale") + len("to ")] == clinic
    woman = entity_at[text.index("Mary Hale's")]
    assert entity_at[text.index("Mary Hale said")] == woman
    assert woman != clinic


def test_a_place_written_with_its_kind_first_is_one_mention_with_it() -> None:
    # The model tags `Mediterranean Island`, leaving `Lampedusa` untagged; `an island of` is one of many,
    # and a force named after its city is no place.
    found = extracted(
        "Dozens of migrants landed on Mediterranean Island of Lampedusa overnight .\n"
        "Officials in the city of Flint said the water was safe .\n"
        "He was born on an island of Greece .\n"
        "Later , city of Flint police arrested a man .\n"
    )
    assert ("Island of Lampedusa", "LOC") in found
    assert ("city of Flint", "GPE") in found
    assert ("Greece", "GPE") in found
    assert ("Flint police", "ORG") in found


def test_a_places_name_takes_in_the_lower_case_noun_for_its_kind_after_it() -> None:
    found = extracted(
        "Ferries to Capri island were cancelled on Sunday .\n"
        "Rescuers searched the Hudson river on Monday .\n"
        "Storms battered Indian Ocean islands last week .\n"
    )
    assert ("Capri island", "GPE") in found
    assert ("Hudson river", "LOC") in found
    assert ("Indian Ocean", "LOC") in found
