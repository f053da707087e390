"""The analyst's HTML report: one self-contained page per story and an index over them.

Pages carry their style inline and their charts as inline SVG: no script, no
remote resource, so a page reads the same offline, attached to a mail or
archived. Texts come from the wild, so the templates autoescape everything.
Each page is written under a hidden name and renamed into place, so a reader
never opens half a page, and pages of stories that no longer exist are removed.
A story page is drawn again only when what it shows or the code that draws it
changed: after a new batch most stories are unchanged, and drawing their charts
is most of a report's cost. The folder may be on object storage (a UPath, see
`pipeline.storage`).
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import matplotlib
import pandas as pd
from jinja2 import Environment, PackageLoader, StrictUndefined
from markupsafe import Markup

from pipeline.forked import forked_map
from pipeline.reconcile.conflicts import default_rules
from pipeline.report.charts import measure_chart
from pipeline.report.views import ClaimView, StoryView, Warehouse, measure_title, story_view
from pipeline.storage import WarehousePath, write_file

INDEX_NAME = "index.html"
# What each story page was drawn from, by page name: a digest of its view and of the renderer.
DIGESTS_NAME = ".pages.json"
_PAGE_PREFIX = "story-"
_UNSAFE_IN_NAME = re.compile(r"[^A-Za-z0-9_-]")

# The tables a report reads; a missing one reads as empty.
REPORT_TABLES: tuple[str, ...] = (
    "articles",
    "stories",
    "sentences",
    "mentions",
    "entities",
    "quotes",
    "quote_clusters",
    "claims",
    "claim_groups",
    "conflicts",
    "time_expressions",
    "source_overlap",
)


@dataclass(frozen=True)
class Chart:
    """One measure's chart, as SVG markup ready to inline."""

    measure: str
    svg: Markup


@dataclass(frozen=True)
class _IndexEntry:
    story: StoryView
    page: str


def story_page_name(story_id: str) -> str:
    """File name of a story's page inside the report folder (`story-<story_id>.html`)."""
    return f"{_PAGE_PREFIX}{_UNSAFE_IN_NAME.sub('_', story_id)}.html"


@dataclass(frozen=True)
class WrittenReport:
    """What `write_report` wrote: the pages, index first, and the views of the stories they show."""

    pages: list[WarehousePath]
    stories: list[StoryView]


def write_report(
    tables: Mapping[str, pd.DataFrame], folder: WarehousePath, processes: int = 1
) -> WrittenReport:
    """Write `index.html` and one page per story into `folder`.

    `tables` maps table names (`REPORT_TABLES`) to frames; missing ones read as empty.
    A story page already drawn from the same view by the same renderer is kept as it is.
    Stories are viewed and drawn in `processes` forked workers; pages are written here.
    """
    warehouse = Warehouse(tables)
    drawn = _read_digests(folder / DIGESTS_NAME)

    def view_and_draw(story_id: str) -> tuple[StoryView, str, str | None]:
        story = story_view(warehouse, story_id)
        digest = _digest(story)
        redraw = drawn.get(story_page_name(story_id)) != digest
        return story, digest, render_story(story) if redraw else None

    viewed = list(forked_map(view_and_draw, warehouse.story_ids(), processes))
    stories = [story for story, _, _ in viewed]
    digests: dict[str, str] = {}
    pages = [_write(folder / INDEX_NAME, render_index(stories))]
    for story, digest, html in viewed:
        page = folder / story_page_name(story.story_id)
        digests[page.name] = digest
        if html is not None or not page.is_file():
            _write(page, html if html is not None else render_story(story))
        pages.append(page)
    for stale in folder.glob(f"{_PAGE_PREFIX}*.html"):
        if stale.name not in digests:
            stale.unlink(missing_ok=True)
    write_file(folder / DIGESTS_NAME, json.dumps(digests, indent=1, sort_keys=True).encode("utf-8"))
    return WrittenReport(pages, stories)


def render_story(story: StoryView) -> str:
    """The HTML page of one story."""
    charts = [
        Chart(
            measure,
            Markup(measure_chart(measure, _of_measure(story, measure), f"{story.story_id}:{measure}")),
        )
        for measure in story.measures
    ]
    return (
        _environment()
        .get_template("story.html")
        .render(
            story=story,
            charts=charts,
            shared_clusters=[cluster for cluster in story.clusters if cluster.shared],
            single_clusters=[cluster for cluster in story.clusters if not cluster.shared],
        )
    )


def render_index(stories: list[StoryView]) -> str:
    """The HTML index over every story's page."""
    entries = [_IndexEntry(story, story_page_name(story.story_id)) for story in stories]
    return _environment().get_template("index.html").render(stories=entries)


def _of_measure(story: StoryView, measure: str) -> list[ClaimView]:
    return [claim for claim in story.claims if claim.measure == measure]


def _digest(story: StoryView) -> str:
    """What a story page is drawn from: its view (frozen dataclasses: `repr` is exact) and the renderer."""
    return hashlib.sha256(f"{_renderer()}\n{story!r}".encode()).hexdigest()


@cache
def _renderer() -> str:
    """Everything besides the view that shapes a page: this package's code and templates, the rules
    that turn qualifiers into intervals, and matplotlib's version; a change to any redraws every page."""
    package = Path(__file__).parent
    sources = hashlib.sha256()
    for path in sorted([*package.glob("*.py"), *package.glob("templates/*.html")]):
        sources.update(path.name.encode() + b"\0" + path.read_bytes())
    return f"{sources.hexdigest()} {default_rules()!r} matplotlib {matplotlib.__version__}"


def _read_digests(path: WarehousePath) -> dict[str, str]:
    """The digests of the last report; none when it is missing or unreadable (then every page is drawn)."""
    try:
        digests = json.loads(path.read_text(encoding="utf-8"))
    except (FileNotFoundError, ValueError):
        return {}
    return digests if isinstance(digests, dict) else {}


def _write(target: WarehousePath, html: str) -> WarehousePath:
    write_file(target, html.encode("utf-8"))
    return target


@cache
def _environment() -> Environment:
    environment = Environment(
        loader=PackageLoader("pipeline.report", "templates"),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    environment.filters["measure_title"] = measure_title
    return environment
