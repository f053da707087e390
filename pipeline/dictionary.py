"""The data dictionary, generated from `schema.py` so it is never written twice."""

from __future__ import annotations

from pipeline.schema import SCHEMAS, describe


def data_dictionary() -> str:
    """Every table and column with its type and meaning, as Markdown."""
    lines = [
        "# Data dictionary",
        "",
        "Generated from `pipeline/schema.py` by `newsrecon dictionary`; do not edit by hand.",
        "Every table is a Parquet dataset at `<warehouse>/<table>/`.",
        "",
    ]
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
    return "\n".join(lines)
