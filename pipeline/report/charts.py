"""Figures per measure as inline SVG: each article's figure on one row, qualifiers drawn as intervals.

A hedged figure is not a point: `more than 400` is an open interval from
400, `nearly 50,000` a bound from below up to 50,000, `between 300 and 400` a
range, `about 400` a point. The shape comes from the claims table's
`qualifier`, `value` and `value_high` (and the reconciliation rules' reading
of each qualifier), never from the text. Rows share a colour when their
claims agree (the same `claim_groups` row), so conflicts stand out.

Charts are drawn with matplotlib's object API (no pyplot, no global figure
state) and saved as SVG with text kept as text, ids salted per chart so
several charts can share one page, and no date, so a rerun writes the same bytes.
"""

from __future__ import annotations

import io
import math
import re
import textwrap
from dataclasses import dataclass

import matplotlib
from markupsafe import escape
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator, StrMethodFormatter

from pipeline.reconcile.conflicts import ReconciliationRules, default_rules
from pipeline.report.views import ClaimView, measure_title

POINT = "point"
FROM = "from"
BELOW = "below"
RANGE = "range"

# Okabe-Ito: told apart with every common colour-vision deficiency.
_GROUP_COLOURS = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000")
_UNGROUPED = "#8a8a8a"
_ROW_INCHES = 0.5
_TOP_INCHES = 0.45
_BOTTOM_INCHES = 0.45
_WIDTH_INCHES = 9.0
# Share of the width left of the axis, for row labels of up to `_LABEL_WIDTH` characters.
_LEFT_SHARE = 0.3
_LABEL_WIDTH = 40
_SIZE_ATTRIBUTES = re.compile(r'\s(?:width|height)="[^"]*pt"')
# An arrow for `nearly X` reaches this share of the axis to the left of X.
_BELOW_REACH = 0.08


@dataclass(frozen=True)
class Interval:
    """The values a hedged figure allows, as drawn: `high` is None when open-ended."""

    kind: str
    low: float | None
    high: float | None


def interval(claim: ClaimView, rules: ReconciliationRules | None = None) -> Interval:
    """How one claim's figure is drawn, from its qualifier and bounds."""
    rules = rules or default_rules()
    if claim.value_high is not None:
        return Interval(RANGE, claim.value, claim.value_high)
    if claim.unit in rules.exact_units:
        return Interval(POINT, claim.value, claim.value)
    vague_high = rules.vague_amounts.get(" ".join(claim.number_text.casefold().split()))
    if vague_high is not None:
        return Interval(RANGE, claim.value, max(vague_high, claim.value))
    if claim.qualifier is None:
        return Interval(POINT, claim.value, claim.value)
    shape = rules.qualifiers.get(claim.qualifier, rules.unknown_qualifier)
    if shape.open:
        return Interval(FROM, claim.value, None)
    if shape.high == 0 and shape.low < 0:
        return Interval(BELOW, None, claim.value)
    return Interval(POINT, claim.value, claim.value)


