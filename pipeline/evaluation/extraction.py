"""Precision and recall of quotes, speakers, claims and time expressions against gold files.

The gold files (`eval/gold/<corpus>_<kind>.jsonl`, format in `eval/README.md`)
cover their documents exhaustively. The pipeline runs as a user runs it, once
per corpus over exactly the annotated documents, and its tables are compared
with the gold items one to one:
- a quote matches when its characters overlap the gold quote's by 80% or more
  (intersection over union); its speaker is right when the names agree (the
  same person by key or surname);
- a claim matches on measure and value in the same document;
- a time expression matches when its span overlaps the gold one; its value is
  right when the ISO values are equal.
"""

from __future__ import annotations

import json
import shutil
import tempfile
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from pipeline.evaluation.ecbplus import read_document, split_of, write_articles
from pipeline.storage import read_table
from pipeline.text import name_key, surname

MIN_QUOTE_OVERLAP = 0.8
KINDS = ("quotes", "claims", "times")


@dataclass(frozen=True)
class Score:
    """Matches out of predictions and gold items."""

    name: str
    corpus: str
    correct: int
    predicted: int
    gold: int

    @property
    def precision(self) -> float:
        return self.correct / self.predicted if self.predicted else 0.0

    @property
    def recall(self) -> float:
        return self.correct / self.gold if self.gold else 0.0

    @property
    def f1(self) -> float:
        total = self.precision + self.recall
        return 2 * self.precision * self.recall / total if total else 0.0


@dataclass(frozen=True)
class GoldSet:
    """One gold file: the documents it covers and its items."""

    corpus: str
    kind: str
    documents: list[str]
    items: list[dict]


def read_gold(folder: Path) -> list[GoldSet]:
    """Every `<corpus>_<kind>.jsonl` file in `folder`."""
    sets = []
    for path in sorted(folder.glob("*_*.jsonl")):
        corpus, kind = path.stem.rsplit("_", 1)
        if kind not in KINDS:
            continue
        lines = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
        header, items = lines[0], lines[1:]
        unknown = {item["document"] for item in items} - set(header["documents"])
        if unknown:
            raise ValueError(f"{path}: items name documents missing from its header: {sorted(unknown)}")
        sets.append(GoldSet(corpus, kind, list(header["documents"]), items))
    return sets


def evaluate(
    gold_dir: Path,
    sample_dir: Path,
    ecbplus_dir: Path,
    run: Callable[[Path, Path], None],
) -> list[Score]:
    """Run the pipeline over the gold documents (`run(input, warehouse)`) and score every gold set."""
    scores: list[Score] = []
    sets = read_gold(gold_dir)
    by_corpus: dict[str, list[GoldSet]] = defaultdict(list)
    for gold in sets:
        by_corpus[gold.corpus].append(gold)
    for corpus, corpus_sets in sorted(by_corpus.items()):
        documents = sorted({document for gold in corpus_sets for document in gold.documents})
        with tempfile.TemporaryDirectory(prefix=f"newsrecon-eval-{corpus}-") as folder:
            input_dir, warehouse = Path(folder) / "input", Path(folder) / "warehouse"
            _materialize_inputs(corpus, documents, input_dir, sample_dir, ecbplus_dir)
            run(input_dir, warehouse)
            tables = _tables(warehouse)
        for gold in corpus_sets:
            for group, group_documents in _groups(corpus, gold.documents):
                items = [item for item in gold.items if item["document"] in group_documents]
                scores.extend(_score(gold.kind, f"{corpus}{group}", items, group_documents, tables))
    return scores


def _materialize_inputs(
    corpus: str, documents: list[str], input_dir: Path, sample: Path, ecbplus: Path
) -> None:
    input_dir.mkdir(parents=True)
    if corpus == "seeds":
        for name in documents:
            shutil.copy(sample / name, input_dir / name)
    elif corpus == "ecbplus":
        paths = {path.name.removesuffix(".xml") + ".txt": path for path in ecbplus.glob("*/*.xml")}
        missing = sorted(set(documents) - set(paths))
        if missing:
            raise FileNotFoundError(f"ECB+ documents not found under {ecbplus}: {missing[:5]}")
        write_articles([read_document(paths[name]) for name in documents], input_dir)
    else:
        raise ValueError(f"unknown corpus {corpus!r} in the gold files")


def _groups(corpus: str, documents: list[str]) -> list[tuple[str, set[str]]]:
    """Scores are reported per ECB+ split, so tuning on train never hides behind dev."""
    if corpus != "ecbplus":
        return [("", set(documents))]
    splits: dict[str, set[str]] = defaultdict(set)
    for document in documents:
        splits[split_of(int(document.split("_", 1)[0]))].add(document)
    return [(f" {split}", members) for split, members in sorted(splits.items())]


def _tables(warehouse: Path) -> dict[str, pd.DataFrame]:
    tables = {
        name: read_table(warehouse, name) for name in ("articles", "quotes", "claims", "time_expressions")
    }
    sources = dict(zip(tables["articles"]["article_id"], tables["articles"]["source_path"], strict=True))
    for name in ("quotes", "claims", "time_expressions"):
        tables[name] = tables[name].assign(document=tables[name]["article_id"].map(sources))
    return tables


