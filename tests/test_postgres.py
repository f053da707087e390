"""`make run-postgres`: the whole graph with Dagster's instance on a real PostgreSQL server.

The script installs Debian's postgresql when it can; this test skips only when it cannot.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
from pathlib import Path

import pytest

from pipeline.schema import TABLES
from pipeline.storage import read_table

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "scripts" / "run-postgres.sh"
SAMPLE = ROOT / "data" / "sample"
CANNOT_INSTALL = "cannot be installed here"
RECORDED = re.compile(r"postgres: (\d+) runs recorded \((\d+) succeeded\), (\d+) event log entries")
SERVER = re.compile(r"PostgreSQL \S+ on 127\.0\.0\.1:(\d+)")
SCRIPT_TIMEOUT_SECONDS = 1200


def test_run_postgres_runs_the_graph_and_postgres_records_the_runs(tmp_path: Path) -> None:
    input_dir = Path(shutil.copytree(SAMPLE, tmp_path / "input"))
    warehouse = tmp_path / "warehouse"
    environment = {**os.environ, "NEWSRECON_SETTLE_SECONDS": "0"}
    environment.pop("NEWSRECON_EXECUTOR", None)

    finished = subprocess.run(
        [str(SCRIPT), str(input_dir), str(warehouse)],
        capture_output=True,
        text=True,
        env=environment,
        timeout=SCRIPT_TIMEOUT_SECONDS,
        check=False,
    )

    if finished.returncode == 2 and CANNOT_INSTALL in finished.stderr:
        pytest.skip(f"PostgreSQL is unavailable: {finished.stderr.strip().splitlines()[-1]}")
    assert finished.returncode == 0, finished.stdout[-3000:] + finished.stderr[-3000:]
    recorded = RECORDED.search(finished.stdout)
    assert recorded, finished.stdout
    runs, succeeded, events = (int(count) for count in recorded.groups())
    assert runs >= 1
    assert succeeded == runs
    assert events > 0
    assert "Checks:" in finished.stdout and "0 failed" in finished.stdout
    for table in TABLES:
        read_table(warehouse, table)
    port = int(SERVER.search(finished.stderr).group(1))
    with socket.socket() as probe:
        assert probe.connect_ex(("127.0.0.1", port)) != 0, "the server was left running"
