"""SQL over the warehouse with DuckDB: one view per table, a database file, a shell, worked queries.

Views read the Parquet files where they lie, so a query always sees the
tables as the last run left them and nothing is copied. A table is either one
`part-0.parquet` or hive partitions (`batch=<key>/part-0.parquet`); hidden
files and folders (writers' temporaries) are never read, and a table with no
file yet is an empty view with its schema's columns and types.

A warehouse on object storage is read through its fsspec filesystem,
registered with each connection (`register_filesystem`): DuckDB's own httpfs
extension, which it would download, is not needed.
"""

from __future__ import annotations

import sys
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

import duckdb
from tabulate import tabulate

from pipeline.schema import SCHEMAS, TABLES, describe
from pipeline.storage import WarehousePath, is_local, table_dir, warehouse_path, write_file

DATABASE_NAME = "warehouse.duckdb"
# Results longer than this are cut in the rendered table; `COPY (...) TO` exports them whole.
MAX_ROWS = 1000
MAX_CELL_CHARS = 100
HISTORY_FILE = Path("~/.newsrecon_sql_history")
NUMERIC_TYPES = frozenset(
    {
        *("TINYINT", "SMALLINT", "INTEGER", "BIGINT", "HUGEINT"),
        *("UTINYINT", "USMALLINT", "UINTEGER", "UBIGINT", "UHUGEINT"),
        *("FLOAT", "DOUBLE", "DECIMAL"),
    }
)
VISIBLE = "[!.]*"


class QueryError(RuntimeError):
    """A statement DuckDB rejected, with its message on one line."""


@dataclass(frozen=True)
class WorkedQuery:
    """A question an analyst asks, the query that answers it, and how to read the answer."""

    question: str
    reading: str
    sql: str


# Outlets are named by `articles.outlet`, or by the input file when the text names none
# (unknown outlets count once each, as in `stories.outlet_count`).
WORKED_QUERIES: tuple[WorkedQuery, ...] = (
    WorkedQuery(
        question="Where do outlets disagree about casualties?",
        reading=(
            "One row per claim in a conflict about people counted (killed, wounded, displaced...): "
            "which outlet gives which figure, on whose authority. `spread` is the largest over the "
            "smallest value; the widest disagreements come first."
        ),
        sql="""\
SELECT
    conflicts.measure,
    coalesce(articles.outlet, articles.source_path) AS outlet,
    claims.number_text AS figure,
    claims.value,
    claims.attributed_to,
    claims.subject,
    round(conflicts.spread, 2) AS spread,
    conflicts.conflict_id
FROM conflicts
CROSS JOIN unnest(conflicts.claim_ids) AS member(claim_id)
JOIN claims ON claims.claim_id = member.claim_id
JOIN articles ON articles.article_id = claims.article_id
WHERE claims.unit = 'people'
ORDER BY conflicts.spread DESC, conflicts.measure, claims.value DESC, outlet;""",
    ),
    WorkedQuery(
        question="Who is quoted most across outlets?",
        reading=(
            "Speakers ranked by the outlets that quote them, then by the distinct things they are "
            "quoted saying (quote clusters: the same words across outlets count once), then by quotes."
        ),
        sql="""\
SELECT
    coalesce(entities.name, quotes.speaker_name) AS speaker,
    count(DISTINCT coalesce(articles.outlet, articles.source_path)) AS outlets,
    count(DISTINCT quotes.article_id) AS articles,
    count(DISTINCT quotes.cluster_id) AS distinct_quotes,
    count(*) AS quotes
FROM quotes
JOIN articles ON articles.article_id = quotes.article_id
LEFT JOIN entities ON entities.entity_id = quotes.speaker_entity_id
WHERE quotes.speaker_name IS NOT NULL
GROUP BY coalesce(quotes.speaker_entity_id, quotes.speaker_name), speaker
ORDER BY outlets DESC, distinct_quotes DESC, quotes DESC, speaker
LIMIT 10;""",
    ),
    WorkedQuery(
        question="Which outlets only carry agency copy?",
        reading=(
            "Outlets none of whose articles is independent reporting: each article says it carries "
            "agency copy (`articles.agency_copy`) or shares copy with another outlet's article "
            "(`source_overlap`, the pipeline's test for one source). `credits` lists whom they credit."
        ),
        sql="""\
WITH labelled AS (
    SELECT *, coalesce(outlet, source_path) AS outlet_name FROM articles
),
shares_copy AS (
    SELECT labelled.article_id
    FROM source_overlap
    JOIN labelled ON labelled.article_id IN (source_overlap.article_id, source_overlap.other_article_id)
    JOIN labelled AS other
        ON other.article_id IN (source_overlap.article_id, source_overlap.other_article_id)
        AND other.article_id <> labelled.article_id
    WHERE other.outlet_name <> labelled.outlet_name
),
flagged AS (
    SELECT
        labelled.*,
        labelled.article_id IN (SELECT article_id FROM shares_copy) AS shared_copy
    FROM labelled
)
SELECT
    outlet_name AS outlet,
    count(*) AS articles,
    count(*) FILTER (WHERE agency_copy) AS say_agency_copy,
    count(*) FILTER (WHERE shared_copy) AS share_copy,
    list_sort(list_distinct(flatten(list(credits)))) AS credits
FROM flagged
GROUP BY outlet_name
HAVING bool_and(agency_copy OR shared_copy)
ORDER BY articles DESC, outlet;""",
    ),
)


