"""`newsrecon sql`: DuckDB views over the warehouse, the database file, the shell and the worked queries."""

from __future__ import annotations

import io
import re
import shutil
import sys
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow.parquet as pq
import pytest

from pipeline.cli import EXIT_CANNOT_START, EXIT_CHECK_FAILED, EXIT_OK, main
from pipeline.reconcile.overlap import source_overlap
from pipeline.schema import SCHEMAS, TABLES
from pipeline.sql import DATABASE_NAME, WORKED_QUERIES, open_warehouse, run_shell, write_database
from pipeline.storage import to_arrow, write_table
from tests.conftest import SeedRun

CASUALTIES, QUOTED_MOST, AGENCY_COPY = WORKED_QUERIES


def answer(connection: duckdb.DuckDBPyConnection, sql: str) -> pd.DataFrame:
    return connection.sql(sql).df()


def outlet_names(articles: pd.DataFrame) -> pd.Series:
    """Each article's outlet, or its input file when the text names none (as the queries say)."""
    return articles["outlet"].fillna(articles["source_path"]).set_axis(articles["article_id"])


def agency_only_outlets(articles: pd.DataFrame, overlap: pd.DataFrame) -> set[str]:
    """Outlets all of whose articles declare agency copy or share copy with another outlet's article."""
    outlet = outlet_names(articles)
    across = overlap[
        outlet[overlap["article_id"]].to_numpy() != outlet[overlap["other_article_id"]].to_numpy()
    ]
    sharing = set(across["article_id"]) | set(across["other_article_id"])
    copied = articles["agency_copy"] | articles["article_id"].isin(sharing)
    return set(copied.groupby(outlet.to_numpy()).all().loc[lambda flags: flags].index)


def test_every_table_is_a_view_with_the_rows_of_the_run(seed_run: SeedRun) -> None:
    with open_warehouse(seed_run.warehouse) as connection:
        for table in TABLES:
            view = connection.sql(f"SELECT * FROM {table}")
            assert set(SCHEMAS[table].names) <= set(view.columns), table
            assert view.aggregate("count(*)").fetchall() == [(len(seed_run.tables[table]),)], table


def test_the_acceptance_statement_counts_conflicts_by_measure(seed_run: SeedRun, capsys) -> None:
    status = main(
        ["sql", "--warehouse", str(seed_run.warehouse), "SELECT measure, count(*) FROM conflicts GROUP BY 1"]
    )
    out = capsys.readouterr().out
    assert status == EXIT_OK
    for measure, count in seed_run.tables["conflicts"]["measure"].value_counts().items():
        assert any(measure in line and line.rstrip(" │").endswith(str(count)) for line in out.splitlines())


def test_an_sql_error_exits_1_with_one_clear_line(seed_run: SeedRun, capsys) -> None:
    status = main(["sql", "--warehouse", str(seed_run.warehouse), "SELECT * FROM conflict"])
    err = capsys.readouterr().err
    assert status == EXIT_CHECK_FAILED
    assert len(err.strip().splitlines()) == 1
    assert "conflict" in err and '"conflicts"' in err, "DuckDB's suggestion is kept"


def test_a_missing_warehouse_exits_2(tmp_path: Path, capsys) -> None:
    status = main(["sql", "--warehouse", str(tmp_path / "nowhere"), "SELECT 1"])
    assert status == EXIT_CANNOT_START
    assert "does not exist" in capsys.readouterr().err


def test_batch_partitions_read_as_one_table_and_hidden_files_are_skipped(
    seed_run: SeedRun, tmp_path: Path
) -> None:
    articles = seed_run.tables["articles"]
    folder = tmp_path / "warehouse" / "articles"
    for name, batch in (
        ("batch=a", articles.iloc[:2]),
        ("batch=b", articles.iloc[2:]),
        (".batch=c", articles),
    ):
        (folder / name).mkdir(parents=True)
        pq.write_table(to_arrow("articles", batch), folder / name / "part-0.parquet")
    pq.write_table(to_arrow("articles", articles), folder / "batch=a" / ".part-0.parquet")

    with open_warehouse(tmp_path / "warehouse") as connection:
        rows = connection.sql("SELECT batch, article_id FROM articles").fetchall()
    assert sorted(article for _, article in rows) == sorted(articles["article_id"])
    assert {batch for batch, _ in rows} == {"a", "b"}


def test_a_table_not_written_yet_is_an_empty_view_with_its_schema(tmp_path: Path) -> None:
    with open_warehouse(tmp_path) as connection:
        conflicts = connection.sql("SELECT * FROM conflicts")
        assert conflicts.columns == SCHEMAS["conflicts"].names
        assert dict(zip(conflicts.columns, map(str, conflicts.types), strict=True))["values"] == "DOUBLE[]"
        for query in WORKED_QUERIES:
            assert answer(connection, query.sql).empty, query.question


def test_the_database_file_holds_the_views_and_is_replaced_whole(seed_run: SeedRun, tmp_path: Path) -> None:
    warehouse = shutil.copytree(seed_run.warehouse, tmp_path / "warehouse")
    first = write_database(warehouse)
    with duckdb.connect(str(first), read_only=True) as reader:
        assert reader.sql("SELECT count(*) FROM quotes").fetchall() == [(len(seed_run.tables["quotes"]),)]
        second = write_database(warehouse)
        assert reader.sql("SELECT count(*) FROM claims").fetchall() == [(len(seed_run.tables["claims"]),)]
    assert first == second == warehouse / DATABASE_NAME
    assert sorted(path.name for path in warehouse.glob(f"*{DATABASE_NAME}*")) == [DATABASE_NAME]


