"""Measuring one process: wall time, peak memory of its process tree, and Dagster's step timings.

`newsrecon run` runs as a subprocess with its own `DAGSTER_HOME` (telemetry
off), so the steps it records there are this run's and nothing else's.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import psutil
from dagster import DagsterInstance

PROJECT = Path(__file__).resolve().parent.parent
SAMPLE_INTERVAL_SECONDS = 0.25
MB = 1024 * 1024


@dataclass
class ProcessMeasurement:
    """What one subprocess cost: wall seconds and the peak resident memory of its whole tree."""

    command: list[str]
    returncode: int
    wall_seconds: float
    cpu_seconds: float
    peak_rss_bytes: int
    stdout: str
    load_average: tuple[float, float]

    @property
    def peak_rss_mb(self) -> float:
        return self.peak_rss_bytes / MB


@dataclass
class StepTimings:
    """Seconds per Dagster step over the runs a command started, and the runs' own span."""

    steps: dict[str, float] = field(default_factory=dict)
    run_seconds: float = 0.0
    run_ids: list[str] = field(default_factory=list)


class _TreeSampler(threading.Thread):
    """Polls the memory of a process and its descendants until told to stop.

    Each process counts its proportional set size (PSS: private pages, plus shared
    pages divided among the processes sharing them), so forked workers, which
    share most of their parent's pages, are not counted once per worker as summed
    RSS would. Where PSS cannot be read, RSS stands in.
    """

    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.root = psutil.Process(pid)
        self.peak = 0
        self.done = threading.Event()

    def run(self) -> None:
        while not self.done.is_set():
            self.peak = max(self.peak, self._tree_rss())
            self.done.wait(SAMPLE_INTERVAL_SECONDS)

    def _tree_rss(self) -> int:
        total = 0
        try:
            processes = [self.root, *self.root.children(recursive=True)]
        except psutil.Error:
            return 0
        for process in processes:
            try:
                total += _proportional_memory(process)
            except psutil.Error:
                continue
        return total


def _proportional_memory(process: psutil.Process) -> int:
    try:
        return process.memory_full_info().pss
    except (psutil.AccessDenied, AttributeError):
        return process.memory_info().rss


def measure(command: list[str], env: dict[str, str], log: Path) -> ProcessMeasurement:
    """Run `command`, its stderr to `log`; peak memory is the larger of the sampled tree and `wait4`.

    `wait4` gives the kernel's high-water mark (RSS) of the largest single process, which
    catches a spike shorter than the sampling interval, and the CPU seconds of the
    process and its children: unlike wall time, they barely move when other work
    shares the cores. The one-minute load average before and after says how shared they were.
    """
    load_before = os.getloadavg()[0]
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("w") as stderr:
        started = time.perf_counter()
        process = subprocess.Popen(command, env=env, cwd=PROJECT, stdout=subprocess.PIPE, stderr=stderr)
        sampler = _TreeSampler(process.pid)
        sampler.start()
        stdout = process.stdout.read().decode() if process.stdout else ""
        _, status, usage = os.wait4(process.pid, 0)
        wall = time.perf_counter() - started
        process.returncode = os.waitstatus_to_exitcode(status)
        sampler.done.set()
        sampler.join()
    max_rss = usage.ru_maxrss * (1 if sys.platform == "darwin" else 1024)
    cpu = usage.ru_utime + usage.ru_stime
    load = (load_before, os.getloadavg()[0])
    return ProcessMeasurement(
        command, process.returncode, wall, cpu, max(sampler.peak, max_rss), stdout, load
    )


def bench_environment(dagster_home: Path) -> dict[str, str]:
    """The environment of a measured run: its own Dagster instance, no telemetry, no settle delay."""
    dagster_home.mkdir(parents=True, exist_ok=True)
    config = dagster_home / "dagster.yaml"
    if not config.exists():
        config.write_text("telemetry:\n  enabled: false\n")
    return {**os.environ, "DAGSTER_HOME": str(dagster_home), "NEWSRECON_SETTLE_SECONDS": "0"}


def run_ids(dagster_home: Path) -> set[str]:
    """Every run the instance in `dagster_home` has recorded."""
    with DagsterInstance.from_config(str(dagster_home)) as instance:
        return {record.dagster_run.run_id for record in instance.get_run_records()}


def step_timings(dagster_home: Path, exclude: set[str]) -> StepTimings:
    """Per-step seconds summed over the runs recorded in `dagster_home` that are not in `exclude`.

    Steps of one in-process run execute one after another, so they add up to
    the run's span; summing over runs covers a rerun that launches several.
    """
    timings = StepTimings()
    steps: dict[str, float] = defaultdict(float)
    with DagsterInstance.from_config(str(dagster_home)) as instance:
        for record in instance.get_run_records():
            run_id = record.dagster_run.run_id
            if run_id in exclude:
                continue
            timings.run_ids.append(run_id)
            if record.start_time and record.end_time:
                timings.run_seconds += record.end_time - record.start_time
            for stats in instance.get_run_step_stats(run_id):
                if stats.start_time and stats.end_time:
                    steps[stats.step_key] += stats.end_time - stats.start_time
    timings.steps = dict(sorted(steps.items(), key=lambda item: -item[1]))
    return timings


def newsrecon_command(input_dir: Path, warehouse: Path, model: str) -> list[str]:
    """`newsrecon run` from the same environment as this interpreter."""
    executable = Path(sys.executable).parent / "newsrecon"
    folders = ["--input", str(input_dir), "--warehouse", str(warehouse)]
    return [str(executable), "run", *folders, "--model", model, "--quiet"]


def baseline_command(warehouse: Path, model: str, n_process: str = "1") -> list[str]:
    """The plain spaCy baseline (`bench.baseline`) over the texts `warehouse` holds."""
    folders = ["--warehouse", str(warehouse), "--model", model, "--n-process", n_process]
    return [sys.executable, "-m", "bench.baseline", *folders]
