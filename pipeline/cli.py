"""`newsrecon`: run the whole graph in process, start the UI, print the data dictionary, or query with SQL."""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import uuid
from collections.abc import Callable, Sequence
from dataclasses import asdict
from pathlib import Path

from rich.console import Console

from pipeline.definitions import RunSummary, backfill, run
from pipeline.executors import EXECUTOR_ENV, EXECUTORS
from pipeline.ingest import InputFolderError, discover_inputs
from pipeline.nlp import DEFAULT_MODEL, ModelNotAvailable, cached_pipeline
from pipeline.resources import DEFAULT_INPUT, DEFAULT_WAREHOUSE, INPUT_ENV, MODEL_ENV, WAREHOUSE_ENV
from pipeline.storage import WarehousePath, warehouse_path, write_file

PROJECT = Path(__file__).resolve().parent.parent
EXIT_OK = 0
EXIT_CHECK_FAILED = 1
EXIT_CANNOT_START = 2


class CannotStart(RuntimeError):
    """A problem found before any table is touched: the run does not begin."""


def preflight(input_dir: Path, warehouse_dir: WarehousePath, model: str) -> None:
    """Stop with one clear message if the input, the warehouse or the model is unusable.

    The warehouse probe is written the way tables are, so it makes a missing
    local folder, and fails on a bucket that does not exist or cannot be written.
    """
    try:
        discover_inputs(input_dir)
    except InputFolderError as error:
        raise CannotStart(str(error)) from error
    try:
        probe = warehouse_dir / f".write-probe-{uuid.uuid4().hex}"
        write_file(probe, b"")
        probe.unlink()
    except OSError as error:
        raise CannotStart(
            f"warehouse {warehouse_dir} cannot be written: {error.strerror or error}"
        ) from error
    try:
        cached_pipeline(model)
    except ModelNotAvailable as error:
        raise CannotStart(str(error)) from error


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
        batches = ", ".join(summary.batches)
        console.print(
            f"Inputs: {articles + quarantined} = {articles} articles + {quarantined} quarantined"
            f" (batch {batches})"
        )
    else:
        console.print("Inputs: no new files; cross-batch tables recomputed")
    if summary.waiting:
        console.print(
            f"Waiting: {len(summary.waiting)} files still being written, left for the next run: "
            + ", ".join(summary.waiting[:5])
        )
    console.print(f"Checks: {len(summary.checks_passed)} passed, {len(summary.checks_failed)} failed")
    for table, check, description in summary.checks_failed:
        console.print(f"  [red]FAILED[/red] check {check} on table {table}: {description}")
    for step, message in summary.failed_steps:
        console.print(f"  [red]FAILED[/red] step {step}: {message}")


def _run_command(args: argparse.Namespace) -> int:
    return _materialize(
        args,
        lambda input_dir, warehouse_dir, show_progress: run(
            input_dir, warehouse_dir, args.model, show_progress, args.settle_seconds, executor=args.executor
        ),
    )


def _backfill_command(args: argparse.Namespace) -> int:
    return _materialize(
        args,
        lambda input_dir, warehouse_dir, show_progress: backfill(
            input_dir, warehouse_dir, args.model, show_progress, args.batch or None, executor=args.executor
        ),
    )


def _materialize(args: argparse.Namespace, execute: Callable[[Path, WarehousePath, bool], RunSummary]) -> int:
    """Check the folders and the model, execute, print the summary; the exit status says how it went."""
    input_dir = Path(args.input).expanduser().resolve()
    warehouse_dir = warehouse_path(args.warehouse)
    try:
        preflight(input_dir, warehouse_dir, args.model)
    except CannotStart as error:
        print(f"newsrecon: cannot start: {error}", file=sys.stderr)
        return EXIT_CANNOT_START
    try:
        summary = execute(input_dir, warehouse_dir, not args.quiet and sys.stderr.isatty())
    except KeyError as error:
        print(f"newsrecon: cannot start: {error.args[0]}", file=sys.stderr)
        return EXIT_CANNOT_START
    print_summary(summary, Console(stderr=False))
    return EXIT_OK if summary.success else EXIT_CHECK_FAILED


def _ui_command(args: argparse.Namespace) -> int:
    env = {
        **os.environ,
        INPUT_ENV: str(Path(args.input).resolve()),
        WAREHOUSE_ENV: str(warehouse_path(args.warehouse)),
        MODEL_ENV: args.model,
    }
    workspace = PROJECT / "workspace.yaml"
    beside_python = Path(sys.executable).parent / "dagster"
    dagster = str(beside_python) if beside_python.exists() else shutil.which("dagster") or "dagster"
    command = [dagster, "dev", "-w", str(workspace), "-h", args.host, "-p", str(args.port)]
    os.execvpe(command[0], command, env)
    return EXIT_OK


def _evaluate_command(args: argparse.Namespace) -> int:
    from pipeline.evaluation.coref import evaluate_ecbplus
    from pipeline.evaluation.extraction import evaluate, format_scores

    def run_pipeline(input_dir: Path, warehouse_dir: Path) -> None:
        # The evaluation writes its inputs and reads them at once: they are complete, not in progress.
        summary = run(input_dir, warehouse_dir, args.model, show_progress=False, settle_seconds=0)
        if not summary.success:
            failed = [f"{check} on {table}" for table, check, _ in summary.checks_failed]
            raise RuntimeError(
                f"the pipeline failed on the evaluation documents: {failed or summary.failed_steps}"
            )

    if args.what == "ecbplus":
        print(evaluate_ecbplus(Path(args.path), args.split, run_pipeline))
        return EXIT_OK
    scores = evaluate(Path(args.gold), Path(args.sample), Path(args.path), run_pipeline)
    print(format_scores(scores))
    if args.json:
        Path(args.json).write_text(
            json.dumps(
                [{**asdict(s), "precision": s.precision, "recall": s.recall} for s in scores], indent=2
            )
        )
    return EXIT_OK


