"""A record table written to Parquet in row groups, never converted whole.

``frame.to_parquet`` converts the whole table to Arrow first (a second copy of every column),
and the ``scenario`` column written beside each record table used to be added to a full copy
of the frame. Here each block of :data:`ROWS_PER_GROUP` rows is converted and written as one
row group of a :class:`pyarrow.parquet.ParquetWriter`, so writing costs one block of memory
whatever the table's length. Reading the file back (``pandas.read_parquet``) gives the same
table as ``to_parquet`` of the whole frame with the column inserted: same columns, dtypes,
categories and values (``tests/test_streamed_records.py``).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from carecap.sim.experiments.atomic import write_atomic

ROWS_PER_GROUP = 1 << 18
"""Rows converted and written at a time (a row group): ~10 MB of a requests table."""


def with_scenario(frame: pd.DataFrame, scenario: str) -> pd.DataFrame:
    """``frame`` with the categorical column ``scenario`` first (a shallow copy: the record
    columns are not copied)."""
    out = frame.copy(deep=False)
    categories = [scenario] if len(frame) else []  # (as pd.Categorical of the values)
    codes = pd.Categorical.from_codes([0] * len(frame), pd.Index(categories))
    out.insert(0, "scenario", pd.Series(codes, index=out.index))
    return out


def write_record_parquet(
    path: Path, frame: pd.DataFrame, scenario: str, rows_per_group: int = ROWS_PER_GROUP
) -> Path:
    """Write ``frame`` with its ``scenario`` column to ``path`` (atomically), block by block."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    def write(tmp: Path) -> None:
        starts = range(0, len(frame), rows_per_group) if len(frame) else [0]
        writer, schema = None, None
        try:
            for lo in starts:
                part = with_scenario(frame.iloc[lo : lo + rows_per_group], scenario)
                table = pa.Table.from_pandas(part, schema=schema, preserve_index=False)
                if writer is None:  # the first block's schema is the file's
                    schema = table.schema
                    writer = pq.ParquetWriter(tmp, schema)
                writer.write_table(table)
        finally:
            if writer is not None:
                writer.close()

    return write_atomic(path, write)
