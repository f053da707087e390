"""The same definitions on Dagster's executors: config in deploy/ validates, and real runs agree.

Celery and Kubernetes are checked by loading and validating their config only (no broker, no
cluster here); the multiprocess executor and a Dask cluster of separate processes on loopback
run the whole graph, and the Dask run must write the same tables as the in-process run.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import dagster as dg
import numpy as np
import pandas as pd
import pytest
import yaml

from pipeline.automation import PROCESS_BATCH_JOB, RECONCILE_JOB
from pipeline.definitions import RunSummary, build_definitions, run
from pipeline.executors import (
    DASK_ADDRESS_ENV,
    EXECUTOR_ENV,
    MAX_CONCURRENT_ENV,
    ExecutorUnavailable,
    executor_for,
    executor_from_env,
    executor_run_config,
)
from pipeline.resources import INPUT_ENV, WAREHOUSE_ENV
from pipeline.schema import TABLES
from pipeline.storage import read_table

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "data" / "sample"
DEPLOY = ROOT / "deploy"
DASK = Path(sys.executable).parent / "dask"
RUN_CONFIGS = {
    "multiprocess": DEPLOY / "multiprocess.yaml",
    "dask": DEPLOY / "dask.yaml",
    "celery": DEPLOY / "celery.yaml",
    "k8s": DEPLOY / "k8s" / "run_config.yaml",
}
CLUSTER_START_SECONDS = 120


def run_graph(input_dir: Path, warehouse: Path, executor: str) -> RunSummary:
    """The whole graph over `input_dir` with `executor`, exactly as `newsrecon run --executor` runs it."""
    return run(
        input_dir, warehouse, "en_core_web_sm", show_progress=False, settle_seconds=0, executor=executor
    )


def as_tuple(cell: object) -> object:
    """List cells (Arrow lists read as arrays) as tuples, which compare and sort."""
    return tuple(cell) if isinstance(cell, list | np.ndarray) else cell


def comparable(frame: pd.DataFrame) -> pd.DataFrame:
    """Rows in a fixed order: sorted by every scalar column, key columns first."""
    frame = frame.map(as_tuple)
    scalars = [
        column for column in frame.columns if not any(isinstance(cell, tuple) for cell in frame[column])
    ]
    return frame.sort_values(scalars, na_position="first").reset_index(drop=True)


def assert_same_tables(warehouse: Path, reference: Path) -> None:
    for table in TABLES:
        pd.testing.assert_frame_equal(
            comparable(read_table(warehouse, table)), comparable(read_table(reference, table)), obj=table
        )


@pytest.fixture
def sample_copy(tmp_path: Path) -> Path:
    return Path(shutil.copytree(SAMPLE, tmp_path / "input"))


@pytest.fixture
def own_instance(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A Dagster home of the test's own, so runs land neither in .dagster nor in another test's history."""
    home = tmp_path / "dagster_home"
    home.mkdir()
    (home / "dagster.yaml").write_text("telemetry:\n  enabled: false\n")
    monkeypatch.setenv("DAGSTER_HOME", str(home))
    return home


def load_yaml(path: Path) -> dict:
    return yaml.safe_load(path.read_text())


