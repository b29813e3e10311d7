"""Arrow tables from numpy columns and back from Parquet, without loading pandas.

pyarrow imports pandas (about half a second, and a tenth more at exit) the
first time it converts a numpy array or a Python list, or reads through
``pyarrow.dataset`` (``pq.read_table``); a sweep's main process needs none
of that. Here columns become Arrow arrays from their memory buffers, and
files are read with ``pq.ParquetFile``, so a sweep from the command line
runs without pandas (tested in ``tests/test_startup.py``). The values are
the same as ``pa.table(columns)`` gives (tested): NaN stays a float, not a
null, as pyarrow does for numpy input.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    import pyarrow as pa


def arrow_array(values: np.ndarray, kind: pa.DataType | None = None) -> pa.Array:
    """``values`` as an Arrow array of type ``kind`` (by default from the dtype).

    Supported: int64, float64, bool and string columns without nulls, which
    is every column a sweep writes.
    """
    import pyarrow as pa

    values = np.asarray(values)
    kind = kind or _arrow_type(values)
    n = len(values)
    if kind == pa.string():
        encoded = [str(value).encode() for value in values]
        offsets = np.zeros(n + 1, dtype=np.int32)
        np.cumsum([len(e) for e in encoded], out=offsets[1:])
        buffers = [None, pa.py_buffer(offsets), pa.py_buffer(b"".join(encoded))]
    elif kind == pa.bool_():
        buffers = [None, pa.py_buffer(np.packbits(values.astype(bool), bitorder="little"))]
    elif kind in (pa.int64(), pa.float64()):
        dtype = np.int64 if kind == pa.int64() else np.float64
        buffers = [None, pa.py_buffer(np.ascontiguousarray(values, dtype=dtype))]
    else:
        raise TypeError(f"no Arrow column of type {kind} here")
    return pa.Array.from_buffers(kind, n, buffers)


def _arrow_type(values: np.ndarray) -> pa.DataType:
    import pyarrow as pa

    if values.dtype.kind == "b":
        return pa.bool_()
    if values.dtype.kind in "iu":
        return pa.int64()
    if values.dtype.kind == "f":
        return pa.float64()
    return pa.string()


def arrow_table(columns: Mapping[str, np.ndarray], schema: pa.Schema | None = None) -> pa.Table:
    """A table of ``columns``: in ``schema``'s order and types if given, else as they come."""
    import pyarrow as pa

    if schema is None:
        names = list(columns)
        return pa.Table.from_arrays([arrow_array(columns[n]) for n in names], names=names)
    arrays = [arrow_array(columns[field.name], field.type) for field in schema]
    return pa.Table.from_arrays(arrays, schema=schema)


def int_column(column: pa.ChunkedArray) -> np.ndarray:
    """An int64 column without nulls as a numpy array, read from its buffers.

    (``to_numpy`` would load pandas.)
    """
    parts = [
        np.frombuffer(chunk.buffers()[1], dtype=np.int64, count=len(chunk), offset=8 * chunk.offset)
        for chunk in column.chunks
    ]
    return np.concatenate(parts) if parts else np.zeros(0, dtype=np.int64)


def read_parquet(path: Path, columns: list[str] | None = None) -> pa.Table:
    """One Parquet file as a table (``pq.ParquetFile``: no pandas, no datasets)."""
    import pyarrow.parquet as pq

    with pq.ParquetFile(path) as file:
        return file.read(columns=columns)
