"""The outcome registry: every outcome appears wherever it must; adding one is one entry."""

from __future__ import annotations

import json
import math

import numpy as np
import pandas as pd
import pyarrow.parquet as pq
import pytest
from cli_support import staffroom
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis.experiments.metadata import describe
from analysis.reports.wording import label
from simulation import SchoolModel, metrics
from simulation.outcomes import REGISTRY, Outcome, headline, measured, names, reported


def test_the_model_records_exactly_the_registered_outcomes_in_registry_order():
    model = SchoolModel(n_students=120, rng=1)
    model.step()
    assert list(model.outcomes()) == list(names())
    assert list(model.datacollector.get_model_vars_dataframe().columns) == list(names())


@pytest.mark.parametrize("name", names())
def test_every_outcome_has_a_meaning_a_unit_entry_and_a_label(name):
    entry = REGISTRY[name]
    assert entry.description and label(name) == entry.label
    assert describe(name) == (entry.unit, entry.description)
    assert describe(f"{name}_y2")[1].endswith("at the end of year 2")
    assert entry.better in (-1, 0, 1) and entry.scale > 0


def test_reported_outcomes_are_ordered_by_rank_and_can_be_said_in_words():
    ranks = [REGISTRY[o].rank for o in reported()]
    assert ranks == sorted(ranks) and len(set(ranks)) == len(ranks)
    assert set(headline()) <= set(reported())
    for name in reported():
        entry = REGISTRY[name]
        assert entry.noun != entry.description or entry.better != 0, name
    assert set(measured()) == set(names()) - {"year", "week"}


@pytest.fixture
def dummy(monkeypatch):
    """One more outcome: a registry entry and its value in the metrics function, nothing else."""
    entry = Outcome(
        "dummy_index",
        "a dummy index of the staffroom's mood (0-1)",
        "0-1",
        label="dummy index (0–1)",
        noun="the dummy index",
        better=1,
        rank=99,
    )
    monkeypatch.setitem(REGISTRY, entry.name, entry)
    measure = metrics.outcomes

    def with_dummy(*args, **kwargs):
        values = measure(*args, **kwargs)
        values[entry.name] = values["collective_efficacy"] / 2
        return values

    monkeypatch.setattr(metrics, "outcomes", with_dummy)
    return entry


def test_an_outcome_added_to_the_registry_reaches_a_run_its_plots_and_parquet_metadata(
    dummy, capsys, monkeypatch, tmp_path
):
    out = tmp_path / "run"
    done = staffroom(
        capsys,
        monkeypatch,
        "run",
        "departments",
        "--years",
        "1",
        "-r",
        "2",
        "--workers",
        "1",
        "-q",
        "--out",
        out,
    )
    assert done.code == 0, done.err
    summary = pd.read_csv(out / "summary.csv")
    assert (summary["dummy_index"] == summary["collective_efficacy"] / 2).all()
    assert (out / "plots" / "dummy_index.png").stat().st_size > 1000
    columns = json.loads(pq.read_schema(out / "trajectories.parquet").metadata[b"staffroom"])
    assert columns["columns"]["dummy_index"] == {"unit": "0-1", "description": dummy.description}


def test_an_outcome_added_to_the_registry_reaches_a_comparison_report(
    dummy, capsys, monkeypatch, tmp_path
):
    out = tmp_path / "compare"
    done = staffroom(
        capsys,
        monkeypatch,
        "compare",
        "departments",
        "plc",
        "--years",
        "1",
        "-r",
        "2",
        "--workers",
        "1",
        "-q",
        "--out",
        out,
    )
    assert done.code == 0, done.err
    report = (out / "report.md").read_text(encoding="utf-8")
    assert dummy.label in report and dummy.description in report
    assert "the dummy index" in report.lower()
    differences = pd.read_csv(out / "differences.csv")
    assert "dummy_index" in set(differences["outcome"])


def test_an_outcome_added_to_the_registry_reaches_a_sweep_table(
    dummy, capsys, monkeypatch, tmp_path
):
    sweep = tmp_path / "dummy.toml"
    sweep.write_text(
        'name = "dummy"\nscenario = "departments"\nyears = 1\nreplicates = 1\n'
        'outcomes = ["dummy_index", "collective_efficacy"]\n'
        '[design]\ntype = "factorial"\n[factors]\nn_students = [60, 120]\n'
    )
    done = staffroom(
        capsys,
        monkeypatch,
        "sweep",
        sweep,
        "--out",
        tmp_path / "sweep",
        "--workers",
        "0",
        "--format",
        "csv",
        "-q",
    )
    assert done.code == 0, done.err
    runs = pd.read_csv(tmp_path / "sweep" / "runs.csv")
    assert len(runs) == 2
    for _, row in runs.iterrows():
        assert math.isclose(row["dummy_index"], row["collective_efficacy"] / 2)


@settings(max_examples=60, deadline=None)
@given(
    schools=st.integers(1, 6),
    length=st.integers(1, 300),
    seed=st.integers(0, 2**32 - 1),
)
def test_stacked_school_measures_equal_each_school_alone_to_the_bit(schools, length, seed):
    """Outcomes of many schools are worked out in stacked calls; each school's number is its own."""
    rng = np.random.default_rng(seed)
    a, b = rng.normal(size=(2, schools, length))
    mask = rng.random((schools, length)) < rng.random()
    alone_dots = [float(x @ y) for x, y in zip(a, b, strict=True)]
    assert metrics._dots(a, b).tolist() == alone_dots
    assert metrics._dots(a, mask).tolist() == [float(x @ m) for x, m in zip(a, mask, strict=True)]
    assert metrics._counts(mask).tolist() == np.count_nonzero(mask, axis=1).tolist()
    means = metrics._means_of({"a": a.ravel(), "b": b.ravel()}, schools)
    assert means["a"].tolist() == [float(row.sum()) / length for row in a]
    assert means["b"].tolist() == metrics.school_means(b.ravel(), schools).tolist()
