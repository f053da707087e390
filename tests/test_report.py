"""The analyst's HTML report: what an analyst must find on a story's page, and that it is safe to open."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from html.parser import HTMLParser
from pathlib import Path

import pandas as pd
import pytest

from pipeline.report import INDEX_NAME, pages, story_page_name, story_summary_markdown, write_report
from pipeline.report.charts import BELOW, FROM, POINT, RANGE, interval
from pipeline.report.markup import ADDED, REMOVED, word_diff
from pipeline.report.pages import DIGESTS_NAME
from pipeline.report.views import ClaimView, Warehouse, story_view
from pipeline.schema import schema_for

_VOID = frozenset(
    {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"}
)


@dataclass
class Element:
    """A parsed HTML element: enough of a DOM to find elements and read what the reader sees."""

    tag: str
    attrs: dict[str, str | None]
    children: list[Element | str] = field(default_factory=list)

    def text(self, struck: bool = True) -> str:
        """The visible text, spaces collapsed; `struck=False` leaves out `<del>` (words shown as missing)."""
        return " ".join(self._raw_text(struck).split())

    def _raw_text(self, struck: bool) -> str:
        return "".join(
            child if isinstance(child, str) else child._raw_text(struck)
            for child in self.children
            if isinstance(child, str) or struck or child.tag != "del"
        )

    def iter(self):
        yield self
        for child in self.children:
            if isinstance(child, Element):
                yield from child.iter()

    def find_all(self, tag: str, class_: str | None = None, **attrs: str) -> list[Element]:
        return [
            element
            for element in self.iter()
            if element.tag == tag
            and (class_ is None or class_ in (element.attrs.get("class") or "").split())
            and all(element.attrs.get(name.replace("_", "-")) == value for name, value in attrs.items())
        ]

    def find(self, tag: str, class_: str | None = None, **attrs: str) -> Element:
        found = self.find_all(tag, class_, **attrs)
        assert found, f"no <{tag} class={class_} {attrs}> on the page"
        return found[0]


class _TreeBuilder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Element("document", {})
        self._open = [self.root]

    def handle_starttag(self, tag, attrs):
        element = Element(tag, dict(attrs))
        self._open[-1].children.append(element)
        if tag not in _VOID:
            self._open.append(element)

    def handle_startendtag(self, tag, attrs):
        self._open[-1].children.append(Element(tag, dict(attrs)))

    def handle_endtag(self, tag):
        for depth in range(len(self._open) - 1, 0, -1):
            if self._open[depth].tag == tag:
                del self._open[depth:]
                return

    def handle_data(self, data):
        self._open[-1].children.append(data)


def parse(path: Path) -> Element:
    builder = _TreeBuilder()
    builder.feed(path.read_text(encoding="utf-8"))
    builder.close()
    return builder.root


def squash(text: str) -> str:
    return " ".join(text.split())


@pytest.fixture(scope="module")
def seed_report(seed_run, tmp_path_factory) -> tuple[Path, Element]:
    """The seeds' report folder and the parsed page of their one story."""
    folder = tmp_path_factory.mktemp("report")
    write_report(seed_run.tables, folder)
    (story_id,) = seed_run.tables["stories"]["story_id"]
    return folder, parse(folder / story_page_name(story_id))


def story_articles(seed_run) -> pd.DataFrame:
    articles = seed_run.tables["articles"]
    (article_ids,) = seed_run.tables["stories"]["article_ids"]
    return articles[articles["article_id"].isin(list(article_ids))]


# --- Acceptance on the seeds -------------------------------------------------------------------


def test_seed_story_page_lists_the_five_articles_with_their_outlets_and_dates(seed_run, seed_report):
    _, page = seed_report
    rows = {
        row.attrs["data-article-id"]: row.text() for row in page.find("table", "articles").find_all("tr")[1:]
    }
    articles = story_articles(seed_run)
    assert set(rows) == set(articles["article_id"]) and len(rows) == 5
    for article in articles.to_dict("records"):
        shown = rows[article["article_id"]]
        assert article["source_path"] in shown
        if isinstance(article["outlet"], str):
            assert article["outlet"] in shown
        if isinstance(article["published_date"], date):
            assert article["published_date"].isoformat() in shown


