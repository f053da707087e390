"""`newsrecon run`: exit status, summary, and the errors that stop a run before it starts."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from pipeline.cli import EXIT_CANNOT_START, EXIT_CHECK_FAILED, main
from pipeline.definitions import run
from tests.conftest import ROOT, SAMPLE


def test_a_run_over_the_seeds_prints_tables_quarantine_and_checks(seed_run) -> None:
    summary = seed_run.summary
    assert summary.success
    assert summary.tables["articles"] == 5
    assert summary.tables["quarantine"] == 0
    assert {"raw_articles", "articles", "sentences", "mentions", "entities", "stories"} <= set(summary.tables)
    assert summary.checks_passed and not summary.checks_failed


def test_a_missing_input_folder_stops_the_run_before_any_table(tmp_path: Path, capsys) -> None:
    warehouse = tmp_path / "warehouse"
    status = main(["run", "--input", str(tmp_path / "nowhere"), "--warehouse", str(warehouse), "--quiet"])
    assert status == EXIT_CANNOT_START
    assert "does not exist" in capsys.readouterr().err
    assert not any(warehouse.glob("*/*.parquet"))


def test_an_unknown_model_stops_the_run_before_any_table(tmp_path: Path, capsys) -> None:
    warehouse = tmp_path / "warehouse"
    status = main(
        ["run", "--input", str(SAMPLE), "--warehouse", str(warehouse), "--model", "no_such_model", "--quiet"]
    )
    assert status == EXIT_CANNOT_START
    assert "no_such_model" in capsys.readouterr().err
    assert not any(warehouse.glob("*/*.parquet"))


def test_an_unwritable_warehouse_stops_the_run(tmp_path: Path, capsys) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    status = main(["run", "--input", str(SAMPLE), "--warehouse", str(blocker / "warehouse"), "--quiet"])
    assert status == EXIT_CANNOT_START
    assert "cannot be written" in capsys.readouterr().err


def test_a_failing_blocking_check_exits_non_zero_naming_check_and_table(
    tmp_path: Path, capsys, monkeypatch: pytest.MonkeyPatch
) -> None:
    expectations = tmp_path / "expectations"
    shutil.copytree(ROOT / "expectations", expectations)
    suite = json.loads((expectations / "articles.json").read_text())
    suite["expectations"].append(
        {"type": "expect_table_row_count_to_be_between", "kwargs": {"min_value": 1000}, "meta": {}}
    )
    (expectations / "articles.json").write_text(json.dumps(suite))
    monkeypatch.setenv("NEWSRECON_EXPECTATIONS_DIR", str(expectations))

    status = main(["run", "--input", str(SAMPLE), "--warehouse", str(tmp_path / "warehouse"), "--quiet"])
    out = capsys.readouterr().out
    assert status == EXIT_CHECK_FAILED
    assert "articles_expectations" in out and "table articles" in out


def test_a_folder_of_only_bad_inputs_runs_to_the_end(tmp_path: Path) -> None:
    input_dir = tmp_path / "input"
    input_dir.mkdir()
    (input_dir / "empty.txt").write_bytes(b"")
    (input_dir / "scan.pdf").write_bytes(b"%PDF-1.7\n" + bytes(300))
    summary = run(input_dir, tmp_path / "warehouse", "en_core_web_sm", show_progress=False)
    assert summary.success, summary.checks_failed or summary.failed_steps
    assert summary.tables["articles"] == 0 and summary.tables["quarantine"] == 2
