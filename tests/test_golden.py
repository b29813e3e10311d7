"""Golden outputs: every command's tidy results, bit for bit, for fixed seeds.

The files in ``tests/golden/`` are what ``run``, ``compare``, ``demo``,
``sweep``, ``sensitivity``, the validation's patterns, ``calibrate`` and the
teaching measurements produced (small versions, through the same code)
before the experiment engine was re-laid (issue 12). A refactor that does
not mean to change results must leave them identical; a change of the model
that does mean to change them regenerates them on purpose::

    STAFFROOM_UPDATE_GOLDEN=1 python -m pytest tests/test_golden.py

and the diff of ``tests/golden/`` shows what moved. A failure names the file
and shows the first cells or lines that differ.

Bit for bit holds where numpy computes as it did when the files were made
(``arithmetic``: numpy's version and the digest of
``analysis.experiments.provenance.arithmetic``): another numpy release, or
the same one on a processor with other SIMD instructions or another OpenBLAS
kernel, may sum in another order and move the last bits. Elsewhere, tables
and JSON are compared to 1e-9 relative, which a change of the model's
behaviour exceeds by orders of magnitude; Markdown stays exact.
"""

from __future__ import annotations

import difflib
import io
import json
import math
import os
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow.parquet as pq
import pytest
from cli_support import staffroom

from analysis.experiments.provenance import model_code, version

GOLDEN = Path(__file__).parent / "golden"
UPDATE = os.environ.get("STAFFROOM_UPDATE_GOLDEN") == "1"
SHOWN = 12
RELATIVE = 1e-9
ARITHMETIC_FILE = GOLDEN / "arithmetic"
HERE = "numpy {numpy}, arithmetic {arithmetic}".format(**model_code())
SAME_ARITHMETIC = not ARITHMETIC_FILE.exists() or ARITHMETIC_FILE.read_text().strip() == HERE


def _differing_cells(expected: str, actual: str) -> str:
    """The first cells that differ between two CSV texts, as lines for a message."""
    a = pd.read_csv(io.StringIO(expected), float_precision="round_trip", dtype=str)
    b = pd.read_csv(io.StringIO(actual), float_precision="round_trip", dtype=str)
    if list(a.columns) != list(b.columns) or len(a) != len(b):
        return (
            f"shape or columns differ: expected {a.shape} {list(a.columns)}, "
            f"got {b.shape} {list(b.columns)}"
        )
    lines = []
    for column in a.columns:
        differ = a[column].fillna("<NA>") != b[column].fillna("<NA>")
        for row in differ[differ].index:
            lines.append(
                f"row {row}, {column}: expected {a.at[row, column]}, got {b.at[row, column]}"
            )
    return "\n".join(lines[:SHOWN]) + (
        f"\n... {len(lines) - SHOWN} more" if len(lines) > SHOWN else ""
    )


def _tables_close(expected: str, actual: str) -> bool:
    """Two CSV texts with the same cells, numbers equal to ``RELATIVE``."""
    a, b = (pd.read_csv(io.StringIO(text)) for text in (expected, actual))
    if list(a.columns) != list(b.columns) or len(a) != len(b):
        return False
    for column in a.columns:
        x, y = a[column], b[column]
        if pd.api.types.is_numeric_dtype(x) and pd.api.types.is_numeric_dtype(y):
            if not np.allclose(x, y, rtol=RELATIVE, atol=0, equal_nan=True):
                return False
        elif not x.fillna("<NA>").astype(str).equals(y.fillna("<NA>").astype(str)):
            return False
    return True


