"""Write a scenario document back as TOML (for ``staffroom scenarios show --merged``).

Only what scenario documents hold is supported: text, booleans, numbers,
dates, lists of those, one level of tables, and arrays of tables
(``[[intervention]]``). Reading the output with :mod:`tomllib` gives the
same document back.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from collections.abc import Mapping
from typing import Any


def value(item: Any) -> str:
    """One TOML value."""
    if isinstance(item, bool):
        return "true" if item else "false"
    if isinstance(item, int):
        return str(item)
    if isinstance(item, float):
        if math.isnan(item):
            return "nan"
        if math.isinf(item):
            return "inf" if item > 0 else "-inf"
        return repr(item)
    if isinstance(item, str):
        return json.dumps(item, ensure_ascii=False)  # a valid TOML basic string
    if isinstance(item, dt.datetime | dt.date | dt.time):
        return item.isoformat()
    if isinstance(item, list | tuple):
        return "[" + ", ".join(value(v) for v in item) + "]"
    if isinstance(item, Mapping):
        return "{" + ", ".join(f"{key(k)} = {value(v)}" for k, v in item.items()) + "}"
    raise TypeError(f"cannot write {type(item).__name__} as TOML")


def key(name: str) -> str:
    """A bare key if it can be one, else a quoted key."""
    bare = name and all(c.isascii() and (c.isalnum() or c in "_-") for c in name)
    return name if bare else json.dumps(name, ensure_ascii=False)


def dumps(document: Mapping[str, Any]) -> str:
    """The document as TOML text: top-level keys, then tables, then arrays of tables."""
    lines: list[str] = []
    tables, arrays = [], []
    for name, item in document.items():
        if isinstance(item, Mapping):
            tables.append((name, item))
        elif isinstance(item, list) and item and all(isinstance(v, Mapping) for v in item):
            arrays.append((name, item))
        else:
            lines.append(f"{key(name)} = {value(item)}")
    for name, table in tables:
        lines += ["", f"[{key(name)}]"]
        lines += [f"{key(k)} = {value(v)}" for k, v in table.items()]
    for name, items in arrays:
        for table in items:
            lines += ["", f"[[{key(name)}]]"]
            lines += [f"{key(k)} = {value(v)}" for k, v in table.items()]
    return "\n".join(lines).lstrip("\n") + "\n"
