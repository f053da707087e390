"""Source overlap: which articles share copy, so corroboration counts sources, not articles.

Two outlets that run the same agency copy are one source, however many
articles carry it. Copying shows as long passages shared verbatim outside
quotation marks: quoted speech is shared by every outlet that heard the
speaker and proves nothing about copying, so quotes are cut out first.

Pairs are found without comparing all pairs: every article's body is cut
into hashed shingles of `min_passage_words` consecutive normalized words,
an inverted index (the shingles of all articles, sorted) gives the articles
that hold each shingle, and only articles of one story sharing a shingle
become candidates. Copying matters for corroboration, which is counted within
a story; long passages shared across stories are boilerplate, or stock
background text reused for event after event, and would make the pairs grow
with the square of the archive. A shingle held by more than
`max_shingle_articles` articles of the whole corpus is boilerplate and is not
used for blocking.
Candidate pairs are then measured from the shingles they share, matched in
one sorted join per story: maximal common runs of at least
`min_passage_words` words, checked word by word (hashes can collide), each
word of either article used once.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import combinations, pairwise

import numpy as np
import pandas as pd
from anyascii import anyascii

from pipeline.extract.sentences import BODY
from pipeline.reconcile.groups import UnionFind

COLUMNS = ["article_id", "other_article_id", "shared_chars", "shared_share", "passages"]
_WORD = re.compile(r"[^\W_]+(?:['’‘][^\W_]+)*")
_BASE = np.uint64(0x9E3779B97F4A7C15)
# Rows of one shingle join (pairs of holders of a shingle): bounds its memory to a few hundred MB.
_MAX_JOINED = 5_000_000


@dataclass(frozen=True)
class OverlapSettings:
    """What counts as shared copy."""

    # A passage is shared copy from this many consecutive words (after normalizing case and typography).
    min_passage_words: int = 12
    # Shingles found in more articles than this are boilerplate: not used to find candidate pairs.
    max_shingle_articles: int = 100


@dataclass(frozen=True)
class _Body:
    """An article's non-quoted body as normalized words, and its shingles."""

    words: list[str]
    # First word of each shingle, ascending, and the shingle's hash; shingles never cross a cut.
    starts: np.ndarray
    hashes: np.ndarray
    # Characters of the normalized text: the words joined by single spaces.
    length: int


def source_overlap(
    articles: pd.DataFrame,
    sentences: pd.DataFrame,
    quotes: pd.DataFrame,
    stories: pd.DataFrame | None = None,
    settings: OverlapSettings | None = None,
) -> pd.DataFrame:
    """One row per pair of articles of one story sharing at least one long passage outside quotations.

    `shared_chars` counts characters of normalized text (words joined by single
    spaces) in the shared passages; `shared_share` divides it by the normalized
    length of the shorter non-quoted body. Without `stories`, the corpus is one story.
    """
    settings = settings or OverlapSettings()
    n = settings.min_passage_words
    bodies = _bodies(articles, sentences, quotes, n)
    ids = sorted(bodies)
    in_story, most = _story_numbers(ids, stories), settings.max_shingle_articles
    ordered = [bodies[article_id] for article_id in ids]
    candidates = _candidates(ordered, in_story, most)
    runs = _shared_runs(ordered, candidates, in_story, n)
    rows = []
    for i, j in sorted(runs):
        passages = _passages(ordered[i], ordered[j], runs[i, j])
        shared = sum(passages)
        shorter = min(ordered[i].length, ordered[j].length)
        rows.append((ids[i], ids[j], shared, shared / shorter, len(passages)))
    return pd.DataFrame(rows, columns=COLUMNS).astype(
        {"shared_chars": "int64", "shared_share": "float64", "passages": "int64"}
    )


def independent_groups(article_ids: list[str], overlap: pd.DataFrame) -> list[set[str]]:
    """The articles grouped into independent sources: articles linked by shared copy are one source.

    Links run through any chain of overlapping pairs among `article_ids`;
    pairs involving other articles are ignored.
    """
    members = list(dict.fromkeys(article_ids))
    known = set(members)
    sources = UnionFind()
    for article_id in members:
        sources.find(article_id)
    for first, second in zip(overlap["article_id"], overlap["other_article_id"], strict=True):
        if first in known and second in known:
            sources.union(first, second)
    groups: dict[str, set[str]] = defaultdict(set)
    for article_id in members:
        groups[sources.find(article_id)].add(article_id)
    return sorted(groups.values(), key=min)


def _bodies(
    articles: pd.DataFrame, sentences: pd.DataFrame, quotes: pd.DataFrame, n: int
) -> dict[str, _Body]:
    body_spans = _spans_by_article(sentences[sentences["kind"] == BODY])
    quote_spans = _spans_by_article(quotes)
    vocabulary: dict[str, int] = {}
    return {
        article_id: _body(text, body_spans.get(article_id), quote_spans.get(article_id), n, vocabulary)
        for article_id, text in zip(articles["article_id"], articles["text"], strict=True)
    }


