"""What made a run's numbers: staffroom's version and commit, the model's code and numpy.

Results are reproducible to the bit for the same scenario, seed and code,
run by the same numpy computing the same way (:func:`arithmetic`).
:func:`model_code` names that code by content, so a sweep folder can refuse
to be resumed by other code (which would mix two models' runs in one
table), and every ``run.json`` says what made it (:func:`environment`).
"""

from __future__ import annotations

import functools
import hashlib
import platform
import subprocess
from importlib.metadata import PackageNotFoundError
from importlib.metadata import version as package_version
from importlib.util import find_spec
from pathlib import Path


@functools.cache
def model_code() -> dict[str, str]:
    """The model's code by content (``code``), numpy's version (``numpy``) and :func:`arithmetic`.

    ``code`` is the first 16 hex digits of a SHA-256 over every Python file
    of the ``simulation`` package (paths and contents, in sorted order): any
    edit to the model changes it, committed or not, and nothing else does.
    numpy is named because its random streams and arithmetic are part of
    what a seed gives.
    """
    spec = find_spec("simulation")
    root = Path(spec.origin).parent if spec and spec.origin else Path("simulation")
    return {"code": code_digest(root), "numpy": _installed("numpy"), "arithmetic": arithmetic()}


def described(model: dict[str, str] | None) -> str:
    """A :func:`model_code` in words, for messages (None: code not recorded)."""
    if not model:
        return "a staffroom that did not record its model code"
    how = f" computing as {model['arithmetic']}" if model.get("arithmetic") else ""
    return f"model code {model['code']} with numpy {model['numpy']}{how}"


@functools.cache
def arithmetic() -> str:
    """8 hex digits naming how numpy computes here: the last bits of a fixed sample of its work.

    The same numpy release can round differently on another processor: it
    picks SIMD code for the instructions the CPU has (AVX2, AVX-512), and
    OpenBLAS picks a kernel for the CPU, so a sum, a dot product or an
    ``exp`` may differ in the last bit, and a run's last bits with them
    (the golden outputs moved by one or two units in the last place between
    two machines with numpy 2.5.5). This hashes the exact results of the
    kinds of operation the model uses, on fixed data: machines that give the
    same digest computed these the same way. It is evidence, not proof, that
    they compute the model the same way; a different digest shows they do
    not. ``NPY_DISABLE_CPU_FEATURES`` and ``OPENBLAS_CORETYPE`` set on every
    machine make them compute alike.
    """
    import numpy as np

    rng = np.random.default_rng(20261201)
    x = rng.standard_normal(4099)
    y = rng.uniform(0.01, 1.0, 4099)
    grid = rng.standard_normal((67, 61))
    groups = rng.integers(0, 50, x.size)
    results = (
        x.sum(),
        grid.sum(axis=0),
        grid.sum(axis=1),
        grid.mean(axis=1),
        x.std(),
        np.cumsum(x),
        x @ y,
        grid @ grid.T[:, :5],
        np.bincount(groups, weights=x),
        np.exp(x),
        np.expm1(x),
        np.log(y),
        np.log1p(y),
        np.sqrt(y),
        np.power(y, 1.7),
        np.tanh(x),
        np.sin(x),
        np.arctan(x),
    )
    digest = hashlib.sha256()
    for result in results:
        digest.update(np.ascontiguousarray(result, dtype=np.float64).tobytes())
    return digest.hexdigest()[:8]


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
        "arithmetic": model_code()["arithmetic"],
        "mesa": _installed("mesa"),
        "python": platform.python_version(),
    }


def _installed(distribution: str) -> str:
    try:
        return package_version(distribution)
    except PackageNotFoundError:  # pragma: no cover - a bare checkout
        return "unknown"


#: File beside this module holding the commit an installed staffroom was built from
#: (written by ``setup.py`` when ``pip install`` runs in a git checkout).
BUILD_COMMIT = "BUILD_COMMIT"


def version(commit: bool = False) -> str:
    """The installed staffroom version; with ``commit``, the git commit too.

    The commit of the checkout this code runs from (:func:`commit_of`), or
    else the one the installed package was built from (:data:`BUILD_COMMIT`);
    none when neither is known (installed from an archive). ``source tree``
    when run from a checkout that is not installed. Every manifest, report
    and table that records a version asks here.
    """
    try:
        release = package_version("staffroom")
    except PackageNotFoundError:  # pragma: no cover - a bare checkout
        release = "source tree"
    found = (commit_of(Path(__file__).resolve().parents[2]) or built_from()) if commit else None
    return f"{release}, commit {found}" if found else release


def built_from() -> str | None:
    """The commit recorded when this installed package was built, if any."""
    try:
        recorded = Path(__file__).with_name(BUILD_COMMIT).read_text(encoding="utf-8").strip()
    except OSError:
        return None
    return recorded or None


def commit_of(root: Path) -> str | None:
    """The git commit of the checkout whose top is ``root`` (``42b25cc``), None otherwise.

    ``42b25cc (with uncommitted changes)`` when ``git status --porcelain``
    lists any change, an untracked file included (ignored files are not):
    the commit alone then does not say what code ran. When git cannot say
    whether the tree is clean, the commit is not cited as if it were. A
    ``root`` inside another repository (an installed staffroom in a
    project's ``.venv``) is not a checkout of staffroom: no commit.
    """

    def git(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run(["git", *args], cwd=root, capture_output=True, text=True, timeout=10)

    try:
        top = git("rev-parse", "--show-toplevel")
        head, status = git("rev-parse", "--short", "HEAD"), git("status", "--porcelain")
    except (OSError, subprocess.SubprocessError):
        return None
    found = head.stdout.strip()
    if head.returncode or not found or top.returncode:
        return None
    if Path(top.stdout.strip()).resolve() != Path(root).resolve():
        return None
    if status.returncode:
        return f"{found} (uncommitted changes unknown)"
    return f"{found} (with uncommitted changes)" if status.stdout.strip() else found
