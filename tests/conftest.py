"""Shared fixtures: small schools and network files."""

from __future__ import annotations

from pathlib import Path

import pytest

from simulation import SchoolModel


@pytest.fixture
def small_school():
    """A factory for small, fast schools (seeded)."""

    def make(**kw) -> SchoolModel:
        kw.setdefault("n_students", 300)
        kw.setdefault("rng", 7)
        return SchoolModel(**kw)

    return make


@pytest.fixture
def ring_csv(tmp_path):
    """A CSV ring of 12 teachers, all in one team, equal weights."""
    path = tmp_path / "ring.csv"
    rows = ["source,target,weight,team"]
    for i in range(12):
        rows.append(f"t{i},t{(i + 1) % 12},1.0,A")
    path.write_text("\n".join(rows) + "\n")
    return path


@pytest.fixture
def tiny_sweep():
    """A factory for small sweep documents (tiny schools, one year) as dictionaries."""

    def make(**changes) -> dict:
        document = {
            "name": "tiny",
            "scenario": "departments",
            "years": 1,
            "replicates": 2,
            "seed": 11,
            "outcomes": ["collective_efficacy", "annual_gain", "responsibility"],
            "design": {"type": "factorial"},
            "factors": {"n_students": [60, 120], "structure": ["departments", "plc"]},
        }
        document.update(changes)
        return document

    return make


@pytest.fixture
def small_disk(tmp_path):
    """A factory for tiny file systems (tmpfs of a given size), to fill the disk for real.

    Mounting needs root (CI runs as root); elsewhere the tests that use it are
    skipped with the reason. ``resize(path, size)`` grows one, as a user frees
    space. Everything mounted is unmounted afterwards.
    """
    import subprocess

    mounted = []

    def mount(size: str, name: str = "disk") -> Path:
        path = tmp_path / name
        path.mkdir()
        done = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size},mode=0777", "tmpfs",
                               str(path)], capture_output=True, text=True)
        if done.returncode != 0:
            pytest.skip(f"cannot mount a small tmpfs here (needs root): {done.stderr.strip()}")
        mounted.append(path)
        return path

    def resize(path: Path, size: str) -> None:
        subprocess.run(["mount", "-o", f"remount,size={size}", str(path)], check=True)

    mount.resize = resize
    yield mount
    for path in mounted:
        subprocess.run(["umount", "-l", str(path)], check=False)
