"""ECB+ documents as newsrecon inputs, and their gold sub-topics (one real event each).

The protocol (`shared/ecbplus/README.md`): each document becomes a plain-text
article, tokens joined by single spaces, one sentence per line; the pipeline
runs over all documents of a split at once with no gold topics given.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

DEV_TOPICS = frozenset({2, 5, 12, 18, 21, 23, 34, 35})
# `<topic>_<n>ecb.xml` or `<topic>_<n>ecbplus.xml`: the topic, and which of its two events.
DOCUMENT_NAME = re.compile(r"^(?P<topic>\d+)_(?P<number>\d+)(?P<kind>ecb|ecbplus)\.xml$")


@dataclass(frozen=True)
class EcbDocument:
    """One ECB+ document: its name, gold topic and sub-topic, and its text as an article."""

    name: str
    topic: int
    subtopic: str
    text: str


def split_of(topic: int) -> str:
    """`dev` for the dev topics, `train` for every other topic present."""
    return "dev" if topic in DEV_TOPICS else "train"


def read_document(path: Path) -> EcbDocument:
    """Read a CAT XML file into an article text: tokens joined by spaces, a sentence per line."""
    match = DOCUMENT_NAME.match(path.name)
    if match is None:
        raise ValueError(f"{path.name} is not an ECB+ document name (<topic>_<n>ecb[plus].xml)")
    sentences: dict[int, list[str]] = defaultdict(list)
    for token in ET.parse(path).getroot().iter("token"):
        sentences[int(token.get("sentence", "0"))].append(token.text or "")
    text = "\n".join(" ".join(tokens) for _, tokens in sorted(sentences.items())) + "\n"
    topic = int(match["topic"])
    return EcbDocument(path.name, topic, f"{topic}{match['kind']}", text)


def read_split(root: Path, split: str) -> list[EcbDocument]:
    """Every document of the `train` or `dev` split under `root`, in file-name order."""
    if split not in {"train", "dev"}:
        raise ValueError(f"unknown split {split!r}: use train or dev")
    paths = sorted(root.glob("*/*.xml"), key=lambda p: p.name)
    return [
        read_document(p)
        for p in paths
        if DOCUMENT_NAME.match(p.name) and split_of(int(p.name.split("_")[0])) == split
    ]


def write_articles(documents: list[EcbDocument], folder: Path) -> dict[str, EcbDocument]:
    """Write each document as `<name>.txt` into `folder`; returns documents by source path."""
    folder.mkdir(parents=True, exist_ok=True)
    written = {}
    for document in documents:
        source = document.name.removesuffix(".xml") + ".txt"
        (folder / source).write_text(document.text, encoding="utf-8")
        written[source] = document
    return written
