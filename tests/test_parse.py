"""pipeline.parse: metadata, furniture and sections, on the seeds and on other page formats."""

from __future__ import annotations

import dataclasses
import datetime as dt
import itertools
import json
import random
from pathlib import Path

import pytest

from pipeline.parse import ArticleMetadata, FurnitureRules, Span, parse_article

SAMPLE = Path(__file__).resolve().parents[1] / "data" / "sample"
DATA = Path(__file__).resolve().parents[1] / "pipeline" / "data" / "furniture.json"


def seed(prefix: str) -> str:
    """The text of seed file `000`..`004`, exactly as stored."""
    (path,) = SAMPLE.glob(f"{prefix}_*.txt")
    return path.read_text(encoding="utf-8")


def texts(text: str, spans: list[Span], kind: str | None = None) -> list[str]:
    """What the spans (of one kind, or all) cover."""
    return [text[s.start_char : s.end_char] for s in spans if kind in (None, s.kind)]


def folded(text: str) -> str:
    return " ".join(text.split())


REUTERS = (
    "U.S. says Assad must engage in political process\n\n"
    "WASHINGTON, Dec 2 (Reuters) - The United States on Monday called for de-escalation"
    " in Syria, State Department spokesperson Matthew Miller said.\n\n"
    '"Nothing has changed with respect to our policy," Miller told reporters.\n\n'
    "(Reporting by Jane Doe in Washington; Editing by John Roe)\n"
)

AP = (
    "Rebels push toward Hama as Syria's army regroups\n"
    "By Jane Doe and John Roe\n"
    "Updated 3 hours ago\n"
    "BEIRUT (AP) — Syrian insurgents pressed their offensive on Monday, a war monitor said.\n"
    "Advertisement\n"
    "The fighting has killed hundreds of people.\n"
    "Copyright 2024 The Associated Press. All rights reserved.\n"
)

COOKIES = (
    "We use cookies to improve your experience. Accept all cookies\n"
    "Skip to main content\n"
    "Gaza ceasefire talks resume in Cairo\n"
    "Share this article\n"
    "Negotiators met again on Tuesday, officials said.\n"
    "Story continues below advertisement\n"
    "Both sides have rejected earlier drafts.\n"
)

PROSE_FIRST = (
    "The rebel offensive, which began last week, has killed more than 400 people, including"
    " at least 72 civilians, according to the Syrian Observatory for Human Rights.\n"
    "Nearly 50,000 people have fled their homes, the UN said on December 2.\n"
)


# --- the seed corpus -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("prefix", "expected"),
    [
        ("000", dt.date(2024, 12, 3)),
        ("001", dt.date(2024, 12, 3)),
        ("002", None),
        ("003", dt.date(2024, 12, 2)),
        ("004", None),
    ],
)
def test_seed_publication_date_only_from_explicit_markers(prefix: str, expected: dt.date | None) -> None:
    assert parse_article(seed(prefix)).published_date == expected


@pytest.mark.parametrize(
    ("prefix", "furniture", "kind"),
    [
        ("002", "Your browser doesn’t support HTML5", "notice"),
        ("003", "Contact Us", "navigation"),
        ("003", "Subscribe", "navigation"),
        ("003", "Anadolu Agency WORLD", "masthead"),
        ("003", "Published December 02,2024", "publication_stamp"),
        ("000", "date 2024-12-03", "header"),
        ("000", "STORY:", "section_label"),
        ("001", "(With inputs from agencies)", "credit"),
    ],
)
def test_seed_furniture_is_marked_with_its_kind(prefix: str, furniture: str, kind: str) -> None:
    text = seed(prefix)
    assert furniture in texts(text, parse_article(text).furniture, kind)


def test_seed_line_markers_are_furniture_but_not_the_rest_of_their_line() -> None:
    text = seed("000")
    markers = [s for s in parse_article(text).furniture if s.kind == "marker"]
    assert [text[s.start_char : s.end_char] for s in markers] == ["::"] * 4
    assert [text.index("::", s.start_char) for s in markers] == [s.start_char for s in markers]
    assert text[markers[-1].end_char :].startswith(" Matthew Miller")