# Choosing the executor ------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["in_process", "multiprocess", "dask", "celery", "k8s"])
def test_each_executor_is_chosen_by_name_and_by_environment(
    name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert executor_for(name).name == name
    monkeypatch.setenv(EXECUTOR_ENV, name)
    assert executor_from_env().name == name
    assert (
        build_definitions(str(SAMPLE), "warehouse").resolve_job_def(RECONCILE_JOB).executor_def.name == name
    )


def test_the_default_executor_is_multiprocess(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(EXECUTOR_ENV, raising=False)
    assert executor_from_env().name == "multiprocess"


def test_newsrecon_run_takes_the_executor_from_its_option_or_the_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from pipeline.cli import build_parser

    monkeypatch.delenv(EXECUTOR_ENV, raising=False)
    assert build_parser().parse_args(["run"]).executor == "in_process"
    assert build_parser().parse_args(["run", "--executor", "dask"]).executor == "dask"
    monkeypatch.setenv(EXECUTOR_ENV, "multiprocess")
    assert build_parser().parse_args(["run"]).executor == "multiprocess"
    with pytest.raises(SystemExit):
        build_parser().parse_args(["run", "--executor", "ray"])


def test_an_unknown_executor_is_refused_with_the_choices() -> None:
    with pytest.raises(ExecutorUnavailable, match="choose one of in_process, multiprocess, dask"):
        executor_for("ray")


def test_a_missing_extra_is_named_with_how_to_install_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "dagster_dask", None)  # makes `import dagster_dask` fail
    with pytest.raises(ExecutorUnavailable, match=r"`dask` extra.*uv sync --extra dask"):
        executor_for("dask")


def test_multiprocess_concurrency_comes_from_the_environment_and_yields_to_run_config(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv(MAX_CONCURRENT_ENV, "3")
    job = build_definitions(str(SAMPLE), "warehouse", executor="multiprocess").resolve_job_def(RECONCILE_JOB)

    def executor_config(run_config: dict) -> dict:
        return dg.validate_run_config(job, run_config)["execution"]["multiprocess"]

    assert executor_config({})["max_concurrent"] == 3
    assert executor_config({"execution": {"config": {"max_concurrent": 1}}})["max_concurrent"] == 1
    preloaded = ["pipeline.definitions", "pipeline.gx", "dagster._core.storage.sqlite_storage"]
    assert executor_config({})["start_method"] == {"forkserver": {"preload_modules": preloaded}}


def test_dask_joins_the_scheduler_named_in_the_environment_or_starts_a_local_cluster(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv(DASK_ADDRESS_ENV, raising=False)
    assert executor_run_config("dask") == {"execution": {"config": {"cluster": {"local": {}}}}}
    monkeypatch.setenv(DASK_ADDRESS_ENV, "tcp://10.0.0.5:8786")
    assert executor_run_config("dask")["execution"]["config"]["cluster"] == {
        "existing": {"address": "tcp://10.0.0.5:8786"}
    }
    assert executor_run_config("multiprocess") == {}


# deploy/: run config and instance config ----------------------------------------------------------


@pytest.mark.parametrize("executor", sorted(RUN_CONFIGS))
def test_each_run_config_in_deploy_validates_against_every_job_on_its_executor(
    executor: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(DASK_ADDRESS_ENV, "tcp://127.0.0.1:8786")
    definitions = build_definitions(str(SAMPLE), "warehouse", executor=executor)
    run_config = load_yaml(RUN_CONFIGS[executor])
    jobs = definitions.resolve_all_job_defs()
    assert {PROCESS_BATCH_JOB, RECONCILE_JOB} <= {job.name for job in jobs}
    for job in jobs:
        assert job.executor_def.name == executor
        dg.validate_run_config(job, run_config)


def test_a_run_config_for_another_executor_is_rejected() -> None:
    job = build_definitions(str(SAMPLE), "warehouse", executor="multiprocess").resolve_job_def(RECONCILE_JOB)
    with pytest.raises(dg.DagsterInvalidConfigError):
        dg.validate_run_config(job, load_yaml(RUN_CONFIGS["dask"]))


def test_the_celery_config_is_what_a_celery_worker_accepts() -> None:
    from dagster_celery.cli import get_validated_config

    worker_config = get_validated_config(str(RUN_CONFIGS["celery"]))
    assert worker_config["include"] == ["pipeline.definitions"]


def instance_ref(tmp_path: Path, instance_yaml: Path):  # type: ignore[no-untyped-def]
    """What Dagster makes of an instance YAML as `$DAGSTER_HOME/dagster.yaml`, without connecting."""
    from dagster._core.instance.ref import InstanceRef

    shutil.copy(instance_yaml, tmp_path / "dagster.yaml")
    return InstanceRef.from_dir(str(tmp_path))


def test_the_postgres_instance_keeps_every_storage_in_postgres_with_credentials_from_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from dagster._config import process_config
    from dagster_postgres.utils import pg_config, pg_url_from_config

    ref = instance_ref(tmp_path, DEPLOY / "postgres" / "dagster.yaml")
    assert (ref.storage_data.module_name, ref.storage_data.class_name) == (
        "dagster_postgres",
        "DagsterPostgresStorage",
    )
    for storage in (ref.run_storage_data, ref.event_storage_data, ref.schedule_storage_data):
        assert storage.class_name.startswith("Postgres")
    credentials = {
        "USERNAME": "reader",
        "PASSWORD": "s3cret",
        "HOST": "127.0.0.1",
        "PORT": "5433",
        "DB": "runs",
    }
    for name, value in credentials.items():
        monkeypatch.setenv(f"DAGSTER_PG_{name}", value)
    resolved = process_config(
        pg_config(), load_yaml(DEPLOY / "postgres" / "dagster.yaml")["storage"]["postgres"]
    )
    assert resolved.success, resolved.errors
    assert pg_url_from_config(resolved.value) == "postgresql+psycopg2://reader:s3cret@127.0.0.1:5433/runs"
    assert "s3cret" not in (DEPLOY / "postgres" / "dagster.yaml").read_text()


def test_the_kubernetes_instance_launches_runs_as_jobs_with_a_valid_launcher_config(tmp_path: Path) -> None:
    from dagster._config import validate_config
    from dagster_k8s import K8sRunLauncher

    ref = instance_ref(tmp_path, DEPLOY / "k8s" / "dagster.yaml")
    assert (ref.run_launcher_data.module_name, ref.run_launcher_data.class_name) == (
        "dagster_k8s",
        "K8sRunLauncher",
    )
    assert ref.storage_data.class_name == "DagsterPostgresStorage"
    launcher_config = load_yaml(DEPLOY / "k8s" / "dagster.yaml")["run_launcher"]["config"]
    validated = validate_config(K8sRunLauncher.config_type(), launcher_config)
    assert validated.success, validated.errors


def test_the_helm_values_deploy_this_code_location_as_the_chart_expects() -> None:
    values = load_yaml(DEPLOY / "k8s" / "values.yaml")
    assert values["dagster-user-deployments"]["enabled"] is True
    (deployment,) = values["dagster-user-deployments"]["deployments"]
    # The chart's schema (dagster-user-deployments/values.schema.json) requires these.
    assert {"name", "image", "port"} <= deployment.keys()
    assert {"repository", "pullPolicy"} <= deployment["image"].keys()
    assert deployment["image"]["pullPolicy"] in {"Always", "IfNotPresent", "Never"}
    assert isinstance(deployment["port"], int)
    args = deployment["dagsterApiGrpcArgs"]
    module, attribute = args[args.index("--module-name") + 1], args[args.index("--attribute") + 1]
    assert isinstance(getattr(__import__(module, fromlist=[attribute]), attribute), dg.Definitions)
    env = {variable["name"]: variable["value"] for variable in deployment["env"]}
    assert env[EXECUTOR_ENV] == "k8s"
    assert {INPUT_ENV, WAREHOUSE_ENV} <= env.keys()
    assert values["runLauncher"]["type"] == "K8sRunLauncher"


# Real runs -------------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def dask_cluster(workers: int, logs: Path) -> Iterator[str]:
    """A Dask scheduler and `workers` one-thread workers, each its own process on loopback; always stopped."""
    from dask.distributed import Client

    port = free_port()
    address = f"tcp://127.0.0.1:{port}"
    commands = [[str(DASK), "scheduler", "--host", "127.0.0.1", "--port", str(port), "--no-dashboard"]]
    commands += [
        [str(DASK), "worker", address, "--nthreads", "1", "--host", "127.0.0.1", "--no-dashboard"]
    ] * workers
    processes: list[subprocess.Popen] = []
    try:
        for number, command in enumerate(commands):
            log = (logs / f"dask-{number}.log").open("wb")
            processes.append(
                subprocess.Popen(
                    command, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
                )
            )
        with Client(address, timeout=CLUSTER_START_SECONDS) as client:
            client.wait_for_workers(workers, timeout=CLUSTER_START_SECONDS)
        yield address
    finally:
        for process in reversed(processes):
            os.killpg(process.pid, signal.SIGTERM)
        for process in processes:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()


def test_a_dask_cluster_on_loopback_writes_the_same_tables_as_the_in_process_run(
    sample_copy: Path, tmp_path: Path, own_instance: Path, seed_run, monkeypatch: pytest.MonkeyPatch
) -> None:
    with dask_cluster(workers=2, logs=tmp_path) as address:
        monkeypatch.setenv(DASK_ADDRESS_ENV, address)
        summary = run_graph(sample_copy, tmp_path / "warehouse", "dask")
    assert summary.success, (summary.checks_failed, summary.failed_steps)
    assert sorted(summary.checks_passed) == sorted(seed_run.summary.checks_passed)
    assert_same_tables(tmp_path / "warehouse", seed_run.warehouse)
