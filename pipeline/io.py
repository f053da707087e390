"""Dagster IO managers: Parquet tables and spaCy DocBins in the warehouse (a folder or object storage)."""

from __future__ import annotations

import dagster as dg
import pandas as pd
from spacy.tokens import DocBin
from tabulate import tabulate

from pipeline.nlp import describe_docs
from pipeline.schema import PER_BATCH_TABLES, describe, schema_for
from pipeline.storage import WarehousePath, read_table, table_dir, warehouse_path, write_file, write_table

# Input batches: each per-batch table has one partition per batch (see `pipeline/batches.py`).
BATCHES = dg.DynamicPartitionsDefinition(name="batches")
PREVIEW_ROWS = 5
PREVIEW_CELL_CHARS = 60


def column_schema(table: str) -> dg.TableSchema:
    """The table's columns for the Dagster UI, from `schema.py`."""
    return dg.TableSchema(
        columns=[
            dg.TableColumn(
                name=field.name,
                type=str(field.type),
                description=describe(field) or None,
                constraints=dg.TableColumnConstraints(nullable=field.nullable),
            )
            for field in schema_for(table)
        ]
    )


def markdown_preview(frame: pd.DataFrame, rows: int = PREVIEW_ROWS) -> str:
    """The first rows as a Markdown table, long cells shortened."""
    if frame.empty:
        return "_no rows_"

    def short(value: object) -> str:
        text = str(value).replace("\n", " ").replace("|", "\\|")
        return text if len(text) <= PREVIEW_CELL_CHARS else text[: PREVIEW_CELL_CHARS - 1] + "…"

    head = frame.head(rows)
    return tabulate(
        [[short(value) for value in row] for row in head.itertuples(index=False)],
        headers=list(head.columns),
        tablefmt="github",
    )


class ParquetIOManager(dg.ConfigurableIOManager):
    """Each asset is a table at `<warehouse_dir>/<asset name>/`, written atomically with its schema."""

    warehouse_dir: str

    def handle_output(self, context: dg.OutputContext, obj: pd.DataFrame) -> None:
        table = context.asset_key.path[-1]
        path = write_table(warehouse_path(self.warehouse_dir), table, obj, _partition(context))
        context.add_output_metadata(
            {
                "dagster/row_count": len(obj),
                "dagster/column_schema": column_schema(table),
                "dagster/uri": str(path.parent),
                "preview": dg.MetadataValue.md(markdown_preview(obj)),
            }
        )

    def load_input(self, context: dg.InputContext) -> pd.DataFrame:
        """The table; of a per-batch table, the batches the consumer reads (all, for a cross-batch one)."""
        partitions = context.asset_partition_keys if context.has_asset_partitions else None
        return read_table(warehouse_path(self.warehouse_dir), context.asset_key.path[-1], partitions)


class DocBinIOManager(dg.ConfigurableIOManager):
    """spaCy parses as one DocBin file per asset: `<warehouse_dir>/<asset name>/part-0.spacy`."""

    warehouse_dir: str

    def _path(self, context: dg.OutputContext | dg.InputContext, partition: str | None) -> WarehousePath:
        return (
            table_dir(warehouse_path(self.warehouse_dir), context.asset_key.path[-1], partition)
            / "part-0.spacy"
        )

    def handle_output(self, context: dg.OutputContext, obj: DocBin) -> None:
        path = self._path(context, _partition(context))
        payload = obj.to_bytes()
        write_file(path, payload)
        context.add_output_metadata(
            {
                "dagster/row_count": len(obj),
                "dagster/uri": str(path),
                "bytes": len(payload),
                "preview": dg.MetadataValue.md(markdown_preview(describe_docs(obj))),
            }
        )

    def load_input(self, context: dg.InputContext) -> DocBin:
        """The parse of one batch, or of every batch for a cross-batch consumer."""
        if not context.has_asset_partitions or len(context.asset_partition_keys) == 1:
            path = self._path(context, _partition(context))
            if not path.is_file():
                raise FileNotFoundError(f"{path} has not been written yet: materialize `docs` first")
            return DocBin().from_bytes(path.read_bytes())
        merged = DocBin(store_user_data=True)
        for key in context.asset_partition_keys:
            path = self._path(context, key)
            if path.is_file():
                merged.merge(DocBin(store_user_data=True).from_bytes(path.read_bytes()))
        return merged


def _partition(context: dg.OutputContext | dg.InputContext) -> str | None:
    """The one batch an output is, or an input is read for; None for a table kept whole."""
    if not context.has_asset_partitions:
        return None
    if isinstance(context, dg.InputContext):
        return context.asset_partition_keys[0]
    return context.asset_partition_key


def table_out(table: str) -> dg.AssetOut:
    """An output of a multi-asset that is the warehouse table `table`."""
    return dg.AssetOut(
        description=_table_description(table),
        metadata={"dagster/column_schema": column_schema(table)},
        kinds={"parquet", "pandas"},
    )


def table_asset(table: str, **kwargs: object):  # type: ignore[no-untyped-def]
    """`@dg.asset` for the warehouse table `table`: its name, description and column schema."""
    return dg.asset(
        name=table,
        description=_table_description(table),
        metadata={"dagster/column_schema": column_schema(table)},
        kinds={"parquet", "pandas"},
        partitions_def=partitions_for(table),
        **kwargs,
    )


def partitions_for(table: str) -> dg.DynamicPartitionsDefinition | None:
    """Input batches for a per-batch table, none for a table computed across all articles."""
    return BATCHES if table in PER_BATCH_TABLES else None


def _table_description(table: str) -> str:
    return (schema_for(table).metadata or {}).get(b"description", b"").decode()