@pytest.mark.parametrize(
    ("prefix", "title"),
    [
        ("003", "US urges 'de-escalation' in Syria as anti-regime groups take ground"),
        ("004", "Washington urges Türkiye's role in Syrian de-escalation as rebel offensive rages"),
        (
            "000",
            "The US says it wants to see a 'political process' to end Syria's civil war"
            " as rebel fighters make gains",
        ),
        ("001", None),
        ("002", None),
    ],
)
def test_seed_title(prefix: str, title: str | None) -> None:
    assert parse_article(seed(prefix)).title == title


def test_seed_title_wrapped_over_a_blank_line_has_offsets_over_both_parts() -> None:
    text = seed("000")
    meta = parse_article(text)
    assert meta.title_start is not None
    covered = text[meta.title_start : meta.title_end]
    assert covered.startswith("The US says") and covered.endswith("make gains")
    assert "\n\n" in covered and folded(covered) == meta.title


def test_seed_outlet_from_masthead() -> None:
    assert parse_article(seed("003")).outlet == "Anadolu Agency"


def test_seed_author_from_trailing_byline_kept_as_section() -> None:
    text = seed("004")
    meta = parse_article(text)
    assert meta.author == "Khagan Isayev"
    assert texts(text, meta.sections, "byline") == ["By Khagan Isayev"]
    assert "By Khagan Isayev" not in texts(text, meta.furniture)


@pytest.mark.parametrize(("prefix", "line"), [("000", "Washington, D.C."), ("001", "Washington")])
def test_seed_dateline_is_the_city(prefix: str, line: str) -> None:
    text = seed(prefix)
    meta = parse_article(text)
    assert meta.dateline == "Washington"
    assert text[meta.dateline_start : meta.dateline_end] == "Washington"
    assert line in texts(text, meta.sections, "dateline")


def test_seed_title_starting_with_a_city_is_not_a_dateline() -> None:
    assert parse_article(seed("004")).dateline is None


def test_seed_event_date_line_is_a_dateline_section_not_the_publication_date() -> None:
    text = seed("000")
    meta = parse_article(text)
    assert "December 2, 2024" in texts(text, meta.sections, "dateline")
    assert meta.published_date == dt.date(2024, 12, 3)


def test_seed_crossheads_are_headings() -> None:
    text = seed("001")
    assert texts(text, parse_article(text).sections, "heading") == [
        "'...want to end civil war once and for all'",
        "Over 400 killed in current offensive",
    ]


def test_seed_agency_copy_from_inputs_credit() -> None:
    meta = parse_article(seed("001"))
    assert meta.agency_copy is True
    assert meta.credits == ["agencies"]


def test_seed_self_credit_of_an_outlet() -> None:
    meta = parse_article(seed("004"))
    assert meta.credits == ["Caliber.Az"]
    assert meta.agency_copy is False


@pytest.mark.parametrize(
    ("prefix", "first", "last"),
    [
        ("000", "Matthew Miller, US State", "Russia and other states."),
        ("001", "The United States (US)", "from government control."),
        ("002", "Fierce fighting", "civil war with them.”"),
        ("003", '"What we want to see', "the capital, Damascus."),
        ("004", "Matthew Miller, the spokesperson", "By Khagan Isayev"),
    ],
)
def test_seed_body_bounds(prefix: str, first: str, last: str) -> None:
    text = seed(prefix)
    meta = parse_article(text)
    assert text[meta.body_start :].startswith(first)
    assert text[: meta.body_end].endswith(last)


@pytest.mark.parametrize("prefix", ["000", "001", "002", "003", "004"])
def test_seed_spans_are_sorted_trimmed_and_disjoint(prefix: str) -> None:
    text = seed(prefix)
    meta = parse_article(text)
    everything = sorted(meta.furniture + meta.sections)
    for span in everything:
        covered = text[span.start_char : span.end_char]
        assert covered and covered == covered.strip()
    for before, after in itertools.pairwise(everything):
        assert before.end_char <= after.start_char
    assert meta.furniture == sorted(meta.furniture) and meta.sections == sorted(meta.sections)


# --- other page formats ----------------------------------------------------------------------


def test_reuters_dateline_gives_city_and_agency_credit() -> None:
    meta = parse_article(REUTERS)
    assert meta.dateline == "Washington"
    assert REUTERS[meta.dateline_start : meta.dateline_end] == "WASHINGTON"
    assert texts(REUTERS, meta.sections, "dateline") == ["WASHINGTON, Dec 2 (Reuters) -"]
    assert meta.credits == ["Reuters"] and meta.agency_copy is True


