"""Benchmark corpora: real sentences recombined into plain-text articles with real page furniture.

Sources are the bundled seeds (their body paragraphs) and the ECB+ train
documents (their sentences, detokenized). A corpus of N articles covers about
N / 10 *events*: an event is one ECB+ sub-topic (or the seeds' topic) on one
date, and events of the same sub-topic lie three weeks apart, so story grouping
sees many stories of realistic size instead of one per topic. Each article
draws most of its passages from its event's topic and a few from another
topic, and wears a title, byline, publication stamp, sometimes a wire
dateline and a copyright line, so it goes through the real ingest and parse.
Everything follows from the seed: the same arguments give the same bytes.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import random
import re
import shutil
from collections import defaultdict
from dataclasses import asdict, dataclass
from pathlib import Path

from pipeline.articles import build_articles
from pipeline.evaluation.ecbplus import read_split
from pipeline.ingest import discover_inputs, ingest
from pipeline.parse.dates import find_date
from pipeline.parse.rules import default_rules

# Bump when the generator changes, so cached corpora are rebuilt.
CORPUS_VERSION = 1
DEFAULT_SEED = 20241202
ARTICLES_PER_EVENT = 10
DAYS_BETWEEN_EVENTS = 21
SEED_TOPIC = "seeds"
MIN_WORDS, MAX_WORDS = 200, 600
BACKGROUND_SHARE = 0.2
ARTICLES_FOLDER = "articles"
EXTRA_FOLDER = "extra"
MANIFEST = "manifest.json"

OUTLETS = (
    "The Daily Ledger", "Northern Courier", "Metro Tribune", "The Evening Standard-Post", "Harbor Times",
    "Capital Observer", "The Valley Herald", "Coastal Gazette", "The Midland Review", "Global Wire Report",
    "The Civic Sentinel", "Riverside Chronicle",
)  # fmt: skip
FIRST_NAMES = (
    "Anna", "David", "Maria", "James", "Fatima", "Robert", "Chen", "Laura", "Omar", "Sarah", "Peter",
    "Elena", "Michael", "Priya", "Thomas", "Grace",
)  # fmt: skip
LAST_NAMES = (
    "Harper", "Okafor", "Lindqvist", "Moreno", "Whitfield", "Nakamura", "Brennan", "Castillo", "Novak",
    "Adeyemi", "Fischer", "Kowalski", "Sullivan", "Haddad",
)  # fmt: skip
CITIES = ("WASHINGTON", "LONDON", "NEW YORK", "PARIS", "BERLIN", "LOS ANGELES", "CHICAGO", "SYDNEY")
AGENCIES = ("Reuters", "AP", "AFP")

_ATTACH_LEFT = {",", ".", ";", ":", "!", "?", "%", ")", "]", "}", "'", "n't"}
# Penn Treebank quote tokens, which some ECB+ documents use, and the straight quote they stand for.
_QUOTE_TOKENS = {'"': None, "``": True, "''": False}
_ATTACH_RIGHT = {"(", "[", "{", "$", "#"}
_CLITIC = re.compile(r"^'(?:s|re|ve|ll|d|m)$", re.IGNORECASE)
_JOINED = (
    (re.compile(r"(?<=\w) - (?=\w)"), "-"),
    (re.compile(r"(?<=\d)([:.]) (?=\d\d\b)"), r"\1"),
    (re.compile(r"(?<=\d), (?=\d{3}\b)"), ","),
    (re.compile(r"(?<=\b[A-Z])\. (?=[A-Z]\.)"), "."),
)
_LINK = re.compile(r"https?\s*:|www\s*\.|\.\s*(?:com|html?|org|net)\b", re.IGNORECASE)
_SENTENCE_END = re.compile(r"[.!?][\"'”’)]?$")
_PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n|\n")


@dataclass(frozen=True)
class SourceDocument:
    """One real document: its topic, its headline (when it has a usable one) and its passages."""

    topic: str
    title: str | None
    passages: tuple[str, ...]


@dataclass(frozen=True)
class Event:
    """What a group of synthetic articles reports: a topic on a date, with background from another."""

    topic: str
    background_topic: str
    date: dt.date


@dataclass(frozen=True)
class Corpus:
    """A built corpus: its article files, the one extra article for the incremental rerun, its facts."""

    folder: Path
    size: int
    seed: int

    @property
    def articles(self) -> Path:
        return self.folder / ARTICLES_FOLDER

    @property
    def extra_article(self) -> Path:
        return next((self.folder / EXTRA_FOLDER).iterdir())

    def manifest(self) -> dict:
        return json.loads((self.folder / MANIFEST).read_text())


def detokenize(line: str) -> str:
    """ECB+ writes tokens joined by spaces (`offer , the Sox 's`): put the text back as printed."""
    out = ""
    glue_next = False
    open_quote = False
    for token in line.split():
        if token in _QUOTE_TOKENS:
            opening = _QUOTE_TOKENS[token]
            open_quote = not open_quote if opening is None else opening
            if open_quote:
                out += ' "' if out else '"'
                glue_next = True
            else:
                out += '"'
            continue
        left = token in _ATTACH_LEFT or bool(_CLITIC.match(token))
        out += token if (glue_next or not out or left) else f" {token}"
        glue_next = token in _ATTACH_RIGHT
    for pattern, replacement in _JOINED:
        out = pattern.sub(replacement, out)
    return out


def headline_like(phrase: str) -> bool:
    """A line that can stand as a headline: a few words, capitalised, no closing full stop."""
    words = phrase.split()
    return (
        3 <= len(words) <= 20
        and phrase[0].isupper()
        and not _SENTENCE_END.search(phrase)
        and find_date(phrase, default_rules()) is None
    )


def _balanced(passage: str) -> bool:
    """Straight double quotes come in pairs: a passage cut out of a longer quote is unusable."""
    return passage.count('"') % 2 == 0 and passage.count("“") == passage.count("”")


def ecbplus_documents(root: Path) -> list[SourceDocument]:
    """ECB+ train documents as sources (none when the folder is absent): sentences, detokenized."""
    if not root.is_dir():
        return []
    documents = []
    for document in read_split(root, "train"):
        lines = [detokenize(line) for line in document.text.splitlines() if line.strip()]
        lines = [line for line in lines if not _LINK.search(line)]
        title = next((line for line in lines[:2] if headline_like(line)), None)
        passages = tuple(
            line
            for line in lines
            if line != title and len(line.split()) >= 6 and _SENTENCE_END.search(line) and _balanced(line)
        )
        if passages:
            documents.append(SourceDocument(document.subtopic, title, passages))
    return documents


def seed_documents(folder: Path) -> list[SourceDocument]:
    """The seed articles as sources: the body paragraphs the parser finds, headings and furniture left out."""
    articles = build_articles(ingest(folder, discover_inputs(folder)).raw_articles)
    documents = []
    for record in articles.to_dict("records"):
        text = record["text"]
        excluded = [
            (span["start_char"], span["end_char"]) for span in [*record["sections"], *record["furniture"]]
        ]
        passages = []
        start = record["body_start"]
        for match in [*_PARAGRAPH_BREAK.finditer(text, start, record["body_end"]), None]:
            end = match.start() if match else record["body_end"]
            passage = " ".join(text[start:end].split())
            overlaps = any(a < end and start < b for a, b in excluded)
            if not overlaps and len(passage.split()) >= 8 and _balanced(passage):
                passages.append(passage)
            start = match.end() if match else end
        title = (
            record["title"] if isinstance(record["title"], str) and headline_like(record["title"]) else None
        )
        documents.append(SourceDocument(SEED_TOPIC, title, tuple(passages)))
    return documents


def plan_events(topics: list[str], count: int, rng: random.Random) -> list[Event]:
    """`count` events spread over the topics, same-topic events three weeks apart, in shuffled order."""
    order = topics[:]
    rng.shuffle(order)
    first_day = dt.date(2009, 1, 1)
    anchors = {topic: first_day + dt.timedelta(days=rng.randrange(15 * 365)) for topic in order}
    events = []
    for index in range(count):
        topic = order[index % len(order)]
        round_ = index // len(order)
        others = [other for other in order if other != topic] or [topic]
        date = anchors[topic] + dt.timedelta(days=round_ * DAYS_BETWEEN_EVENTS)
        events.append(Event(topic, rng.choice(others), date))
    rng.shuffle(events)
    return events


def _take(documents: list[SourceDocument], words: int, rng: random.Random) -> list[str]:
    """Passages from `documents` in their own order, each kept with some chance, about `words` long."""
    chosen: list[str] = []
    total = 0
    for document in documents:
        for passage in document.passages:
            if total >= words:
                return chosen
            if rng.random() < 0.55 and passage not in chosen:
                chosen.append(passage)
                total += len(passage.split())
    return chosen


def _paragraphs(passages: list[str], rng: random.Random) -> list[str]:
    """Short passages (ECB+ sentences) grouped one to three to a paragraph; long ones stand alone."""
    paragraphs: list[str] = []
    group: list[str] = []
    wanted = rng.randint(1, 3)
    for passage in passages:
        if len(passage.split()) > 45:
            paragraphs.extend([" ".join(group)] if group else [])
            paragraphs.append(passage)
            group = []
            continue
        group.append(passage)
        if len(group) >= wanted:
            paragraphs.append(" ".join(group))
            group, wanted = [], rng.randint(1, 3)
    if group:
        paragraphs.append(" ".join(group))
    return paragraphs


def _headline(documents: list[SourceDocument], passages: list[str]) -> str:
    """The first source headline of the topic; failing that, the opening words of the first passage."""
    titled = (document.title for document in documents if document.title)
    return next(titled, None) or " ".join(passages[0].split()[:9]).rstrip(".,;:!?")


def _stamp(date: dt.date, rng: random.Random) -> str:
    """A publication stamp in one of the forms news pages print."""
    forms = (
        f"Published {date:%B} {date.day}, {date.year}",
        f"Published: {date.day} {date:%B %Y}",
        f"First published on {date:%a %d %b %Y} {rng.randint(6, 22):02d}.{rng.randrange(60):02d} GMT",
        f"Posted {date:%B} {date.day}, {date.year} at {rng.randint(1, 12)}:{rng.randrange(60):02d} am",
    )
    return rng.choice(forms)


def render_article(
    index: int, events: list[Event], topics: dict[str, list[SourceDocument]], seed: int
) -> tuple[str, str]:
    """File name and text of article `index`: its own random stream, so any article can be made alone."""
    rng = random.Random(f"{seed}/{index}")
    weights = [1 / (rank + 1) ** 0.5 for rank in range(len(events))]
    event = rng.choices(events, weights)[0]
    documents = topics[event.topic][:]
    rng.shuffle(documents)
    background = topics[event.background_topic][:]
    rng.shuffle(background)
    target = rng.randint(MIN_WORDS, MAX_WORDS)
    passages = _take(documents, round(target * (1 - BACKGROUND_SHARE)), rng)
    for passage in _take(background, round(target * BACKGROUND_SHARE), rng):
        passages.insert(rng.randint(1, max(len(passages), 1)), passage)
    title = _headline(documents, passages)
    published = event.date + dt.timedelta(days=rng.randint(0, 2))
    outlet = rng.choice(OUTLETS)
    author = f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"
    paragraphs = _paragraphs(passages, rng)
    if rng.random() < 0.3:
        paragraphs[0] = f"{rng.choice(CITIES)} ({rng.choice(AGENCIES)}) - {paragraphs[0]}"
    front = [title, f"By {author}", _stamp(published, rng)]
    back = [f"Copyright {published.year} {outlet}"]
    separator = "\n\n" if rng.random() < 0.7 else "\n"
    text = separator.join([*front, *paragraphs, *back]) + "\n"
    slug = re.sub(r"[^a-z0-9]+", "-", outlet.lower()).strip("-")
    return f"{index:05d}_{slug}.txt", text


def source_fingerprint(sample: Path, ecbplus: Path) -> str:
    """A digest of every source file and the generator version: a cached corpus is valid while it holds."""
    digest = hashlib.sha256(f"corpus-v{CORPUS_VERSION}".encode())
    paths = sorted(sample.rglob("*")) + (sorted(ecbplus.glob("*/*.xml")) if ecbplus.is_dir() else [])
    for path in paths:
        if path.is_file():
            digest.update(path.name.encode())
            digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()[:12]


def build_corpus(size: int, seed: int, sample: Path, ecbplus: Path, cache: Path) -> Corpus:
    """The corpus of `size` articles (plus one extra), built once under `cache` and reused after."""
    folder = cache / f"n{size}-seed{seed}-{source_fingerprint(sample, ecbplus)}"
    corpus = Corpus(folder, size, seed)
    if (folder / MANIFEST).is_file():
        return corpus
    documents = seed_documents(sample) + ecbplus_documents(ecbplus)
    topics: dict[str, list[SourceDocument]] = defaultdict(list)
    for document in documents:
        topics[document.topic].append(document)
    events = plan_events(sorted(topics), max(1, round(size / ARTICLES_PER_EVENT)), random.Random(seed))
    building = folder.with_name(f".{folder.name}.{os.getpid()}.tmp")
    shutil.rmtree(building, ignore_errors=True)
    (building / ARTICLES_FOLDER).mkdir(parents=True)
    (building / EXTRA_FOLDER).mkdir()
    words = 0
    for index in range(size + 1):
        name, text = render_article(index, events, topics, seed)
        target = building / (ARTICLES_FOLDER if index < size else EXTRA_FOLDER) / name
        target.write_text(text, encoding="utf-8")
        words += len(text.split()) if index < size else 0
    manifest = {
        "size": size,
        "seed": seed,
        "corpus_version": CORPUS_VERSION,
        "words": words,
        "events": len(events),
        "topics": len(topics),
        "source_documents": {
            "seeds": sum(d.topic == SEED_TOPIC for d in documents),
            "ecbplus_train": sum(d.topic != SEED_TOPIC for d in documents),
        },
        "events_sample": [asdict(event) | {"date": event.date.isoformat()} for event in events[:3]],
    }
    (building / MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n")
    shutil.rmtree(folder, ignore_errors=True)
    building.rename(folder)
    return corpus
