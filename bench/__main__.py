"""`python -m bench [--sizes 100,1000]`: build the corpora, measure, and write the results."""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from bench.baseline import AUTO
from bench.corpus import DEFAULT_SEED, Corpus, build_corpus
from bench.measure import (
    PROJECT,
    ProcessMeasurement,
    baseline_command,
    bench_environment,
    measure,
    newsrecon_command,
    run_ids,
    step_timings,
)
from bench.report import TARGET_RATIO_SIZE, machine, markdown
from pipeline.nlp import DEFAULT_MODEL
from pipeline.resources import SpacyResource
from pipeline.storage import read_table

DEFAULT_SIZES = "100,1000,10000"
INCREMENTAL_SIZE = 1000
RESULTS_DIR = PROJECT / "bench"
EXIT_CANNOT_START = 2


class BenchError(RuntimeError):
    """A measured process failed in a way that leaves nothing to measure."""


def _say(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def _checked(measurement: ProcessMeasurement, what: str, log: Path, warehouse: Path) -> ProcessMeasurement:
    """A run that wrote no articles, or a baseline that failed, stops the benchmark; see the log.

    A run that wrote its tables but failed a check (exit 1) is still measured: its summary is kept.
    """
    failed = measurement.returncode != 0 and (what == "baseline" or not (warehouse / "articles").is_dir())
    if measurement.returncode == EXIT_CANNOT_START or failed:
        tail = log.read_text().strip().splitlines()[-1:] if log.is_file() else []
        raise BenchError(f"{what} exited with {measurement.returncode} ({' '.join(tail)}); see {log}")
    return measurement


def _baseline(
    folder: Path, warehouse: Path, model: str, env: dict[str, str], n_process: str
) -> tuple[ProcessMeasurement, dict]:
    """One plain spaCy process over the run's texts: its measurement and the figures it printed."""
    log = folder / f"baseline-{n_process}.log"
    measured = _checked(
        measure(baseline_command(warehouse, model, n_process), env, log), "baseline", log, warehouse
    )
    return measured, json.loads(measured.stdout)


def _baseline_figures(measured: ProcessMeasurement, printed: dict, tokens: int) -> dict:
    return {
        "processes": printed["processes"],
        "wall_seconds": measured.wall_seconds,
        "cpu_seconds": measured.cpu_seconds,
        "load_average_before_after": measured.load_average,
        "load_seconds": printed["load_seconds"],
        "pipe_seconds": printed["pipe_seconds"],
        "tokens_per_second_in_pipe": tokens / printed["pipe_seconds"],
        "peak_rss_mb": measured.peak_rss_mb,
    }


def measure_size(
    corpus: Corpus, work: Path, model: str, incremental: bool, one_process: bool = True
) -> tuple[dict, dict | None]:
    """Full run, plain spaCy baselines and (optionally) the one-new-article rerun over one corpus.

    Without `one_process`, spaCy is timed only with the run's processes: at 10,000 articles
    the one-process baseline alone takes a quarter of an hour.
    """
    folder = work / "runs" / f"n{corpus.size}"
    shutil.rmtree(folder, ignore_errors=True)
    input_dir, warehouse, home = folder / "input", folder / "warehouse", folder / "dagster_home"
    shutil.copytree(corpus.articles, input_dir)
    env = bench_environment(home)

    _say(f"{corpus.size:,} articles: newsrecon run")
    log = folder / "run.log"
    run = _checked(measure(newsrecon_command(input_dir, warehouse, model), env, log), "run", log, warehouse)
    timings = step_timings(home, exclude=set())
    _say(f"{corpus.size:,} articles: run took {run.wall_seconds:.1f} s (exit {run.returncode})")
    plain_run, plain = _baseline(folder, warehouse, model, env, "1") if one_process else (None, None)
    if plain_run is not None:
        _say(f"{corpus.size:,} articles: plain spaCy in one process took {plain_run.wall_seconds:.1f} s")
    articles = len(read_table(warehouse, "articles"))
    if plain_run is not None and SpacyResource().processes_for(articles) == 1:
        same_run, same = plain_run, plain  # the run parses in one process: that baseline was just timed
    else:
        same_run, same = _baseline(folder, warehouse, model, env, AUTO)
    _say(
        f"{corpus.size:,} articles: spaCy, processes: {same['processes']}, took {same_run.wall_seconds:.1f} s"
    )

    tokens = int(same["tokens"])
    figures = {
        "inputs": corpus.size,
        "articles": articles,
        "quarantined": len(read_table(warehouse, "quarantine")),
        "words": corpus.manifest()["words"],
        "tokens": tokens,
        "exit_status": run.returncode,
        "summary": run.stdout.strip().splitlines(),
        "wall_seconds": run.wall_seconds,
        "cpu_seconds": run.cpu_seconds,
        "load_average_before_after": run.load_average,
        "articles_per_second": articles / run.wall_seconds,
        "tokens_per_second": tokens / run.wall_seconds,
        "peak_rss_mb": run.peak_rss_mb,
        "plain_spacy": _baseline_figures(plain_run, plain, tokens) if plain_run else None,
        "spacy_same_processes": _baseline_figures(same_run, same, tokens),
        "ratio_to_plain_spacy": run.wall_seconds / plain_run.wall_seconds if plain_run else None,
        "cpu_ratio_to_plain_spacy": run.cpu_seconds / plain_run.cpu_seconds if plain_run else None,
        "ratio_to_spacy_same_processes": run.wall_seconds / same_run.wall_seconds,
        "run_seconds": timings.run_seconds,
        "outside_run_seconds": run.wall_seconds - timings.run_seconds,
        "stages": timings.steps,
    }
    if not incremental:
        return figures, None

    before = run_ids(home)
    added = input_dir / corpus.extra_article.name
    shutil.copy2(corpus.extra_article, added)
    _say(f"{corpus.size:,} articles: rerun with one new article ({added.name})")
    log = folder / "rerun.log"
    rerun = _checked(
        measure(newsrecon_command(input_dir, warehouse, model), env, log), "rerun", log, warehouse
    )
    rerun_timings = step_timings(home, exclude=before)
    _say(f"{corpus.size:,} articles: rerun took {rerun.wall_seconds:.1f} s (exit {rerun.returncode})")
    return figures, {
        "base_articles": articles,
        "added_file": added.name,
        "exit_status": rerun.returncode,
        "summary": rerun.stdout.strip().splitlines(),
        "wall_seconds": rerun.wall_seconds,
        "cpu_seconds": rerun.cpu_seconds,
        "load_average_before_after": rerun.load_average,
        "full_run_seconds": run.wall_seconds,
        "fraction_of_full_run": rerun.wall_seconds / run.wall_seconds,
        "cpu_fraction_of_full_run": rerun.cpu_seconds / run.cpu_seconds,
        "peak_rss_mb": rerun.peak_rss_mb,
        "runs": len(rerun_timings.run_ids),
        "run_seconds": rerun_timings.run_seconds,
        "stages": rerun_timings.steps,
    }


def build_parser() -> argparse.ArgumentParser:
    """Options: which sizes, which seed and model, where sources, scratch space and results live."""
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument(
        "--sizes", default=DEFAULT_SIZES, help=f"corpus sizes, comma-separated ({DEFAULT_SIZES})"
    )
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help="corpus seed")
    parser.add_argument("--model", default=DEFAULT_MODEL, help="spaCy model, for both sides")
    parser.add_argument("--sample", type=Path, default=PROJECT / "data" / "sample", help="seed articles")
    parser.add_argument(
        "--ecbplus", type=Path, default=PROJECT.parent / "shared" / "ecbplus", help="ECB+ folder"
    )
    parser.add_argument("--work", type=Path, default=PROJECT / "build" / "bench", help="corpora and runs")
    parser.add_argument("--results", type=Path, default=RESULTS_DIR, help="where results.json/.md go")
    parser.add_argument(
        "--incremental-size",
        type=int,
        default=INCREMENTAL_SIZE,
        help="after the run of this size, rerun with one new article (0: never)",
    )
    parser.add_argument(
        "--one-process-up-to",
        type=int,
        default=TARGET_RATIO_SIZE,
        help="time spaCy in one process only for corpora up to this size (default: the ratio target's)",
    )
    parser.add_argument(
        "--report-only", action="store_true", help="rewrite results.md from results.json, measuring nothing"
    )
    return parser