def test_seed_story_page_shows_every_miller_cluster_across_outlets_with_each_wording(seed_run, seed_report):
    _, page = seed_report
    texts = dict(
        zip(seed_run.tables["articles"]["article_id"], seed_run.tables["articles"]["text"], strict=True)
    )
    quotes = seed_run.tables["quotes"].set_index("quote_id")
    clusters = seed_run.tables["quote_clusters"]
    miller = clusters[(clusters["speaker_name"] == "Matthew Miller") & (clusters["article_ids"].map(len) > 1)]
    assert len(miller) >= 5
    for cluster in miller.to_dict("records"):
        box = page.find("article", "cluster", data_cluster_id=cluster["cluster_id"])
        shown = {squash(wording.text(struck=False)) for wording in box.find_all("p", "wording")}
        for quote_id in cluster["quote_ids"]:
            quote = quotes.loc[quote_id]
            passages = [
                texts[quote["article_id"]][passage["start_char"] : passage["end_char"]]
                for passage in quote["passages"]
                if passage["cluster_id"] == cluster["cluster_id"]
            ]
            assert any(squash(passages[0]) in wording for wording in shown), (cluster["text"], passages[0])


def test_seed_political_process_quote_shows_each_outlets_wording_side_by_side(seed_report):
    _, page = seed_report
    box = next(
        box
        for box in page.find_all("article", "cluster")
        if "what we want to see is a political process forward" in box.find("h3").text()
    )
    wordings = [squash(wording.text(struck=False)) for wording in box.find_all("p", "wording")]
    for variant in ("forward, where", "forward where", "forward, but where", "forward that – where"):
        assert any(variant in wording for wording in wordings), variant
    assert box.find_all("ins") and box.find_all("del")


@pytest.mark.parametrize("measure", ["killed", "displaced", "war_start_year"])
def test_seed_conflict_shows_the_exact_sentence_of_every_claim_on_each_side(seed_run, seed_report, measure):
    _, page = seed_report
    conflicts = seed_run.tables["conflicts"]
    (conflict,) = conflicts[conflicts["measure"] == measure].to_dict("records")
    block = page.find("article", "conflict", data_measure=measure)
    assert conflict["description"] in block.text()
    sides = block.find_all("div", "side")
    assert len(sides) >= 2
    claims = seed_run.tables["claims"].set_index("claim_id")
    texts = dict(
        zip(seed_run.tables["articles"]["article_id"], seed_run.tables["articles"]["text"], strict=True)
    )
    for claim_id in conflict["claim_ids"]:
        claim = claims.loc[claim_id]
        sentence = block.find("div", "claim", data_claim_id=claim_id).find("blockquote").text()
        assert squash(texts[claim["article_id"]][claim["start_char"] : claim["end_char"]]) in sentence
        assert sentence.count(squash(claim["number_text"])) >= 1
    articles_by_side = [
        {claims.loc[claim.attrs["data-claim-id"], "article_id"] for claim in side.find_all("div", "claim")}
        for side in sides
    ]
    assert len(set().union(*articles_by_side)) >= 2


def test_seed_figures_are_charted_per_measure_as_inline_svg(seed_run, seed_report):
    _, page = seed_report
    charted = {figure.attrs["data-measure"] for figure in page.find_all("figure", "chart")}
    assert charted == set(story_claims_measures(seed_run))
    for figure in page.find_all("figure", "chart"):
        assert figure.find_all("svg"), "each chart is embedded as SVG"


def story_claims_measures(seed_run) -> list[str]:
    return sorted(set(seed_run.tables["claims"]["measure"]))


def test_seed_report_page_is_self_contained(seed_report):
    folder, page = seed_report
    assert not page.find_all("script")
    assert not [link for link in page.find_all("link") if link.attrs.get("rel") == "stylesheet"]
    html = next(folder.glob("story-*.html")).read_text(encoding="utf-8")
    assert not re.search(r"""(?:src|href)=["']?(?:https?:)?//""", html), "no remote resource"


