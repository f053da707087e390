"""Quote clusters: the same words quoted by several outlets, whatever each outlet did to them.

Outlets quote one statement with their own typography, cuts, ellipses,
bracketed alterations and spelling, and one outlet often runs several passages
into a long quote that others quote a sentence at a time. So quotes are
compared passage by passage. Each quote is cut into segments: its sentences and
the pieces between ellipses, a piece under `min_segment_words` words joining its
neighbour. A segment is compared as its words: ASCII, lower case, punctuation
dropped, `[t]he` read as `the`, a bracketed phrase the outlet inserted left
out, British spellings folded to US ones (`data/spelling_variants.json`).

Nothing compares all pairs. Identical wordings are merged first; an inverted
index of word shingles, without the shingles that more than
`max_shingle_postings` wordings share, proposes the pairs that share enough
shingles; each proposed pair is then checked precisely: how many of the
shorter wording's words stand, in order, in the best-aligned window of the
longer one.

- Two wordings that share most of the shorter one's words, at least
  `min_mutual` of the longer one's and at least `min_shared_words` words are
  the same passage (linked transitively).
- A wording mostly contained in a much longer one is a fragment (a partial
  quote, a truncation): its cluster attaches to the cluster of that longer
  wording, to one parent only, and stays apart when it fits several clusters
  equally well and the speaker does not tell them apart; so a common phrase
  (`we are working on it`) never glues clusters together.
- Consecutive segments of a quote that no other quote carries stay together
  as one passage of their own.

A cluster is therefore a passage (usually a sentence) with every quote that
carries it, and a long quote carries several: it is listed in the `quote_ids`
of each, its `passages` column says which characters went to which cluster,
and its own `cluster_id` is, of those clusters, the one the most articles
carry (then the one with the longest text).
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter, defaultdict
from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path

import numpy as np
import pandas as pd
import scipy.sparse as sp
from anyascii import anyascii
from rapidfuzz import fuzz
from rapidfuzz.distance import LCSseq
from scipy.sparse.csgraph import connected_components

from pipeline.text import SpellingRules, default_spelling

CLUSTER_COLUMNS = [
    "cluster_id",
    "text",
    "speaker_entity_id",
    "speaker_name",
    "article_ids",
    "quote_ids",
    "outlet_count",
    "variant_count",
    "first_published",
]

# Ellipses, `[...]` included, stand for cut words: they end a piece.
_ELLIPSIS = re.compile(r"\[\s*(?:\.\s?){3,}\s*\]|\[\s*…\s*\]|\.(?:\s?\.){2,}|…")
_SENTENCE_END = re.compile(r"(?<=[.!?])[\"'”’»)\]]*\s+(?=[\"'“‘«(\[]*[A-Z0-9])")
_EDGE = " \t\r\n,;:–—-"
_BRACKET = re.compile(r"\[([^\[\]]*)\]")
_ACRONYM = re.compile(r"\b(?:[a-z]\.){2,}")
_NUMBER_SEPARATOR = re.compile(r"(?<=\d)[,.](?=\d)")
_WORD = re.compile(r"[a-z0-9]+")
_UNFAITHFUL = re.compile(r"\.\s?\.\s?\.|…|\[")
# Shingles are hashed as polynomials over token ids, wrapping in 64 bits.
_SHINGLE_BASE = np.uint64(0x9E3779B97F4A7C15)
_SURROGATES = range(0xD800, 0xE000)
_BLOCK_ROWS = 20_000


@dataclass(frozen=True)
class ClusterSettings:
    """Thresholds of quote clustering, chosen on the seeds and on synthetic variants of ECB+ sentences."""

    # A sentence or ellipsis piece with fewer words joins its neighbour.
    min_segment_words: int = 6
    # Wordings with fewer words are never matched to others (scare quotes, single words).
    min_words: int = 3
    shingle_words: int = 3
    # Shingles found in more wordings than this are too common to propose pairs.
    max_shingle_postings: int = 500
    # Share of the shorter wording's shingles a proposed pair must share.
    min_shared_shingles: float = 0.2
    # Share of the shorter wording's words found, in order, in the longer one.
    min_containment: float = 0.75
    # Share of the longer wording's words: at least this, the same passage; below, a fragment of it.
    min_mutual: float = 0.8
    # Words two wordings must share to be the same passage; fewer make the shorter a fragment at most.
    min_shared_words: int = 8
    # British/US spelling rules; None for the packaged `spelling_variants.json`.
    spelling_file: Path | None = None


def quote_words(text: str, spelling: SpellingRules | None = None) -> list[str]:
    """The words of a quote as they are compared across outlets.

    Typography, case and punctuation go; `[t]he` reads `the`; a bracketed
    phrase (`[at Morningside Recovery]`) or `[sic]` is the outlet's, not the
    speaker's, and is left out; `U.S.` is `us`; British spellings take their US
    form. `It’s destabilising [the region]...` gives `its destabilizing`.
    """
    spelling = spelling or default_spelling()
    folded = anyascii(text).lower().replace("&", " and ")
    folded = _BRACKET.sub(_unbracket, folded)
    folded = _ACRONYM.sub(lambda m: m.group().replace(".", ""), folded.replace("'", "").replace("`", ""))
    folded = _NUMBER_SEPARATOR.sub("", folded)
    return [spelling.fold(word) for word in _WORD.findall(folded)]


def cluster_quotes(
    quotes: pd.DataFrame, articles: pd.DataFrame, settings: ClusterSettings | None = None
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Group quotes that carry the same words; returns (quotes with `cluster_id`, `quote_clusters`).

    The quotes come back in their order with `cluster_id` (every quote is in
    exactly one cluster, singletons included) and `passages`: a list of
    `{start_char, end_char, cluster_id}`, the parts of the quote (offsets into
    `articles.text`) and the cluster each part belongs to. `quote_clusters` has
    one row per cluster with the columns of `CLUSTER_COLUMNS`.
    """
    settings = settings or ClusterSettings()
    spelling = SpellingRules.load(settings.spelling_file) if settings.spelling_file else default_spelling()
    rows = quotes.reset_index(drop=True)
    segments = _segments(rows["text"].tolist(), settings, spelling)
    labels = _segment_clusters(segments, rows, settings)
    passages = _passages(segments, labels, rows)
    clusters = _cluster_rows(passages, rows, articles)
    own = _own_clusters(passages, clusters, len(rows))
    out = quotes.copy()
    out["cluster_id"] = pd.Series(own, index=quotes.index, dtype="str")
    out["passages"] = pd.Series(
        [
            [{"start_char": p.start, "end_char": p.end, "cluster_id": p.cluster_id} for p in by_quote]
            for by_quote in _by_quote(passages, len(rows))
        ],
        index=quotes.index,
        dtype="object",
    )
    table = pd.DataFrame(clusters.rows, columns=CLUSTER_COLUMNS)
    return out, table.sort_values("cluster_id", ignore_index=True)


