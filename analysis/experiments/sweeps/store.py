"""A sweep's results folder: manifest, design, and runs as a Parquet dataset.

Layout::

    OUT/manifest.json        what was run: the sweep's identity, replicates, columns
    OUT/design.parquet       the design points (factor values; unit coordinates)
    OUT/runs/*.parquet       one row per run (a Parquet dataset: read the folder)
    OUT/trajectories/*.parquet   with --trajectories: one row per run and week

Each batch of finished runs is written atomically to its own part file (the
trajectory part before the runs part, so a run counts as done only when
both are on disk); a complete sweep's parts are merged into one file,
``data.parquet``, sorted by point and replicate (by step too for
trajectories), so identical sweeps give identical files. A
re-run resumes only the same sweep (more replicates are added); a changed
sweep file is refused with what changed, unless ``overwrite``.
"""

from __future__ import annotations

import datetime
import json
import os
import secrets
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import numpy as np

from analysis.experiments.files import remove, sweep_files, write_text, write_with
from analysis.experiments.locks import LOCK_FILE, lock
from analysis.experiments.provenance import described
from analysis.experiments.sweeps.design import Design
from analysis.experiments.sweeps.merge import compact
from analysis.experiments.sweeps.results import (
    DESIGN,
    KIND,
    MANIFEST,
    RUNS,
    TRAJECTORIES,
    load_design,
    parquet_files,
    read_runs,
    runs_schema,
    trajectories_schema,
    write_design,
)
from analysis.experiments.sweeps.runner import TaskResult
from analysis.experiments.sweeps.tables import arrow_table, read_parquet
from simulation import InputError


def _write_json(path: Path, data: dict[str, Any]) -> None:
    write_text(path, json.dumps(data, indent=2) + "\n")


def _write_table(table, path: Path) -> None:
    import pyarrow.parquet as pq

    write_with(path, lambda tmp: pq.write_table(table, tmp, compression="zstd"))


def differences(old: dict[str, Any], new: dict[str, Any]) -> list[str]:
    """Top-level keys whose values differ between two identities."""
    return [k for k in sorted(set(old) | set(new)) if old.get(k) != new.get(k)]


