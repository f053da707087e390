"""Cross-document entity resolution and story grouping, scored on ECB+ by its README's protocol.

Gold mentions are the named entity mentions (persons, organisations, places,
facilities, vehicles whose text has a capitalised word that is not a
determiner or pronoun) in the sentences ECB+ annotated fully; gold chains are
its CROSS_DOC_COREF instances, a mention in none being a singleton. A
predicted mention matches a gold one when the spans overlap and one contains
the other. The project's `entity_id` is scored on the matched mentions with
MUC, B³ and CEAF-e (CoNLL F1 is their mean), beside two baselines on the same
mentions: the exact string and the last token. Stories are scored against the
gold sub-topics with the adjusted Rand index and V-measure, beside TF-IDF
clustering alone.
"""

from __future__ import annotations

import csv
import re
import tempfile
import xml.etree.ElementTree as ET
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from scipy.optimize import linear_sum_assignment
from sklearn.metrics import adjusted_rand_score, v_measure_score

from pipeline.evaluation.ecbplus import DOCUMENT_NAME, read_split, split_of, write_articles
from pipeline.reconcile.stories import StorySettings, group_stories
from pipeline.storage import read_table

ENTITY_TAGS = frozenset(
    {"HUMAN_PART_PER", "HUMAN_PART_ORG", "HUMAN_PART_GPE", "HUMAN_PART_FAC", "HUMAN_PART_VEH",
     "LOC_GEO", "LOC_FAC", "LOC_OTHER"}
)  # fmt: skip
_NOT_NAMES = frozenset(
    {"the", "a", "an", "this", "that", "these", "those", "his", "her", "its", "their", "our", "my", "your",
     "he", "she", "it", "they", "we", "i", "you", "him", "them", "us", "me"}
)  # fmt: skip
_ARTICLES = ("the ", "a ", "an ")


@dataclass(frozen=True)
class GoldMention:
    """A named gold mention: where it is in the converted article text, and its chain."""

    document: str
    start_char: int
    end_char: int
    text: str
    chain: str


