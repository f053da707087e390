"""Which Dagster executor runs the steps, chosen by name so a deployment changes config, not code.

`multiprocess` (the default) runs each step in its own process on this machine;
`in_process` runs them one after the other in the run's process; `dask`,
`celery` and `k8s` hand steps to a Dask cluster, Celery workers or Kubernetes
Jobs, and need the matching extra installed (`uv sync --extra dask`...).
`docs/deploy.md` shows the run config and instance YAML for each.
"""

from __future__ import annotations

import importlib
import os
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import dagster as dg

from pipeline.storage import WarehousePath

EXECUTOR_ENV = "NEWSRECON_EXECUTOR"
MAX_CONCURRENT_ENV = "NEWSRECON_MAX_CONCURRENT"
DASK_ADDRESS_ENV = "DASK_SCHEDULER_ADDRESS"
DEFAULT_EXECUTOR = "multiprocess"
# Step processes are forked from a server that has imported these once, instead of each importing
# Great Expectations, spaCy and Dagster afresh (seconds per step under `spawn`, Dagster's default);
# the definitions import GX only when a check first runs, so it is named on its own. Each step process
# also opens the run's Dagster instance, whose SQLite storage imports Alembic and SQLAlchemy (a second
# per step, more than many steps' own work).
PRELOAD_MODULES = ("pipeline.definitions", "pipeline.gx", "dagster._core.storage.sqlite_storage")


class ExecutorUnavailable(RuntimeError):
    """The executor named is unknown, or its optional dependency is not installed."""


def max_concurrent_from_env() -> int:
    """`NEWSRECON_MAX_CONCURRENT`, or 0 (one step process per core) when it is not set."""
    value = os.environ.get(MAX_CONCURRENT_ENV, "0")
    try:
        return int(value)
    except ValueError:
        raise ValueError(f"{MAX_CONCURRENT_ENV} must be a whole number of processes, not {value!r}") from None


def _multiprocess_config(config: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "max_concurrent": config["max_concurrent"] or None,
        "start_method": {"forkserver": {"preload_modules": list(config["preload_modules"])}},
    }


def _multiprocess() -> dg.ExecutorDefinition:
    """Dagster's multiprocess executor, its step processes forked from a server with the pipeline loaded.

    `max_concurrent` defaults to `NEWSRECON_MAX_CONCURRENT` when the definitions load; run config
    (`execution: {config: {max_concurrent: N}}`) overrides it per run.
    """
    return dg.multiprocess_executor.configured(
        _multiprocess_config,
        name="multiprocess",
        config_schema={
            "max_concurrent": dg.Field(
                int,
                default_value=max_concurrent_from_env(),
                description=f"Step processes at once; 0 means one per core. Default: ${MAX_CONCURRENT_ENV}.",
            ),
            "preload_modules": dg.Field(
                [str],
                default_value=list(PRELOAD_MODULES),
                description="Modules the forkserver imports once, before it forks step processes.",
            ),
        },
    )


def _from_extra(module: str, attribute: str, extra: str) -> Callable[[], dg.ExecutorDefinition]:
    """A loader that imports the executor only when asked for, naming the extra when it is missing."""

    def load() -> dg.ExecutorDefinition:
        try:
            return getattr(importlib.import_module(module), attribute)
        except ImportError as error:
            raise ExecutorUnavailable(
                f"the {extra} executor needs the `{extra}` extra ({module}): "
                f"install it with `uv sync --extra {extra}` or `pip install 'newsrecon[{extra}]'` ({error})"
            ) from error

    return load


EXECUTORS: dict[str, Callable[[], dg.ExecutorDefinition]] = {
    "in_process": lambda: dg.in_process_executor,
    "multiprocess": _multiprocess,
    "dask": _from_extra("dagster_dask", "dask_executor", "dask"),
    "celery": _from_extra("dagster_celery", "celery_executor", "celery"),
    "k8s": _from_extra("dagster_k8s", "k8s_job_executor", "k8s"),
}


def executor_for(name: str) -> dg.ExecutorDefinition:
    """The executor called `name`: one of `EXECUTORS`."""
    if name not in EXECUTORS:
        raise ExecutorUnavailable(f"unknown executor {name!r}: choose one of {', '.join(EXECUTORS)}")
    return EXECUTORS[name]()


def executor_name_from_env() -> str:
    """`NEWSRECON_EXECUTOR`, or `multiprocess` when it is not set."""
    return os.environ.get(EXECUTOR_ENV) or DEFAULT_EXECUTOR


def executor_from_env() -> dg.ExecutorDefinition:
    """The executor `NEWSRECON_EXECUTOR` names, as the UI's definitions use it."""
    return executor_for(executor_name_from_env())


def job_for(
    input_dir: str,
    warehouse_dir: str,
    model: str,
    settle_seconds: float | None,
    executor: str,
    job_name: str,
) -> dg.JobDefinition:
    """The job `job_name` of the definitions these arguments build, as each step process rebuilds it."""
    from pipeline.definitions import build_definitions

    definitions = build_definitions(input_dir, warehouse_dir, model, settle_seconds, executor=executor)
    return definitions.resolve_job_def(job_name)


def reconstructable_job(
    input_dir: Path,
    warehouse_dir: WarehousePath,
    model: str,
    settle_seconds: float | None,
    executor: str,
    *,
    job_name: str,
) -> dg.ReconstructableJob:
    """`job_for` with its arguments, so processes elsewhere (step processes, Dask workers, pods) rebuild it.

    The arguments travel with the run, so workers need the code but not the caller's environment.
    """
    return dg.build_reconstructable_job(
        __name__,
        job_for.__name__,
        reconstructable_args=(str(input_dir), str(warehouse_dir), model, settle_seconds, executor, job_name),
    )


def executor_run_config(executor: str) -> dict[str, Any]:
    """The run config an executor needs beyond its defaults, from the environment.

    `dask` joins the scheduler at `DASK_SCHEDULER_ADDRESS` (Dask's own variable) when it is set, and
    starts a throwaway local cluster for the run otherwise; the others' defaults need nothing here.
    """
    if executor != "dask":
        return {}
    address = os.environ.get(DASK_ADDRESS_ENV)
    cluster = {"existing": {"address": address}} if address else {"local": {}}
    return {"execution": {"config": {"cluster": cluster}}}