class ResultStore:
    """A results folder being written by one sweep (holds the folder's lock)."""

    def __init__(self, path: Path, manifest: dict[str, Any], design: Design):
        self.path = path
        self.manifest = manifest
        self.design = design
        # unique per store: two sessions of one process within a second (a resume
        # right after a failure) must not write parts of the same name
        self._session = (
            f"{datetime.datetime.now():%Y%m%dT%H%M%S}-{os.getpid()}-{secrets.token_hex(4)}"
        )
        self._sequence = 0
        self._lock_handle = None
        self.notes: list[str] = []
        self._schema = runs_schema(manifest)
        self._trajectory_schema = trajectories_schema(manifest)
        self._factor_values = {f.name: design.columns[f.name] for f in design.factors}
        self._design_unwritten = False

    # ------------------------------------------------------------ opening
    @classmethod
    def prepare(
        cls, path: str | Path, manifest: dict[str, Any], design: Design, *, overwrite: bool = False
    ) -> tuple[ResultStore, str | None]:
        """Create the folder, or check it holds results of the same sweep.

        Returns the store (locked) and a note for the user when something
        was done about the folder (results kept, replicates added), or None.
        Raises :class:`InputError` when the folder holds other results.
        """
        path = Path(path)
        if path.exists() and not path.is_dir():
            raise InputError(f"{path} is a file, not a results folder", key="output")
        path.mkdir(parents=True, exist_ok=True)
        store = cls(path, manifest, design)
        store._lock()
        try:
            note = store._adopt(overwrite)
        except BaseException:
            store.close()
            raise
        return store, note

    def _lock(self) -> None:
        self._lock_handle = lock(self.path, "staffroom command", "--out")

    def close(self) -> None:
        """Release the folder's lock."""
        if self._lock_handle is not None:
            self._lock_handle.close()
            self._lock_handle = None

    def _adopt(self, overwrite: bool) -> str | None:
        manifest_path = self.path / MANIFEST
        old = None
        if manifest_path.exists():
            try:
                old = json.loads(manifest_path.read_text())
                problem = None if isinstance(old, dict) else "not a JSON object"
            except (OSError, UnicodeDecodeError, ValueError) as error:
                problem = f"unreadable: {str(error).splitlines()[0][:80]}"
            if problem is None and old.get("kind") != KIND:
                problem = "not a staffroom sweep manifest"
            if problem is not None and not overwrite:
                raise InputError(
                    f"{manifest_path} is damaged ({problem}), so the results in "
                    f"{self.path} cannot be checked against this sweep; add "
                    "--overwrite to discard them and start again, or choose "
                    "another --out",
                    key="output",
                )
            if problem is not None:
                old = {}
        else:
            others = [p.name for p in self.path.iterdir() if p.name != LOCK_FILE]
            if others:
                raise InputError(
                    f"{self.path} is not empty and holds no sweep results "
                    f"({', '.join(sorted(others)[:3])}...); choose another "
                    "--out",
                    key="output",
                )
        if old is not None and (overwrite or not old):
            remove(sweep_files(self.path))
            old = None
        if old is None:
            self._create()
            return None
        return self._resume(old)

    def _create(self) -> None:
        # design.parquet is written with the first runs (loading pyarrow takes a
        # tenth of a second, better spent while the workers run); a sweep stopped
        # before then has no runs, and resuming writes it (see _resume)
        self._design_unwritten = True
        (self.path / RUNS).mkdir(exist_ok=True)
        if self.manifest["trajectories"]:
            (self.path / TRAJECTORIES).mkdir(exist_ok=True)
        _write_json(self.path / MANIFEST, self.manifest)

    def _resume(self, old: dict[str, Any]) -> str | None:
        new = self.manifest
        where = self.path
        changed = differences(old.get("identity", {}), new["identity"])
        if changed == ["model"]:
            made, making = old["identity"].get("model"), new["identity"]["model"]
            same_model = made and all(made.get(k) == making[k] for k in ("code", "numpy"))
            if not same_model:
                mixed = "two models' runs"
            elif "arithmetic" in made:
                mixed = "runs computed two ways (their last bits differ)"
            else:
                mixed = "runs that may have been computed another way (not recorded then)"
            raise InputError(
                f"{where} holds runs made by {described(made)}, and this is "
                f"{described(making)}: resuming would mix {mixed}; "
                "use another --out, or --overwrite to discard those results",
                key="output",
            )
        if changed:
            raise InputError(
                f"{where} holds results of a different sweep (changed: {', '.join(changed)}); "
                "use another --out, or --overwrite to discard those results",
                key="output",
            )
        if old.get("trajectories") != new["trajectories"]:
            had = "with" if old.get("trajectories") else "without"
            raise InputError(
                f"{where} holds results made {had} --trajectories; run the same "
                "way to resume, or use another --out",
                key="trajectories",
            )
        if new["replicates"] < old["replicates"]:
            raise InputError(
                f"{where} holds {old['replicates']} replicates per point but the sweep asks for "
                f"{new['replicates']}; fewer replicates cannot resume these results (use "
                "another --out, or --overwrite)",
                key="replicates",
            )
        if not (self.path / DESIGN).exists():
            self._create()
        else:
            self.design, note = load_design(self.path, old, repair=True)
            if note:
                self.notes.append(note)
            self._factor_values = {f.name: self.design.columns[f.name] for f in self.design.factors}
        (self.path / RUNS).mkdir(exist_ok=True)
        if new["trajectories"]:
            (self.path / TRAJECTORIES).mkdir(exist_ok=True)
        if new["replicates"] > old["replicates"]:
            self.manifest = {**old, "replicates": new["replicates"], "runs": new["runs"]}
            _write_json(self.path / MANIFEST, self.manifest)
            self.notes.append(
                f"replicates raised from {old['replicates']} to "
                f"{new['replicates']}: the new replicates are added to the "
                "results"
            )
        else:
            self.manifest = old
        return "; ".join(self.notes) or None

    # ------------------------------------------------------------ state
    def done(self) -> set[tuple[int, int]]:
        """The (point, replicate) pairs already on disk; tidies what a kill left.

        A part file that cannot be read (a disk fault, power loss) is renamed
        ``.damaged-<name>``, kept for inspection, and its runs are redone;
        :attr:`notes` tells the user.
        """
        runs = self.path / RUNS
        for leftover in runs.glob(".*.part"):
            leftover.unlink()
        finished: set[tuple[int, int]] = set()
        names, damaged = set(), []
        for part in parquet_files(runs):
            try:
                table = read_parquet(part, columns=["point", "replicate"])
            except Exception:  # a damaged file (e.g. power loss): redo its runs
                kept = part.with_name(f".damaged-{part.name}")
                part.rename(kept)
                damaged.append(kept.name)
                continue
            names.add(part.name)
            finished.update(
                zip(
                    table.column("point").to_pylist(),
                    table.column("replicate").to_pylist(),
                    strict=True,
                )
            )
        if damaged:
            self.notes.append(
                f"{len(damaged)} damaged result file(s) set aside ({', '.join(damaged[:3])}) "
                f"in {runs}; their runs are done again"
            )
        trajectories = self.path / TRAJECTORIES
        if trajectories.is_dir():
            for leftover in trajectories.glob(".*.part"):
                leftover.unlink()
            for part in trajectories.glob("part-*.parquet"):
                if part.name not in names:  # its runs part never made it: redo those runs
                    part.unlink()
        return finished

    # ------------------------------------------------------------ writing
    def write(self, results: Iterable[TaskResult]) -> int:
        """Write finished runs (one part file per dataset); returns the number of runs."""
        results = list(results)
        if not results:
            return 0
        self._write_design()
        self._sequence += 1
        name = f"part-{self._session}-{self._sequence:06d}.parquet"
        if self.manifest["trajectories"]:
            columns = {
                field.name: np.concatenate([r.trajectory[field.name] for r in results])
                for field in self._trajectory_schema
            }
            _write_table(
                arrow_table(columns, self._trajectory_schema), self.path / TRAJECTORIES / name
            )
        table = self._runs_table(results)
        _write_table(table, self.path / RUNS / name)
        return table.num_rows

    def _runs_table(self, results: list[TaskResult]):
        m = self.manifest
        point = np.concatenate([r.point for r in results])
        yearly = [y for r in results for y in r.yearly]
        columns: dict[str, Any] = {"point": point}
        for name, values in self._factor_values.items():
            columns[name] = values[point]
        columns["replicate"] = np.concatenate([r.replicate for r in results])
        columns["seed"] = np.concatenate([r.seed for r in results])
        years = np.array([len(y) for y in yearly], dtype=np.int64)
        if "years" not in columns:
            columns["years"] = years
        names = list(m["columns"]["outcomes"].values())
        final = np.array([y[-1] for y in yearly])
        for j, column in enumerate(names):
            columns[column] = final[:, j]
        if m["yearly"]:
            full = np.full((len(yearly), m["max_years"], len(names)), np.nan)
            for i, y in enumerate(yearly):
                full[i, : len(y)] = y
            for year in range(m["max_years"]):
                for j, column in enumerate(names):
                    columns[f"{column}_y{year + 1}"] = full[:, year, j]
        return arrow_table(columns, self._schema)

    def export_csv(self) -> list[Path]:
        """Write ``runs.csv`` (and ``trajectories.csv``) beside the Parquet datasets.

        For spreadsheet and BehaviorSpace users; the Parquet datasets stay, as
        resuming reads them. Runs are sorted by point and replicate;
        trajectories are streamed a batch at a time (they can be large).
        """
        import pyarrow as pa
        import pyarrow.csv as pacsv
        import pyarrow.parquet as pq

        written = [
            write_with(
                self.path / "runs.csv", lambda tmp: read_runs(self.path).to_csv(tmp, index=False)
            )
        ]
        if self.manifest["trajectories"]:

            def stream(tmp: Path) -> None:
                with pacsv.CSVWriter(tmp, self._trajectory_schema) as writer:
                    for part in parquet_files(self.path / TRAJECTORIES):
                        for batch in pq.ParquetFile(part).iter_batches():
                            writer.write_table(
                                pa.Table.from_batches([batch]).cast(self._trajectory_schema)
                            )

            written.append(write_with(self.path / "trajectories.csv", stream))
        return written

    def _write_design(self) -> None:
        if self._design_unwritten:
            write_design(self.path, self.design)
            self._design_unwritten = False

    def compact(self) -> None:
        """Merge the part files of each dataset into one file, sorted by run.

        The same sweep gives the same files whatever the workers, the order
        batches finished in, or resumption (see :mod:`.merge`).
        """
        self._write_design()  # a sweep with nothing left to run
        if self.manifest["trajectories"]:
            compact(
                self.path / TRAJECTORIES, self._trajectory_schema, ("point", "replicate", "step")
            )
        compact(self.path / RUNS, self._schema, ("point", "replicate"))
