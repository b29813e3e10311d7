"""Reading a sweep's results folder: its manifest, design, columns and runs.

The folder's layout and how it is written are in :mod:`analysis.experiments.sweeps.store`.
"""

from __future__ import annotations

import datetime
import json
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from analysis.experiments.files import write_with
from analysis.experiments.metadata import with_metadata
from analysis.experiments.provenance import version
from analysis.experiments.sweeps.design import UNIT_PREFIX, Design, Factor, make_design
from analysis.experiments.sweeps.tables import arrow_table
from simulation import InputError

if TYPE_CHECKING:  # read where asked for: a sweep itself needs no pandas
    import pandas as pd

MANIFEST = "manifest.json"
DESIGN = "design.parquet"
RUNS = "runs"
TRAJECTORIES = "trajectories"
KIND = "staffroom sweep results"
ID_COLUMNS = ("point", "replicate", "seed", "years")


def outcome_columns(outcomes: Sequence[str], factors: Sequence[str]) -> dict[str, str]:
    """Column of each kept outcome: its name, or ``outcome_<name>`` if a factor has it."""
    return {o: (f"outcome_{o}" if o in factors or o in ID_COLUMNS else o) for o in outcomes}


def run_columns(manifest: dict[str, Any]) -> list[str]:
    """Outcome columns of the runs table: final year, then ``_y1``, ``_y2``, ..."""
    columns = list(manifest["columns"]["outcomes"].values())
    out = list(columns)
    if manifest["yearly"]:
        for year in range(1, manifest["max_years"] + 1):
            out += [f"{c}_y{year}" for c in columns]
    return out


def _factor_type(factor: Factor):
    import pyarrow as pa

    if factor.levels is None:
        return pa.int64() if factor.integer else pa.float64()
    values = factor.levels
    if all(isinstance(v, bool) for v in values):
        return pa.bool_()
    if all(isinstance(v, int) and not isinstance(v, bool) for v in values):
        return pa.int64()
    if all(isinstance(v, int | float) and not isinstance(v, bool) for v in values):
        return pa.float64()
    return pa.string()


def runs_schema(manifest: dict[str, Any]):
    """The Arrow schema every runs part has (so parts always concatenate)."""
    import pyarrow as pa

    factors = [Factor.from_dict(f) for f in manifest["design"]["factors"]]
    fields = [pa.field("point", pa.int64())]
    fields += [pa.field(f.name, _factor_type(f)) for f in factors]
    fields += [
        pa.field(name, pa.int64())
        for name in ID_COLUMNS[1:]
        if name not in {f.name for f in factors}
    ]
    fields += [pa.field(c, pa.float64()) for c in run_columns(manifest)]
    return with_metadata(pa.schema(fields))


def trajectories_schema(manifest: dict[str, Any]):
    """The Arrow schema of every trajectories part."""
    import pyarrow as pa

    ids = [pa.field(n, pa.int64()) for n in ("point", "replicate", "step", "year", "week")]
    return with_metadata(
        pa.schema(
            ids + [pa.field(c, pa.float64()) for c in manifest["columns"]["outcomes"].values()]
        )
    )


def parquet_files(folder: Path) -> list[Path]:
    """The dataset's files in ``folder`` (hidden temporary or damaged files left out)."""
    return sorted(p for p in folder.glob("*.parquet") if not p.name.startswith("."))


def read_manifest(path: str | Path) -> dict[str, Any]:
    """The manifest of a results folder (:class:`InputError` if there is none)."""
    path = Path(path)
    file = path / MANIFEST
    if not file.is_file():
        raise InputError(
            f"{path} is not a sweep results folder (no {MANIFEST}); run `staffroom sweep` first",
            key="results",
        )
    try:
        manifest = json.loads(file.read_text())
    except (OSError, ValueError) as error:
        raise InputError(f"cannot read {file}: {error}", key="results") from None
    if manifest.get("kind") != KIND:
        raise InputError(f"{file} is not a staffroom sweep manifest", key="results")
    return manifest


def read_design(path: str | Path, manifest: dict[str, Any] | None = None) -> Design:
    """The design stored in a results folder (rebuilt from the manifest if it is lost)."""
    return load_design(path, manifest)[0]


def design_from_manifest(manifest: dict[str, Any]) -> Design:
    """The design a manifest describes, drawn again (designs are deterministic)."""
    factors = tuple(Factor.from_dict(f) for f in manifest["design"]["factors"])
    options = {k: v for k, v in manifest["design"].items() if k not in ("type", "factors")}
    seed = options.pop("seed", manifest["identity"]["seed"])
    return make_design(manifest["design"]["type"], factors, seed=seed, **options)