def test_reuters_body_starts_after_the_dateline_dash() -> None:
    meta = parse_article(REUTERS)
    assert REUTERS[meta.body_start :].startswith("The United States on Monday")
    assert REUTERS[: meta.body_end].endswith("Miller told reporters.")


def test_reuters_reporting_credit_is_furniture_and_names_the_author() -> None:
    meta = parse_article(REUTERS)
    assert texts(REUTERS, meta.furniture, "credit") == [
        "(Reporting by Jane Doe in Washington; Editing by John Roe)"
    ]
    assert meta.author == "Jane Doe"


def test_ap_dateline_without_date() -> None:
    meta = parse_article(AP)
    assert meta.dateline == "Beirut"
    assert texts(AP, meta.sections, "dateline") == ["BEIRUT (AP) —"]
    assert meta.credits == ["AP"] and meta.agency_copy is True


def test_byline_at_the_top_with_two_authors() -> None:
    meta = parse_article(AP)
    assert meta.author == "Jane Doe and John Roe"
    assert texts(AP, meta.sections, "byline") == ["By Jane Doe and John Roe"]
    assert meta.title == "Rebels push toward Hama as Syria's army regroups"


def test_relative_update_stamp_is_furniture_without_a_date() -> None:
    meta = parse_article(AP)
    assert texts(AP, meta.furniture, "publication_stamp") == ["Updated 3 hours ago"]
    assert meta.published_date is None


def test_copyright_line_names_the_outlet() -> None:
    meta = parse_article(AP)
    assert meta.outlet == "The Associated Press"
    assert texts(AP, meta.furniture, "copyright") == [
        "Copyright 2024 The Associated Press. All rights reserved."
    ]


def test_cookie_and_utility_lines_are_furniture() -> None:
    meta = parse_article(COOKIES)
    assert texts(COOKIES, meta.furniture) == [
        "We use cookies to improve your experience. Accept all cookies",
        "Skip to main content",
        "Share this article",
        "Story continues below advertisement",
    ]
    assert meta.title == "Gaza ceasefire talks resume in Cairo"


def test_title_less_article_starting_with_prose() -> None:
    meta = parse_article(PROSE_FIRST)
    assert (meta.title, meta.title_start, meta.title_end) == (None, None, None)
    assert meta.body_start == 0 and meta.sections == []


def test_long_first_line_without_a_full_stop_is_not_a_title() -> None:
    text = " ".join(["word"] * 40) + "\nSecond line of prose.\n"
    assert parse_article(text).title is None


def test_crlf_offsets_index_the_original_text() -> None:
    text = (
        "Syria latest: rebels advance\r\n\r\nPosted on December 3, 2024 at 10:15 am\r\n\r\n"
        "The rebels advanced on Monday.\r\n\r\nShare\r\n"
    )
    meta = parse_article(text)
    assert text[meta.title_start : meta.title_end] == "Syria latest: rebels advance"
    assert meta.published_date == dt.date(2024, 12, 3)
    assert texts(text, meta.furniture) == ["Posted on December 3, 2024 at 10:15 am", "Share"]
    assert text[meta.body_start : meta.body_end] == "The rebels advanced on Monday."


def test_carriage_return_only_line_endings() -> None:
    text = "Rebels enter Hama\rBy Jane Doe\rFighting continued on Tuesday.\r"
    meta = parse_article(text)
    assert (meta.title, meta.author) == ("Rebels enter Hama", "Jane Doe")
    assert text[meta.body_start : meta.body_end] == "Fighting continued on Tuesday."


@pytest.mark.parametrize("text", ["", "   ", "\n\r\n\r", "\x00\x01\x02"])
def test_empty_or_unrecognisable_text_gives_empty_metadata(text: str) -> None:
    meta = parse_article(text)
    assert (meta.body_start, meta.body_end) == (0, len(text))
    assert meta.title is None and meta.published_date is None and meta.sections == []
    assert meta.furniture == [] and meta.credits == []


def test_never_raises_on_random_junk() -> None:
    pieces = [*"aZ .,:;'\"“”()-–—|•\r\n\t\x00\u2028é日0", "::", "By ", "date 2024-12-03 "]
    pieces += ["Published ", "WASHINGTON", "(Reuters)", "Dec 2", "STORY:", "\n\n", "2024-13-45"]
    rng = random.Random(7)
    for _ in range(3000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 40)))
        meta = parse_article(text)
        assert 0 <= meta.body_start <= meta.body_end <= len(text)
        for span in meta.furniture + meta.sections:
            assert 0 <= span.start_char < span.end_char <= len(text)


