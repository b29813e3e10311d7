"""Units and descriptions of every column staffroom writes, carried in Parquet files.

Each column of a table written by ``run``, ``compare`` or ``sweep`` gets
field metadata ``unit`` and ``description`` (readable with
``pyarrow.parquet.read_schema(path).field("annual_gain").metadata``, R's
``arrow`` or DuckDB), and the schema gets a ``staffroom`` entry with all of
them as JSON, so a table keeps its meaning when it leaves the project.
"""

from __future__ import annotations

import io
import json
from typing import TYPE_CHECKING, Any

from simulation import SOURCES, Parameters
from simulation.outcomes import REGISTRY

if TYPE_CHECKING:  # a sweep's main process writes Parquet without pandas
    import pandas as pd

#: Columns that identify a run or a row.
IDENTIFIERS = {
    "scenario": ("", "scenario name"),
    "replicate": (
        "",
        "replicate number (0-based); replicate r of every scenario or design "
        "point shares a seed under common random numbers",
    ),
    "seed": (
        "",
        "the run's model seed (Mesa's rng), below 2^53 so that it survives "
        "conversion to a double (R, Excel, JavaScript); rerun with SchoolModel(rng=seed)",
    ),
    "step": ("week", "weeks since the start of the run (0 = before the first week)"),
    "point": ("", "design point (row of design.parquet)"),
    "years": ("school years", "school years the run lasted"),
}


def describe(column: str) -> tuple[str, str] | None:
    """``(unit, description)`` of a column staffroom writes, or None if unknown.

    Knows identifiers, outcomes (also ``outcome_<name>``), outcomes at a
    year's end (``<name>_y2``), yearly source sums and model parameters.
    """
    if column in IDENTIFIERS:
        return IDENTIFIERS[column]
    name = column.removeprefix("outcome_")
    if name in REGISTRY:
        return REGISTRY[name].unit, REGISTRY[name].description
    stem, _, year = name.rpartition("_y")
    if year.isdigit() and stem in REGISTRY:
        return REGISTRY[stem].unit, f"{REGISTRY[stem].description}, at the end of year {year}"
    if name.startswith("source_") and name.endswith("_year"):
        source = name.removeprefix("source_").removesuffix("_year")
        if source in SOURCES:
            return (
                "0-1 (x8 for TSES points)",
                f"change in mean self-efficacy from {source} "
                "summed over the school year's 36 weeks",
            )
    if column in Parameters.names():
        spec = Parameters.spec(column)
        return spec.unit, f"model parameter: {spec.doc}"
    if name.startswith("unit_"):
        return "0-1", f"the design point's coordinate for {name[5:]} in the unit hypercube"
    return None


def with_metadata(schema: Any) -> Any:
    """A pyarrow schema with the units and descriptions of its known columns attached."""
    import pyarrow as pa

    known = {}
    for name in schema.names:
        described = describe(name)
        if described is not None:
            known[name] = {"unit": described[0], "description": described[1]}
    fields = []
    for field in schema:
        meta = known.get(field.name)
        if meta:
            field = field.with_metadata({k.encode(): v.encode() for k, v in meta.items()})
        fields.append(field)
    metadata = dict(schema.metadata or {})
    metadata[b"staffroom"] = json.dumps({"columns": known}).encode()
    return pa.schema(fields, metadata=metadata)


def parquet_bytes(frame: pd.DataFrame) -> bytes:
    """``frame`` as Parquet (zstd) with units and descriptions in its schema."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    table = pa.Table.from_pandas(frame, preserve_index=False)
    buffer = io.BytesIO()
    pq.write_table(table.cast(with_metadata(table.schema)), buffer, compression="zstd")
    return buffer.getvalue()
