"""What a run's numbers depend on besides its inputs: the model's code and numpy.

Results are reproducible to the bit for the same scenario, seed and code.
:func:`model_code` names that code by content, so a sweep folder can refuse
to be resumed by other code (which would mix two models' runs in one
table), and every ``run.json`` says what made it (:func:`environment`).
"""

from __future__ import annotations

import functools
import hashlib
import platform
from importlib.metadata import PackageNotFoundError
from importlib.metadata import version as package_version
from importlib.util import find_spec
from pathlib import Path

from analysis.experiments.files import version


@functools.cache
def model_code() -> dict[str, str]:
    """The model's code by content (``code``), and the numpy version (``numpy``).

    ``code`` is the first 16 hex digits of a SHA-256 over every Python file
    of the ``simulation`` package (paths and contents, in sorted order): any
    edit to the model changes it, committed or not, and nothing else does.
    numpy is named because its random streams and arithmetic are part of
    what a seed gives.
    """
    spec = find_spec("simulation")
    root = Path(spec.origin).parent if spec and spec.origin else Path("simulation")
    return {"code": code_digest(root), "numpy": _installed("numpy")}


def code_digest(root: Path) -> str:
    """16 hex digits of a SHA-256 over the Python files under ``root`` (paths and contents)."""
    digest = hashlib.sha256()
    for path in sorted(root.rglob("*.py")):
        digest.update(path.relative_to(root).as_posix().encode() + b"\0")
        digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()[:16]


def environment() -> dict[str, str]:
    """The ``run.json`` entry saying what made the results: versions and model code."""
    return {
        "staffroom": version(commit=True),
        "model_code": model_code()["code"],
        "numpy": model_code()["numpy"],
        "mesa": _installed("mesa"),
        "python": platform.python_version(),
    }


def _installed(distribution: str) -> str:
    try:
        return package_version(distribution)
    except PackageNotFoundError:  # pragma: no cover - a bare checkout
        return "unknown"
