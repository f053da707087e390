"""Input batches: which input files each increment of the warehouse reads.

Every file is read in exactly one batch. A batch is fixed when it is
created: its manifest (`<warehouse>/_batches/<key>.json`) lists the files
with their size and modification time, so a rerun or a backfill of the batch
reads the same files, and the files that arrive while it runs wait for the
next batch. A file is new when no earlier batch holds it with the same size
and modification time: a file rewritten after it was read is read again, as
a new version, and its earlier version stays in its batch.

Files still being written (modified within the settle time) are left for a
later batch; nothing is lost, they are only not yet taken.

After ingestion, a batch also records the articles it kept
(`<key>.kept.json`), so later batches recognise the same bytes or the same
text as duplicates of an article already in the warehouse.

The ledger lives with the warehouse (a folder or object storage, see
`pipeline.storage`); the input folder is always local.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd

from pipeline.ingest import KeptArticle, discover_inputs, relative_source
from pipeline.storage import WarehousePath, warehouse_path, write_file

LEDGER_FOLDER = "_batches"
_KEY = re.compile(r"^\d{8}T\d{6}\d{6}Z$")


@dataclass(frozen=True)
class BatchFile:
    """One input file as it was when its batch was made."""

    path: str
    size: int
    mtime_ns: int


@dataclass(frozen=True)
class Batch:
    """A fixed set of input files, processed together as one partition."""

    key: str
    created: str
    files: tuple[BatchFile, ...]

    def paths(self, input_dir: Path) -> list[Path]:
        """The batch's files below `input_dir`, in the order ingestion reads them."""
        return [input_dir / file.path for file in self.files]


@dataclass(frozen=True)
class Pending:
    """What a look at the input folder found: a new batch to make, and files not yet settled."""

    files: tuple[BatchFile, ...]
    unsettled: tuple[str, ...]


class BatchLedger:
    """The manifests of every batch of one warehouse, under `<warehouse>/_batches/`."""

    def __init__(self, warehouse: str | WarehousePath) -> None:
        self.folder = warehouse_path(warehouse) / LEDGER_FOLDER

    def keys(self) -> list[str]:
        """Every batch key, oldest first (keys sort by creation time)."""
        return sorted(path.stem for path in self.folder.glob("*.json") if _KEY.match(path.stem))

    def batch(self, key: str) -> Batch:
        """The batch `key`, as its manifest fixed it."""
        path = self.folder / f"{key}.json"
        if not path.is_file():
            raise KeyError(f"no batch {key!r} in {self.folder}: was it made for another warehouse?")
        data = json.loads(path.read_text(encoding="utf-8"))
        return Batch(data["key"], data["created"], tuple(BatchFile(**file) for file in data["files"]))

    def pending(self, input_dir: Path, settle_seconds: float) -> Pending:
        """Files of `input_dir` that no batch holds yet, split into settled and still being written."""
        known = {file for key in self.keys() for file in self.batch(key).files}
        now = time.time()
        new, unsettled = [], []
        for path in discover_inputs(input_dir):
            try:
                stat = path.stat()
            except OSError:
                continue
            file = BatchFile(relative_source(path, input_dir), stat.st_size, stat.st_mtime_ns)
            if file in known:
                continue
            if abs(now - stat.st_mtime) < settle_seconds:
                unsettled.append(file.path)
            else:
                new.append(file)
        return Pending(tuple(new), tuple(unsettled))

    def create(self, files: Sequence[BatchFile]) -> Batch:
        """Fix a new batch of `files` and write its manifest; its key is its creation time."""
        created = datetime.now(UTC)
        key = created.strftime("%Y%m%dT%H%M%S%fZ")
        while (self.folder / f"{key}.json").exists():
            time.sleep(0.000_001)
            created = datetime.now(UTC)
            key = created.strftime("%Y%m%dT%H%M%S%fZ")
        batch = Batch(key, created.isoformat(), tuple(files))
        manifest = {"key": key, "created": batch.created, "files": [asdict(file) for file in files]}
        _write_json(self.folder / f"{key}.json", manifest)
        return batch

    def record_kept(self, key: str, raw_articles: pd.DataFrame) -> None:
        """Remember the articles batch `key` kept, for the duplicate checks of later batches."""
        kept = [
            {"sha256": sha, "article_id": article, "source_path": source}
            for sha, article, source in zip(
                raw_articles["sha256"], raw_articles["article_id"], raw_articles["source_path"], strict=True
            )
        ]
        _write_json(self.folder / f"{key}.kept.json", kept)

    def kept_before(self, key: str) -> list[KeptArticle]:
        """Articles kept by the batches made before `key`: what a duplicate in `key` duplicates."""
        kept = []
        for earlier in self.keys():
            if earlier >= key:
                break
            path = self.folder / f"{earlier}.kept.json"
            if path.is_file():
                kept.extend(KeptArticle(**row) for row in json.loads(path.read_text(encoding="utf-8")))
        return kept


def _write_json(target: WarehousePath, data: object) -> None:
    write_file(target, json.dumps(data, indent=1, ensure_ascii=False).encode("utf-8"))
