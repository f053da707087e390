"""Data-quality gates: run a table's Great Expectations suite on a pandas DataFrame.

A table's suite has two parts. The structural part is derived from
`pipeline.schema`, so it can never drift from what the IO manager writes: the
columns match the schema's exactly and every non-nullable field has no nulls.
The rest is data, not code: `expectations/<table>.json`, a GX 1.x suite in
`ExpectationSuite.to_json_dict()` format, where each expectation's
`meta.notes` says why it matters.

Great Expectations is imported lazily (it takes seconds) and runs in one
in-memory context per process: no files, no progress bars, no analytics.
"""

from __future__ import annotations

import json
import math
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Any

import pandas as pd

from pipeline.schema import describe, schema_for

if TYPE_CHECKING:
    import great_expectations as gx
    from great_expectations.core.batch_definition import BatchDefinition
    from great_expectations.core.expectation_validation_result import (
        ExpectationValidationResult,
    )

EXPECTATIONS_DIR_ENV = "NEWSRECON_EXPECTATIONS_DIR"
DEFAULT_EXPECTATIONS_DIR = Path(__file__).resolve().parent.parent / "expectations"

# Kwargs that name the columns an expectation looks at (its domain).
_COLUMN_KWARGS = ("column", "column_A", "column_B", "column_list")
_MAX_EXAMPLES = 5
# SUMMARY adds the row index of each unexpected value, which is what an engineer looks up.
_RESULT_FORMAT = {"result_format": "SUMMARY", "partial_unexpected_count": _MAX_EXAMPLES}
_TABLE_COLUMNS = "expect_table_columns_to_match_set"


@dataclass(frozen=True)
class ExpectationOutcome:
    """How one expectation fared, flattened from GX's result for reports and tests."""

    expectation: str
    column: str | None
    kwargs: str
    success: bool
    unexpected_count: int | None
    unexpected_examples: list[str] = field(default_factory=list)
    description: str = ""
    error: str | None = None


@dataclass(frozen=True)
class ValidationReport:
    """The outcome of validating one table: what passed, what failed and why it matters."""

    table: str
    success: bool
    row_count: int
    outcomes: list[ExpectationOutcome]

    def failures(self) -> list[ExpectationOutcome]:
        """The expectations that failed, in suite order."""
        return [outcome for outcome in self.outcomes if not outcome.success]

    def to_markdown(self) -> str:
        """A summary plus one row per expectation, failures first, for the Dagster UI."""
        failed = len(self.failures())
        verdict = "passed" if self.success else f"FAILED ({failed} failing)"
        lines = [
            f"**{self.table}**: {verdict}; {len(self.outcomes) - failed} of "
            f"{len(self.outcomes)} expectations met on {self.row_count} rows.",
            "",
            "| | Expectation | Column | Arguments | Unexpected | Examples | Why |",
            "| --- | --- | --- | --- | ---: | --- | --- |",
        ]
        for outcome in sorted(self.outcomes, key=lambda outcome: outcome.success):
            unexpected = "" if outcome.unexpected_count is None else str(outcome.unexpected_count)
            examples = "; ".join(outcome.unexpected_examples)
            if outcome.error:
                examples = f"error: {outcome.error}"
            cells = [
                "✅" if outcome.success else "❌",
                f"`{outcome.expectation}`",
                outcome.column or "(table)",
                f"`{outcome.kwargs}`" if outcome.kwargs else "",
                unexpected,
                examples,
                outcome.description,
            ]
            lines.append("| " + " | ".join(_markdown_cell(cell) for cell in cells) + " |")
        return "\n".join(lines)


def default_expectations_dir() -> Path:
    """Where suite files live: `$NEWSRECON_EXPECTATIONS_DIR`, else the project's folder."""
    override = os.environ.get(EXPECTATIONS_DIR_ENV)
    return Path(override) if override else DEFAULT_EXPECTATIONS_DIR


