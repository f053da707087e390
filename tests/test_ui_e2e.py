"""The Dagster UI end to end, in headless Chromium: every asset shown, "Materialize all", every check passed.

`newsrecon ui` runs on a free local port over a copy of the sample, with its own
warehouse and Dagster instance. Debian's Chromium (`scripts/install-chromium.sh`,
run by `make test`) is driven by Playwright; no browser is ever downloaded. The
last state of each test is kept as a full-page screenshot in `tests/artifacts/`.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import dagster as dg
import pytest
from playwright.sync_api import Browser, Locator, Page, expect, sync_playwright

from pipeline.batches import BatchLedger
from pipeline.definitions import defs
from pipeline.io import BATCHES

CHROMIUM = Path("/usr/bin/chromium")
# Known good on a machine without network: the background services would only meet refused connections.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SAMPLE = Path(__file__).resolve().parent.parent / "data" / "sample"
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
NEWSRECON = Path(sys.executable).parent / "newsrecon"
# Generous: `dagster dev` and the multiprocess executor are slow on a busy two-core machine.
SERVER_START_SECONDS = 300
PAGE_TIMEOUT_MS = 90_000
MAX_ZOOM_OUT_CLICKS = 10
RUN_TIMEOUT_MS = 20 * 60_000
# Tall enough that the whole graph, zoomed to fit, keeps its node names readable in the screenshot.
VIEWPORT = {"width": 1600, "height": 1400}

pytestmark = pytest.mark.skipif(
    not CHROMIUM.exists(),
    reason=f"Debian's chromium is not at {CHROMIUM} (`make browser` installs it as root with apt-get)",
)


@dataclass
class DagsterUI:
    """A running `newsrecon ui` and the folders it owns."""

    url: str
    dagster_home: Path
    warehouse: Path


def expected_asset_names() -> list[str]:
    """The name shown on each asset's node in the graph: the last part of every key of the definitions."""
    return sorted(key.path[-1] for key in defs.resolve_all_asset_keys())


def expected_check_keys() -> set[dg.AssetCheckKey]:
    """Every asset check of the definitions."""
    return set(defs.resolve_asset_graph().asset_check_keys)


def expected_checks_by_asset() -> dict[dg.AssetKey, list[str]]:
    """The names of the checks on each asset that has any."""
    checks: dict[dg.AssetKey, list[str]] = {}
    for key in sorted(expected_check_keys(), key=lambda check: check.to_user_string()):
        checks.setdefault(key.asset_key, []).append(key.name)
    return checks


def free_port() -> int:
    """A local port nothing listens on now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def make_input_batch(input_dir: Path, warehouse: Path, dagster_home: Path) -> str:
    """The batch of the sample files, made and registered as the `new_input_files` sensor's first tick does.

    "Materialize all" then has one partition to offer, as it would once the sensor had seen the files.
    """
    ledger = BatchLedger(warehouse)
    batch = ledger.create(ledger.pending(input_dir, settle_seconds=0).files)
    with dg.DagsterInstance.from_config(str(dagster_home)) as instance:
        instance.add_dynamic_partitions(BATCHES.name, [batch.key])
    return batch.key


def wait_until_serving(url: str, server: subprocess.Popen[bytes], log: Path) -> None:
    """Return once the webserver answers; fail with the end of its log if it exits or never does."""
    deadline = time.monotonic() + SERVER_START_SECONDS
    while time.monotonic() < deadline:
        if server.poll() is not None:
            pytest.fail(f"newsrecon ui exited with {server.returncode}:\n{log.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(f"{url}/server_info", timeout=5):
                return
        except (urllib.error.URLError, OSError):
            time.sleep(1)
    pytest.fail(f"newsrecon ui did not answer within {SERVER_START_SECONDS} s:\n{log.read_text()[-3000:]}")


def stop_process_group(server: subprocess.Popen[bytes]) -> None:
    """`dagster dev` and every process it started: asked to stop, then killed if any linger."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(server.pid, signal.SIGTERM)
    with contextlib.suppress(subprocess.TimeoutExpired):
        server.wait(timeout=20)
    with contextlib.suppress(ProcessLookupError):
        os.killpg(server.pid, signal.SIGKILL)
    server.wait()


@pytest.fixture(scope="module")
def dagster_ui(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DagsterUI]:
    root = tmp_path_factory.mktemp("ui_e2e")
    input_dir, warehouse, dagster_home = root / "input", root / "warehouse", root / "dagster_home"
    shutil.copytree(SAMPLE, input_dir)
    dagster_home.mkdir()
    (dagster_home / "dagster.yaml").write_text("telemetry:\n  enabled: false\n")
    make_input_batch(input_dir, warehouse, dagster_home)
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    env = {**os.environ, "DAGSTER_HOME": str(dagster_home), "NEWSRECON_SETTLE_SECONDS": "0"}
    command = [str(NEWSRECON), "ui", "--input", str(input_dir), "--warehouse", str(warehouse)]
    command += ["--host", "127.0.0.1", "--port", str(port)]
    log = root / "server.log"
    with log.open("wb") as output:
        server = subprocess.Popen(
            command, env=env, stdout=output, stderr=subprocess.STDOUT, start_new_session=True
        )
    try:
        wait_until_serving(url, server, log)
        yield DagsterUI(url, dagster_home, warehouse)
    finally:
        stop_process_group(server)


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """Debian's Chromium, headless, with a fresh profile (Playwright makes one per launch)."""
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser: Browser, request: pytest.FixtureRequest) -> Iterator[Page]:
    """A new tab that dismisses Dagster's newsletter prompt and leaves a screenshot of its last state."""
    context = browser.new_context(viewport=VIEWPORT)
    tab = context.new_page()
    tab.set_default_timeout(PAGE_TIMEOUT_MS)
    expect.set_options(timeout=PAGE_TIMEOUT_MS)
    community_prompt = tab.get_by_role("dialog").filter(has_text="Join the Dagster community")
    tab.add_locator_handler(
        community_prompt, lambda prompt: prompt.get_by_role("button", name="Skip").click()
    )
    try:
        yield tab
    finally:
        keep_screenshot(tab, request.node.name)
        context.close()