def _dictionary_command(args: argparse.Namespace) -> int:
    from pipeline.dictionary import data_dictionary

    print(data_dictionary(), end="")
    return EXIT_OK


def _sql_command(args: argparse.Namespace) -> int:
    from pipeline.sql import QueryError, open_warehouse, run_shell, run_statement

    warehouse_dir = warehouse_path(args.warehouse)
    if not warehouse_dir.is_dir():
        message = f"newsrecon: warehouse {warehouse_dir} does not exist; run `newsrecon run` first"
        print(message, file=sys.stderr)
        return EXIT_CANNOT_START
    with open_warehouse(warehouse_dir) as connection:
        if args.statement is None:
            failures = run_shell(connection)
            return EXIT_CHECK_FAILED if failures and not sys.stdin.isatty() else EXIT_OK
        try:
            print(run_statement(connection, args.statement))
        except QueryError as error:
            print(f"newsrecon: SQL error: {error}", file=sys.stderr)
            return EXIT_CHECK_FAILED
    return EXIT_OK


def build_parser() -> argparse.ArgumentParser:
    """The command line: `run`, `backfill`, `ui`, `evaluate`, `dictionary`, `sql`."""
    parser = argparse.ArgumentParser(prog="newsrecon", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)

    def warehouse_option(command: argparse.ArgumentParser) -> None:
        command.add_argument(
            "--warehouse",
            default=os.environ.get(WAREHOUSE_ENV, DEFAULT_WAREHOUSE),
            help="warehouse folder, or an fsspec URL such as s3://bucket/prefix (docs/deploy.md)",
        )

    def folders(command: argparse.ArgumentParser) -> None:
        command.add_argument("--input", default=os.environ.get(INPUT_ENV, DEFAULT_INPUT), help="input folder")
        warehouse_option(command)
        command.add_argument("--model", default=os.environ.get(MODEL_ENV, DEFAULT_MODEL), help="spaCy model")

    def executor_option(command: argparse.ArgumentParser) -> None:
        command.add_argument(
            "--executor",
            choices=list(EXECUTORS),
            default=os.environ.get(EXECUTOR_ENV) or "in_process",
            help="how steps run (default: $NEWSRECON_EXECUTOR or in_process); see docs/deploy.md",
        )

    run_parser = commands.add_parser(
        "run", help="read new input files as a batch, refresh the cross-batch tables, run every check"
    )
    folders(run_parser)
    run_parser.add_argument("--quiet", action="store_true", help="print only the summary")
    run_parser.add_argument(
        "--settle-seconds",
        type=float,
        default=None,
        help="skip files modified more recently than this (default: $NEWSRECON_SETTLE_SECONDS or 2)",
    )
    executor_option(run_parser)
    run_parser.set_defaults(handler=_run_command)

    backfill_parser = commands.add_parser(
        "backfill", help="process input batches again (all, or those named), then the cross-batch tables"
    )
    folders(backfill_parser)
    backfill_parser.add_argument("--quiet", action="store_true", help="print only the summary")
    backfill_parser.add_argument(
        "--batch", action="append", help="batch key to process again (repeatable; default: every batch)"
    )
    executor_option(backfill_parser)
    backfill_parser.set_defaults(handler=_backfill_command)

    ui_parser = commands.add_parser("ui", help="start the Dagster UI on this machine")
    folders(ui_parser)
    ui_parser.add_argument("--host", default="127.0.0.1")
    ui_parser.add_argument("--port", type=int, default=3000)
    ui_parser.set_defaults(handler=_ui_command)

    evaluate_parser = commands.add_parser("evaluate", help="measure the pipeline against gold annotations")
    evaluate_parser.add_argument(
        "what",
        choices=["extraction", "ecbplus"],
        help="extraction (quotes, claims, time) or ecbplus (entities, stories)",
    )
    evaluate_parser.add_argument(
        "--gold", default=str(PROJECT / "eval" / "gold"), help="gold annotation folder"
    )
    evaluate_parser.add_argument(
        "--sample", default=str(PROJECT / "data" / "sample"), help="the seed articles"
    )
    evaluate_parser.add_argument(
        "--path", default=str(PROJECT.parent / "shared" / "ecbplus"), help="ECB+ folder"
    )
    evaluate_parser.add_argument(
        "--split", choices=["train", "dev"], default="dev", help="ECB+ split to score"
    )
    evaluate_parser.add_argument(
        "--model", default=os.environ.get(MODEL_ENV, DEFAULT_MODEL), help="spaCy model"
    )
    evaluate_parser.add_argument("--json", help="also write the scores to this JSON file")
    evaluate_parser.set_defaults(handler=_evaluate_command)

    dictionary_parser = commands.add_parser("dictionary", help="print the data dictionary (Markdown)")
    dictionary_parser.set_defaults(handler=_dictionary_command)

    sql_parser = commands.add_parser(
        "sql", help="query the warehouse with DuckDB: run STATEMENT, or open a shell without one"
    )
    warehouse_option(sql_parser)
    sql_parser.add_argument("statement", nargs="?", help="SQL to run; each table is a view of its name")
    sql_parser.set_defaults(handler=_sql_command)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `newsrecon` console command."""
    args = build_parser().parse_args(argv)
    return args.handler(args)


if __name__ == "__main__":
    raise SystemExit(main())
