"""Warehouse files: schema-true, readable by pyarrow and DuckDB-style globs, replaced atomically."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pyarrow.dataset as ds
import pytest

from pipeline.storage import read_table, write_table

QUARANTINE = pd.DataFrame(
    {
        "source_path": ["a.txt"],
        "sha256": ["0" * 64],
        "stage": ["ingest"],
        "reason": ["empty"],
        "detail": ["the file has no bytes"],
        "line": [None],
        "duplicate_of": [None],
    }
)


def test_a_table_is_a_parquet_dataset_in_its_own_folder(tmp_path: Path) -> None:
    write_table(tmp_path, "quarantine", QUARANTINE)
    assert [p.name for p in (tmp_path / "quarantine").iterdir()] == ["part-0.parquet"]
    assert ds.dataset(tmp_path / "quarantine", format="parquet").to_table().num_rows == 1


def test_rewriting_replaces_the_table_and_leaves_no_temporary_files(tmp_path: Path) -> None:
    write_table(tmp_path, "quarantine", QUARANTINE)
    write_table(tmp_path, "quarantine", pd.concat([QUARANTINE, QUARANTINE.assign(source_path="b.txt")]))
    assert sorted(p.name for p in (tmp_path / "quarantine").iterdir()) == ["part-0.parquet"]
    assert read_table(tmp_path, "quarantine")["source_path"].tolist() == ["a.txt", "b.txt"]


def test_a_failed_write_leaves_the_previous_table_intact(tmp_path: Path) -> None:
    write_table(tmp_path, "quarantine", QUARANTINE)
    with pytest.raises(ValueError, match="missing columns"):
        write_table(tmp_path, "quarantine", QUARANTINE.drop(columns=["reason"]))
    assert read_table(tmp_path, "quarantine")["source_path"].tolist() == ["a.txt"]


def test_a_frame_that_does_not_fit_the_schema_is_refused(tmp_path: Path) -> None:
    with pytest.raises((TypeError, ValueError)):
        write_table(tmp_path, "quarantine", QUARANTINE.assign(sha256=[12345]))


def test_reading_an_unwritten_table_says_so(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="has not been written"):
        read_table(tmp_path, "quarantine")


def test_a_write_clears_temporary_files_a_killed_run_left_behind(tmp_path: Path) -> None:
    write_table(tmp_path, "quarantine", QUARANTINE)
    orphan = tmp_path / "quarantine" / ".part-0.parquet.0123abcd.tmp"
    orphan.write_bytes(b"half a parquet file")
    assert read_table(tmp_path, "quarantine")["source_path"].tolist() == ["a.txt"]
    write_table(tmp_path, "quarantine", QUARANTINE)
    assert not orphan.exists()


def test_an_empty_frame_is_written_as_an_empty_table_with_the_schema(tmp_path: Path) -> None:
    empty = pd.DataFrame({column: [] for column in QUARANTINE.columns})
    write_table(tmp_path, "quarantine", empty)
    table = ds.dataset(tmp_path / "quarantine", format="parquet").to_table()
    assert table.num_rows == 0 and table.schema.names == list(QUARANTINE.columns)
