"""Parameter sweeps: experiments declared in files, run in parallel, stored as Parquet.

>>> from analysis.experiments.sweeps import load_sweep, run_sweep
>>> sweep = load_sweep("size_by_structure")          # a built-in example, or a path
>>> sweep.runs                                       # design points x replicates
150
>>> runs = run_sweep(sweep, workers=2)               # doctest: +SKIP
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from analysis.experiments.engines import SweepError
    from analysis.experiments.sweeps.api import Outcome, default_output, execute, run_sweep
    from analysis.experiments.sweeps.design import (
        DESIGNS,
        DISTRIBUTIONS,
        Design,
        Factor,
        make_design,
    )
    from analysis.experiments.sweeps.results import read_design, read_manifest, read_runs
    from analysis.experiments.sweeps.spec import (
        Sweep,
        builtin_sweeps,
        load_sweep,
        resolve_sweep,
        run_seed,
    )

#: Where each name lives, imported when first used (PEP 562), so that a worker
#: unpickling a task of :mod:`.runner` does not import pandas and pyarrow.
_LAZY = {
    "SweepError": "analysis.experiments.engines",
    **dict.fromkeys(
        ("Outcome", "default_output", "execute", "run_sweep"), "analysis.experiments.sweeps.api"
    ),
    **dict.fromkeys(
        ("DESIGNS", "DISTRIBUTIONS", "Design", "Factor", "make_design"),
        "analysis.experiments.sweeps.design",
    ),
    **dict.fromkeys(
        ("read_design", "read_manifest", "read_runs"), "analysis.experiments.sweeps.results"
    ),
    **dict.fromkeys(
        ("Sweep", "builtin_sweeps", "load_sweep", "resolve_sweep", "run_seed"),
        "analysis.experiments.sweeps.spec",
    ),
}


def __getattr__(name: str) -> Any:
    if name not in _LAZY:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(_LAZY[name]), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY))


__all__ = [
    "DESIGNS",
    "DISTRIBUTIONS",
    "Design",
    "Factor",
    "Outcome",
    "Sweep",
    "SweepError",
    "builtin_sweeps",
    "default_output",
    "execute",
    "load_sweep",
    "make_design",
    "read_design",
    "read_manifest",
    "read_runs",
    "resolve_sweep",
    "run_seed",
    "run_sweep",
]