def test_seed_index_links_every_story_page(seed_run, seed_report):
    folder, _ = seed_report
    index = parse(folder / INDEX_NAME)
    links = {anchor.attrs["href"] for anchor in index.find_all("a")}
    for story_id in seed_run.tables["stories"]["story_id"]:
        assert story_page_name(story_id) in links
        assert (folder / story_page_name(story_id)).is_file()


def test_seed_summary_names_each_conflict_and_links_the_page(seed_run):
    (story_id,) = seed_run.tables["stories"]["story_id"]
    summary = story_summary_markdown(story_view(Warehouse(seed_run.tables), story_id), "report/page.html")
    conflicts = seed_run.tables["conflicts"]
    assert f"**Conflicts ({len(conflicts)})**" in summary
    for description in conflicts["description"]:
        assert squash(description.replace("_", r"\_")) in summary
    assert "(report/page.html)" in summary
    assert "Matthew Miller" in summary


# --- Hand-made stories: edge cases -------------------------------------------------------------


def frame(table: str, rows: list[dict]) -> pd.DataFrame:
    """A table with its schema's columns; columns a row leaves out are null."""
    names = schema_for(table).names
    return pd.DataFrame([{name: row.get(name) for name in names} for row in rows], columns=names)


def article_row(article_id: str, text: str, **fields) -> dict:
    return {
        "article_id": article_id,
        "source_path": f"{article_id}.txt",
        "text": text,
        "body_start": 0,
        "body_end": len(text),
        "furniture": [],
        "sections": [],
        "agency_copy": False,
        "credits": [],
        **fields,
    }


def story_row(story_id: str, article_ids: list[str], title: str | None = None) -> dict:
    return {
        "story_id": story_id,
        "title": title,
        "article_ids": article_ids,
        "outlet_count": len(article_ids),
        "article_count": len(article_ids),
    }


HOSTILE = 'Officials said "<script>alert(1)</script> is <b>fine</b>" on Monday.'


def hostile_tables() -> dict[str, pd.DataFrame]:
    start = HOSTILE.index("<script>")
    end = HOSTILE.index('" on')
    quote_id = f"a1:{start}-{end}"
    figure_start = HOSTILE.index("1")
    return {
        "articles": frame(
            "articles",
            [
                article_row(
                    "a1", HOSTILE, outlet="<img src=x onerror=alert(2)>", url="javascript:alert(3)", title="T"
                )
            ],
        ),
        "stories": frame("stories", [story_row("S1", ["a1"], title="<script>alert(4)</script>")]),
        "quotes": frame(
            "quotes",
            [
                {
                    "quote_id": quote_id,
                    "article_id": "a1",
                    "sentence_id": 0,
                    "start_char": start,
                    "end_char": end,
                    "text": HOSTILE[start:end],
                    "kind": "direct",
                    "cluster_id": "Q1",
                    "passages": [{"start_char": start, "end_char": end, "cluster_id": "Q1"}],
                }
            ],
        ),
        "quote_clusters": frame(
            "quote_clusters",
            [
                {
                    "cluster_id": "Q1",
                    "text": HOSTILE[start:end],
                    "speaker_name": "<i>Mallory</i>",
                    "article_ids": ["a1"],
                    "quote_ids": [quote_id],
                    "outlet_count": 1,
                    "variant_count": 1,
                }
            ],
        ),
        "claims": frame(
            "claims",
            [
                {
                    "claim_id": f"a1:{figure_start}-{figure_start + 1}",
                    "article_id": "a1",
                    "sentence_id": 0,
                    "start_char": 0,
                    "end_char": len(HOSTILE),
                    "text": HOSTILE,
                    "measure": "killed",
                    "value": 1.0,
                    "unit": "people",
                    "attributed_to": "<script>alert(5)</script>",
                    "number_start": figure_start,
                    "number_end": figure_start + 1,
                    "number_text": "1",
                }
            ],
        ),
    }