def load_suite(table: str, expectations_dir: Path | None = None) -> gx.ExpectationSuite:
    """The table's full suite: schema-derived structure plus `expectations/<table>.json`.

    Raises rather than skips: GX itself only logs an expectation it cannot build,
    which would silently weaken the gate; and a suite naming a column the schema
    lacks would fail on every run for a reason unrelated to the data.
    """
    gx = _gx()
    from great_expectations.exceptions import GreatExpectationsError
    from great_expectations.expectations.expectation_configuration import (
        ExpectationConfiguration,
    )

    schema = schema_for(table)
    path = (expectations_dir or default_expectations_dir()) / f"{table}.json"
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise FileNotFoundError(f"no expectation suite for table {table!r} at {path}") from None

    configs = [*_structural_expectations(table), *document.get("expectations", [])]
    expectations = []
    for config in configs:
        unknown = sorted(set(_referenced_columns(config.get("kwargs", {}))) - set(schema.names))
        if unknown:
            raise ValueError(f"{path}: {config['type']} names columns not in {table}: {unknown}")
        try:
            expectations.append(ExpectationConfiguration(**config).to_domain_obj())
        except (GreatExpectationsError, TypeError, ValueError) as error:
            raise ValueError(f"{path}: cannot build {config.get('type')!r}: {error}") from error
    return gx.ExpectationSuite(name=table, expectations=expectations, meta=document.get("meta"))


def validate(table: str, df: pd.DataFrame, expectations_dir: Path | None = None) -> ValidationReport:
    """Run the table's suite on `df`.

    Bad data is reported, never raised, so the caller decides whether it blocks;
    a broken suite raises, because then the check itself is wrong.
    """
    suite = load_suite(table, expectations_dir)
    batch = _batch_definition().get_batch(batch_parameters={"dataframe": df})
    result = batch.validate(suite, result_format=_RESULT_FORMAT)
    # GX returns results in its own order; report them in the suite's.
    position = {_identity(e.configuration): i for i, e in enumerate(suite.expectations)}
    results = sorted(
        result.results, key=lambda r: position.get(_identity(r.expectation_config), len(position))
    )
    return ValidationReport(
        table=table,
        success=bool(result.success),
        row_count=len(df),
        outcomes=[_outcome(r) for r in results],
    )


def _referenced_columns(kwargs: Mapping[str, Any]) -> list[str]:
    columns: list[str] = []
    for key in _COLUMN_KWARGS:
        value = kwargs.get(key)
        if isinstance(value, str):
            columns.append(value)
        elif isinstance(value, Iterable):
            columns.extend(value)
    columns.extend(kwargs.get("column_set") or [])
    return columns


def _structural_expectations(table: str) -> list[dict[str, Any]]:
    schema = schema_for(table)
    expectations: list[dict[str, Any]] = [
        {
            "type": _TABLE_COLUMNS,
            "kwargs": {"column_set": list(schema.names), "exact_match": True},
            "meta": {
                "notes": "The columns are exactly those of pipeline.schema: a missing column "
                "breaks readers and an extra one is undocumented."
            },
        }
    ]
    for schema_field in schema:
        if not schema_field.nullable:
            expectations.append(
                {
                    "type": "expect_column_values_to_not_be_null",
                    "kwargs": {"column": schema_field.name},
                    "meta": {"notes": f"Non-nullable in pipeline.schema: {describe(schema_field)}"},
                }
            )
    return expectations


@cache
def _gx() -> ModuleType:
    """GX itself, imported on first use (see `pipeline.gx`)."""
    from pipeline.gx import gx

    return gx


@cache
def _batch_definition() -> BatchDefinition:
    """One in-memory context per process: building one is slow, and it holds no state we need."""
    gx = _gx()
    from great_expectations.data_context.types.base import (
        DataContextConfig,
        InMemoryStoreBackendDefaults,
        ProgressBarsConfig,
    )

    config = DataContextConfig(
        store_backend_defaults=InMemoryStoreBackendDefaults(init_temp_docs_sites=False),
        analytics_enabled=False,
        progress_bars=ProgressBarsConfig(globally=False, metric_calculations=False),
    )
    context = gx.get_context(mode="ephemeral", project_config=config)
    asset = context.data_sources.add_pandas("newsrecon").add_dataframe_asset("table")
    return asset.add_batch_definition_whole_dataframe("whole table")


