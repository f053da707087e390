"""Incremental runs: each batch of new files is one partition; cross-batch tables cover every batch."""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

import dagster as dg
import pytest

from pipeline.automation import new_input_files
from pipeline.batches import BatchLedger
from pipeline.definitions import backfill, run
from pipeline.io import BATCHES
from pipeline.resources import NewsreconSettings, WarehouseResource
from pipeline.storage import partition_keys, read_table, table_dir
from tests.conftest import SAMPLE

SEEDS = sorted(SAMPLE.iterdir())


def _copy(files: list[Path], folder: Path) -> Path:
    folder.mkdir(exist_ok=True)
    for file in files:
        shutil.copy2(file, folder / file.name)
    return folder


def _aged(path: Path, seconds: float = 600) -> None:
    """Make `path` look written `seconds` ago, so it is settled for any settle time."""
    past = time.time() - seconds
    os.utime(path, (past, past))


@pytest.fixture(scope="module")
def two_batches(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, dict[Path, float]]:
    """Four seeds in a first run, the fifth added for a second run on the same warehouse."""
    root = tmp_path_factory.mktemp("incremental")
    input_dir, warehouse = _copy(SEEDS[:4], root / "input"), root / "warehouse"
    assert run(input_dir, warehouse, "en_core_web_sm", show_progress=False, settle_seconds=0).success
    first = {path: path.stat().st_mtime_ns for path in warehouse.rglob("batch=*/part-0.*")}
    _copy(SEEDS[4:], input_dir)
    second = run(input_dir, warehouse, "en_core_web_sm", show_progress=False, settle_seconds=0)
    assert second.success, (second.checks_failed, second.failed_steps)
    return input_dir, warehouse, first


def test_second_batch_is_a_new_partition_of_the_one_new_file(two_batches) -> None:
    _, warehouse, _ = two_batches
    keys = partition_keys(warehouse, "articles")
    assert len(keys) == 2
    latest = read_table(warehouse, "articles", [keys[-1]])
    assert latest["source_path"].tolist() == [SEEDS[4].name]


def test_second_batch_leaves_the_first_untouched(two_batches) -> None:
    first = two_batches[2]
    assert first, "the first run wrote no per-batch files"
    assert {path: path.stat().st_mtime_ns for path in first} == first


def test_cross_batch_tables_cover_both_batches(two_batches) -> None:
    _, warehouse, _ = two_batches
    articles = read_table(warehouse, "articles")
    stories = read_table(warehouse, "stories")
    mentions = read_table(warehouse, "mentions")
    assert len(articles) == 5
    assert sorted(a for ids in stories["article_ids"] for a in ids) == sorted(articles["article_id"])
    assert set(mentions["article_id"]) == set(articles["article_id"])
    clusters = read_table(warehouse, "quote_clusters")
    assert clusters["outlet_count"].max() >= 4, "quotes of the new batch did not join the first's clusters"


def test_time_expressions_cover_both_batches_read_once_each(two_batches) -> None:
    _, warehouse, _ = two_batches
    keys = partition_keys(warehouse, "time_candidates")
    new_article = read_table(warehouse, "articles", [keys[-1]])["article_id"].iloc[0]
    candidates = read_table(warehouse, "time_candidates")
    times = read_table(warehouse, "time_expressions")
    assert len(keys) == 2 and set(read_table(warehouse, "time_candidates", [keys[-1]])["article_id"]) == {
        new_article
    }
    assert sorted(times["time_id"]) == sorted(candidates["time_id"])


def test_rerun_without_new_files_makes_no_batch(two_batches) -> None:
    input_dir, warehouse, _ = two_batches
    summary = run(input_dir, warehouse, "en_core_web_sm", show_progress=False, settle_seconds=0)
    assert summary.success
    assert summary.batches == []
    assert len(BatchLedger(warehouse).keys()) == 2
    assert "articles" not in summary.tables and "stories" in summary.tables


def _copy_of_two_batches(two_batches, tmp_path: Path) -> tuple[Path, Path]:
    """The input folder and warehouse of `two_batches`, copied for a test that changes them."""
    input_dir, warehouse, _ = two_batches
    work_input, work_warehouse = tmp_path / "input", tmp_path / "warehouse"
    shutil.copytree(input_dir, work_input)
    shutil.copytree(warehouse, work_warehouse)
    return work_input, work_warehouse


def test_copy_arriving_in_a_later_batch_is_quarantined_as_a_duplicate(tmp_path: Path, two_batches) -> None:
    work_input, work_warehouse = _copy_of_two_batches(two_batches, tmp_path)
    shutil.copy2(SEEDS[0], work_input / "resent.txt")
    summary = run(work_input, work_warehouse, "en_core_web_sm", show_progress=False, settle_seconds=0)
    assert summary.success
    quarantine = read_table(work_warehouse, "quarantine", [summary.batches[-1]])
    assert quarantine[["source_path", "reason"]].values.tolist() == [["resent.txt", "duplicate"]]
    first_article = read_table(work_warehouse, "articles", [BatchLedger(work_warehouse).keys()[0]])
    assert quarantine["duplicate_of"].iloc[0] in set(first_article["article_id"])