@dataclass
class _Segment:
    """A sentence or ellipsis piece of a quote (short ones joined to a neighbour), with its words."""

    quote: int
    start: int  # offsets into the quote's text
    end: int
    words: tuple[str, ...]


@dataclass
class _Passage:
    """A run of consecutive segments of one quote in one cluster: what the cluster's members are."""

    quote: int
    start: int  # offsets into the article's text
    end: int
    text: str
    words: tuple[str, ...]
    label: int
    cluster_id: str = ""


@dataclass
class _Clusters:
    """The `quote_clusters` rows, and how each cluster ranks as a quote's own cluster."""

    rows: list[dict]
    # label -> sort key of a quote's own cluster: most articles, then the longest text, then the id.
    rank_of: dict[int, tuple[int, int, str]]


def _unbracket(match: re.Match[str]) -> str:
    """`[t]he` and `[Assad]` keep their letters; a phrase the outlet inserted, or `[sic]`, goes."""
    content = match.group(1).strip()
    return " " if " " in content or content in {"sic", ""} else match.group(1)


def _segments(texts: list[str], settings: ClusterSettings, spelling: SpellingRules) -> list[list[_Segment]]:
    """Each quote's segments, in order; a quote with no words is one segment of no words."""
    out = []
    for index, text in enumerate(texts):
        pieces = [(start, end, quote_words(text[start:end], spelling)) for start, end in _pieces(text)]
        merged: list[tuple[int, int, list[str]]] = []
        for start, end, words in pieces:
            if merged and len(merged[-1][2]) < settings.min_segment_words:
                merged[-1] = (merged[-1][0], end, merged[-1][2] + words)
            else:
                merged.append((start, end, words))
        if len(merged) > 1 and len(merged[-1][2]) < settings.min_segment_words:
            start, end, words = merged.pop()
            merged[-1] = (merged[-1][0], end, merged[-1][2] + words)
        if not merged:
            merged = [(0, len(text), [])]
        out.append([_Segment(index, start, end, tuple(words)) for start, end, words in merged])
    return out