def measure_chart(measure: str, claims: list[ClaimView], salt: str) -> str:
    """An SVG element charting every claim of one measure, one row per claim; `salt` keeps ids unique."""
    rules = default_rules()
    intervals = [interval(claim, rules) for claim in claims]
    exact = all(claim.unit in rules.exact_units for claim in claims)
    left, right = _limits(intervals, exact)
    settings = {
        "svg.fonttype": "none",
        "svg.hashsalt": salt,
        "text.parse_math": False,
        "font.family": "sans-serif",
        "font.size": 8.5,
    }
    with matplotlib.rc_context(settings):
        height = _ROW_INCHES * len(claims) + _TOP_INCHES + _BOTTOM_INCHES
        figure = Figure(figsize=(_WIDTH_INCHES, height))
        # Fixed margins, not a fitted layout: every chart's axis starts at the same place on the page.
        figure.subplots_adjust(
            left=_LEFT_SHARE, right=0.97, top=1 - _TOP_INCHES / height, bottom=_BOTTOM_INCHES / height
        )
        axes = figure.add_subplot()
        for row, (claim, drawn) in enumerate(zip(claims, intervals, strict=True)):
            _draw(axes, row, claim, drawn, left, right)
        axes.set_xlim(left, right)
        axes.set_ylim(len(claims) - 0.5, -0.7)
        axes.set_yticks(range(len(claims)), [_row_label(claim) for claim in claims])
        axes.xaxis.set_major_locator(MaxNLocator(nbins=6, integer=True))
        axes.xaxis.set_major_formatter(StrMethodFormatter("{x:.0f}" if exact else "{x:,.0f}"))
        axes.grid(axis="x", color="#e3e3e3", linewidth=0.8)
        axes.set_axisbelow(True)
        for side in ("top", "right", "left"):
            axes.spines[side].set_visible(False)
        axes.tick_params(axis="y", length=0)
        axes.set_title(measure_title(measure), loc="left", fontsize=10, fontweight="bold")
        buffer = io.StringIO()
        figure.savefig(buffer, format="svg", metadata={"Date": None})
    svg = buffer.getvalue()
    # Sized by the page (its viewBox keeps the proportions), so every chart shares the page's width.
    svg = _SIZE_ATTRIBUTES.sub("", svg[svg.index("<svg") :], count=2)
    return svg.replace("<svg ", f'<svg role="img" aria-label="{escape(measure_title(measure))}" ', 1)


def _row_label(claim: ClaimView) -> str:
    """The article, and on a second line whom it attributes the figure to."""
    source = textwrap.shorten(claim.source, _LABEL_WIDTH, placeholder="…")
    if claim.attributed_to is None:
        return source
    return f"{source}\n" + textwrap.shorten(
        f"according to {claim.attributed_to}", _LABEL_WIDTH, placeholder="…"
    )


def _limits(intervals: list[Interval], exact: bool) -> tuple[float, float]:
    """The x range: from zero for counts (room for open ends), padded years for exact figures."""
    values = [value for drawn in intervals for value in (drawn.low, drawn.high) if value is not None]
    finite = [value for value in values if math.isfinite(value)] or [0.0]
    if exact:
        return min(finite) - 1, max(finite) + 1
    top = max(max(finite), 0.0)
    return min(min(finite), 0.0), top * 1.3 if top > 0 else 1.0


def _draw(axes, row: int, claim: ClaimView, drawn: Interval, left: float, right: float) -> None:
    colour = _GROUP_COLOURS[claim.group % len(_GROUP_COLOURS)] if claim.group >= 0 else _UNGROUPED
    bar = {"color": colour, "linewidth": 5, "alpha": 0.35, "capstyle": "butt"}
    arrow = {"arrowstyle": "-|>", "color": colour, "linewidth": 1.6, "mutation_scale": 12}
    anchor = claim.value
    if drawn.kind == RANGE:
        axes.hlines(row, drawn.low, drawn.high, **bar)
        axes.plot([drawn.low, drawn.high], [row, row], "|", color=colour, markersize=12, markeredgewidth=2)
    elif drawn.kind == FROM:
        axes.annotate("", xy=(right, row), xytext=(drawn.low, row), arrowprops=arrow)
        axes.plot(drawn.low, row, "|", color=colour, markersize=12, markeredgewidth=2)
    elif drawn.kind == BELOW:
        reach = max(left, drawn.high - _BELOW_REACH * (right - left))
        axes.annotate("", xy=(reach, row), xytext=(drawn.high, row), arrowprops=arrow)
        axes.plot(drawn.high, row, "|", color=colour, markersize=12, markeredgewidth=2)
    else:
        axes.plot(anchor, row, "o", color=colour, markersize=7)
    axes.annotate(
        textwrap.shorten(claim.number_text, _LABEL_WIDTH, placeholder="…"),
        (anchor, row),
        xytext=(3, 7),
        textcoords="offset points",
        fontsize=8,
        color="#333333",
        annotation_clip=False,
    )