def test_huge_single_line_is_body() -> None:
    text = "word " * 200_000
    meta = parse_article(text)
    assert (meta.body_start, meta.body_end, meta.title) == (0, len(text) - 1, None)


def test_crosshead_that_is_a_quote() -> None:
    text = (
        "Fighting spreads to Hama\n\nThe army withdrew on Tuesday.\n\n"
        "“We will not stop until Damascus”\n\nThe rebels pressed on.\n"
    )
    meta = parse_article(text)
    assert texts(text, meta.sections, "heading") == ["“We will not stop until Damascus”"]


def test_quoted_sentence_is_not_a_crosshead() -> None:
    text = "Fighting spreads to Hama\n\n“We will not stop.”\n\nThe rebels pressed on.\n"
    assert texts(text, parse_article(text).sections, "heading") == []


def test_bare_quote_is_not_a_title() -> None:
    text = "“We will not stop until Damascus”\n\nThe rebels pressed on, a commander said.\n"
    assert parse_article(text).title is None


def test_headline_is_not_joined_with_a_capitalised_next_paragraph() -> None:
    text = "Rebels enter Hama\n\nThe army withdrew on Tuesday.\n"
    meta = parse_article(text)
    assert meta.title == "Rebels enter Hama" and meta.title_end == len("Rebels enter Hama")


def test_json_header_publication_date_and_not_the_modified_date() -> None:
    text = (
        '"dateModified": "2024-12-05T08:00:00Z",\n"published": "2024-12-03T10:00:00Z",\n'
        "Rebels enter Hama\nFighting continued on Tuesday.\n"
    )
    meta = parse_article(text)
    assert meta.published_date == dt.date(2024, 12, 3)
    assert texts(text, meta.furniture, "header") == [
        '"dateModified": "2024-12-05T08:00:00Z",',
        '"published": "2024-12-03T10:00:00Z",',
    ]


def test_ambiguous_numeric_publication_date_is_not_guessed() -> None:
    text = "Rebels enter Hama\nPublished: 03/04/2024 14:05 GMT\nFighting continued on Tuesday.\n"
    meta = parse_article(text)
    assert meta.published_date is None
    assert texts(text, meta.furniture, "publication_stamp") == ["Published: 03/04/2024 14:05 GMT"]


def test_published_and_updated_on_one_line_takes_the_published_date() -> None:
    text = "Rebels enter Hama\nUpdated: 4 Dec 2024 | Published: Mon 2 Dec. 2024 09:00\nBody text.\n"
    assert parse_article(text).published_date == dt.date(2024, 12, 2)


def test_prose_starting_with_published_is_not_a_stamp() -> None:
    text = "Rebels enter Hama\nPublished reports say 400 died on December 2, 2024.\n"
    meta = parse_article(text)
    assert meta.published_date is None and meta.furniture == []


def test_prose_starting_with_by_is_not_a_byline() -> None:
    text = "Rebels enter Hama\nBy the time the army withdrew, the city had fallen\n"
    meta = parse_article(text)
    assert meta.author is None
    assert texts(text, meta.sections, "byline") == []


def test_name_followed_by_a_dash_is_not_a_dateline() -> None:
    text = "Rebels enter Hama\n\nMiller — who spoke on Monday — said the policy had not changed.\n"
    assert parse_article(text).dateline is None


def test_standalone_place_line_with_country() -> None:
    text = "Rebels enter Hama\n\nBeirut, Lebanon\n\nThe army withdrew on Tuesday.\n"
    meta = parse_article(text)
    assert meta.dateline == "Beirut"
    assert texts(text, meta.sections, "dateline") == ["Beirut, Lebanon"]


def test_person_name_line_is_not_a_dateline() -> None:
    text = "Rebels enter Hama\n\nMatthew Miller\n\nThe army withdrew on Tuesday.\n"
    assert parse_article(text).dateline is None


def test_masthead_of_another_outlet() -> None:
    text = "Rebels enter Hama\nThe Daily Star MIDDLE EAST\nThe army withdrew on Tuesday.\n"
    meta = parse_article(text)
    assert meta.outlet == "The Daily Star"
    assert texts(text, meta.furniture, "masthead") == ["The Daily Star MIDDLE EAST"]


