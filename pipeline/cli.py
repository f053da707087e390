"""`newsrecon`: run the whole graph in process, start the UI, or print the data dictionary."""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from rich.console import Console

from pipeline.ingest import InputFolderError, discover_inputs
from pipeline.nlp import DEFAULT_MODEL, ModelNotAvailable, cached_pipeline
from pipeline.resources import DEFAULT_INPUT, DEFAULT_WAREHOUSE, INPUT_ENV, MODEL_ENV, WAREHOUSE_ENV

EXIT_OK = 0
EXIT_CHECK_FAILED = 1
EXIT_CANNOT_START = 2


class CannotStart(RuntimeError):
    """A problem found before any table is touched: the run does not begin."""


@dataclass
class RunSummary:
    """What a run did, for the closing lines and the exit status."""

    tables: dict[str, int] = field(default_factory=dict)
    checks_passed: list[str] = field(default_factory=list)
    checks_failed: list[tuple[str, str, str]] = field(default_factory=list)
    failed_steps: list[tuple[str, str]] = field(default_factory=list)

    @property
    def success(self) -> bool:
        return not self.checks_failed and not self.failed_steps


def preflight(input_dir: Path, warehouse_dir: Path, model: str) -> None:
    """Stop with one clear message if the input, the warehouse or the model is unusable."""
    try:
        discover_inputs(input_dir)
    except InputFolderError as error:
        raise CannotStart(str(error)) from error
    try:
        warehouse_dir.mkdir(parents=True, exist_ok=True)
        probe = warehouse_dir / f".write-probe-{uuid.uuid4().hex}"
        probe.write_bytes(b"")
        probe.unlink()
    except OSError as error:
        raise CannotStart(
            f"warehouse {warehouse_dir} cannot be written: {error.strerror or error}"
        ) from error
    try:
        cached_pipeline(model)
    except ModelNotAvailable as error:
        raise CannotStart(str(error)) from error


def run(input_dir: Path, warehouse_dir: Path, model: str, show_progress: bool) -> RunSummary:
    """Materialize every asset and run every check, in this process, with the UI's definitions."""
    import dagster as dg

    from pipeline.definitions import build_definitions
    from pipeline.progress import terminal_display

    defs = build_definitions(str(input_dir), str(warehouse_dir), model)
    job = defs.resolve_implicit_global_asset_job_def()
    instance = dg.DagsterInstance.get() if os.environ.get("DAGSTER_HOME") else dg.DagsterInstance.ephemeral()
    run_config = {"loggers": {"console": {"config": {"log_level": "WARNING" if show_progress else "ERROR"}}}}
    if show_progress:
        with terminal_display():
            result = job.execute_in_process(instance=instance, raise_on_error=False, run_config=run_config)
    else:
        result = job.execute_in_process(instance=instance, raise_on_error=False, run_config=run_config)

    summary = RunSummary()
    for event in result.get_asset_materialization_events():
        materialization = event.event_specific_data.materialization
        rows = materialization.metadata.get("dagster/row_count")
        summary.tables[materialization.asset_key.to_user_string()] = int(rows.value) if rows else 0
    for evaluation in result.get_asset_check_evaluations():
        name = f"{evaluation.asset_key.to_user_string()}:{evaluation.check_name}"
        if evaluation.passed:
            summary.checks_passed.append(name)
        else:
            summary.checks_failed.append(
                (evaluation.asset_key.to_user_string(), evaluation.check_name, evaluation.description or "")
            )
    for event in result.all_events:
        if event.is_step_failure:
            error = event.step_failure_data.error
            summary.failed_steps.append((event.step_key or "?", error.message.strip() if error else ""))
    return summary