def _pieces(text: str) -> list[tuple[int, int]]:
    """Spans of the sentences and ellipsis-separated pieces of `text`, edges trimmed, empty ones dropped."""
    spans = []
    cuts = [(m.start(), m.end()) for m in _ELLIPSIS.finditer(text)]
    for start, end in zip([0, *(e for _, e in cuts)], [*(s for s, _ in cuts), len(text)], strict=True):
        last = start
        for m in _SENTENCE_END.finditer(text, start, end):
            spans.append((last, m.start()))
            last = m.end()
        spans.append((last, end))
    trimmed = []
    for start, end in spans:
        piece = text[start:end]
        lead = len(piece) - len(piece.lstrip(_EDGE))
        tail = len(piece.rstrip(_EDGE))
        if tail > lead:
            trimmed.append((start + lead, start + tail))
    return trimmed


def _segment_clusters(
    segments: list[list[_Segment]], rows: pd.DataFrame, settings: ClusterSettings
) -> list[list[int]]:
    """The cluster label of every segment of every quote."""
    flat = [segment for by_quote in segments for segment in by_quote]
    variant_index: dict[object, int] = {}
    variant_of = []
    for n, segment in enumerate(flat):
        # Wordings too short to match are never shared, even when identical.
        key = segment.words if len(segment.words) >= settings.min_words else n
        variant_of.append(variant_index.setdefault(key, len(variant_index)))
    variants: list[tuple[str, ...]] = [()] * len(variant_index)
    for segment, variant in zip(flat, variant_of, strict=True):
        variants[variant] = segment.words
    speakers: list[set[str]] = [set() for _ in variants]
    entity = rows["speaker_entity_id"].tolist()
    for segment, variant in zip(flat, variant_of, strict=True):
        if isinstance(entity[segment.quote], str):
            speakers[variant].add(entity[segment.quote])

    encoded = _encode(variants)
    pairs = _candidate_pairs(encoded, settings)
    same, fragments = _verify(pairs, encoded, settings)
    root = _attach(variants, speakers, same, fragments)
    flat_labels = iter(root[variant_of].tolist())
    return _join_unshared(segments, [[next(flat_labels) for _ in by_quote] for by_quote in segments])


def _encode(variants: list[tuple[str, ...]]) -> list[str]:
    """Each wording as a string with one character per word, for rapidfuzz and shingling."""
    vocabulary: dict[str, str] = {}
    encoded = []
    for words in variants:
        chars = []
        for word in words:
            char = vocabulary.get(word)
            if char is None:
                code = 0x100 + len(vocabulary)
                code += len(_SURROGATES) if code >= _SURROGATES.start else 0
                char = vocabulary[word] = chr(code)
            chars.append(char)
        encoded.append("".join(chars))
    return encoded