def test_casualty_disagreements_list_each_outlets_figure(seed_run: SeedRun) -> None:
    tables = seed_run.tables
    claims = (
        tables["conflicts"]
        .explode("claim_ids")
        .merge(tables["claims"], left_on="claim_ids", right_on="claim_id", suffixes=("", "_claim"))
    )
    people = claims[claims["unit"] == "people"]
    expected = sorted(
        zip(
            people["measure"],
            people["article_id"].map(outlet_names(tables["articles"])),
            people["value"],
            strict=True,
        )
    )
    with open_warehouse(seed_run.warehouse) as connection:
        found = answer(connection, CASUALTIES.sql)
    assert sorted(zip(found["measure"], found["outlet"], found["value"], strict=True)) == expected
    assert {"killed", "displaced"} <= set(found["measure"]), "seeds: killed and displaced figures conflict"
    assert found["outlet"].nunique() >= 2, "a disagreement is between outlets"
    assert found["spread"].is_monotonic_decreasing


def test_the_most_quoted_speaker_is_quoted_by_the_most_outlets(seed_run: SeedRun) -> None:
    quotes = seed_run.tables["quotes"].dropna(subset=["speaker_entity_id"])
    outlets = quotes["article_id"].map(outlet_names(seed_run.tables["articles"]))
    reach = outlets.groupby(quotes["speaker_entity_id"]).nunique()
    entities = seed_run.tables["entities"].set_index("entity_id")["name"]
    with open_warehouse(seed_run.warehouse) as connection:
        found = answer(connection, QUOTED_MOST.sql)
    top = found.iloc[0]
    assert top["speaker"] == entities[reach.idxmax()] == "Matthew Miller"
    assert top["outlets"] == reach.max() == len(seed_run.tables["articles"])
    assert top["distinct_quotes"] < top["quotes"], "the same words in several outlets count once"
    assert "Sean Savett" in set(found["speaker"])


def test_agency_copy_outlets_on_the_seeds_match_the_articles_flags(seed_run: SeedRun) -> None:
    with open_warehouse(seed_run.warehouse) as connection:
        found = answer(connection, AGENCY_COPY.sql)
    expected = agency_only_outlets(seed_run.tables["articles"], seed_run.tables["source_overlap"])
    assert set(found["outlet"]) == expected
    assert expected == {seed_run.article("001")["source_path"]}, "seeds: only 001 says it carries agency copy"
    assert found["credits"].iloc[0].tolist() == ["agencies"]


def test_outlets_sharing_copy_count_as_agency_copy_unless_they_also_report_independently(
    seed_run: SeedRun, tmp_path: Path
) -> None:
    # With their quotations left in, the seeds overlap: real shared copy between every pair.
    tables = seed_run.tables
    overlap = source_overlap(tables["articles"], tables["sentences"], tables["quotes"].iloc[0:0])
    # One article keeps no shared copy, and its outlet also publishes one of the copying articles.
    independent, copying = tables["articles"]["article_id"].iloc[[-1, 0]]
    overlap = overlap[(overlap["article_id"] != independent) & (overlap["other_article_id"] != independent)]
    articles = tables["articles"].copy()
    articles.loc[articles["article_id"].isin([independent, copying]), "outlet"] = "One Outlet"
    for table, frame in (("articles", articles), ("source_overlap", overlap)):
        write_table(tmp_path, table, frame)

    with open_warehouse(tmp_path) as connection:
        found = answer(connection, AGENCY_COPY.sql)
    expected = agency_only_outlets(articles, overlap)
    assert set(found["outlet"]) == expected
    assert "One Outlet" not in expected, "one independent article makes an outlet more than agency copy"
    assert len(expected) == len(articles) - 2, "every other article shares copy"
    assert (found["share_copy"] == found["articles"]).all()


def test_the_shell_runs_multi_line_statements_and_dot_commands(seed_run: SeedRun) -> None:
    script = io.StringIO(
        "SELECT count(*) AS n\n  FROM stories;\n.schema conflicts\nSELECT * FROM nowhere;\n.quit\nSELECT 1;\n"
    )
    out, err = io.StringIO(), io.StringIO()
    with open_warehouse(seed_run.warehouse) as connection:
        failures = run_shell(connection, history=None, stdin=script, stdout=out, stderr=err)
    assert failures == 1
    assert re.search(rf"│\s+{len(seed_run.tables['stories'])} │", out.getvalue())
    assert "Largest over smallest value claimed" in out.getvalue(), ".schema shows each column's meaning"
    assert "nowhere" in err.getvalue()
    assert "(1 row)" in out.getvalue() and out.getvalue().count("(1 row)") == 1, "nothing runs after .quit"


def test_piped_statements_with_an_error_exit_1(seed_run: SeedRun, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(
        sys, "stdin", io.StringIO("SELECT measure FROM conflicts;\nSELECT nope FROM conflicts")
    )
    assert main(["sql", "--warehouse", str(seed_run.warehouse)]) == EXIT_CHECK_FAILED