def _values_close(a, b) -> bool:
    """Two JSON values alike, numbers equal to ``RELATIVE``."""
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_values_close(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(map(_values_close, a, b))
    numbers = (int, float)
    if isinstance(a, numbers) and isinstance(b, numbers) and not isinstance(a, bool):
        return math.isclose(a, b, rel_tol=RELATIVE, abs_tol=0)
    return a == b


def _close(name: str, expected: str, actual: str) -> bool:
    """Under another numpy than the golden files': equal but for the last bits."""
    if name.endswith(".csv"):
        return _tables_close(expected, actual)
    if name.endswith(".json"):
        return _values_close(json.loads(expected), json.loads(actual))
    return False


def _check(name: str, actual: str, explain) -> None:
    path = GOLDEN / name
    if UPDATE:
        path.write_text(actual, encoding="utf-8")
        ARITHMETIC_FILE.write_text(HERE + "\n", encoding="utf-8")
        return
    assert path.exists(), f"{path} is missing: run with STAFFROOM_UPDATE_GOLDEN=1 to make it"
    expected = path.read_text(encoding="utf-8")
    if actual != expected and (SAME_ARITHMETIC or not _close(name, expected, actual)):
        pytest.fail(
            f"{name} differs from the golden output:\n{explain(expected, actual)}", pytrace=False
        )


def check_table(name: str, frame: pd.DataFrame) -> None:
    """``frame`` as CSV (floats at full precision) equals ``golden/<name>.csv``."""
    _check(f"{name}.csv", frame.to_csv(index=False), _differing_cells)


def check_text(name: str, text: str) -> None:
    """``text`` equals ``golden/<name>``, but for the git commit a report names."""
    text = re.sub(r", commit [0-9a-f]+( \([^)]*\))?", "", text)

    def explain(expected: str, actual: str) -> str:
        diff = difflib.unified_diff(
            expected.splitlines(), actual.splitlines(), "golden", "now", lineterm="", n=1
        )
        return "\n".join(list(diff)[: 4 * SHOWN])

    _check(name, text, explain)


def check_json(name: str, value) -> None:
    """``value`` as JSON (floats at full precision, keys sorted) equals ``golden/<name>.json``."""
    check_text(f"{name}.json", json.dumps(value, indent=1, sort_keys=True) + "\n")


def _folder_tables(folder: Path, prefix: str, names: tuple[str, ...]) -> None:
    for name in names:
        check_table(f"{prefix}_{name}", pd.read_csv(folder / f"{name}.csv"))


def _ok(outcome) -> None:
    assert outcome.code == 0, outcome.err


def test_run(capsys, monkeypatch, tmp_path):
    out = tmp_path / "run"
    _ok(
        staffroom(
            capsys,
            monkeypatch,
            "run",
            "maine_township",
            "--years",
            "2",
            "--replicates",
            "2",
            "--seed",
            "3",
            "--workers",
            "1",
            "--no-plots",
            "-q",
            "--out",
            out,
        )
    )
    _folder_tables(out, "run", ("summary", "decisions"))
    check_table("run_trajectories", pd.read_parquet(out / "trajectories.parquet"))
    metadata = pq.read_schema(out / "trajectories.parquet").metadata[b"staffroom"]
    check_json("run_parquet_metadata", json.loads(metadata))


def test_compare(capsys, monkeypatch, tmp_path):
    out = tmp_path / "compare"
    _ok(
        staffroom(
            capsys,
            monkeypatch,
            "compare",
            "departments",
            "plc",
            "egg_crate",
            "--years",
            "2",
            "--replicates",
            "3",
            "--seed",
            "4",
            "--workers",
            "2",
            "-q",
            "--out",
            out,
        )
    )
    _folder_tables(out, "compare", ("differences", "sources", "summary"))
    check_text("compare_report.md", (out / "report.md").read_text(encoding="utf-8"))


def test_demo(capsys, monkeypatch, tmp_path):
    out = tmp_path / "demo"
    _ok(
        staffroom(
            capsys, monkeypatch, "demo", "--replicates", "2", "--workers", "2", "-q", "--out", out
        )
    )
    _folder_tables(out, "demo", ("differences", "sources", "summary"))
    report = (out / "report.md").read_text(encoding="utf-8")
    assert f"Simulated with staffroom {version(commit=True)}." in report  # the commit, if any
    check_text("demo_report.md", report)


def test_sweep_and_sensitivity(capsys, monkeypatch, tmp_path):
    out = tmp_path / "sweep"
    _ok(
        staffroom(
            capsys,
            monkeypatch,
            "sweep",
            GOLDEN / "tiny_sweep.toml",
            "--out",
            out,
            "--workers",
            "0",
            "--format",
            "csv",
            "-q",
        )
    )
    check_table("sweep_runs", pd.read_csv(out / "runs.csv"))
    analysed = staffroom(
        capsys, monkeypatch, "sensitivity", out, "--outcome", "annual_gain", "--csv"
    )
    _ok(analysed)
    check_table("sensitivity", pd.read_csv(io.StringIO(analysed.out)))


def _finite(value: float) -> float | None:
    return value if math.isfinite(value) else None


def test_validation_patterns():
    from analysis.experiments.validation import Settings
    from analysis.statistics.validation.suite import run_patterns

    tables, results = run_patterns(
        Settings(replicates=3, schools=8, bootstrap=50), workers=2, patterns=(1, 3, 6)
    )
    for name, table in tables.items():
        check_table(f"validate_{name}", table)
    check_json(
        "validate_claims",
        [
            {
                "pattern": r.number,
                "verdict": r.verdict,
                "claims": [
                    {
                        "label": c.label,
                        "verdict": c.verdict,
                        "estimate": [
                            _finite(c.estimate.estimate),
                            _finite(c.estimate.low),
                            _finite(c.estimate.high),
                        ],
                    }
                    for c in r.claims
                ],
            }
            for r in results
        ],
    )


@pytest.mark.parametrize("ensemble", [True, False], ids=["ensembles", "one_by_one"])
def test_calibration(ensemble):
    # the same golden either way: ensembles change nothing in the results
    from analysis.experiments.runs import ensembles
    from analysis.statistics.calibration import measure

    with ensembles(ensemble):
        targets = measure(reps=2, workers=2)
    check_json(
        "calibrate",
        [
            {
                "name": t.name,
                "role": t.role,
                "value": _finite(t.value),
                "interval": [_finite(t.estimate.low), _finite(t.estimate.high)],
                "verdict": t.verdict,
            }
            for t in targets
        ],
    )


def test_teaching_measurements():
    from dashboard import activities

    seeds = [1, 2]
    measured = {
        "mastery_versus_persuasion": activities.mastery_versus_persuasion(seeds),
        "egg_crate": activities.egg_crate(seeds, years=2),
        "cynical_colleague": activities.cynical_colleague(seeds),
        "turnaround": activities.turnaround(seeds, years=2),
    }
    check_json(
        "teaching",
        {
            activity: {
                key: [_finite(e.estimate), _finite(e.low), _finite(e.high), e.n]
                for key, e in estimates.items()
            }
            for activity, estimates in measured.items()
        },
    )
