"""Warehouse files: one Parquet dataset per table, replaced atomically.

A table lives at `<warehouse>/<table>/part-0.parquet`; a table kept per input
batch has one such file per batch, in Hive-style folders
(`<warehouse>/<table>/batch=<key>/part-0.parquet`) that DuckDB, Spark and
pyarrow read as one dataset. A new version of a file is
written beside it under a hidden name (readers and globs skip names starting
with `.`), flushed to disk, and renamed over the old file in one step, so a
reader sees either the old complete table or the new one, never half of one,
and a killed run leaves the previous version in place.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Sequence
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.dataset as ds
import pyarrow.parquet as pq

from pipeline.schema import schema_for

PART_NAME = "part-0"
PARTITION_FIELD = "batch"


def table_dir(warehouse: Path, table: str, partition: str | None = None) -> Path:
    """The folder that holds a table's Parquet file (one batch's file when `partition` is given)."""
    folder = warehouse / table
    return folder if partition is None else folder / f"{PARTITION_FIELD}={partition}"


def partition_keys(warehouse: Path, table: str) -> list[str]:
    """The batches a per-batch table has been written for, sorted."""
    prefix = f"{PARTITION_FIELD}="
    folder = table_dir(warehouse, table)
    if not folder.is_dir():
        return []
    return sorted(
        child.name[len(prefix) :]
        for child in folder.iterdir()
        if child.is_dir() and child.name.startswith(prefix) and any(child.glob(f"{PART_NAME}.*"))
    )


def atomic_write(target: Path, write: Callable[[Path], None]) -> None:
    """Have `write` fill a hidden temporary file, then move it onto `target` in one rename.

    Temporary files that a killed run left beside `target` are removed first:
    one run writes a table at a time, so any such file is an orphan.
    """
    target.parent.mkdir(parents=True, exist_ok=True)
    for orphan in target.parent.glob(f".{target.name}.*.tmp"):
        orphan.unlink(missing_ok=True)
    temporary = target.parent / f".{target.name}.{uuid.uuid4().hex}.tmp"
    try:
        write(temporary)
        with open(temporary, "rb") as handle:
            os.fsync(handle.fileno())
        os.replace(temporary, target)
    finally:
        temporary.unlink(missing_ok=True)


def to_arrow(table: str, frame: pd.DataFrame) -> pa.Table:
    """The frame as an Arrow table with exactly the table's schema (a mismatch raises here)."""
    schema = schema_for(table)
    missing = [name for name in schema.names if name not in frame.columns]
    if missing:
        raise ValueError(f"table {table!r} is missing columns {missing}")
    if frame.empty:  # an empty frame's columns carry no types to convert from
        return schema.empty_table()
    return pa.Table.from_pandas(frame[schema.names], schema=schema, preserve_index=False)


def write_table(warehouse: Path, table: str, frame: pd.DataFrame, partition: str | None = None) -> Path:
    """Write a table (or one batch of a per-batch table) atomically; returns the Parquet file written."""
    arrow = to_arrow(table, frame)
    target = table_dir(warehouse, table, partition) / f"{PART_NAME}.parquet"
    atomic_write(target, lambda path: pq.write_table(arrow, path, compression="zstd"))
    return target


def read_table(warehouse: Path, table: str, partitions: Sequence[str] | None = None) -> pd.DataFrame:
    """A table as a pandas DataFrame, read with its schema: every batch, or only `partitions`.

    Batches named in `partitions` that were never written are skipped: a batch
    whose run failed is missing from the table, not an error for its readers.
    """
    if partitions is None:
        directory = table_dir(warehouse, table)
        if not directory.is_dir():
            raise FileNotFoundError(f"table {table!r} has not been written to {warehouse} yet")
        source: Path | list[str] = directory
    else:
        files = [table_dir(warehouse, table, key) / f"{PART_NAME}.parquet" for key in partitions]
        source = [str(path) for path in files if path.is_file()]
        if not source:
            return schema_for(table).empty_table().to_pandas()
    dataset = ds.dataset(source, format="parquet", schema=schema_for(table))
    return dataset.to_table().to_pandas()
