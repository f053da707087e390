"""Crashes and reruns: a killed run leaves complete tables, reruns are idempotent, new files only add rows."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd

from pipeline.definitions import run
from pipeline.schema import TABLES
from pipeline.storage import partition_keys, read_table
from tests.conftest import ROOT, SAMPLE, SeedRun

NEW_ARTICLE = (
    "Firefighters contained a wildfire north of Valencia on Tuesday after it burned through dry brush "
    "for three days, regional officials said. No injuries were reported, and about 200 residents who "
    "had been evacuated were allowed to return home in the evening.\n"
)
# An hour old, so no writer can still be at work on it.
SETTLED = time.time() - 3600


def add_article(folder: Path, relative: str) -> Path:
    path = folder / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(NEW_ARTICLE, encoding="utf-8")
    os.utime(path, (SETTLED, SETTLED))
    return path


def tables(warehouse: Path) -> dict[str, pd.DataFrame]:
    return {table: read_table(warehouse, table) for table in TABLES}


def same(first: pd.DataFrame, second: pd.DataFrame) -> bool:
    return first.reset_index(drop=True).equals(second.reset_index(drop=True))


def cli(input_dir: Path, warehouse: Path) -> list[str]:
    return [
        sys.executable,
        "-m",
        "pipeline",
        "run",
        "--input",
        str(input_dir),
        "--warehouse",
        str(warehouse),
        "--quiet",
    ]


def test_a_run_killed_midway_leaves_complete_tables_and_the_next_run_finishes(
    seed_run: SeedRun, tmp_path: Path
) -> None:
    input_dir, warehouse = tmp_path / "input", tmp_path / "warehouse"
    shutil.copytree(SAMPLE, input_dir)
    shutil.copytree(seed_run.warehouse, warehouse)
    before = seed_run.tables
    add_article(input_dir, "late/wildfire.txt")
    killed = subprocess.Popen(
        cli(input_dir, warehouse), cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    # Killed once the new batch's first table is written, with the rest of its stages still to run.
    while killed.poll() is None and len(partition_keys(warehouse, "raw_articles")) < 2:
        time.sleep(0.01)
    killed.send_signal(signal.SIGKILL)
    assert killed.wait(timeout=60) == -signal.SIGKILL, "the run finished before it could be killed"

    midway = tables(warehouse)
    assert run(input_dir, warehouse, "en_core_web_sm", show_progress=False).success
    after = tables(warehouse)
    assert len(after["articles"]) == len(before["articles"]) + 1
    for table in TABLES:
        assert same(midway[table], before[table]) or same(midway[table], after[table]), table
    assert not list(warehouse.rglob("*.tmp"))


def test_rerunning_over_the_same_input_gives_the_same_tables(seed_run: SeedRun, tmp_path: Path) -> None:
    warehouse = tmp_path / "warehouse"
    shutil.copytree(seed_run.warehouse, warehouse)
    assert run(SAMPLE, warehouse, "en_core_web_sm", show_progress=False).success
    again = tables(warehouse)
    for table in TABLES:
        assert same(again[table], seed_run.tables[table]), table


def test_a_new_file_adds_its_rows_and_leaves_the_others_alone(seed_run: SeedRun, tmp_path: Path) -> None:
    input_dir, warehouse = tmp_path / "input", tmp_path / "warehouse"
    shutil.copytree(SAMPLE, input_dir)
    shutil.copytree(seed_run.warehouse, warehouse)
    add_article(input_dir, "2024 Dec/Ünïcode wildfire report..final.txt")
    outside_before = {p for p in tmp_path.rglob("*") if warehouse not in p.parents}

    summary = run(input_dir, warehouse, "en_core_web_sm", show_progress=False)
    assert summary.success
    articles = read_table(warehouse, "articles")
    old = seed_run.tables["articles"]
    assert len(articles) == len(old) + 1
    assert set(old["article_id"]) < set(articles["article_id"])
    added = articles[~articles["article_id"].isin(old["article_id"])]
    assert added["source_path"].tolist() == ["2024 Dec/Ünïcode wildfire report..final.txt"]
    merged = articles.merge(old, on="article_id", suffixes=("", "_before"))
    assert (merged["text"] == merged["text_before"]).all()
    assert {p for p in tmp_path.rglob("*") if warehouse not in p.parents} == outside_before
    stories = read_table(warehouse, "stories")
    assert len(stories) == len(seed_run.tables["stories"]) + 1