def test_hostile_text_from_an_article_is_shown_as_text_never_run(tmp_path):
    write_report(hostile_tables(), tmp_path)
    page_path = tmp_path / story_page_name("S1")
    page = parse(page_path)
    html = page_path.read_text(encoding="utf-8")
    assert not page.find_all("script") and not page.find_all("img") and not page.find_all("b")
    assert "<script>alert(1)</script>" in page.find("p", "wording").text()
    assert "javascript:" not in html
    assert "<script>alert(4)</script>" in page.find("h1").text()
    assert "<script>alert(5)</script>" not in html, "the chart escapes its labels too"
    assert not parse(tmp_path / INDEX_NAME).find_all("script")


def test_hostile_text_cannot_break_out_of_the_markdown_summary():
    summary = story_summary_markdown(story_view(Warehouse(hostile_tables()), "S1"), "story-S1.html")
    assert "<script>" not in summary
    assert r"\<script\>" in summary


def test_story_without_quotes_claims_or_conflicts_gets_a_page_that_says_so(tmp_path):
    text = "Rain fell on the city on Tuesday."
    tables = {
        "articles": frame("articles", [article_row("a1", text, published_date=date(2024, 5, 7))]),
        "stories": frame("stories", [story_row("S1", ["a1"])]),
    }
    write_report(tables, tmp_path)
    page = parse(tmp_path / story_page_name("S1"))
    assert "No quotes in this story." in page.find("section", id="quotes").text()
    assert "The articles do not disagree on any figure." in page.find("section", id="conflicts").text()
    assert "No numeric claims in this story." in page.find("section", id="figures").text()
    assert "2024-05-07" in page.find("section", id="timeline").text()
    assert "Story S1" in page.find("h1").text(), "an untitled story is named by its id"


def test_empty_warehouse_gets_an_index_that_says_there_are_no_stories(tmp_path):
    assert write_report({}, tmp_path).pages == [tmp_path / INDEX_NAME]
    assert "No stories in the warehouse yet." in parse(tmp_path / INDEX_NAME).text()


def test_rewriting_removes_the_pages_of_stories_that_no_longer_exist_and_leaves_no_temporary_file(tmp_path):
    articles = frame("articles", [article_row("a1", "One."), article_row("a2", "Two.")])
    both = {
        "articles": articles,
        "stories": frame("stories", [story_row("S1", ["a1"]), story_row("S2", ["a2"])]),
    }
    write_report(both, tmp_path)
    assert (tmp_path / story_page_name("S2")).is_file()
    written = write_report(
        {"articles": articles, "stories": frame("stories", [story_row("S1", ["a1"])])}, tmp_path
    )
    assert sorted(path.name for path in tmp_path.iterdir()) == sorted(
        [*(p.name for p in written.pages), DIGESTS_NAME]
    )
    assert not (tmp_path / story_page_name("S2")).exists()


def two_stories(second_title: str) -> dict[str, pd.DataFrame]:
    articles = [
        article_row("a1", "Rain fell.", title="Rain in Lyon"),
        article_row("a2", "Snow.", title=second_title),
    ]
    return {
        "articles": frame("articles", articles),
        "stories": frame("stories", [story_row("S1", ["a1"]), story_row("S2", ["a2"])]),
    }


def test_pairs_sharing_as_much_copy_are_listed_in_the_order_of_their_outlets():
    outlets = {"a1": "Zeta Post", "a2": "Alpha Times", "a3": "Mid Herald"}
    articles = [
        article_row(article_id, "Agency copy.", outlet=outlet) for article_id, outlet in outlets.items()
    ]
    pairs = [("a1", "a3", 300), ("a1", "a2", 120), ("a2", "a3", 120)]
    tables = {
        "articles": frame("articles", articles),
        "stories": frame("stories", [story_row("S1", list(outlets))]),
        "source_overlap": frame(
            "source_overlap",
            [
                {
                    "article_id": a,
                    "other_article_id": b,
                    "shared_chars": n,
                    "shared_share": 0.5,
                    "passages": 1,
                }
                for a, b, n in pairs
            ],
        ),
    }
    overlap = story_view(Warehouse(tables), "S1").overlap
    assert [(view.first, view.second) for view in overlap] == [
        ("Zeta Post", "Mid Herald"),
        ("Alpha Times", "Mid Herald"),
        ("Zeta Post", "Alpha Times"),
    ]


