"""Blocking data-quality checks: each table's GX suite, and the invariants that span tables."""

import warnings

import dagster as dg
import pandas as pd

from pipeline.ingest import input_items
from pipeline.invariants import span_mismatches, unaccounted_inputs, unknown_references
from pipeline.io import BATCHES, markdown_preview, partitions_for
from pipeline.quality import ValidationReport, validate
from pipeline.resources import NewsreconSettings, WarehouseResource
from pipeline.schema import TABLES

# Checks of per-batch tables check one batch (a partitioned check): Dagster marks that API as preview.
warnings.filterwarnings(
    "ignore", message="Specifying a partitions_def on an AssetCheckSpec", category=dg.PreviewWarning
)


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
        partitions_def=partitions_for(table),
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


def span_text_check(
    table: str, start: str = "start_char", end: str = "end_char", text: str = "text", name: str = "spans"
) -> dg.AssetChecksDefinition:
    """The blocking check that every span of `table` slices to its own text in `articles.text`."""

    @dg.asset_check(
        asset=table,
        name=f"{table}_{name}_match_article_text",
        blocking=True,
        partitions_def=partitions_for(table),
        additional_ins={"articles": dg.AssetIn("articles")},
        description=f"Every row's `{text}` equals `articles.text[{start}:{end}]`.",
    )
    def _check(data: pd.DataFrame, articles: pd.DataFrame) -> dg.AssetCheckResult:
        return _offending(
            span_mismatches(data, articles, start, end, text),
            "Every span slices to its text.",
            "{n} spans do not slice to their text.",
        )

    return _check


def reference_check(table: str, column: str, target: str, key: str) -> dg.AssetChecksDefinition:
    """The blocking check that every non-null `table.column` is a `key` of `target` (which may be `table`)."""
    name = f"{table}_{column}_in_{target}"
    description = f"Every non-null `{table}.{column}` is a `{target}.{key}`."

    def result(data: pd.DataFrame, keys: pd.Series) -> dg.AssetCheckResult:
        unknown = data.loc[unknown_references(data[column], keys).index]
        return _offending(unknown, "Every reference resolves.", f"{{n}} rows name an unknown {target}.{key}.")

    if target == table:

        @dg.asset_check(
            asset=table,
            name=name,
            blocking=True,
            description=description,
            partitions_def=partitions_for(table),
        )
        def _within(data: pd.DataFrame) -> dg.AssetCheckResult:
            return result(data, data[key])

        return _within

    @dg.asset_check(
        asset=table,
        name=name,
        blocking=True,
        partitions_def=partitions_for(table),
        additional_ins={"target": dg.AssetIn(target)},
        description=description,
    )
    def _across(data: pd.DataFrame, target: pd.DataFrame) -> dg.AssetCheckResult:
        return result(data, target[key])

    return _across


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
    partitions_def=BATCHES,
    additional_ins={"articles": dg.AssetIn("articles")},
    description="Every input item (file or JSON Lines line) of the batch is in exactly one of "
    "`articles` or `quarantine`.",
)
def inputs_accounted_for(
    context: dg.AssetCheckExecutionContext,
    settings: NewsreconSettings,
    warehouse: WarehouseResource,
    quarantine: pd.DataFrame,
    articles: pd.DataFrame,
) -> dg.AssetCheckResult:
    input_dir = settings.input_path
    batch = warehouse.ledger().batch(context.partition_key)
    items = input_items(input_dir, batch.paths(input_dir), settings.ingest_settings())
    gaps = unaccounted_inputs(items, articles, quarantine)
    passed = not any(gaps.values())
    return dg.AssetCheckResult(
        passed=passed,
        description=(
            f"{len(items)} input items = {len(articles)} articles + {len(quarantine)} quarantined."
            if passed
            else "; ".join(f"{name}: {', '.join(paths[:5])}" for name, paths in gaps.items() if paths)
        ),
        metadata={
            "inputs": len(items),
            "articles": len(articles),
            "quarantined": len(quarantine),
            **{name: len(paths) for name, paths in gaps.items()},
        },
    )


CHECKS = [
    *(expectation_check(table) for table in TABLES),
    *(
        span_text_check(table)
        for table in (
            "sentences",
            "mention_candidates",
            "mentions",
            "quote_candidates",
            "quotes",
            "claims",
            "time_candidates",
            "time_expressions",
        )
    ),
    span_text_check("claims", "number_start", "number_end", "number_text", name="figures"),
    reference_check("mentions", "entity_id", "entities", "entity_id"),
    reference_check("quotes", "speaker_entity_id", "entities", "entity_id"),
    reference_check("claims", "parent_claim_id", "claims", "claim_id"),
    reference_check("quotes", "cluster_id", "quote_clusters", "cluster_id"),
    reference_check("source_overlap", "article_id", "articles", "article_id"),
    reference_check("source_overlap", "other_article_id", "articles", "article_id"),
    reference_check("claim_groups", "story_id", "stories", "story_id"),
    reference_check("conflicts", "story_id", "stories", "story_id"),
    stories_cover_articles,
    inputs_accounted_for,
]
