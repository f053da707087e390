"""The data dictionary is generated from the schema and the committed copy is current."""

from pipeline.dictionary import data_dictionary
from pipeline.schema import SCHEMAS
from pipeline.sql import WORKED_QUERIES
from tests.conftest import ROOT


def test_the_committed_dictionary_matches_the_schema() -> None:
    committed = (ROOT / "docs" / "tables.md").read_text(encoding="utf-8")
    assert committed == data_dictionary(), "run `make dictionary` and commit docs/tables.md"


def test_every_table_and_column_is_documented() -> None:
    text = data_dictionary()
    for table, schema in SCHEMAS.items():
        assert f"## `{table}`" in text
        for field in schema:
            assert (field.metadata or {}).get(b"description"), f"{table}.{field.name} has no description"
            assert f"| `{field.name}` |" in text


def test_the_worked_queries_are_in_the_dictionary_as_the_tests_run_them() -> None:
    text = data_dictionary()
    questions = [query.question for query in WORKED_QUERIES]
    assert any("casualties" in question for question in questions)
    assert any("quoted most" in question for question in questions)
    assert any("agency copy" in question for question in questions)
    for query in WORKED_QUERIES:
        assert f"### {query.question}\n" in text
        assert f"```sql\n{query.sql}\n```" in text