def test_one_word_kicker_above_the_headline_is_a_heading_not_the_title() -> None:
    text = "Syria\nRebels seize Aleppo in shock offensive\nRebels have seized most of Aleppo.\n"
    meta = parse_article(text)
    assert meta.title == "Rebels seize Aleppo in shock offensive"
    assert texts(text, meta.sections, "heading") == ["Syria"]
    assert meta.dateline is None


def test_breadcrumb_line_is_navigation() -> None:
    text = "News | Syria's War\nSyrian rebels enter Aleppo\nFighters entered the city.\n"
    meta = parse_article(text)
    assert texts(text, meta.furniture, "navigation") == ["News | Syria's War"]
    assert meta.title == "Syrian rebels enter Aleppo"


def test_source_url_line_is_furniture() -> None:
    text = "https://example.com/news/2024/12/02/rebels\nRebels enter Hama\nThe army withdrew.\n"
    meta = parse_article(text)
    assert texts(text, meta.furniture, "link") == ["https://example.com/news/2024/12/02/rebels"]
    assert meta.title == "Rebels enter Hama"


def test_byline_affiliation_after_a_comma_is_not_an_author() -> None:
    text = "Rebels enter Hama\nBy Jane Doe, Al Jazeera\nThe army withdrew on Tuesday.\n"
    assert parse_article(text).author == "Jane Doe"


def test_byline_in_capitals_is_printed_in_name_case() -> None:
    text = "Rebels enter Hama\nBY JANE DOE, JOHN ROE AND ANN POE\nThe army withdrew.\n"
    assert parse_article(text).author == "Jane Doe, John Roe and Ann Poe"


def test_byte_order_mark_does_not_hide_the_title() -> None:
    text = "\ufeffRebels enter Hama\nThe army withdrew on Tuesday.\n"
    meta = parse_article(text)
    assert meta.title == "Rebels enter Hama"
    assert text[meta.title_start : meta.title_end] == "Rebels enter Hama"


def test_syndicated_feed_disclaimer_is_agency_copy() -> None:
    text = (
        "Syria rebels capture Aleppo\nNew Delhi, Dec 2 (PTI): India called for restraint.\n"
        "(This story has not been edited by our staff and is auto-generated from a syndicated"
        " feed.)\n"
    )
    meta = parse_article(text)
    assert meta.agency_copy is True and meta.credits == ["PTI", "agencies"]
    assert meta.dateline == "New Delhi"
    assert text[meta.body_start :].startswith("India called")


def test_headline_shaped_like_a_source_credit_is_not_a_credit() -> None:
    text = "Sources: Sox may not be out of the Teixeira chase\nThe team said nothing.\n"
    meta = parse_article(text)
    assert meta.furniture == [] and meta.credits == []
    assert meta.title == "Sources: Sox may not be out of the Teixeira chase"


def test_date_line_inside_the_body_is_a_dateline_section() -> None:
    text = "Rebels enter Hama\nJane Doe in Beirut\nSat 30 Nov 2024 14.05 GMT\nThe army withdrew.\n"
    meta = parse_article(text)
    assert "Sat 30 Nov 2024 14.05 GMT" in texts(text, meta.sections, "dateline")
    assert meta.published_date is None


def test_lone_country_line_is_not_a_dateline() -> None:
    text = "Rebels enter Hama\n\nSyria\n\nThe army withdrew on Tuesday.\n"
    assert parse_article(text).dateline is None


def test_title_case_headline_after_a_header_date_is_not_a_dateline() -> None:
    text = "date 2024-12-03 Rebels Take Aleppo\n\nThe army withdrew on Tuesday.\n"
    meta = parse_article(text)
    assert meta.dateline is None and meta.title == "Rebels Take Aleppo"


def test_user_rules_extend_the_packaged_file(tmp_path: Path) -> None:
    data = json.loads(DATA.read_text(encoding="utf-8"))
    data["navigation_phrases"].append("download our app")
    path = tmp_path / "furniture.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    text = "Rebels enter Hama\nDownload our app\nThe army withdrew on Tuesday.\n"
    assert texts(text, parse_article(text).furniture) == []
    rules = FurnitureRules.load(path)
    assert texts(text, parse_article(text, rules).furniture, "navigation") == ["Download our app"]


def test_metadata_is_immutable() -> None:
    meta = parse_article(REUTERS)
    assert isinstance(meta, ArticleMetadata)
    with pytest.raises(dataclasses.FrozenInstanceError):
        meta.title = "changed"  # type: ignore[misc]