def _spans_by_article(frame: pd.DataFrame) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """Each article's `(start_char, end_char)` arrays, from one sort (not a lookup per article)."""
    ids = frame["article_id"].to_numpy(object)
    order = np.argsort(ids, kind="stable")
    ids, starts, ends = ids[order], frame["start_char"].to_numpy()[order], frame["end_char"].to_numpy()[order]
    firsts = np.flatnonzero(np.r_[True, ids[1:] != ids[:-1]])[: len(ids)]
    bounds = np.r_[firsts, len(ids)]
    return {ids[a]: (starts[a:b], ends[a:b]) for a, b in pairwise(bounds)}


def _covered(length: int, spans: tuple[np.ndarray, np.ndarray] | None) -> np.ndarray:
    """Whether each character of a text of `length` lies inside one of `spans`."""
    depth = np.zeros(length + 1, np.int64)
    if spans is not None:
        np.add.at(depth, spans[0], 1)
        np.add.at(depth, spans[1], -1)
    return np.cumsum(depth[:length]) > 0


def _body(
    text: str,
    spans: tuple[np.ndarray, np.ndarray] | None,
    quoted: tuple[np.ndarray, np.ndarray] | None,
    n: int,
    vocabulary: dict[str, int],
) -> _Body:
    """Words of the body sentences outside quotes; a word left out cuts the text there."""
    unreadable = np.r_[0, np.cumsum(~_covered(len(text), spans) | _covered(len(text), quoted))]
    found = [(match.group(), match.start(), match.end()) for match in _WORD.finditer(text)]
    bounds = np.array([(start, end) for _, start, end in found], np.int64).reshape(-1, 2)
    kept = unreadable[bounds[:, 1]] == unreadable[bounds[:, 0]]
    segments = np.cumsum(~kept)[kept]  # which uncut stretch of text each kept word stands in
    words = [
        (word if word.isascii() else anyascii(word)).casefold()
        for (word, _, _), keep in zip(found, kept.tolist(), strict=True)
        if keep
    ]
    count = max(len(words) - n + 1, 0)
    codes = np.fromiter(
        (vocabulary.setdefault(word, len(vocabulary)) for word in words), np.uint64, len(words)
    )
    hashes = np.zeros(count, np.uint64)
    for offset in range(n):  # a polynomial hash of n word codes, modulo 2**64
        hashes = hashes * _BASE + codes[offset : offset + count]
    in_segment = segments[:count] == segments[n - 1 :]
    return _Body(words, np.flatnonzero(in_segment), hashes[in_segment], _chars(words))


def _story_numbers(ids: list[str], stories: pd.DataFrame | None) -> np.ndarray:
    """A number per article (in `ids` order), the same for the articles of one story; others stand alone."""
    if stories is None:
        return np.zeros(len(ids), np.int64)
    story_of: dict[str, int] = {}
    for number, members in enumerate(stories["article_ids"]):
        for article_id in members if members is not None else ():
            story_of.setdefault(article_id, number)
    alone = len(story_of) + len(ids)
    return np.array([story_of.get(article_id, alone + i) for i, article_id in enumerate(ids)], np.int64)


def _candidates(bodies: list[_Body], stories: np.ndarray, max_holders: int) -> set[tuple[int, int]]:
    """Pairs of bodies (by position, lower first) of one story sharing a shingle held by at most
    `max_holders` bodies of the whole corpus."""
    distinct = [np.unique(body.hashes) for body in bodies]
    hashes = np.concatenate([*distinct, np.zeros(0, np.uint64)])
    owners = np.repeat(np.arange(len(bodies)), [len(held) for held in distinct])
    order = np.lexsort((owners, stories[owners], hashes))
    hashes, owners = hashes[order], owners[order]
    new_shingle = np.r_[True, hashes[1:] != hashes[:-1]]
    shingle_starts = np.flatnonzero(new_shingle)
    holders = np.diff(np.r_[shingle_starts, len(hashes)])[np.cumsum(new_shingle) - 1]
    new_group = new_shingle | np.r_[True, stories[owners][1:] != stories[owners][:-1]]
    starts = np.flatnonzero(new_group)
    ends = np.r_[starts[1:], len(hashes)]
    shared = (ends - starts > 1) & (holders[starts] <= max_holders)
    groups = {
        tuple(owners[start:end].tolist()) for start, end in zip(starts[shared], ends[shared], strict=True)
    }
    return {pair for group in groups for pair in combinations(group, 2)}


def _chars(words: list[str]) -> int:
    return sum(map(len, words)) + max(len(words) - 1, 0)


