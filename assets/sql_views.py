"""SQL access: a DuckDB database file with one view per table, for tools that want a file."""

import dagster as dg

from pipeline.resources import WarehouseResource
from pipeline.schema import TABLES
from pipeline.sql import write_database


@dg.asset(
    group_name="publish",
    kinds={"duckdb"},
    deps=list(TABLES),
    description="`<warehouse>/warehouse.duckdb`: one view per table over the Parquet files "
    "(`SELECT * FROM conflicts`).",
)
def warehouse_duckdb(warehouse: WarehouseResource) -> dg.MaterializeResult:
    path = write_database(warehouse.path)
    return dg.MaterializeResult(metadata={"dagster/uri": str(path), "views": len(TABLES)})
