"""Warehouse files: one Parquet dataset per table, replaced atomically.

A table lives at `<warehouse>/<table>/part-0.parquet`; a table kept per input
batch has one such file per batch, in Hive-style folders
(`<warehouse>/<table>/batch=<key>/part-0.parquet`) that DuckDB, Spark and
pyarrow read as one dataset. A new version of a file is
written beside it under a hidden name (readers and globs skip names starting
with `.`), flushed to disk, and renamed over the old file in one step, so a
reader sees either the old complete table or the new one, never half of one,
and a killed run leaves the previous version in place.

The warehouse may also be an fsspec URL (`s3://bucket/prefix`, `gs://...`,
`memory://...`), held as a `upath.UPath`: the same functions read and write
there. An object store makes an object visible whole when its upload
completes, so there a file is produced in memory and uploaded in one piece
instead of renamed into place.
"""

from __future__ import annotations

import io
import os
import re
import uuid
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import BinaryIO

import pandas as pd
import pyarrow as pa
import pyarrow.dataset as ds
import pyarrow.fs as pafs
import pyarrow.parquet as pq
from upath import UPath

from pipeline.schema import schema_for

PART_NAME = "part-0"
PARTITION_FIELD = "batch"
_URL = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")

# A place in the warehouse: a local path, or a UPath on an fsspec filesystem (object storage).
WarehousePath = Path | UPath


def warehouse_path(location: str | os.PathLike[str] | UPath) -> WarehousePath:
    """The warehouse named by a folder or an fsspec URL: an absolute local Path, or a UPath.

    `file://` URLs become local paths, so they keep atomic renames. Remote
    listings are not cached: other processes (step workers, the sensor's
    daemon, another run) write the same warehouse, and a stale listing would
    hide their batches.
    """
    if isinstance(location, UPath) and not isinstance(location, Path):
        url = location
    elif _URL.match(text := os.fspath(location)):
        url = UPath(text, use_listings_cache=False)
    else:
        return Path(text).expanduser().resolve()
    return Path(url.path) if url.protocol in ("file", "local") else url


def is_local(path: WarehousePath) -> bool:
    """Whether `path` is on this machine's file system (renames are atomic, files can be fsynced)."""
    return isinstance(path, Path)


def table_dir(warehouse: WarehousePath, table: str, partition: str | None = None) -> WarehousePath:
    """The folder that holds a table's Parquet file (one batch's file when `partition` is given)."""
    folder = warehouse / table
    return folder if partition is None else folder / f"{PARTITION_FIELD}={partition}"


def partition_keys(warehouse: WarehousePath, table: str) -> list[str]:
    """The batches a per-batch table has been written for, sorted (one listing, also on object storage)."""
    prefix = f"{PARTITION_FIELD}="
    files = table_dir(warehouse, table).glob(f"{prefix}*/{PART_NAME}.*")
    return sorted({path.parent.name[len(prefix) :] for path in files})


def atomic_write(target: WarehousePath, write: Callable[[BinaryIO], None]) -> None:
    """Have `write` fill the file `target` so that readers see the old file or the new one, never part.

    Locally `write` fills a hidden temporary file, which is flushed to disk
    and moved onto `target` in one rename; temporary files that a killed run
    left beside `target` are removed first (one run writes a table at a time,
    so any such file is an orphan). On object storage `write` fills memory,
    uploaded only once it has finished: an upload is atomic, and a writer that
    fails uploads nothing. No folder is made there (a missing bucket stays an error).
    """
    if not is_local(target):
        buffer = io.BytesIO()
        write(buffer)
        target.write_bytes(buffer.getvalue())
        return
    target.parent.mkdir(parents=True, exist_ok=True)
    for orphan in target.parent.glob(f".{target.name}.*.tmp"):
        orphan.unlink(missing_ok=True)
    temporary = target.parent / f".{target.name}.{uuid.uuid4().hex}.tmp"
    try:
        with open(temporary, "wb") as handle:
            write(handle)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, target)
    finally:
        temporary.unlink(missing_ok=True)


def write_file(target: WarehousePath, payload: bytes) -> None:
    """Replace the file `target` with `payload`, atomically (see `atomic_write`)."""
    atomic_write(target, lambda handle: handle.write(payload))


def to_arrow(table: str, frame: pd.DataFrame) -> pa.Table:
    """The frame as an Arrow table with exactly the table's schema (a mismatch raises here)."""
    schema = schema_for(table)
    missing = [name for name in schema.names if name not in frame.columns]
    if missing:
        raise ValueError(f"table {table!r} is missing columns {missing}")
    if frame.empty:  # an empty frame's columns carry no types to convert from
        return schema.empty_table()
    return pa.Table.from_pandas(frame[schema.names], schema=schema, preserve_index=False)


def write_table(
    warehouse: WarehousePath, table: str, frame: pd.DataFrame, partition: str | None = None
) -> WarehousePath:
    """Write a table (or one batch of a per-batch table) atomically; returns the Parquet file written."""
    arrow = to_arrow(table, frame)
    target = table_dir(warehouse, table, partition) / f"{PART_NAME}.parquet"
    atomic_write(target, lambda handle: pq.write_table(arrow, handle, compression="zstd"))
    return target


def read_table(warehouse: WarehousePath, table: str, partitions: Sequence[str] | None = None) -> pd.DataFrame:
    """A table as a pandas DataFrame, read with its schema: every batch, or only `partitions`.

    Batches named in `partitions` that were never written are skipped: a batch
    whose run failed is missing from the table, not an error for its readers.
    """
    if partitions is None:
        directory = table_dir(warehouse, table)
        if not directory.is_dir():
            raise FileNotFoundError(f"table {table!r} has not been written to {warehouse} yet")
        filesystem, (source,) = _arrow_paths([directory])
    else:
        files = [table_dir(warehouse, table, key) / f"{PART_NAME}.parquet" for key in partitions]
        written = [path for path in files if path.is_file()]
        if not written:
            return schema_for(table).empty_table().to_pandas()
        filesystem, source = _arrow_paths(written)
    dataset = ds.dataset(source, format="parquet", schema=schema_for(table), filesystem=filesystem)
    return dataset.to_table().to_pandas()


def _arrow_paths(paths: Sequence[WarehousePath]) -> tuple[pafs.FileSystem | None, list[str]]:
    """How pyarrow reaches `paths` (one warehouse): its own local filesystem, or through fsspec's."""
    if is_local(paths[0]):
        return None, [str(path) for path in paths]
    return pafs.PyFileSystem(pafs.FSSpecHandler(paths[0].fs)), [path.path for path in paths]