def test_a_story_page_is_drawn_again_only_when_what_it_shows_changed(tmp_path):
    write_report(two_stories("Snow in Oslo"), tmp_path)
    unchanged, changed = tmp_path / story_page_name("S1"), tmp_path / story_page_name("S2")
    unchanged.write_text("kept as drawn", encoding="utf-8")
    write_report(two_stories("Hail in Oslo"), tmp_path)
    assert unchanged.read_text(encoding="utf-8") == "kept as drawn"
    assert "Hail in Oslo" in changed.read_text(encoding="utf-8")


def test_a_deleted_story_page_is_drawn_again(tmp_path):
    write_report(two_stories("Snow in Oslo"), tmp_path)
    (tmp_path / story_page_name("S1")).unlink()
    write_report(two_stories("Snow in Oslo"), tmp_path)
    assert "Rain in Lyon" in (tmp_path / story_page_name("S1")).read_text(encoding="utf-8")


def test_pages_drawn_in_two_processes_are_the_pages_drawn_in_one(seed_run, tmp_path):
    one, two = tmp_path / "one", tmp_path / "two"
    written_by_one = write_report(seed_run.tables, one, processes=1).pages
    written_by_two = write_report(seed_run.tables, two, processes=2).pages
    assert [page.name for page in written_by_two] == [page.name for page in written_by_one]
    for page in written_by_one:
        assert (two / page.name).read_bytes() == page.read_bytes()


def test_a_new_renderer_draws_every_page_again(tmp_path, monkeypatch):
    write_report(two_stories("Snow in Oslo"), tmp_path)
    page = tmp_path / story_page_name("S1")
    page.write_text("drawn by the old renderer", encoding="utf-8")
    monkeypatch.setattr(pages, "_renderer", lambda: "another version of the code")
    write_report(two_stories("Snow in Oslo"), tmp_path)
    assert "Rain in Lyon" in page.read_text(encoding="utf-8")


# --- Pieces: qualifiers as intervals, word differences -----------------------------------------


def claim(
    number_text: str, value: float, qualifier: str | None, value_high: float | None = None
) -> ClaimView:
    return ClaimView(
        claim_id="c",
        article_id="a",
        source="Outlet",
        measure="killed",
        number_text=number_text,
        qualifier=qualifier,
        value=value,
        value_high=value_high,
        unit="people",
        subject=None,
        attributed_to=None,
        sentence=[],
        group=0,
    )


@pytest.mark.parametrize(
    ("figure", "kind", "low", "high"),
    [
        (claim("more than 400", 400, "more than"), FROM, 400, None),
        (claim("at least 400", 400, "at least"), FROM, 400, None),
        (claim("about 400", 400, "about"), POINT, 400, 400),
        (claim("400", 400, None), POINT, 400, 400),
        (claim("between 300 and 400", 300, None, 400), RANGE, 300, 400),
        (claim("nearly 50,000", 50_000, "nearly"), BELOW, None, 50_000),
    ],
)
def test_a_qualified_figure_is_charted_as_the_interval_it_allows(figure, kind, low, high):
    drawn = interval(figure)
    assert (drawn.kind, drawn.low, drawn.high) == (kind, low, high)


def test_word_diff_marks_a_dropped_comma_and_an_inserted_word_but_not_typography():
    segments = word_diff("a process forward, where the people", "a process forward that where the people")
    assert [segment.text.strip() for segment in segments if segment.kind == REMOVED] == [","]
    assert [segment.text.strip() for segment in segments if segment.kind == ADDED] == ["that"]
    assert all(segment.kind not in (ADDED, REMOVED) for segment in word_diff("It’s “ours”", 'it\'s "ours"'))
