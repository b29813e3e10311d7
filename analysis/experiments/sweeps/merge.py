"""Merging a results dataset's part files into one file, ordered by run.

Workers finish in any order, so a sweep's part files hold its runs in the
order their batches finished. The merged file ``data.parquet`` holds them
sorted by point and replicate (and step, for trajectories), each run once,
so the same sweep gives the same file, byte for byte, whatever the number
of workers, the order batches finished in, or how often it was resumed.

The merge reads a range of design points at a time (about
:data:`ROW_GROUP` rows, skipping row groups outside the range by their
statistics), so its memory does not grow with the sweep. Part files are
read with ``pq.ParquetFile`` (no pandas, see
:mod:`analysis.experiments.sweeps.tables`).
"""

from __future__ import annotations

import contextlib
from pathlib import Path

import numpy as np

from analysis.experiments.files import write_with
from analysis.experiments.sweeps.results import parquet_files
from analysis.experiments.sweeps.tables import arrow_array, int_column

#: Rows per row group of a merged file (and per range of points merged at once).
ROW_GROUP = 65_536
#: The name of a dataset's merged file.
MERGED = "data.parquet"


def compact(folder: Path, schema, keys: tuple[str, ...]) -> None:
    """Merge the dataset in ``folder`` into ``data.parquet``, sorted by ``keys``.

    The merged file is written atomically before the parts are deleted, so a
    merge cut short leaves every run on disk (a run in both is kept once).
    """
    files = parquet_files(folder)
    target = folder / MERGED
    if not files or files == [target]:
        return
    write_with(target, lambda tmp: _merge(files, tmp, schema, keys))
    for file in files:
        if file != target:
            file.unlink()


def _merge(files: list[Path], tmp: Path, schema, keys: tuple[str, ...]) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    with contextlib.ExitStack() as stack:
        sources = [stack.enter_context(pq.ParquetFile(file)) for file in files]
        points = [int_column(source.read(columns=["point"]).column("point")) for source in sources]
        size = max((int(p.max()) + 1 for p in points if len(p)), default=0)
        counts = sum((np.bincount(p, minlength=size) for p in points), np.zeros(size, np.int64))
        ranges = point_ranges(counts)
        starts = np.array([low for low, _ in ranges], dtype=np.int64)
        # the ranges each file has rows in: most parts hold a few neighbouring points
        touched = [set(np.searchsorted(starts, np.unique(p), side="right") - 1) for p in points]
        with pq.ParquetWriter(tmp, schema, compression="zstd") as writer:
            for index, (low, high) in enumerate(ranges):
                pieces = [
                    piece.cast(schema)
                    for source, where in zip(sources, touched, strict=True)
                    if index in where
                    for piece in _rows_between(source, low, high)
                ]
                table = _sorted_once(pa.concat_tables(pieces), keys)
                writer.write_table(table, row_group_size=ROW_GROUP)


def point_ranges(counts: np.ndarray) -> list[tuple[int, int]]:
    """Consecutive ranges of points (inclusive) holding about :data:`ROW_GROUP` rows each."""
    ranges, low, rows = [], 0, 0
    for point, n in enumerate(counts.tolist()):
        rows += n
        if rows >= ROW_GROUP:
            ranges.append((low, point))
            low, rows = point + 1, 0
    if rows:
        ranges.append((low, len(counts) - 1))
    return ranges


def _rows_between(source, low: int, high: int):
    """The rows of ``source`` whose point is in ``[low, high]``, a row group at a time."""
    metadata = source.metadata
    column = source.schema_arrow.get_field_index("point")
    for group in range(metadata.num_row_groups):
        stats = metadata.row_group(group).column(column).statistics
        if stats is not None and stats.has_min_max and (stats.max < low or stats.min > high):
            continue
        table = source.read_row_group(group)
        point = int_column(table.column("point"))
        inside = (point >= low) & (point <= high)
        if inside.all():
            yield table
        elif inside.any():
            yield table.filter(arrow_array(inside))


def _sorted_once(table, keys: tuple[str, ...]):
    """``table`` sorted by ``keys``, each key once (a run merged before is not repeated)."""
    columns = [int_column(table.column(key)) for key in keys]
    order = np.lexsort(columns[::-1])  # lexsort sorts by its last key first
    ordered = np.stack([column[order] for column in columns])
    first = np.ones(len(order), dtype=bool)
    first[1:] = (ordered[:, 1:] != ordered[:, :-1]).any(axis=0)
    return table.take(arrow_array(order[first]))