def test_files_still_being_written_wait_for_a_later_batch(tmp_path: Path) -> None:
    input_dir = _copy(SEEDS[:1], tmp_path / "input")
    _aged(input_dir / SEEDS[0].name)
    fresh = input_dir / "arriving.txt"
    shutil.copy(SEEDS[1], fresh)
    fresh.touch()
    summary = run(input_dir, tmp_path / "warehouse", "en_core_web_sm", show_progress=False, settle_seconds=60)
    assert summary.success
    assert summary.waiting == ["arriving.txt"]
    articles = read_table(tmp_path / "warehouse", "articles")
    quarantine = read_table(tmp_path / "warehouse", "quarantine")
    assert articles["source_path"].tolist() == [SEEDS[0].name] and quarantine.empty
    _aged(fresh)
    later = run(input_dir, tmp_path / "warehouse", "en_core_web_sm", show_progress=False, settle_seconds=60)
    assert later.success and later.waiting == []
    assert sorted(read_table(tmp_path / "warehouse", "articles")["source_path"]) == sorted(
        [SEEDS[0].name, "arriving.txt"]
    )


def test_a_batch_left_unfinished_is_finished_by_the_next_run(tmp_path: Path, two_batches) -> None:
    input_dir, warehouse = _copy_of_two_batches(two_batches, tmp_path)
    keys = BatchLedger(warehouse).keys()
    shutil.rmtree(table_dir(warehouse, "claims", keys[0]))
    summary = run(input_dir, warehouse, "en_core_web_sm", show_progress=False, settle_seconds=0)
    assert summary.success and summary.batches == [keys[0]]
    assert partition_keys(warehouse, "claims") == keys


def test_rewritten_file_is_read_again_as_a_new_version(tmp_path: Path) -> None:
    input_dir = _copy(SEEDS[:1], tmp_path / "input")
    ledger = BatchLedger(tmp_path / "warehouse")
    ledger.create(ledger.pending(input_dir, settle_seconds=0).files)
    assert ledger.pending(input_dir, settle_seconds=0).files == ()
    target = input_dir / SEEDS[0].name
    target.write_text(target.read_text(encoding="utf-8") + "\nUpdated at 18:00.\n", encoding="utf-8")
    (again,) = ledger.pending(input_dir, settle_seconds=0).files
    assert again.path == SEEDS[0].name


def _sensor_context(
    instance: dg.DagsterInstance, input_dir: Path, warehouse: Path
) -> dg.SensorEvaluationContext:
    return dg.build_sensor_context(
        instance=instance,
        resources={
            "settings": NewsreconSettings(input_dir=str(input_dir), settle_seconds=0),
            "warehouse": WarehouseResource(warehouse_dir=str(warehouse)),
        },
    )


def _apply(instance: dg.DagsterInstance, result: dg.SensorResult) -> None:
    """What the daemon does with a tick's result: add the partitions it asks for."""
    for request in result.dynamic_partitions_requests or []:
        instance.add_dynamic_partitions(request.partitions_def_name, list(request.partition_keys))


def test_sensor_requests_one_run_per_new_batch_and_never_repeats(tmp_path: Path) -> None:
    input_dir, warehouse = _copy(SEEDS[:2], tmp_path / "input"), tmp_path / "warehouse"
    with dg.instance_for_test() as instance:
        first = new_input_files(_sensor_context(instance, input_dir, warehouse))
        assert isinstance(first, dg.SensorResult)
        (request,) = first.run_requests
        assert request.partition_key == request.run_key == BatchLedger(warehouse).keys()[0]
        assert len(BatchLedger(warehouse).batch(request.partition_key).files) == 2
        _apply(instance, first)
        assert instance.get_dynamic_partitions(BATCHES.name) == [request.partition_key]

        quiet = new_input_files(_sensor_context(instance, input_dir, warehouse))
        assert isinstance(quiet, dg.SkipReason)

        _copy(SEEDS[2:3], input_dir)
        second = new_input_files(_sensor_context(instance, input_dir, warehouse))
        (next_request,) = second.run_requests
        assert next_request.partition_key != request.partition_key
        assert [f.path for f in BatchLedger(warehouse).batch(next_request.partition_key).files] == [
            SEEDS[2].name
        ]


def test_sensor_registers_a_batch_whose_tick_failed_after_writing_it(tmp_path: Path) -> None:
    input_dir, warehouse = _copy(SEEDS[:1], tmp_path / "input"), tmp_path / "warehouse"
    ledger = BatchLedger(warehouse)
    orphan = ledger.create(ledger.pending(input_dir, settle_seconds=0).files)
    with dg.instance_for_test() as instance:
        result = new_input_files(_sensor_context(instance, input_dir, warehouse))
        assert [r.partition_key for r in result.run_requests] == [orphan.key]


def test_backfill_processes_named_batches_again_with_the_same_files(tmp_path: Path, two_batches) -> None:
    input_dir, warehouse = _copy_of_two_batches(two_batches, tmp_path)
    keys = BatchLedger(warehouse).keys()
    before = read_table(warehouse, "claims")
    shutil.copy2(SEEDS[0], input_dir / "arrived_since.txt")
    summary = backfill(input_dir, warehouse, "en_core_web_sm", show_progress=False, keys=[keys[0]])
    assert summary.success and summary.batches == [keys[0]]
    assert BatchLedger(warehouse).keys() == keys, "a backfill must not batch new files"
    assert read_table(warehouse, "claims").equals(before)


def test_backfill_of_an_unknown_batch_is_refused(tmp_path: Path) -> None:
    input_dir = _copy(SEEDS[:1], tmp_path / "input")
    with pytest.raises(KeyError, match="no such batches"):
        backfill(input_dir, tmp_path / "warehouse", "en_core_web_sm", show_progress=False, keys=["nope"])