def _identity(config: Any) -> str:
    kwargs = {key: value for key, value in config.kwargs.items() if key != "batch_id"}
    return f"{config.type}:{json.dumps(kwargs, sort_keys=True, default=str)}"


def _outcome(result: ExpectationValidationResult) -> ExpectationOutcome:
    config = result.expectation_config
    details = result.result or {}
    error = _error_message(result.exception_info)
    columns = _referenced_columns(config.kwargs) if config.type != _TABLE_COLUMNS else []
    if config.type == _TABLE_COLUMNS:
        mismatched = (details.get("details") or {}).get("mismatched") or {}
        examples = [
            f"{kind}: {column}" for kind in ("missing", "unexpected") for column in mismatched.get(kind, [])
        ]
        unexpected_count: int | None = None if error else len(examples)
    else:
        examples = _examples(details)
        count = details.get("unexpected_count")
        unexpected_count = None if count is None or error else int(count)
    return ExpectationOutcome(
        expectation=config.type,
        column=", ".join(columns) or None,
        kwargs=_summarize(config.kwargs),
        success=bool(result.success),
        unexpected_count=unexpected_count,
        unexpected_examples=examples,
        description=_notes(config.meta),
        error=error,
    )


def _error_message(exception_info: Mapping[str, Any] | None) -> str | None:
    """GX nests per-metric exception info under metric ids when a metric fails."""
    if not exception_info:
        return None
    if "raised_exception" in exception_info:
        infos: Iterable[Any] = [exception_info]
    else:
        infos = exception_info.values()
    messages = {
        str(info.get("exception_message"))
        for info in infos
        if isinstance(info, Mapping) and info.get("raised_exception")
    }
    return "; ".join(sorted(messages)) or None


def _examples(details: Mapping[str, Any]) -> list[str]:
    values = details.get("partial_unexpected_list") or []
    rows = details.get("partial_unexpected_index_list") or []
    examples = [_render(value) for value in values]
    if len(rows) == len(examples):
        examples = [f"{example} (row {_render(row)})" for example, row in zip(examples, rows, strict=True)]
    return examples[:_MAX_EXAMPLES]


def _render(value: Any) -> str:
    if isinstance(value, Mapping):
        return ", ".join(f"{key}={_render(item)}" for key, item in value.items())
    if isinstance(value, Iterable) and not isinstance(value, str | bytes):
        return "(" + ", ".join(_render(item) for item in value) + ")"  # pairs, list cells
    if hasattr(value, "item"):  # numpy scalar
        value = value.item()
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return "null"
    value = _plain(value)  # int columns with nulls arrive as float64
    return repr(value) if isinstance(value, str) else str(value)


def _summarize(kwargs: Mapping[str, Any]) -> str:
    """The arguments that are not already shown as the column."""
    shown = []
    for key, value in kwargs.items():
        if key in {"column", "column_list", "batch_id"}:
            continue
        if key == "column_set":
            shown.append(f"column_set=<{len(value)} columns>")
        else:
            shown.append(f"{key}={_plain(value)!r}")
    return ", ".join(shown)


def _plain(value: Any) -> Any:
    """GX coerces numeric bounds to float; `min_value=0` reads better than `0.0`."""
    return int(value) if isinstance(value, float) and value.is_integer() else value


def _notes(meta: Mapping[str, Any] | None) -> str:
    """GX notes are a string, a list of strings, or `{"format": ..., "content": [...]}`."""
    notes = (meta or {}).get("notes") or ""
    if isinstance(notes, Mapping):
        notes = notes.get("content") or ""
    if isinstance(notes, list):
        notes = " ".join(str(note) for note in notes)
    return str(notes)


def _markdown_cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")
