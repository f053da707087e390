"""From raw article text to its metadata: title, dates, people, places, body bounds.

Works on offsets only, so every span indexes the text exactly as ingested; a
later stage blanks the furniture before the NLP parse instead of deleting it.
"""

from __future__ import annotations

from dataclasses import dataclass

from pipeline.parse.dates import datetime_only, find_date
from pipeline.parse.furniture import Scan, Segment, scan, trim
from pipeline.parse.model import ArticleMetadata, Span
from pipeline.parse.names import byline, display_case, known_place, names, place
from pipeline.parse.rules import FurnitureRules, default_rules, fold

_OPEN_QUOTES = "\"'“‘«"
_CLOSE_QUOTES = "\"'”’»"
_TERMINAL = ".,;:…"
_SENTENCE_END = ".,;:…?!"


@dataclass(frozen=True)
class _Paragraph:
    """Content segments of consecutive lines that read as one paragraph (a wrapped line)."""

    segments: tuple[Segment, ...]

    @property
    def start(self) -> int:
        return self.segments[0].start

    @property
    def end(self) -> int:
        return self.segments[-1].end

    def words(self, text: str) -> str:
        """The paragraph's text with line breaks and runs of spaces folded to one space."""
        return " ".join(" ".join(text[s.start : s.end].split()) for s in self.segments)


def _ends_open(phrase: str, terminal: str = _TERMINAL) -> bool:
    """No sentence-final punctuation, ignoring closing quotes and brackets."""
    stripped = phrase.rstrip(_CLOSE_QUOTES + ")] ")
    return bool(stripped) and stripped[-1] not in terminal


def _is_quote(phrase: str) -> bool:
    return len(phrase) > 1 and phrase[0] in _OPEN_QUOTES and phrase[-1] in _CLOSE_QUOTES


def _starts_like_heading(phrase: str) -> bool:
    return phrase[0].isupper() or phrase[0].isdigit() or phrase[0] in _OPEN_QUOTES


def _headline(phrase: str, rules: FurnitureRules) -> bool:
    """Headline-like: short, no full stop, not a bare quote, capitalised."""
    limits = rules.limits
    return (
        2 <= len(phrase.split()) <= limits.title_max_words
        and len(phrase) <= limits.title_max_chars
        and _ends_open(phrase)
        and _starts_like_heading(phrase)
        and not _is_quote(phrase)
    )


def _heading(phrase: str, rules: FurnitureRules) -> bool:
    """A crosshead: a short line without sentence punctuation (it may be a quote).

    Unlike a headline it may not end in `?` or `!`: a one-line question inside
    the body is far more often prose than a crosshead.
    """
    limits = rules.limits
    return (
        len(phrase.split()) <= limits.heading_max_words
        and len(phrase) <= limits.heading_max_chars
        and _ends_open(phrase, _SENTENCE_END)
        and _starts_like_heading(phrase)
    )


def _continues(text: str, before: Segment | _Paragraph, after: Segment | _Paragraph) -> bool:
    """`after` carries on the sentence `before` left open (it starts in lower case)."""
    return _ends_open(text[before.start : before.end]) and text[after.start].islower()


def _paragraphs(text: str, segments: list[Segment]) -> list[_Paragraph]:
    grouped: list[list[Segment]] = []
    for segment in segments:
        previous = grouped[-1][-1] if grouped else None
        if previous and previous.line + 1 == segment.line and _continues(text, previous, segment):
            grouped[-1].append(segment)
        else:
            grouped.append([segment])
    return [_Paragraph(tuple(group)) for group in grouped]


