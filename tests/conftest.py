"""Shared fixtures: small schools and network files."""

from __future__ import annotations

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