def _candidate_pairs(encoded: list[str], settings: ClusterSettings) -> np.ndarray:
    """Pairs `(i, j)` of wordings that share enough uncommon shingles: an inverted index, not all pairs."""
    k = settings.shingle_words
    lengths = np.fromiter((len(e) for e in encoded), dtype=np.int64, count=len(encoded))
    eligible = lengths >= max(k, settings.min_words)
    if not eligible.any():
        return np.empty((0, 2), dtype=np.int64)
    text = "".join(e for e, ok in zip(encoded, eligible, strict=True) if ok)
    codes = np.frombuffer(text.encode("utf-32-le"), dtype="<u4").astype(np.uint64)
    owners = np.repeat(np.flatnonzero(eligible), lengths[eligible])
    # A shingle starts wherever the next k words belong to the same wording.
    first = np.arange(len(codes) - k + 1)
    first = first[owners[first] == owners[first + k - 1]]
    keys = np.zeros(len(first), dtype=np.uint64)
    with np.errstate(over="ignore"):
        for offset in range(k):
            keys = keys * _SHINGLE_BASE + codes[first + offset]
    shingles, column = np.unique(keys, return_inverse=True)
    incidence = sp.csr_matrix(
        (np.ones(len(first), dtype=np.int32), (owners[first], column)),
        shape=(len(encoded), len(shingles)),
    )
    incidence.data[:] = 1
    postings = incidence.getnnz(axis=0)
    incidence = incidence[:, np.flatnonzero((postings >= 2) & (postings <= settings.max_shingle_postings))]
    transposed = incidence.T.tocsr()
    found = []
    # Block by block, so memory holds one block's shared counts, never all of them.
    for top in range(0, len(encoded), _BLOCK_ROWS):
        shared = (incidence[top : top + _BLOCK_ROWS] @ transposed).tocoo()
        rows = shared.row.astype(np.int64) + top
        fewest = np.minimum(lengths[rows], lengths[shared.col]) - k + 1
        enough = (shared.col > rows) & (
            shared.data >= np.maximum(1, np.ceil(settings.min_shared_shingles * fewest))
        )
        found.append(np.column_stack([rows[enough], shared.col[enough]]))
    return np.concatenate(found).astype(np.int64)


def _verify(
    pairs: np.ndarray, encoded: list[str], settings: ClusterSettings
) -> tuple[list[tuple[int, int]], list[tuple[int, int, float]]]:
    """Proposed pairs checked word by word: `(i, j)` the same passage; `(child, parent, score)` fragments."""
    same, fragments = [], []
    for i, j in pairs.tolist():
        if len(encoded[i]) > len(encoded[j]):
            i, j = j, i
        short, long = encoded[i], encoded[j]
        shared = _shared_words(short, long)
        # A wording shorter than a segment has no word to spare.
        exact = len(short) < settings.min_segment_words
        if shared < (len(short) if exact else settings.min_containment * len(short)):
            continue
        if shared >= max(settings.min_shared_words, settings.min_mutual * len(long)):
            same.append((i, j))
        elif len(long) > len(short):
            fragments.append((i, j, shared / len(short)))
    return same, fragments