def load_design(
    path: str | Path, manifest: dict[str, Any] | None = None, *, repair: bool = False
) -> tuple[Design, str | None]:
    """The design of a results folder, and a note for the user if it had to be rebuilt.

    A missing or unreadable ``design.parquet`` is drawn again from the
    manifest (the same factors, options and seed give the same points); with
    ``repair`` the file is rewritten, a damaged one kept as ``.damaged-...``.
    """
    path = Path(path)
    manifest = manifest or read_manifest(path)
    factors = tuple(Factor.from_dict(f) for f in manifest["design"]["factors"])
    options = {k: v for k, v in manifest["design"].items() if k not in ("type", "factors")}
    file = path / DESIGN
    try:
        import pyarrow.parquet as pq

        table = pq.read_table(file)
        columns = {name: table[name].to_numpy() for name in table.column_names}
        points = columns.pop("point", np.arange(0))
        if len(points) != manifest["points"] or not {f.name for f in factors} <= set(columns):
            raise ValueError("it does not match the manifest")
        return Design(manifest["design"]["type"], factors, columns, options), None
    except Exception as error:  # missing, truncated, not Parquet, or another design
        problem = "missing" if not file.exists() else f"damaged ({_first_line(error)})"
    design = design_from_manifest(manifest)
    note = f"{file} was {problem}; it was drawn again from {path / MANIFEST}"
    if repair:
        if file.exists():
            file.rename(file.with_name(f".damaged-{DESIGN}"))
            note += f" (the damaged file is kept as .damaged-{DESIGN})"
        write_design(path, design)
    return design, note


def _first_line(error: BaseException) -> str:
    text = str(error).strip().splitlines()
    return (text[0] if text else type(error).__name__)[:100]


def write_design(path: Path, design: Design) -> None:
    """Write ``design.parquet`` (atomically) in a results folder."""
    import pyarrow.parquet as pq

    table = arrow_table({"point": np.arange(design.size, dtype=np.int64), **design.columns})
    table = table.cast(with_metadata(table.schema))
    write_with(path / DESIGN, lambda tmp: pq.write_table(table, tmp, compression="zstd"))


def read_runs(path: str | Path, *, trajectories: bool = False) -> pd.DataFrame:
    """All runs on disk (one row per run, ordered by point and replicate).

    With ``trajectories``, the weekly trajectories instead (one row per run
    and recorded week). Works on a sweep still running or cut short.
    """
    import pyarrow.parquet as pq

    path = Path(path)
    manifest = read_manifest(path)
    folder = path / (TRAJECTORIES if trajectories else RUNS)
    if trajectories and not manifest["trajectories"]:
        raise InputError(
            f"{path} has no trajectories (run the sweep with --trajectories)", key="trajectories"
        )
    schema = trajectories_schema(manifest) if trajectories else runs_schema(manifest)
    files = parquet_files(folder) if folder.is_dir() else []
    if not files:
        return schema.empty_table().to_pandas()
    frame = pq.read_table(files, schema=schema).to_pandas()
    keys = ["point", "replicate", "step"] if trajectories else ["point", "replicate"]
    frame = frame.drop_duplicates(subset=keys).sort_values(keys, kind="stable")
    return frame.reset_index(drop=True)


def new_manifest(
    *,
    name: str,
    description: str,
    identity: dict[str, Any],
    design: Design,
    replicates: int,
    outcomes: Sequence[str],
    yearly: bool,
    max_years: int,
    trajectories: bool,
    source: str | None,
) -> dict[str, Any]:
    """The manifest of a new results folder."""
    factor_names = [f.name for f in design.factors]
    return {
        "kind": KIND,
        "format": 1,
        "name": name,
        "description": description,
        "sweep_file": source,
        "created": datetime.datetime.now().isoformat(timespec="seconds"),
        "staffroom": version(commit=True),
        "identity": identity,
        "design": {
            "type": design.kind,
            **design.options,
            "factors": [f.as_dict() for f in design.factors],
        },
        "points": design.size,
        "replicates": replicates,
        "runs": design.size * replicates,
        "max_years": max_years,
        "yearly": yearly,
        "trajectories": trajectories,
        "columns": {
            "factors": factor_names,
            "outcomes": outcome_columns(outcomes, factor_names),
            "unit": [UNIT_PREFIX + n for n in factor_names] if design.kind != "factorial" else [],
        },
    }