def _quoted(text: str) -> str:
    """A SQL string literal."""
    return "'" + text.replace("'", "''") + "'"


def _visible_parquet_files(directory: WarehousePath) -> list[WarehousePath]:
    """The table's Parquet files, leaving out hidden files and folders (writes in progress)."""
    if not directory.is_dir():
        return []
    return [
        path
        for path in directory.rglob("*.parquet")
        if not any(part.startswith(".") for part in path.relative_to(directory).parts)
    ]


def _empty_relation_sql(connection: duckdb.DuckDBPyConnection, table: str) -> str:
    """A query with no rows and exactly the schema's columns and types (DuckDB maps the types)."""
    relation = connection.from_arrow(SCHEMAS[table].empty_table())
    columns = ", ".join(
        f'CAST(NULL AS {column_type}) AS "{name}"'
        for name, column_type in zip(relation.columns, relation.types, strict=True)
    )
    return f"SELECT {columns} WHERE false"


def _table_sql(connection: duckdb.DuckDBPyConnection, directory: WarehousePath, table: str) -> str:
    """The query a table's view runs: its visible files by glob, or an empty typed relation."""
    files = _visible_parquet_files(directory)
    if not files:
        return _empty_relation_sql(connection, table)
    # One glob per folder depth present: `[!.]*` at every level keeps hidden names out.
    depths = sorted({len(path.relative_to(directory).parts) for path in files})
    patterns = [str(directory.joinpath(*[VISIBLE] * (depth - 1), f"{VISIBLE}.parquet")) for depth in depths]
    sources = "[" + ", ".join(_quoted(pattern) for pattern in patterns) + "]"
    partitioned = "true" if depths != [1] else "false"
    return (
        f"SELECT * FROM read_parquet({sources}, hive_partitioning = {partitioned}, "
        "hive_types_autocast = false, union_by_name = true)"
    )


def connect(warehouse: WarehousePath, database: str = ":memory:") -> duckdb.DuckDBPyConnection:
    """A DuckDB connection that can read the warehouse: a remote one's fsspec filesystem is registered."""
    connection = duckdb.connect(database)
    if not is_local(warehouse):
        connection.register_filesystem(warehouse.fs)
    return connection


def create_views(connection: duckdb.DuckDBPyConnection, warehouse: WarehousePath) -> tuple[str, ...]:
    """Create (or replace) one view per table over the warehouse's files; returns the view names.

    Paths are absolute (or URLs): DuckDB resolves relative paths in a view
    against the reader's working directory, not against the database file.
    """
    warehouse = warehouse_path(warehouse)
    for table in TABLES:
        query = _table_sql(connection, table_dir(warehouse, table), table)
        connection.execute(f'CREATE OR REPLACE VIEW "{table}" AS {query}')
    return TABLES


