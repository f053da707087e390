"""Blocking data-quality checks: each table's GX suite, and the invariants that span tables."""

import dagster as dg
import pandas as pd

from pipeline.ingest import discover_inputs, relative_source
from pipeline.invariants import span_mismatches, unaccounted_inputs, unknown_references
from pipeline.io import markdown_preview
from pipeline.quality import ValidationReport, validate
from pipeline.resources import NewsreconSettings
from pipeline.schema import TABLES


def _report_metadata(report: ValidationReport) -> dict[str, object]:
    metadata: dict[str, object] = {"report": dg.MetadataValue.md(report.to_markdown())}
    for outcome in report.outcomes:
        name = outcome.expectation + (f"({outcome.column})" if outcome.column else "")
        unexpected = "" if outcome.unexpected_count is None else f", {outcome.unexpected_count} unexpected"
        metadata[name] = ("passed" if outcome.success else "FAILED") + unexpected
    return metadata


def expectation_check(table: str) -> dg.AssetChecksDefinition:
    """The blocking check that runs `expectations/<table>.json` (plus the schema's structure) on `table`."""

    @dg.asset_check(
        asset=table,
        name=f"{table}_expectations",
        blocking=True,
        description=f"Great Expectations suite `expectations/{table}.json` plus the schema's columns.",
    )
    def _check(data: pd.DataFrame) -> dg.AssetCheckResult:
        report = validate(table, data)
        return dg.AssetCheckResult(passed=report.success, metadata=_report_metadata(report))

    return _check


def _offending(frame: pd.DataFrame, passed_text: str, failed_text: str) -> dg.AssetCheckResult:
    passed = frame.empty
    return dg.AssetCheckResult(
        passed=passed,
        description=passed_text if passed else failed_text.format(n=len(frame)),
        metadata={"offending_rows": len(frame), "examples": dg.MetadataValue.md(markdown_preview(frame))},
    )


def span_text_check(table: str) -> dg.AssetChecksDefinition:
    """The blocking check that every span of `table` slices to its own text in `articles.text`."""

    @dg.asset_check(
        asset=table,
        name=f"{table}_spans_match_article_text",
        blocking=True,
        additional_ins={"articles": dg.AssetIn("articles")},
        description="Every row's `text` equals `articles.text[start_char:end_char]`.",
    )
    def _check(data: pd.DataFrame, articles: pd.DataFrame) -> dg.AssetCheckResult:
        return _offending(
            span_mismatches(data, articles),
            "Every span slices to its text.",
            "{n} spans do not slice to their text.",
        )

    return _check


@dg.asset_check(
    asset="mentions",
    blocking=True,
    additional_ins={"entities": dg.AssetIn("entities")},
    description="Every `mentions.entity_id` is a key of `entities`.",
)
def mentions_reference_entities(mentions: pd.DataFrame, entities: pd.DataFrame) -> dg.AssetCheckResult:
    unknown = mentions.loc[unknown_references(mentions["entity_id"], entities["entity_id"]).index]
    return _offending(unknown, "Every mention's entity exists.", "{n} mentions name unknown entities.")


@dg.asset_check(
    asset="stories",
    blocking=True,
    additional_ins={"articles": dg.AssetIn("articles")},
    description="Every article belongs to exactly one story.",
)
def stories_cover_articles(stories: pd.DataFrame, articles: pd.DataFrame) -> dg.AssetCheckResult:
    members = pd.Series([a for ids in stories["article_ids"] for a in ids], dtype="str")
    counts = members.value_counts()
    problems = pd.DataFrame(
        {
            "article_id": [*sorted(set(articles["article_id"]) - set(members)), *counts[counts > 1].index],
            "problem": ["in no story"] * len(set(articles["article_id"]) - set(members))
            + ["in several stories"] * int((counts > 1).sum()),
        }
    )
    return _offending(
        problems, "Every article is in one story.", "{n} articles are in no or several stories."
    )


@dg.asset_check(
    asset="quarantine",
    blocking=True,
    additional_ins={"articles": dg.AssetIn("articles")},
    description="Every input file is in exactly one of `articles` or `quarantine`.",
)
def inputs_accounted_for(
    settings: NewsreconSettings, quarantine: pd.DataFrame, articles: pd.DataFrame
) -> dg.AssetCheckResult:
    input_dir = settings.input_path
    discovered = [relative_source(path, input_dir) for path in discover_inputs(input_dir)]
    gaps = unaccounted_inputs(discovered, articles, quarantine)
    passed = not any(gaps.values())
    return dg.AssetCheckResult(
        passed=passed,
        description=(
            f"{len(discovered)} inputs = {len(articles)} articles + {len(quarantine)} quarantined."
            if passed
            else "; ".join(f"{name}: {', '.join(paths[:5])}" for name, paths in gaps.items() if paths)
        ),
        metadata={
            "inputs": len(discovered),
            "articles": len(articles),
            "quarantined": len(quarantine),
            **{name: len(paths) for name, paths in gaps.items()},
        },
    )


CHECKS = [
    *(expectation_check(table) for table in TABLES),
    span_text_check("sentences"),
    span_text_check("mentions"),
    mentions_reference_entities,
    stories_cover_articles,
    inputs_accounted_for,
]
