"""Text cut into segments a template can highlight: word differences between quote variants, marked spans.

Templates autoescape every segment, so texts from the wild are never markup;
a segment's `kind` only chooses the element that wraps it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from difflib import SequenceMatcher

from anyascii import anyascii

# Words (with inner apostrophes) and runs of punctuation, each with the spaces after it.
_TOKEN = re.compile(r"\w+(?:['’]\w+)*\s*|[^\w\s]+\s*")

SAME = "same"
ADDED = "added"
REMOVED = "removed"
MARKED = "marked"


@dataclass(frozen=True)
class Segment:
    """A piece of text and how to show it: `same`, `added`, `removed` (struck) or `marked`."""

    text: str
    kind: str = SAME


def word_diff(reference: str, variant: str) -> list[Segment]:
    """The variant's words, with those the reference lacks `added` and the reference's missing ones `removed`.

    Words compare without typography and case (`It’s` is `it's`), so curly
    quotes do not drown the differences of wording an analyst looks for;
    punctuation counts, as a token of its own (`forward, where` has a comma
    that `forward where` lacks).
    """
    reference_words = _TOKEN.findall(reference)
    variant_words = _TOKEN.findall(variant)
    matcher = SequenceMatcher(
        None, [_word_key(word) for word in reference_words], [_word_key(word) for word in variant_words]
    )
    segments: list[Segment] = []
    for tag, ref_start, ref_end, var_start, var_end in matcher.get_opcodes():
        if tag == "equal":
            _append(segments, "".join(variant_words[var_start:var_end]), SAME)
            continue
        if tag in ("replace", "delete"):
            # Struck words carry no spaces of their own: the page's style spaces them.
            _append(segments, "".join(reference_words[ref_start:ref_end]).rstrip(), REMOVED)
        if tag in ("replace", "insert"):
            _append(segments, "".join(variant_words[var_start:var_end]), ADDED)
    return segments


def marked(text: str, start: int, end: int) -> list[Segment]:
    """`text` with its characters `start:end` marked; an empty or outside span marks nothing."""
    start, end = max(0, start), min(len(text), end)
    if start >= end:
        return [Segment(text)] if text else []
    pieces = [Segment(text[:start]), Segment(text[start:end], MARKED), Segment(text[end:])]
    return [piece for piece in pieces if piece.text]


def _word_key(word: str) -> str:
    return anyascii(word.strip()).casefold()


def _append(segments: list[Segment], text: str, kind: str) -> None:
    """Add a segment, merging it into the previous one of the same kind."""
    if not text:
        return
    if segments and segments[-1].kind == kind:
        segments[-1] = Segment(segments[-1].text + text, kind)
    else:
        segments.append(Segment(text, kind))