@dataclass
class _Parse:
    """Mutable state while walking the paragraphs; frozen into ArticleMetadata at the end."""

    text: str
    rules: FurnitureRules
    found: Scan
    sections: list[Span]
    title: tuple[str, int, int] | None = None
    dateline: tuple[str, int, int] | None = None
    author: str | None = None
    agency_copy: bool = False

    def front_matter(self, paragraphs: list[_Paragraph]) -> int:
        """Consume title, bylines and datelines at the top; return the first body paragraph."""
        index, title_tried = 0, False
        while index < len(paragraphs):
            paragraph = paragraphs[index]
            if self.standalone(paragraph):
                index += 1
                continue
            if title_tried:
                break
            phrase = paragraph.words(self.text)
            if self.kicker(paragraph, phrase):
                index += 1
                continue
            title_tried = True
            if not _headline(phrase, self.rules):
                break
            last = paragraph
            if index + 1 < len(paragraphs) and self.wraps(paragraph, paragraphs[index + 1]):
                index, last = index + 1, paragraphs[index + 1]
                phrase = f"{phrase} {last.words(self.text)}"
            self.title = (phrase, paragraph.start, last.end)
            self.sections.append(Span(paragraph.start, last.end, "title"))
            index += 1
        return index

    def wraps(self, first: _Paragraph, second: _Paragraph) -> bool:
        """A headline broken over two paragraphs: nothing but blank lines between."""
        between = self.text[first.end : second.start]
        joined = f"{first.words(self.text)} {second.words(self.text)}"
        return (
            (not between or between.isspace())
            and _continues(self.text, first, second)
            and _headline(joined, self.rules)
        )

    def kicker(self, paragraph: _Paragraph, phrase: str) -> bool:
        """A one-word tag above the headline (`Syria`, `Exclusive`), marked as a heading."""
        if len(phrase.split()) != 1 or not _heading(phrase, self.rules):
            return False
        self.sections.append(Span(paragraph.start, paragraph.end, "heading"))
        return True

    def date_line(self, paragraph: _Paragraph, phrase: str) -> bool:
        """A line that only says when (`December 2, 2024`, `Sat 30 Nov 2024 14.05 GMT`)."""
        if len(paragraph.segments) > 1 or len(phrase) > self.rules.limits.furniture_line_chars:
            return False
        if not datetime_only(phrase, self.rules) or find_date(phrase, self.rules) is None:
            return False
        self.sections.append(Span(paragraph.start, paragraph.end, "dateline"))
        return True

    def standalone(self, paragraph: _Paragraph) -> bool:
        """Record a byline, date line or place line standing alone in the front matter."""
        segment = paragraph.segments[0]
        too_long = segment.end - segment.start > self.rules.limits.furniture_line_chars
        if len(paragraph.segments) > 1 or too_long:
            return False
        phrase = paragraph.words(self.text)
        if self.take_byline(paragraph, phrase) or self.date_line(paragraph, phrase):
            return True
        city = place(phrase, self.rules, trusted=segment.after_header)
        if city is None:
            return False
        self.sections.append(Span(segment.start, segment.end, "dateline"))
        if self.dateline is None:
            comma = self.text.find(",", segment.start, segment.end)
            self.dateline = (
                city,
                *trim(self.text, segment.start, segment.end if comma < 0 else comma),
            )
        return True

    def take_byline(self, paragraph: _Paragraph, phrase: str) -> bool:
        if len(paragraph.segments) > 1:
            return False
        author = byline(phrase, self.rules)
        if author is None:
            return False
        self.author = self.author or author
        self.sections.append(Span(paragraph.start, paragraph.end, "byline"))
        return True

    def inline_dateline(self, paragraph: _Paragraph) -> int:
        """`WASHINGTON, Dec 2 (Reuters) -` opening the first body paragraph; return body start."""
        segment = paragraph.segments[0]
        match = self.rules.inline_dateline_re.match(self.text, segment.start, segment.end)
        if match is None:
            return segment.start
        city, agency = match.group("place"), match.group("agency")
        if not (match.group("date") or agency or known_place(city, self.rules)):
            return segment.start
        start, end = trim(self.text, segment.start, match.end())
        self.sections.append(Span(start, end, "dateline"))
        if self.dateline is None:
            self.dateline = (display_case(city), match.start("place"), match.end("place"))
        if agency:
            self.found.credits.append((match.start("agency"), agency.strip()))
            self.agency_copy = self.agency_copy or fold(agency.strip()) in self.rules.agency_keys
        body_start, _ = trim(self.text, match.end(), segment.end)
        return body_start

    def body(self, paragraphs: list[_Paragraph], body_start: int) -> None:
        """Mark bylines, date lines and crossheads in the body; collect `X reports` credits.

        A paragraph opened by a wire dateline (it starts before `body_start`) is prose.
        """
        for paragraph in paragraphs:
            phrase = paragraph.words(self.text)
            opened_by_dateline = paragraph.start < body_start
            if not opened_by_dateline and (
                self.take_byline(paragraph, phrase) or self.date_line(paragraph, phrase)
            ):
                continue
            if not opened_by_dateline and len(paragraph.segments) == 1 and _heading(phrase, self.rules):
                self.sections.append(Span(paragraph.start, paragraph.end, "heading"))
                continue
            for segment in paragraph.segments:
                verbs = self.rules.credit_verb_re.finditer(self.text, segment.start, segment.end)
                self.found.credits.extend((m.start("source"), m.group("source")) for m in verbs)


def parse_article(text: str, rules: FurnitureRules | None = None) -> ArticleMetadata:
    """Parse one article's metadata, furniture and sections without altering `text`.

    Never raises on any string; text with nothing recognisable gives empty
    metadata whose body is the whole text.
    """
    rules = rules or default_rules()
    found = scan(text, rules)
    paragraphs = _paragraphs(text, found.segments)
    state = _Parse(text, rules, found, sections=[], agency_copy=found.agency_credit)
    first_body = state.front_matter(paragraphs)
    body = paragraphs[first_body:]
    if body:
        body_start = state.inline_dateline(body[0])
        body_end = body[-1].end
        state.body(body, body_start)
    elif paragraphs:
        body_start = body_end = paragraphs[-1].end
    else:
        body_start, body_end = 0, len(text)
    credited = (names(authors, rules) for authors in found.credited_authors)
    author = state.author or next((a for a in credited if a), None)
    credits: list[str] = []
    for _, credit in sorted(found.credits):
        if credit not in credits:
            credits.append(credit)
    title, title_start, title_end = state.title or (None, None, None)
    dateline, dateline_start, dateline_end = state.dateline or (None, None, None)
    return ArticleMetadata(
        title=title,
        title_start=title_start,
        title_end=title_end,
        published_date=found.published,
        outlet=found.outlet or found.copyright_holder,
        author=author,
        dateline=dateline,
        dateline_start=dateline_start,
        dateline_end=dateline_end,
        body_start=body_start,
        body_end=body_end,
        furniture=sorted(found.furniture),
        sections=sorted(state.sections),
        agency_copy=state.agency_copy,
        credits=credits,
    )
