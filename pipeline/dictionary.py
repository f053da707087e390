"""The data dictionary, generated from `schema.py` so it is never written twice.

Its worked queries come from `pipeline/sql.py`, the same text the tests run
against the seeds, so an example in the dictionary always works.
"""

from __future__ import annotations

from pipeline.schema import SCHEMAS, describe
from pipeline.sql import DATABASE_NAME, WORKED_QUERIES


def _tables_section() -> list[str]:
    lines = []
    for table, schema in SCHEMAS.items():
        description = (schema.metadata or {}).get(b"description", b"").decode()
        lines += [
            f"## `{table}`",
            "",
            description,
            "",
            "| column | type | null | meaning |",
            "| --- | --- | --- | --- |",
        ]
        for field in schema:
            nullable = "yes" if field.nullable else "no"
            meaning = describe(field).replace("|", "\\|")
            lines.append(f"| `{field.name}` | `{field.type}` | {nullable} | {meaning} |")
        lines.append("")
    return lines


def _queries_section() -> list[str]:
    lines = [
        "## Worked queries",
        "",
        "Each runs as it stands in `newsrecon sql` (paste it, or pass it as the statement).",
        "An outlet is `articles.outlet`, or the input file when the text names none.",
        "",
    ]
    for query in WORKED_QUERIES:
        lines += [f"### {query.question}", "", query.reading, "", "```sql", query.sql, "```", ""]
    return lines


def data_dictionary() -> str:
    """Every table and column with its type and meaning, and worked queries, as Markdown."""
    lines = [
        "# Data dictionary",
        "",
        "Generated from `pipeline/schema.py` by `newsrecon dictionary`; do not edit by hand.",
        "Every table is a Parquet dataset at `<warehouse>/<table>/`: one `part-0.parquet`, or one per",
        "input batch in `batch=<key>/` folders.",
        "",
        "Query them with SQL: `newsrecon sql` opens a DuckDB shell over the warehouse (`.tables`,",
        '`.schema TABLE`, `.examples`), and `newsrecon sql "SELECT ..."` runs one statement. Each table',
        "is a view of the same name; tables kept per batch have a `batch` column too. Every run also",
        f"writes `<warehouse>/{DATABASE_NAME}` with the same views for tools that open a database file",
        "(its views name the warehouse by absolute path or URL).",
        "[Worked queries](#worked-queries) are below.",
        "",
    ]
    return "\n".join(lines + _tables_section() + _queries_section())