def keep_screenshot(page: Page, name: str) -> None:
    """The whole page as `tests/artifacts/<name>.png`, kept after the test (and by CI)."""
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=ARTIFACTS / f"{name}.png", full_page=True)


def open_asset_graph(page: Page, url: str) -> Locator:
    """The global asset lineage with every group expanded and the whole graph in view; returns its canvas."""
    page.goto(f"{url}/asset-groups")
    expect(page.get_by_role("button", name="Materialize all")).to_be_visible()
    page.get_by_role("button", name="settings", exact=True).click()
    expand = page.get_by_role("menuitem", name=re.compile("(Expand|Collapse) all groups"))
    if "Expand" in expand.inner_text():
        expand.click()
    page.keyboard.press("Escape")
    graph = page.locator("[data-svg-viewport]")
    any_asset = "|".join(re.escape(name) for name in expected_asset_names())
    expect(graph.get_by_text(re.compile(f"^({any_asset})$")).first).to_be_visible()
    # Nodes off the screen are not drawn at all: zoom to fit (a double click on the background), then out
    # until every node is in view, as the fit can leave a group's edge outside.
    graph.dispatch_event("dblclick")
    names = [graph.get_by_text(name, exact=True) for name in expected_asset_names()]
    for _ in range(MAX_ZOOM_OUT_CLICKS):
        if all(name.is_visible() for name in names):
            break
        page.get_by_role("button", name="zoom_out", exact=True).click()
    return graph


def launch_materialize_all(page: Page) -> None:
    """Click "Materialize all", and in the launch dialog the per-batch assets open, choose every batch.

    The one place to adapt when the launch dialog changes (more batches: a backfill instead of one run).
    """
    page.get_by_role("button", name="Materialize all").click()
    dialog = page.get_by_role("dialog").filter(has_text="Partition selection")
    dialog.get_by_role("button", name="All", exact=True).click()
    dialog.get_by_role("button", name=re.compile(r"^Launch \d+ runs?$")).click()


def follow_launched_run(page: Page) -> str:
    """Open the run the launch announced, wait until it ends, and return its id once it succeeded."""
    page.get_by_role("link", name="View", exact=True).click()
    page.wait_for_url(re.compile(r"/runs/[0-9a-f-]{36}"))
    run_id = re.search(r"/runs/([0-9a-f-]{36})", page.url).group(1)
    outcome = page.get_by_text(re.compile(r"^(Success|Failure|Canceled)$")).first
    expect(outcome).to_be_visible(timeout=RUN_TIMEOUT_MS)
    assert outcome.inner_text() == "Success", f"run {run_id} ended in {outcome.inner_text()}"
    return run_id


def assert_checks_shown_passed(page: Page, url: str, asset: dg.AssetKey, check_names: list[str]) -> None:
    """The asset's Checks tab lists each of its checks with "Succeeded" as its latest status."""
    page.goto(f"{url}/assets/{'/'.join(asset.path)}?view=checks")
    for name in check_names:
        # The entry holds the check's name (its title, as it may be truncated) and its status below.
        entry = page.get_by_title(name, exact=True).locator("..")
        expect(entry).to_contain_text("Succeeded")


def check_evaluations(dagster_home: Path, run_id: str) -> dict[dg.AssetCheckKey, bool]:
    """Every check evaluated in the run, with whether it passed, as the instance recorded them."""
    with dg.DagsterInstance.from_config(str(dagster_home)) as instance:
        records = instance.get_records_for_run(
            run_id, of_type=dg.DagsterEventType.ASSET_CHECK_EVALUATION
        ).records
    evaluations = [record.event_log_entry.dagster_event.event_specific_data for record in records]
    return {evaluation.asset_check_key: evaluation.passed for evaluation in evaluations}


def test_asset_graph_shows_every_asset(dagster_ui: DagsterUI, page: Page) -> None:
    graph = open_asset_graph(page, dagster_ui.url)
    for name in expected_asset_names():
        expect(graph.get_by_text(name, exact=True)).to_be_visible()


def test_materialize_all_succeeds_and_every_check_passes(dagster_ui: DagsterUI, page: Page) -> None:
    open_asset_graph(page, dagster_ui.url)
    launch_materialize_all(page)
    run_id = follow_launched_run(page)
    keep_screenshot(page, "ui_e2e_run")
    for asset, check_names in expected_checks_by_asset().items():
        assert_checks_shown_passed(page, dagster_ui.url, asset, check_names)

    evaluations = check_evaluations(dagster_ui.dagster_home, run_id)
    assert set(evaluations) == expected_check_keys()
    failed = sorted(key.to_user_string() for key, passed in evaluations.items() if not passed)
    assert not failed, f"checks failed: {failed}"
    graph = open_asset_graph(page, dagster_ui.url)
    expect(graph.get_by_text("raw_articles", exact=True)).to_be_visible()
    # Only for the screenshot: the nodes' colours arrive with the live data, after the layout.
    page.wait_for_timeout(5_000)