def write_summary(report: dict, results: Path) -> None:
    """`results.md` beside `results.json`, and the same summary on stdout."""
    summary = markdown(report)
    (results / "results.md").write_text(summary)
    print(summary)


def main(argv: Sequence[str] | None = None) -> int:
    """Measure every size in turn (one at a time: they would compete for cores), then report."""
    args = build_parser().parse_args(argv)
    if args.report_only:
        write_summary(json.loads((args.results / "results.json").read_text()), args.results)
        return 0
    sizes = sorted({int(size) for size in args.sizes.split(",") if size.strip()})
    if not args.ecbplus.is_dir():
        _say(f"no ECB+ at {args.ecbplus}: corpora are recombined from the seeds alone")
    report: dict = {"machine": machine(), "seed": args.seed, "model": args.model, "sizes": {}, "corpora": {}}
    for size in sizes:
        started = time.perf_counter()
        corpus = build_corpus(size, args.seed, args.sample, args.ecbplus, args.work / "corpora")
        _say(f"{size:,} articles: corpus {corpus.folder.name} ready in {time.perf_counter() - started:.1f} s")
        report["corpora"][str(size)] = corpus.manifest()
        try:
            figures, incremental = measure_size(
                corpus, args.work, args.model, size == args.incremental_size, size <= args.one_process_up_to
            )
        except BenchError as error:
            _say(str(error))
            return 1
        report["sizes"][str(size)] = figures
        if incremental:
            report["incremental"] = incremental
        # Written after every size, so a long run interrupted later still leaves its figures.
        args.results.mkdir(parents=True, exist_ok=True)
        (args.results / "results.json").write_text(json.dumps(report, indent=2) + "\n")
    write_summary(report, args.results)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