def annotated_sentences(root: Path) -> dict[str, set[int]]:
    """`<topic>_<file>` -> the sentence numbers ECB+ annotated fully."""
    listed: dict[str, set[int]] = defaultdict(set)
    with open(root / "ECBplus_coreference_sentences.csv", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            listed[f"{row['Topic']}_{row['File']}"].add(int(row["Sentence Number"]))
    return listed


def gold_mentions(path: Path, sentences: set[int]) -> list[GoldMention]:
    """The named entity mentions of one ECB+ file, with offsets into its converted text."""
    root = ET.parse(path).getroot()
    document = path.name.removesuffix(".xml") + ".txt"
    spans: dict[str, tuple[int, int, int]] = {}
    offset, current = 0, None
    for token in root.iter("token"):
        sentence = int(token.get("sentence", "0"))
        if current is not None:
            offset += 1  # the space between tokens, or the line break between sentences
        current = sentence
        text = token.text or ""
        spans[token.get("t_id")] = (offset, offset + len(text), sentence)
        offset += len(text)
    texts = {t_id: token.text or "" for t_id, token in ((t.get("t_id"), t) for t in root.iter("token"))}
    chains: dict[str, str] = {}
    for relation in root.iter("CROSS_DOC_COREF"):
        for source in relation.iter("source"):
            chains[source.get("m_id")] = relation.get("note")
    markables = root.find("Markables")
    found = []
    for markable in markables if markables is not None else []:
        anchors = [anchor.get("t_id") for anchor in markable.iter("token_anchor")]
        if markable.tag not in ENTITY_TAGS or not anchors or any(a not in spans for a in anchors):
            continue
        words = [texts[a] for a in anchors]
        if spans[anchors[0]][2] not in sentences or not _is_named(words):
            continue
        start, end = spans[anchors[0]][0], spans[anchors[-1]][1]
        m_id = markable.get("m_id")
        found.append(
            GoldMention(document, start, end, " ".join(words), chains.get(m_id, f"{document}#{m_id}"))
        )
    return found


def _is_named(words: Sequence[str]) -> bool:
    return any(word[:1].isupper() and word.lower() not in _NOT_NAMES for word in words)


def read_gold(root: Path, split: str) -> list[GoldMention]:
    """Every named gold mention of the split's documents."""
    listed = annotated_sentences(root)
    mentions = []
    for path in sorted(root.glob("*/*.xml")):
        match = DOCUMENT_NAME.match(path.name)
        if match is None or split_of(int(match["topic"])) != split:
            continue
        key = f"{match['topic']}_{match['number']}{match['kind']}"
        mentions.extend(gold_mentions(path, listed.get(key, set())))
    return mentions


def match_mentions(gold: Sequence[GoldMention], predicted: pd.DataFrame) -> list[tuple[GoldMention, str]]:
    """One-to-one `(gold mention, predicted entity_id)`: overlapping spans where one contains the other."""
    by_document = {document: rows for document, rows in predicted.groupby("document")}
    candidates = []
    for g, mention in enumerate(gold):
        rows = by_document.get(mention.document)
        if rows is None:
            continue
        for index, start, end in zip(rows.index, rows["start_char"], rows["end_char"], strict=True):
            inside = mention.start_char <= start and end <= mention.end_char
            around = start <= mention.start_char and mention.end_char <= end
            if (inside or around) and start < end:
                difference = abs((end - start) - (mention.end_char - mention.start_char))
                candidates.append((difference, g, index))
    used_gold, used_predicted, pairs = set(), set(), []
    for _, g, index in sorted(candidates):
        if g not in used_gold and index not in used_predicted:
            used_gold.add(g)
            used_predicted.add(index)
            pairs.append((gold[g], predicted.at[index, "entity_id"]))
    return pairs


Clustering = list[set[int]]


def _clusters(labels: Sequence[str]) -> Clustering:
    groups: dict[str, set[int]] = defaultdict(set)
    for index, label in enumerate(labels):
        groups[label].add(index)
    return list(groups.values())


def muc(key: Clustering, response: Clustering) -> tuple[float, float, float]:
    """MUC (Vilain et al. 1995): links kept and links found."""
    return _f1(_muc_recall(key, response), _muc_recall(response, key))


def _muc_recall(key: Clustering, response: Clustering) -> float:
    owner = {mention: i for i, cluster in enumerate(response) for mention in cluster}
    numerator = sum(len(c) - len({owner.get(m, ("alone", m)) for m in c}) for c in key)
    denominator = sum(len(c) - 1 for c in key)
    return numerator / denominator if denominator else 0.0


def b_cubed(key: Clustering, response: Clustering) -> tuple[float, float, float]:
    """B³ (Bagga and Baldwin 1998): per-mention overlap of the clusters it is in."""
    return _f1(_b3_recall(key, response), _b3_recall(response, key))


def _b3_recall(key: Clustering, response: Clustering) -> float:
    owner = {mention: cluster for cluster in response for mention in cluster}
    total = sum(len(c) for c in key)
    score = sum(len(c & owner.get(m, {m})) / len(c) for c in key for m in c)
    return score / total if total else 0.0


def ceaf_e(key: Clustering, response: Clustering) -> tuple[float, float, float]:
    """Entity-based CEAF (Luo 2005) with φ4 similarity and the best one-to-one alignment."""
    if not key or not response:
        return 0.0, 0.0, 0.0
    similarity = np.array([[2 * len(k & r) / (len(k) + len(r)) for r in response] for k in key])
    rows, cols = linear_sum_assignment(-similarity)
    total = similarity[rows, cols].sum()
    return _f1(total / len(key), total / len(response))


def _f1(recall: float, precision: float) -> tuple[float, float, float]:
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return recall, precision, f1


@dataclass(frozen=True)
class CorefScore:
    """One system's scores on the matched mentions."""

    name: str
    muc: float
    b_cubed: float
    ceaf_e: float

    @property
    def conll(self) -> float:
        return (self.muc + self.b_cubed + self.ceaf_e) / 3


def score_clusters(name: str, gold_chains: Sequence[str], predicted: Sequence[str]) -> CorefScore:
    """MUC, B³ and CEAF-e F1 of `predicted` labels against `gold_chains`, mention by mention."""
    key, response = _clusters(gold_chains), _clusters(predicted)
    return CorefScore(name, muc(key, response)[2], b_cubed(key, response)[2], ceaf_e(key, response)[2])


def baseline_labels(texts: Iterable[str]) -> tuple[list[str], list[str]]:
    """The exact-string and last-token baselines: lower-cased text without a leading article."""
    exact, last = [], []
    for text in texts:
        key = re.sub(r"\s+", " ", text.lower()).strip()
        for article in _ARTICLES:
            key = key.removeprefix(article)
        exact.append(key)
        last.append(key.split(" ")[-1] if key else key)
    return exact, last


@dataclass(frozen=True)
class EntityEvaluation:
    """Mention recall and the coreference scores of the system and the baselines."""

    gold_mentions: int
    matched: int
    scores: list[CorefScore]

    @property
    def recall(self) -> float:
        return self.matched / self.gold_mentions if self.gold_mentions else 0.0


def evaluate_entities(gold: Sequence[GoldMention], mentions: pd.DataFrame) -> EntityEvaluation:
    """Score `mentions` (with `document`, offsets and `entity_id`) against the gold chains."""
    pairs = match_mentions(gold, mentions)
    chains = [mention.chain for mention, _ in pairs]
    exact, last = baseline_labels(mention.text for mention, _ in pairs)
    scores = [
        score_clusters("newsrecon", chains, [entity for _, entity in pairs]),
        score_clusters("exact string", chains, exact),
        score_clusters("last token", chains, last),
    ]
    return EntityEvaluation(len(gold), len(pairs), scores)


@dataclass(frozen=True)
class StoryScore:
    """Agreement of a grouping of articles with the gold sub-topics."""

    name: str
    adjusted_rand: float
    v_measure: float
    groups: int


def score_stories(name: str, gold: Sequence[str], predicted: Sequence[str]) -> StoryScore:
    """Adjusted Rand index and V-measure of one grouping."""
    return StoryScore(
        name, adjusted_rand_score(gold, predicted), v_measure_score(gold, predicted), len(set(predicted))
    )


def story_labels(stories: pd.DataFrame, article_ids: Iterable[str]) -> list[str]:
    """Each article's story id, in the order of `article_ids`."""
    story_of = {a: s for s, ids in zip(stories["story_id"], stories["article_ids"], strict=True) for a in ids}
    return [story_of[article] for article in article_ids]


def format_report(split: str, entities: EntityEvaluation, stories: list[StoryScore]) -> str:
    """The figures the reconciliation issue asks for, as a table."""
    lines = [
        f"ECB+ {split}: {entities.gold_mentions} gold named mentions, {entities.matched} matched "
        f"(mention recall {entities.recall:.3f})",
        f"{'entities':<14} {'MUC':>6} {'B3':>6} {'CEAF-e':>7} {'CoNLL':>6}",
    ]
    for score in entities.scores:
        lines.append(
            f"{score.name:<14} {100 * score.muc:>6.1f} {100 * score.b_cubed:>6.1f} "
            f"{100 * score.ceaf_e:>7.1f} {100 * score.conll:>6.1f}"
        )
    lines.append(f"{'stories':<20} {'ARI':>6} {'V':>6} {'groups':>7}")
    for story in stories:
        lines.append(
            f"{story.name:<20} {story.adjusted_rand:>6.3f} {story.v_measure:>6.3f} {story.groups:>7}"
        )
    return "\n".join(lines)


def evaluate_ecbplus(root: Path, split: str, run: Callable[[Path, Path], None]) -> str:
    """Run the pipeline over every document of the split at once (no gold topics given) and score it."""
    documents = read_split(root, split)
    with tempfile.TemporaryDirectory(prefix=f"newsrecon-ecbplus-{split}-") as folder:
        input_dir, warehouse = Path(folder) / "input", Path(folder) / "warehouse"
        by_source = write_articles(documents, input_dir)
        run(input_dir, warehouse)
        tables = {
            name: read_table(warehouse, name) for name in ("articles", "sentences", "mentions", "stories")
        }
    articles = tables["articles"]
    sources = dict(zip(articles["article_id"], articles["source_path"], strict=True))
    mentions = tables["mentions"].assign(document=tables["mentions"]["article_id"].map(sources))
    entities = evaluate_entities(read_gold(root, split), mentions)
    ids = list(articles["article_id"])
    gold = [by_source[sources[article]].subtopic for article in ids]
    text_only = group_stories(
        articles,
        tables["sentences"],
        tables["mentions"],
        StorySettings(text_weight=1.0, max_cut=0, min_similarity=0.2),
    )
    stories = [
        score_stories("newsrecon", gold, story_labels(tables["stories"], ids)),
        score_stories("TF-IDF text only", gold, story_labels(text_only, ids)),
    ]
    return format_report(split, entities, stories)