def print_summary(summary: RunSummary, console: Console) -> None:
    """Tables with row counts, inputs quarantined, checks passed and failed."""
    console.print("[bold]Tables written[/bold]")
    for table, rows in sorted(summary.tables.items()):
        if table != "docs":
            console.print(f"  {table:<16} {rows:>8,} rows")
    if "docs" in summary.tables:
        console.print(f"  {'docs':<16} {summary.tables['docs']:>8,} parsed documents (spaCy DocBin)")
    quarantined = summary.tables.get("quarantine")
    if quarantined is not None:
        articles = summary.tables.get("articles", 0)
        console.print(f"Inputs: {articles + quarantined} = {articles} articles + {quarantined} quarantined")
    console.print(f"Checks: {len(summary.checks_passed)} passed, {len(summary.checks_failed)} failed")
    for table, check, description in summary.checks_failed:
        console.print(f"  [red]FAILED[/red] check {check} on table {table}: {description}")
    for step, message in summary.failed_steps:
        console.print(f"  [red]FAILED[/red] step {step}: {message}")


def _run_command(args: argparse.Namespace) -> int:
    console = Console(stderr=False)
    input_dir = Path(args.input).expanduser().resolve()
    warehouse_dir = Path(args.warehouse).expanduser().resolve()
    try:
        preflight(input_dir, warehouse_dir, args.model)
    except CannotStart as error:
        print(f"newsrecon: cannot start: {error}", file=sys.stderr)
        return EXIT_CANNOT_START
    show_progress = not args.quiet and sys.stderr.isatty()
    summary = run(input_dir, warehouse_dir, args.model, show_progress)
    print_summary(summary, console)
    return EXIT_OK if summary.success else EXIT_CHECK_FAILED


def _ui_command(args: argparse.Namespace) -> int:
    env = {
        **os.environ,
        INPUT_ENV: str(Path(args.input).resolve()),
        WAREHOUSE_ENV: str(Path(args.warehouse).resolve()),
        MODEL_ENV: args.model,
    }
    workspace = Path(__file__).resolve().parent.parent / "workspace.yaml"
    beside_python = Path(sys.executable).parent / "dagster"
    dagster = str(beside_python) if beside_python.exists() else shutil.which("dagster") or "dagster"
    command = [dagster, "dev", "-w", str(workspace), "-h", args.host, "-p", str(args.port)]
    os.execvpe(command[0], command, env)
    return EXIT_OK


def _dictionary_command(args: argparse.Namespace) -> int:
    from pipeline.dictionary import data_dictionary

    print(data_dictionary(), end="")
    return EXIT_OK


def build_parser() -> argparse.ArgumentParser:
    """The command line: `run`, `ui`, `dictionary`."""
    parser = argparse.ArgumentParser(prog="newsrecon", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)

    def folders(command: argparse.ArgumentParser) -> None:
        command.add_argument("--input", default=os.environ.get(INPUT_ENV, DEFAULT_INPUT), help="input folder")
        command.add_argument(
            "--warehouse", default=os.environ.get(WAREHOUSE_ENV, DEFAULT_WAREHOUSE), help="warehouse folder"
        )
        command.add_argument("--model", default=os.environ.get(MODEL_ENV, DEFAULT_MODEL), help="spaCy model")

    run_parser = commands.add_parser("run", help="materialize every table and run every check")
    folders(run_parser)
    run_parser.add_argument("--quiet", action="store_true", help="print only the summary")
    run_parser.set_defaults(handler=_run_command)

    ui_parser = commands.add_parser("ui", help="start the Dagster UI on this machine")
    folders(ui_parser)
    ui_parser.add_argument("--host", default="127.0.0.1")
    ui_parser.add_argument("--port", type=int, default=3000)
    ui_parser.set_defaults(handler=_ui_command)

    dictionary_parser = commands.add_parser("dictionary", help="print the data dictionary (Markdown)")
    dictionary_parser.set_defaults(handler=_dictionary_command)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `newsrecon` console command."""
    args = build_parser().parse_args(argv)
    return args.handler(args)


if __name__ == "__main__":
    raise SystemExit(main())
