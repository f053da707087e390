"""The benchmark's corpus is deterministic and reads as real articles; its report states the targets."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench.corpus import build_corpus, detokenize
from bench.report import markdown
from pipeline.articles import build_articles
from pipeline.ingest import discover_inputs, ingest

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "data" / "sample"
ECBPLUS = ROOT.parent / "shared" / "ecbplus"
SIZE = 12


@pytest.fixture(scope="module")
def corpora(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The same small corpus built twice, in two separate caches."""
    first = build_corpus(SIZE, 7, SAMPLE, ECBPLUS, tmp_path_factory.mktemp("first"))
    second = build_corpus(SIZE, 7, SAMPLE, ECBPLUS, tmp_path_factory.mktemp("second"))
    return first.folder, second.folder


def _files(folder: Path) -> dict[str, bytes]:
    return {path.relative_to(folder).as_posix(): path.read_bytes() for path in folder.rglob("*.txt")}


def test_same_seed_gives_the_same_bytes(corpora: tuple[Path, Path]) -> None:
    first, second = corpora
    assert _files(first) == _files(second)
    assert len(_files(first)) == SIZE + 1  # the articles and the extra one for the rerun


def test_another_seed_gives_other_articles(tmp_path: Path, corpora: tuple[Path, Path]) -> None:
    other = build_corpus(SIZE, 8, SAMPLE, ECBPLUS, tmp_path)
    assert _files(other.folder) != _files(corpora[0])


def test_every_file_parses_into_an_article_with_its_furniture(corpora: tuple[Path, Path]) -> None:
    folder = corpora[0] / "articles"
    result = ingest(folder, discover_inputs(folder))
    assert result.quarantine.empty
    articles = build_articles(result.raw_articles).sort_values("source_path", ignore_index=True)
    assert len(articles) == SIZE
    headlines = [path.read_text().split("\n", 1)[0] for path in sorted(folder.iterdir())]
    assert articles["title"].tolist() == headlines
    assert articles["published_date"].notna().all()
    assert articles["author"].notna().all()
    assert articles["outlet"].notna().all()
    words = [
        len(text[start:end].split())
        for text, start, end in articles[["text", "body_start", "body_end"]].values
    ]
    assert all(120 <= count <= 900 for count in words)
    assert articles["text"].nunique() == SIZE


def test_articles_report_several_events(corpora: tuple[Path, Path]) -> None:
    folder = corpora[0] / "articles"
    headlines = {path.read_text().split("\n", 1)[0] for path in folder.iterdir()}
    assert len(headlines) > 1


def test_detokenize_puts_ecbplus_tokens_back_as_printed() -> None:
    tokens = (
        "`` So far , '' he said : the U . S . offered $30 , 000 for an eight - year deal ( reportedly ) ."
    )
    assert (
        detokenize(tokens)
        == '"So far," he said: the U.S. offered $30,000 for an eight-year deal (reportedly).'
    )


MACHINE = {
    "measured_at": "now",
    "cpu": "cpu",
    "usable_cores": 2,
    "ram_gb": 8,
    "platform": "linux",
    "python": "3.11",
    "packages": {},
}


def _size(wall: float, peak: float, stages: dict[str, float]) -> dict:
    return {
        "articles": 1,
        "wall_seconds": wall,
        "articles_per_second": 1.0,
        "tokens_per_second": 1.0,
        "peak_rss_mb": peak,
        "cpu_seconds": wall,
        "cpu_ratio_to_plain_spacy": 1.0,
        "plain_spacy": {"wall_seconds": 1.0, "cpu_seconds": 1.0, "load_seconds": 0.5, "pipe_seconds": 0.5},
        "ratio_to_plain_spacy": wall,
        "outside_run_seconds": 0.1,
        "stages": stages,
    }


def test_report_checks_the_targets_and_names_the_worst_stage() -> None:
    report = {
        "machine": MACHINE,
        "sizes": {
            "1000": _size(1.2, 900, {"docs": 10.0, "stories": 1.0}),
            "10000": _size(2.0, 5000, {"docs": 100.0, "stories": 30.0}),
        },
    }
    summary = markdown(report)
    assert "1.20× wall, 1.00× CPU (target ≤ 1.3× wall: met)" in summary
    assert "`stories` 30.0× (target ≤ 12×: not met)" in summary
    assert "5,000 MB (target < 4,096 MB: not met)" in summary


def test_report_compares_the_run_with_spacy_given_the_same_processes() -> None:
    figures = _size(1.2, 900, {"docs": 10.0})
    figures["spacy_same_processes"] = {"processes": 2, "wall_seconds": 0.6}
    figures["ratio_to_spacy_same_processes"] = 2.0
    report = {
        "machine": MACHINE,
        "sizes": {"1000": figures},
    }
    summary = markdown(report)
    assert "Ratio to spaCy with the run's 2 processes at 1,000 articles: 2.00× wall (above 1.3×)" in summary
    assert "| 0.60 (2) | 2.00× |" in summary


def test_report_leaves_the_one_process_cells_blank_where_that_baseline_was_not_timed() -> None:
    large = _size(700.0, 3000, {"docs": 400.0})
    large.update(plain_spacy=None, ratio_to_plain_spacy=None, cpu_ratio_to_plain_spacy=None)
    large["spacy_same_processes"] = {"processes": 2, "wall_seconds": 500.0}
    large["ratio_to_spacy_same_processes"] = 1.4
    report = {"machine": MACHINE, "sizes": {"1000": _size(1.2, 900, {"docs": 10.0}), "10000": large}}
    summary = markdown(report)
    assert "| 3,000 | — | — | — | — | 500 (2) | 1.40× |" in summary
    assert "1.20× wall, 1.00× CPU (target ≤ 1.3× wall: met)" in summary