def _shared_words(short: str, long: str) -> int:
    """Words of `short` found in order in `long`, near the window of `long` that aligns best with it.

    The window keeps a fragment from being found in words scattered over a
    long quote; its slack lets a few words inserted by one outlet (`forward
    that – where`) stay inside it.
    """
    alignment = fuzz.partial_ratio_alignment(short, long)
    slack = max(2, len(short) // 4)
    window = long[max(0, alignment.dest_start - slack) : alignment.dest_end + slack]
    return LCSseq.similarity(short, window)


def _attach(
    variants: list[tuple[str, ...]],
    speakers: list[set[str]],
    same: list[tuple[int, int]],
    fragments: list[tuple[int, int, float]],
) -> np.ndarray:
    """The cluster label of every wording: same-passage links first, then each fragment to one parent."""
    n = len(variants)
    if same:
        rows, cols = zip(*same, strict=True)
        graph = sp.coo_matrix((np.ones(len(same)), (rows, cols)), shape=(n, n))
        _, core = connected_components(graph, directed=False)
    else:
        core = np.arange(n)
    lengths = np.fromiter((len(v) for v in variants), dtype=np.int64, count=n)
    longest = np.zeros(core.max() + 1 if n else 0, dtype=np.int64)
    np.maximum.at(longest, core, lengths)
    core_speakers: dict[int, set[str]] = defaultdict(set)
    for variant, names in enumerate(speakers):
        core_speakers[int(core[variant])] |= names
    # A cluster attaches through its longest wording: one that holds more words is no fragment.
    parents: dict[int, list[tuple[float, int]]] = defaultdict(list)
    for child, parent, score in fragments:
        if core[child] != core[parent] and lengths[child] == longest[core[child]]:
            parents[int(core[child])].append((score, int(core[parent])))
    root = np.arange(len(longest))
    # Parents are longer than their children, so they are settled first.
    for child in sorted(parents, key=lambda c: (-longest[c], c)):
        best = max(score for score, _ in parents[child])
        found = {int(root[parent]) for score, parent in parents[child] if score >= best - 1e-9}
        if len(found) > 1:
            found = {parent for parent in found if core_speakers[parent] & core_speakers[child]}
        if len(found) == 1:
            root[child] = found.pop()
    return root[core]


def _join_unshared(segments: list[list[_Segment]], labels: list[list[int]]) -> list[list[int]]:
    """Labels after merging, within each quote, consecutive segments that no other quote carries."""
    quotes_of: dict[int, set[int]] = defaultdict(set)
    for by_quote, by_label in zip(segments, labels, strict=True):
        for segment, label in zip(by_quote, by_label, strict=True):
            quotes_of[label].add(segment.quote)
    edges = [
        (a, b)
        for by_label in labels
        for a, b in pairwise(by_label)
        if a != b and len(quotes_of[a]) == 1 and len(quotes_of[b]) == 1
    ]
    if not edges:
        return labels
    n = max(quotes_of) + 1
    rows, cols = zip(*edges, strict=True)
    _, merged = connected_components(
        sp.coo_matrix((np.ones(len(edges)), (rows, cols)), shape=(n, n)), directed=False
    )
    return [[int(merged[label]) for label in by_label] for by_label in labels]


def _passages(segments: list[list[_Segment]], labels: list[list[int]], rows: pd.DataFrame) -> list[_Passage]:
    """Maximal runs of consecutive segments of a quote in one cluster, in quote order."""
    texts = rows["text"].tolist()
    offsets = rows["start_char"].tolist()
    passages = []
    for by_quote, by_label in zip(segments, labels, strict=True):
        run_start = 0
        for k in range(1, len(by_quote) + 1):
            if k == len(by_quote) or by_label[k] != by_label[run_start]:
                run = by_quote[run_start:k]
                quote, start, end = run[0].quote, run[0].start, run[-1].end
                passages.append(
                    _Passage(
                        quote=quote,
                        start=offsets[quote] + start,
                        end=offsets[quote] + end,
                        text=texts[quote][start:end],
                        words=tuple(word for segment in run for word in segment.words),
                        label=by_label[run_start],
                    )
                )
                run_start = k
    return passages


def _cluster_rows(passages: list[_Passage], rows: pd.DataFrame, articles: pd.DataFrame) -> _Clusters:
    """One `quote_clusters` row per label; sets each passage's `cluster_id`."""
    article_of = rows["article_id"].tolist()
    quote_id = rows["quote_id"].tolist()
    entity = [value if isinstance(value, str) else None for value in rows["speaker_entity_id"]]
    name = [value if isinstance(value, str) else None for value in rows["speaker_name"]]
    outlet_of = {
        article: outlet if isinstance(outlet, str) else None
        for article, outlet in zip(articles["article_id"], articles["outlet"], strict=True)
    }
    dates = pd.to_datetime(articles["published_date"], errors="coerce")
    date_of = {
        article: None if pd.isna(date) else date.date()
        for article, date in zip(articles["article_id"], dates, strict=True)
    }
    members: dict[int, list[_Passage]] = defaultdict(list)
    for passage in passages:
        members[passage.label].append(passage)
    out = _Clusters(rows=[], rank_of={})
    for label, group in members.items():
        keyed = sorted(group, key=lambda p: (article_of[p.quote], p.start, p.end))
        spans = [f"{article_of[p.quote]}:{p.start}-{p.end}" for p in keyed]
        cluster_id = "Q" + hashlib.sha256("|".join(spans).encode()).hexdigest()[:12]
        for passage in group:
            passage.cluster_id = cluster_id
        quote_rows = sorted({p.quote for p in group})
        article_ids = sorted({article_of[q] for q in quote_rows})
        wordings = Counter(p.words for p in group)
        canonical = min(
            keyed, key=lambda p: (bool(_UNFAITHFUL.search(p.text)), -len(p.words), -wordings[p.words])
        )
        outlets = [outlet_of.get(article) for article in article_ids]
        dated = [date_of[a] for a in article_ids if date_of.get(a) is not None]
        speaker_entity, speaker_name = _speaker(quote_rows, article_of, entity, name)
        out.rows.append(
            {
                "cluster_id": cluster_id,
                "text": canonical.text,
                "speaker_entity_id": speaker_entity,
                "speaker_name": speaker_name,
                "article_ids": article_ids,
                "quote_ids": sorted(quote_id[q] for q in quote_rows),
                "outlet_count": len({o for o in outlets if o is not None}) + outlets.count(None),
                "variant_count": len({p.words for p in group}),
                "first_published": min(dated) if dated else None,
            }
        )
        out.rank_of[label] = (-len(article_ids), -len(canonical.words), cluster_id)
    return out


def _speaker(
    quote_rows: list[int], article_of: list[str], entity: list[str | None], name: list[str | None]
) -> tuple[str | None, str | None]:
    """The speaker most member articles credit (an article votes once per speaker), and their name.

    Quotes with a resolved speaker vote by entity; only when none has one do
    the names the articles give vote instead.
    """
    credited = {(article_of[q], entity[q]) for q in quote_rows if entity[q] is not None}
    if credited:
        votes = Counter(e for _, e in credited)
        chosen = min(votes, key=lambda e: (-votes[e], e))
        names = Counter(name[q] for q in quote_rows if entity[q] == chosen and name[q] is not None)
        return chosen, _most_common(names)
    named = Counter(n for _, n in {(article_of[q], name[q]) for q in quote_rows if name[q] is not None})
    return None, _most_common(named)


def _most_common(counts: Counter[str]) -> str | None:
    """The most frequent string, the longest and then the first alphabetically on a tie."""
    return min(counts, key=lambda s: (-counts[s], -len(s), s)) if counts else None


def _own_clusters(passages: list[_Passage], clusters: _Clusters, n_quotes: int) -> list[str]:
    """Each quote's cluster: of those its passages are in, the one most articles carry, then the longest.

    Ranking clusters, not the quote's own passages, gives every quote that
    carries the same passages the same cluster.
    """
    return [
        min(by_quote, key=lambda p: clusters.rank_of[p.label]).cluster_id
        for by_quote in _by_quote(passages, n_quotes)
    ]


def _by_quote(passages: list[_Passage], n_quotes: int) -> list[list[_Passage]]:
    """Each quote's passages, in order."""
    grouped: list[list[_Passage]] = [[] for _ in range(n_quotes)]
    for passage in passages:
        grouped[passage.quote].append(passage)
    return grouped


def attribute_speakers(
    candidates: pd.DataFrame, mentions: pd.DataFrame, entities: pd.DataFrame
) -> pd.DataFrame:
    """Quote candidates with their speakers as entities resolved across all articles.

    A speaker whose mention no longer resolves (resolution across articles may
    drop a bare acronym) keeps the name the article gave and no entity.
    """
    entity_of = dict(zip(mentions["mention_id"], mentions["entity_id"], strict=True))
    name_of = dict(zip(entities["entity_id"], entities["name"], strict=True))
    quotes = candidates.copy()
    quotes["speaker_entity_id"] = [
        entity_of.get(mention) if isinstance(mention, str) else None
        for mention in candidates["speaker_mention_id"]
    ]
    quotes["speaker_name"] = [
        name_of.get(entity, name) if isinstance(entity, str) else name
        for entity, name in zip(quotes["speaker_entity_id"], candidates["speaker_name"], strict=True)
    ]
    return quotes.drop(columns="speaker_mention_id")
