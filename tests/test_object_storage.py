"""The warehouse on object storage: the same definitions on S3 (a moto server on loopback) and memory://.

The S3 runs are `newsrecon` subprocesses that find the server the way a deployment finds its
store, through the AWS environment variables; nothing in the code names it.
"""

from __future__ import annotations

import logging
import os
import re
import shutil
import subprocess
import sys
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import boto3
import duckdb
import pandas as pd
import pytest
from moto.server import ThreadedMotoServer
from s3fs import S3FileSystem
from upath import UPath

from pipeline.batches import BatchFile, BatchLedger
from pipeline.cli import main
from pipeline.definitions import run
from pipeline.ingest import discover_inputs, ingest
from pipeline.schema import TABLES
from pipeline.sql import DATABASE_NAME
from pipeline.storage import partition_keys, read_table, warehouse_path, write_table
from tests.conftest import SAMPLE
from tests.test_executors import comparable

SEEDS = sorted(SAMPLE.iterdir())
BUCKET = "newsrecon"
WAREHOUSE = f"s3://{BUCKET}/wh"
NEWSRECON = Path(sys.executable).parent / "newsrecon"


# A new article for the second batch: its own event, long enough to be kept.
NEW_ARTICLE = (
    "Harbour ferry resumes service after storm\n\n"
    "The ferry between Kirkwall and Stromness resumed on Thursday after two days of gales, "
    "the operator said. About 300 passengers had waited in the terminal overnight.\n"
)
NEW_FILE = "006_harbour_ferry.txt"


@dataclass
class FirstRun:
    """The seeds run into S3 by the `newsrecon` command."""

    input_dir: Path
    result: subprocess.CompletedProcess[str]
    on_s3: dict[str, pd.DataFrame]


@dataclass
class SecondRun:
    """One new article run into the same S3 warehouse; the first batch's objects around it."""

    success: bool
    first_batch: str
    before: dict[str, tuple[str, str]]
    after: dict[str, tuple[str, str]]


@pytest.fixture(scope="module")
def s3_environment(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    """A moto S3 server with one bucket, and the environment pointing s3fs (here and in children) at it."""
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    home = tmp_path_factory.mktemp("dagster_home")
    (home / "dagster.yaml").write_text("telemetry:\n  enabled: false\n")
    environment = {
        "AWS_ENDPOINT_URL": f"http://{host}:{port}",
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": "us-east-1",
        "NEWSRECON_SETTLE_SECONDS": "0",
        "DAGSTER_HOME": str(home),
    }
    try:
        with pytest.MonkeyPatch.context() as patch:
            for name, value in environment.items():
                patch.setenv(name, value)
            boto3.client("s3").create_bucket(Bucket=BUCKET)
            yield {**os.environ, **environment}
            S3FileSystem.clear_instance_cache()
    finally:
        server.stop()


def newsrecon(environment: dict[str, str], *arguments: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(NEWSRECON), *arguments], env=environment, capture_output=True, text=True, timeout=600
    )


def tables(warehouse: str | Path) -> dict[str, pd.DataFrame]:
    return {table: read_table(warehouse_path(warehouse), table) for table in TABLES}


def objects_of_batch(key: str) -> dict[str, tuple[str, str]]:
    """Every object of batch `key` (its files in each per-batch table, its manifest) with ETag and time."""
    fs = warehouse_path(WAREHOUSE).fs
    paths = [path for path in fs.find(f"{BUCKET}/wh") if f"batch={key}/" in path or f"/{key}." in path]
    return {path: (fs.info(path)["ETag"], str(fs.info(path)["LastModified"])) for path in paths}


@pytest.fixture(scope="module")
def first_run(s3_environment: dict[str, str], tmp_path_factory: pytest.TempPathFactory) -> FirstRun:
    input_dir = tmp_path_factory.mktemp("input")
    for seed in SEEDS:
        shutil.copy2(seed, input_dir / seed.name)
    result = newsrecon(s3_environment, "run", "--input", str(input_dir), "--warehouse", WAREHOUSE, "--quiet")
    on_s3 = tables(WAREHOUSE) if result.returncode == 0 else {}
    return FirstRun(input_dir, result, on_s3)


@pytest.fixture(scope="module")
def second_run(s3_environment: dict[str, str], first_run: FirstRun) -> SecondRun:
    """Run in this process (the environment points it at the same server), to spare a second start."""
    (first_batch,) = BatchLedger(WAREHOUSE).keys()
    before = objects_of_batch(first_batch)
    (first_run.input_dir / NEW_FILE).write_text(NEW_ARTICLE, encoding="utf-8")
    summary = run(first_run.input_dir, warehouse_path(WAREHOUSE), "en_core_web_sm", show_progress=False)
    return SecondRun(summary.success, first_batch, before, objects_of_batch(first_batch))


def test_a_run_into_s3_succeeds(first_run: FirstRun) -> None:
    assert first_run.result.returncode == 0, first_run.result.stderr[-3000:]
    assert "0 failed" in first_run.result.stdout