def open_warehouse(warehouse: WarehousePath) -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB connection with a view per table; nothing is locked or copied."""
    connection = connect(warehouse)
    create_views(connection, warehouse)
    return connection


def write_database(warehouse: WarehousePath) -> WarehousePath:
    """Write `<warehouse>/warehouse.duckdb` holding the views, atomically; returns its path.

    For tools that open a database file. A reader sees the previous file or the
    new one, never half of one. The views name the warehouse by its absolute
    path or URL: after moving the warehouse, run this again (or `newsrecon sql`,
    which needs no file). DuckDB writes only local files, so the database is
    built in a temporary folder and copied into place; the views of a remote
    warehouse read through whatever serves its URLs to the reader (its fsspec
    filesystem registered, or DuckDB's httpfs).
    """
    warehouse = warehouse_path(warehouse)
    target = warehouse / DATABASE_NAME
    with tempfile.TemporaryDirectory(prefix="newsrecon-duckdb-") as folder:
        built = Path(folder) / DATABASE_NAME
        with connect(warehouse, str(built)) as connection:
            create_views(connection, warehouse)
        write_file(target, built.read_bytes())
    return target


def error_message(error: duckdb.Error) -> str:
    """DuckDB's message on one line, keeping its `Did you mean` hint."""
    lines = [line.strip() for line in str(error).splitlines() if line.strip()]
    hints = [line for line in lines[1:] if line.startswith("Did you mean")]
    return " ".join(lines[:1] + hints)


def _cell(value: object) -> object:
    """A value as it reads in a table: lists and structs DuckDB-style, long text cut, on one line."""
    if isinstance(value, list | tuple):
        return "[" + ", ".join(str(_cell(item)) for item in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{key}: {_cell(item)}" for key, item in value.items()) + "}"
    if isinstance(value, str):
        flat = value.replace("\r", "\\r").replace("\n", "\\n")
        return flat if len(flat) <= MAX_CELL_CHARS else flat[: MAX_CELL_CHARS - 1] + "…"
    return value


def render(
    columns: Sequence[str],
    rows: Sequence[Sequence[object]],
    numeric: Sequence[bool] | None = None,
    truncated: bool = False,
) -> str:
    """Rows as a text table with a count line below it (saying so when rows were left out).

    Text is never parsed as a number (an id like `5e12` stays as written);
    columns of numeric type are right-aligned.
    """
    table = tabulate(
        [[_cell(value) for value in row] for row in rows],
        headers=list(columns),
        tablefmt="simple_outline",
        missingval="NULL",
        disable_numparse=True,
        colalign=["right" if flag else "left" for flag in numeric or [False] * len(columns)],
    )
    if truncated:
        return f"{table}\n(first {len(rows)} rows shown; add a LIMIT)"
    return f"{table}\n({len(rows)} {'row' if len(rows) == 1 else 'rows'})"


def run_statement(connection: duckdb.DuckDBPyConnection, statement: str, max_rows: int = MAX_ROWS) -> str:
    """Run SQL (the last statement's result is shown) and render it; DuckDB errors become QueryError."""
    try:
        connection.execute(statement)
        if connection.description is None:
            return "OK"
        columns = [name for name, *_ in connection.description]
        numeric = [
            str(column_type).split("(")[0] in NUMERIC_TYPES for _, column_type, *_ in connection.description
        ]
        rows = connection.fetchmany(max_rows + 1)
    except duckdb.Error as error:
        raise QueryError(error_message(error)) from error
    return render(columns, rows[:max_rows], numeric, truncated=len(rows) > max_rows)


SHELL_HELP = """\
Statements end with `;` and may span lines. Each table is a view of the same name.
  .tables           tables with their row counts
  .schema TABLE     columns of a table: type and meaning
  .examples         the data dictionary's worked queries
  .help             this text
  .quit             leave (or Ctrl-D)"""


class Shell:
    """The interactive `newsrecon sql`: reads lines, runs each `;`-terminated statement."""

    def __init__(self, connection: duckdb.DuckDBPyConnection, out: TextIO, err: TextIO) -> None:
        self.connection = connection
        self.out = out
        self.err = err
        self.pending: list[str] = []
        self.failures = 0

    @property
    def prompt(self) -> str:
        return "   ...> " if self.pending else "newsrecon> "

    def feed(self, line: str) -> bool:
        """Take one line of input; False when the user asked to leave."""
        if not self.pending and line.strip().startswith("."):
            return self._command(line.strip())
        if line.strip() or self.pending:
            self.pending.append(line)
        if self.pending and "\n".join(self.pending).rstrip().endswith(";"):
            statement = "\n".join(self.pending)
            self.pending = []
            self._execute(statement)
        return True

    def _execute(self, statement: str) -> None:
        try:
            print(run_statement(self.connection, statement), file=self.out)
        except QueryError as error:
            self.failures += 1
            print(f"Error: {error}", file=self.err)

    def _command(self, line: str) -> bool:
        name, _, argument = line.partition(" ")
        if name in (".quit", ".exit"):
            return False
        if name == ".tables":
            counts = [(table, self._row_count(table)) for table in TABLES]
            print(tabulate(counts, headers=["table", "rows"], tablefmt="simple_outline"), file=self.out)
        elif name == ".schema" and argument.strip() in SCHEMAS:
            print(schema_text(argument.strip()), file=self.out)
        elif name == ".schema":
            print(f"Error: .schema needs a table: {', '.join(TABLES)}", file=self.err)
        elif name == ".examples":
            for query in WORKED_QUERIES:
                print(f"-- {query.question}\n{query.sql}\n", file=self.out)
        elif name == ".help":
            print(SHELL_HELP, file=self.out)
        else:
            print(f"Error: unknown command {name}; .help lists them", file=self.err)
        return True

    def _row_count(self, table: str) -> int:
        return self.connection.execute(f'SELECT count(*) FROM "{table}"').fetchall()[0][0]


def schema_text(table: str) -> str:
    """A table's description and columns (type and meaning), from `schema.py`."""
    schema = SCHEMAS[table]
    rows = [(field.name, str(field.type), describe(field)) for field in schema]
    description = (schema.metadata or {}).get(b"description", b"").decode()
    return f"{table}: {description}\n" + tabulate(
        rows, headers=["column", "type", "meaning"], tablefmt="simple_outline", maxcolwidths=[None, 40, 60]
    )


def run_shell(
    connection: duckdb.DuckDBPyConnection,
    history: Path | None = HISTORY_FILE,
    stdin: TextIO | None = None,
    stdout: TextIO | None = None,
    stderr: TextIO | None = None,
) -> int:
    """Read statements from standard input until Ctrl-D or `.quit`; returns how many failed.

    On a terminal it prompts and keeps a readline history; piped input
    (`newsrecon sql < queries.sql`) runs as a script.
    """
    source = stdin or sys.stdin
    shell = Shell(connection, stdout or sys.stdout, stderr or sys.stderr)
    interactive = source.isatty()
    history_path = history.expanduser() if history is not None and interactive else None
    if history_path is not None:
        import readline

        if history_path.exists():
            readline.read_history_file(history_path)
        print('newsrecon sql: DuckDB over the warehouse. ".help" for help, Ctrl-D to leave.', file=shell.out)
    try:
        while True:
            try:
                line = input(shell.prompt) if interactive else _next_line(source)
            except KeyboardInterrupt:
                shell.pending = []
                print(file=shell.out)
                continue
            if not shell.feed(line):
                break
    except EOFError:
        if interactive:
            print(file=shell.out)
    if shell.pending:
        shell.feed(";")
    if history_path is not None:
        readline.write_history_file(history_path)
    return shell.failures


def _next_line(stream: TextIO) -> str:
    """The next line of piped input; EOFError at the end, as `input()` does on a terminal."""
    line = stream.readline()
    if not line:
        raise EOFError
    return line.rstrip("\n")
