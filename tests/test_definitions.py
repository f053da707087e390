"""The definitions the UI and the CLI share: every table an asset, every table checked."""

from __future__ import annotations

import os
import subprocess
import sys

import duckdb
import pyarrow.dataset as ds
import pytest

from pipeline.definitions import build_definitions
from pipeline.schema import TABLES, schema_for
from tests.conftest import ROOT, SAMPLE, SeedRun

DEFS = build_definitions(str(SAMPLE), "warehouse")


def test_every_table_is_an_asset_and_so_are_the_parse_and_what_is_published() -> None:
    keys = {key.to_user_string() for key in DEFS.resolve_asset_graph().get_all_asset_keys()}
    assert keys == {*TABLES, "docs", "report", "warehouse_duckdb"}


@pytest.mark.parametrize("table", TABLES)
def test_every_table_has_a_blocking_expectations_check(table: str) -> None:
    checks = {
        key.name: spec for key, spec in _check_specs().items() if key.asset_key.to_user_string() == table
    }
    assert f"{table}_expectations" in checks
    assert all(spec.blocking for spec in checks.values())


def _check_specs() -> dict:
    specs = {}
    for checks in DEFS.asset_checks or []:
        for spec in checks.check_specs:
            specs[spec.key] = spec
    return specs


def test_the_workspace_loads_in_dagster() -> None:
    result = subprocess.run(
        [
            str(ROOT / ".venv" / "bin" / "dagster"),
            "definitions",
            "validate",
            "-w",
            str(ROOT / "workspace.yaml"),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={**os.environ, "DAGSTER_HOME": ""},
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_python_dash_m_pipeline_is_the_same_command_line() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "pipeline", "run", "--help"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0
    assert "--warehouse" in result.stdout and "--quiet" in result.stdout


@pytest.mark.parametrize("table", TABLES)
def test_tables_read_with_pyarrow_dataset_and_duckdb(seed_run: SeedRun, table: str) -> None:
    folder = seed_run.warehouse / table
    arrow = ds.dataset(folder, format="parquet").to_table()
    assert arrow.schema.names == schema_for(table).names
    [(count,)] = duckdb.sql(f"SELECT count(*) FROM read_parquet('{folder}/**/*.parquet')").fetchall()
    assert count == arrow.num_rows == len(seed_run.tables[table])