def test_every_table_on_s3_equals_the_local_runs_table(first_run: FirstRun, seed_run) -> None:
    assert set(first_run.on_s3) == set(TABLES), first_run.result.stderr[-3000:]
    assert len(first_run.on_s3["articles"]) == len(SEEDS)
    for table in TABLES:
        pd.testing.assert_frame_equal(
            comparable(first_run.on_s3[table]), comparable(seed_run.tables[table]), obj=table
        )


def test_the_report_and_the_database_file_are_written_to_s3(first_run: FirstRun) -> None:
    warehouse = warehouse_path(WAREHOUSE)
    assert (warehouse / "report" / "index.html").read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert (warehouse / DATABASE_NAME).is_file()


def test_the_database_file_on_s3_reads_the_bucket_through_a_registered_filesystem(
    first_run: FirstRun, tmp_path: Path
) -> None:
    local_copy = tmp_path / DATABASE_NAME
    local_copy.write_bytes((warehouse_path(WAREHOUSE) / DATABASE_NAME).read_bytes())
    with duckdb.connect(str(local_copy), read_only=True) as connection:
        connection.register_filesystem(S3FileSystem())
        counted = connection.sql("SELECT count(*) FROM sentences").fetchall()
    assert counted == [(len(read_table(warehouse_path(WAREHOUSE), "sentences")),)]


def test_newsrecon_sql_queries_the_tables_on_s3(
    first_run: FirstRun, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["sql", "--warehouse", WAREHOUSE, "SELECT count(*) FROM articles"]) == 0
    articles = len(read_table(warehouse_path(WAREHOUSE), "articles"))
    assert re.findall(r"^│\s+(\d+) │$", capsys.readouterr().out, re.MULTILINE) == [str(articles)]


def test_a_second_run_with_one_new_file_adds_a_second_batch_partition_on_s3(second_run: SecondRun) -> None:
    assert second_run.success
    warehouse = warehouse_path(WAREHOUSE)
    keys = partition_keys(warehouse, "articles")
    assert len(keys) == 2 and keys[0] == second_run.first_batch
    latest = read_table(warehouse, "articles", [keys[-1]])
    assert latest["source_path"].tolist() == [NEW_FILE]
    assert len(read_table(warehouse, "articles")) == len(SEEDS) + 1


def test_the_second_run_leaves_the_first_batch_untouched_on_s3(second_run: SecondRun) -> None:
    assert any("/articles/batch=" in path for path in second_run.before)
    assert second_run.after == second_run.before


def test_a_missing_bucket_stops_the_run_before_it_starts(
    first_run: FirstRun, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["run", "--input", str(first_run.input_dir), "--warehouse", "s3://no-such-bucket/wh"]) == 2
    assert "The specified bucket does not exist" in capsys.readouterr().err
    assert "no-such-bucket" not in {bucket["Name"] for bucket in boto3.client("s3").list_buckets()["Buckets"]}


# memory:// in process ------------------------------------------------------------------------------------


@pytest.fixture
def memory_warehouse() -> Iterator[UPath]:
    warehouse = warehouse_path(f"memory://newsrecon-test/{uuid.uuid4().hex}")
    yield warehouse
    warehouse.fs.rm(warehouse.path, recursive=True)


@pytest.fixture(scope="module")
def raw_articles() -> pd.DataFrame:
    return ingest(SAMPLE, discover_inputs(SAMPLE)).raw_articles


def test_tables_round_trip_through_memory_as_through_a_folder(
    memory_warehouse: UPath, raw_articles: pd.DataFrame, tmp_path: Path
) -> None:
    for warehouse in (memory_warehouse, tmp_path):
        write_table(warehouse, "raw_articles", raw_articles.iloc[:2], "a")
        write_table(warehouse, "raw_articles", raw_articles.iloc[2:], "b")
    assert partition_keys(memory_warehouse, "raw_articles") == ["a", "b"]
    assert len(read_table(memory_warehouse, "raw_articles")) == len(raw_articles)
    for partitions in (None, ["b", "never-written"]):
        pd.testing.assert_frame_equal(
            read_table(memory_warehouse, "raw_articles", partitions),
            read_table(tmp_path, "raw_articles", partitions),
        )


def test_the_batch_ledger_lives_in_a_memory_warehouse(memory_warehouse: UPath) -> None:
    ledger = BatchLedger(memory_warehouse)
    batch = ledger.create([BatchFile(SEEDS[0].name, SEEDS[0].stat().st_size, SEEDS[0].stat().st_mtime_ns)])
    assert BatchLedger(str(memory_warehouse)).batch(batch.key) == batch
    assert (memory_warehouse / "_batches" / f"{batch.key}.json").is_file()


def test_file_urls_are_local_folders(tmp_path: Path) -> None:
    assert warehouse_path(tmp_path.as_uri()) == tmp_path
