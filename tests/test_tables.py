"""Arrow tables built from numpy buffers (sweeps/tables.py) equal pyarrow's own conversion."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis.experiments.sweeps.tables import arrow_array, arrow_table, read_parquet

floats = st.lists(st.floats(allow_nan=True, allow_infinity=True), max_size=40)
ints = st.lists(st.integers(-(2**63), 2**63 - 1), max_size=40)
bools = st.lists(st.booleans(), max_size=40)
texts = st.lists(st.text(max_size=12), min_size=1, max_size=40)


def same(built: pa.Array, expected: pa.Array) -> bool:
    """Equal values and type, NaN equal to NaN, no nulls in either."""
    if built.type != expected.type or len(built) != len(expected):
        return False
    if built.null_count or expected.null_count:
        return False
    left, right = built.to_pylist(), expected.to_pylist()
    return all(a == b or (a != a and b != b) for a, b in zip(left, right, strict=True))


@settings(max_examples=60, deadline=None)
@given(values=st.one_of(floats, ints, bools, texts))
def test_an_array_from_buffers_equals_pyarrows_conversion(values):
    strings = bool(values) and isinstance(values[0], str)
    array = np.array(values, dtype=object if strings else None)
    assert same(arrow_array(array), pa.array(values if strings else array))


@settings(max_examples=30, deadline=None)
@given(values=floats)
def test_a_table_in_a_schema_equals_from_pydict_and_survives_parquet(tmp_path_factory, values):
    n = len(values)
    columns = {
        "point": np.arange(n, dtype=np.int64),
        "kind": np.array(["a" * (i % 3) for i in range(n)], dtype=object),
        "on": np.arange(n) % 2 == 0,
        "value": np.array(values, dtype=float),
    }
    schema = pa.schema(
        [("point", pa.int64()), ("kind", pa.string()), ("on", pa.bool_()), ("value", pa.float64())]
    )
    built = arrow_table(columns, schema)
    expected = pa.Table.from_pydict(columns, schema=schema)
    assert built.schema == expected.schema
    for name in schema.names:
        assert same(built[name].combine_chunks(), expected[name].combine_chunks())
    path = tmp_path_factory.mktemp("t") / "t.parquet"
    pq.write_table(built, path)
    back = read_parquet(path, ["value", "point"])
    assert back.column_names == ["value", "point"]
    assert same(back["value"].combine_chunks(), expected["value"].combine_chunks())


def test_an_unsupported_type_is_refused():
    with pytest.raises(TypeError, match="no Arrow column"):
        arrow_array(np.arange(3), pa.int32())