def _shared_runs(
    bodies: list[_Body], candidates: set[tuple[int, int]], stories: np.ndarray, n: int
) -> dict[tuple[int, int], list[tuple[int, int, int]]]:
    """For each candidate pair, the maximal runs of shingles it shares along one diagonal (same
    offset between the texts), as `(start, end)` words in the first body and the start in the second.

    The shingles of a story's bodies are matched in one sorted join (not pair by pair), so the
    cost follows the shared shingles rather than a fixed price per pair."""
    by_story: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for pair in candidates:
        by_story[int(stories[pair[0]])].append(pair)
    runs: dict[tuple[int, int], list[tuple[int, int, int]]] = defaultdict(list)
    for first, second, i, j in (
        matched for pairs in by_story.values() for matched in _story_matches(bodies, sorted(pairs))
    ):
        along = np.lexsort((i, i - j, second, first))
        first, second, i, j = first[along], second[along], i[along], j[along]
        new_run = np.ones(len(i), bool)
        new_run[1:] = (
            (first[1:] != first[:-1])
            | (second[1:] != second[:-1])
            | (i[1:] - j[1:] != i[:-1] - j[:-1])
            | (i[1:] != i[:-1] + 1)
        )
        starts = np.flatnonzero(new_run)
        lasts = np.append(starts[1:], len(i)) - 1
        found = zip(
            first[starts].tolist(),
            second[starts].tolist(),
            i[starts].tolist(),
            j[starts].tolist(),
            i[lasts].tolist(),
            strict=True,
        )
        for a, b, start, other_start, last in found:
            words, other_words, end = bodies[a].words, bodies[b].words, last + n
            if words[start:end] == other_words[other_start : other_start + end - start]:
                runs[a, b].append((start, end, other_start))
            else:  # a hash collision inside the run: keep its genuinely equal shingles
                runs[a, b].extend(_verified_runs(words, other_words, start, last, other_start, n))
    return {pair: verified for pair, verified in runs.items() if verified}


def _story_matches(
    bodies: list[_Body], pairs: list[tuple[int, int]]
) -> Iterator[tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]]:
    """Every pair of equal shingles between the bodies of candidate `pairs` (of one story):
    first body, second body, and the shingle's first word in each.

    The join pairs every holder of a shingle with every other, so a story of
    thousands of articles sharing boilerplate would make it huge: above
    `_MAX_JOINED` rows the pairs are halved (a pair's matches always stay in one part)."""
    members = sorted({body for pair in pairs for body in pair})
    hashes = np.concatenate([bodies[member].hashes for member in members])
    owners = np.repeat(members, [len(bodies[member].hashes) for member in members])
    starts = np.concatenate([bodies[member].starts for member in members])
    order = np.lexsort((starts, owners, hashes))
    hashes, owners, starts = hashes[order], owners[order], starts[order]
    new_shingle = np.ones(len(hashes), bool)
    new_shingle[1:] = hashes[1:] != hashes[:-1]
    shingle_ends = np.append(np.flatnonzero(new_shingle)[1:], len(hashes))
    later = shingle_ends[np.cumsum(new_shingle) - 1] - np.arange(len(hashes)) - 1
    if later.sum() > _MAX_JOINED and len(pairs) > 1:
        yield from _story_matches(bodies, pairs[: len(pairs) // 2])
        yield from _story_matches(bodies, pairs[len(pairs) // 2 :])
        return
    a = np.repeat(np.arange(len(hashes)), later)
    b = a + 1 + np.arange(len(a)) - np.repeat(np.cumsum(later) - later, later)
    keys = owners[a] * len(bodies) + owners[b]
    wanted = np.isin(keys, [first * len(bodies) + second for first, second in pairs])
    a, b = a[wanted], b[wanted]
    yield owners[a], owners[b], starts[a], starts[b]


def _passages(first: _Body, second: _Body, runs: list[tuple[int, int, int]]) -> list[int]:
    """Normalized lengths of the maximal passages the two bodies share, each word used once:
    the longest runs first."""
    if len(runs) == 1:
        start, end, _ = runs[0]
        return [_chars(first.words[start:end])]
    used_first, used_second = bytearray(len(first.words)), bytearray(len(second.words))
    lengths = []
    for start, end, other_start in sorted(runs, key=lambda run: (run[0] - run[1], *run)):
        other_end = other_start + end - start
        if any(used_first[start:end]) or any(used_second[other_start:other_end]):
            continue
        used_first[start:end] = b"\x01" * (end - start)
        used_second[other_start:other_end] = b"\x01" * (end - start)
        lengths.append(_chars(first.words[start:end]))
    return lengths


def _verified_runs(
    first: list[str], second: list[str], start: int, last: int, other_start: int, n: int
) -> list[tuple[int, int, int]]:
    """The runs within the run `start`..`last` whose shingles are equal word for word."""
    runs: list[tuple[int, int, int]] = []
    previous = None
    for i in range(start, last + 1):
        j = other_start + i - start
        if first[i : i + n] != second[j : j + n]:
            continue
        if previous == i - 1:
            run_start, _, run_other = runs.pop()
            runs.append((run_start, i + n, run_other))
        else:
            runs.append((i, i + n, j))
        previous = i
    return runs