def _score(kind: str, corpus: str, items: list[dict], documents: set[str], tables: dict) -> list[Score]:
    texts = dict(zip(tables["articles"]["source_path"], tables["articles"]["text"], strict=True))
    if kind == "quotes":
        return _score_quotes(corpus, items, documents, tables["quotes"], texts)
    if kind == "claims":
        return _score_claims(corpus, items, documents, tables["claims"])
    return _score_times(corpus, items, documents, tables["time_expressions"], texts)


def _locate(items: Iterable[dict], texts: dict[str, str]) -> list[tuple[dict, int, int]]:
    """Gold items with their character spans: successive occurrences for repeated texts."""
    cursor: dict[tuple[str, str], int] = {}
    located = []
    for item in items:
        text = texts.get(item["document"], "")
        key = (item["document"], item["text"])
        start = text.find(item["text"], cursor.get(key, 0))
        if start < 0:
            raise ValueError(f"gold text not found in {item['document']}: {item['text'][:60]!r}")
        cursor[key] = start + 1
        located.append((item, start, start + len(item["text"])))
    return located


def _overlap(a: tuple[int, int], b: tuple[int, int]) -> float:
    inter = max(0, min(a[1], b[1]) - max(a[0], b[0]))
    union = max(a[1], b[1]) - min(a[0], b[0])
    return inter / union if union else 0.0


def _pair(
    gold: list[tuple[dict, int, int]], predicted: pd.DataFrame, threshold: float
) -> list[tuple[dict, pd.Series]]:
    """One-to-one matches of gold spans to predicted rows, best overlaps first."""
    candidates = []
    for g, (item, start, end) in enumerate(gold):
        rows = predicted[predicted["document"] == item["document"]]
        for index, row in rows.iterrows():
            score = _overlap((start, end), (int(row["start_char"]), int(row["end_char"])))
            if score >= threshold:
                candidates.append((score, g, index))
    used_gold, used_predicted, pairs = set(), set(), []
    for _, g, index in sorted(candidates, key=lambda c: -c[0]):
        if g not in used_gold and index not in used_predicted:
            used_gold.add(g)
            used_predicted.add(index)
            pairs.append((gold[g][0], predicted.loc[index]))
    return pairs


def same_person(predicted: object, gold: object) -> bool:
    """Whether two speaker names refer to the same person: equal keys, or one surname is the other's."""
    if not isinstance(predicted, str) or not isinstance(gold, str):
        return False
    a, b = name_key(predicted), name_key(gold)
    return a == b or surname(a) == surname(b) or a in b or b in a


def _score_quotes(
    corpus: str, items: list[dict], documents: set[str], quotes: pd.DataFrame, texts
) -> list[Score]:
    predicted = quotes[quotes["document"].isin(documents)]
    pairs = _pair(_locate(items, texts), predicted, MIN_QUOTE_OVERLAP)
    with_speaker = [(item, row) for item, row in pairs if isinstance(row["speaker_name"], str)]
    right = sum(same_person(row["speaker_name"], item["speaker"]) for item, row in with_speaker)
    gold_speakers = sum(1 for item in items if item.get("speaker"))
    return [
        Score("quotes", corpus, len(pairs), len(predicted), len(items)),
        Score("speakers", corpus, right, len(with_speaker), gold_speakers),
    ]


def _score_claims(corpus: str, items: list[dict], documents: set[str], claims: pd.DataFrame) -> list[Score]:
    predicted = claims[claims["document"].isin(documents)]
    remaining = list(predicted.itertuples())
    matched, qualified, attributed = 0, 0, 0
    for item in items:
        for position, row in enumerate(remaining):
            if (
                row.document == item["document"]
                and row.measure == item["measure"]
                and row.value == item["value"]
            ):
                matched += 1
                qualified += (row.qualifier if isinstance(row.qualifier, str) else None) == item.get(
                    "qualifier"
                )
                attributed += _same_source(row.attributed_to, item.get("attributed_to"))
                del remaining[position]
                break
    return [
        Score("claims", corpus, matched, len(predicted), len(items)),
        Score("claim qualifiers", corpus, qualified, matched, matched),
        Score("claim sources", corpus, attributed, matched, matched),
    ]


def _same_source(predicted: object, gold: object) -> bool:
    if not isinstance(predicted, str) or not isinstance(gold, str):
        return not isinstance(predicted, str) and not isinstance(gold, str)
    a, b = name_key(predicted), name_key(gold)
    return a == b or a in b or b in a


def _score_times(
    corpus: str, items: list[dict], documents: set[str], times: pd.DataFrame, texts
) -> list[Score]:
    predicted = times[times["document"].isin(documents)]
    pairs = _pair(_locate(items, texts), predicted, threshold=1e-9)
    valued = sum(
        (row["value"] if isinstance(row["value"], str) else None) == item.get("value") for item, row in pairs
    )
    return [
        Score("dates found", corpus, len(pairs), len(predicted), len(items)),
        Score("dates resolved", corpus, valued, len(predicted), len(items)),
    ]


def format_scores(scores: list[Score]) -> str:
    """A fixed-width table: one line per measure and corpus."""
    lines = [
        f"{'measure':<18} {'corpus':<14} {'correct':>7} {'pred':>5} {'gold':>5} {'P':>6} {'R':>6} {'F1':>6}"
    ]
    for s in scores:
        lines.append(
            f"{s.name:<18} {s.corpus:<14} {s.correct:>7} {s.predicted:>5} {s.gold:>5} "
            f"{s.precision:>6.3f} {s.recall:>6.3f} {s.f1:>6.3f}"
        )
    return "\n".join(lines)
