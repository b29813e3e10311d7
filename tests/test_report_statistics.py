"""Statistics, wording and atomic writing behind the reports."""

from __future__ import annotations

import hashlib
import json
import math
import os
import signal

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st
from scipy import stats

from analysis.experiments import files as outputs
from analysis.reports.summary import overall
from analysis.reports.wording import finding, judgement
from analysis.statistics.intervals import (
    Interval,
    differences,
    holm,
    mean_interval,
    paired_difference,
    t_quantile,
    welch_difference,
)
from simulation import InputError


@given(
    st.floats(0.5, 0.9999),
    st.one_of(st.integers(1, 5000), st.floats(1.0, 1e4, allow_nan=False)),
)
def test_t_quantile_is_scipy_stats_t_ppf_to_the_bit(q, df):
    assert t_quantile(q, df) == stats.t.ppf(q, df)


def test_paired_interval_matches_scipy():
    rng = np.random.default_rng(0)
    a, b = rng.normal(1, 1, 12), rng.normal(0.5, 1, 12)
    ours = paired_difference(a, b)
    theirs = stats.ttest_rel(a, b).confidence_interval(0.95)
    assert ours.low == pytest.approx(theirs.low) and ours.high == pytest.approx(theirs.high)
    assert ours.method == "paired t" and ours.n == 12
    assert ours.p == pytest.approx(stats.ttest_rel(a, b).pvalue, rel=1e-9)


def test_welch_interval_matches_scipy():
    rng = np.random.default_rng(1)
    a, b = rng.normal(1, 2, 9), rng.normal(0, 1, 15)
    ours = welch_difference(a, b)
    theirs = stats.ttest_ind(a, b, equal_var=False).confidence_interval(0.95)
    assert ours.low == pytest.approx(theirs.low) and ours.high == pytest.approx(theirs.high)
    assert ours.p == pytest.approx(stats.ttest_ind(a, b, equal_var=False).pvalue, rel=1e-9)


@given(st.lists(st.floats(-5, 5, allow_nan=False), min_size=2, max_size=30))
def test_an_interval_excludes_zero_exactly_when_its_test_rejects(differences_):
    interval = mean_interval(differences_)
    if not math.isnan(interval.low):
        assert interval.clear == (interval.p < 0.05)


def test_holm_steps_down_and_stops_at_the_first_p_value_not_small_enough():
    # m = 4: thresholds 0.0125, 0.0167, 0.025, 0.05 for the sorted p-values
    assert holm({"a": 0.01, "b": 0.016, "c": 0.03, "d": 0.04}) == {
        "a": True,
        "b": True,
        "c": False,  # 0.03 > 0.025: stop here, though d's 0.04 < 0.05
        "d": False,
    }
    assert holm({"a": 0.001, "b": math.nan}) == {"a": True, "b": False}  # NaN counts in m
    assert not any(holm({"a": 0.03, "b": 0.04}).values())  # each clear alone, not together


def test_a_plan_no_different_from_the_baseline_is_called_different_at_most_one_time_in_20():
    # 11 outcomes, 20 paired replicates, no true difference: any of 11 unadjusted
    # intervals excludes 0 in about 43% of comparisons; judged together, in 5% or fewer
    rng = np.random.default_rng(3)
    trials, alone, together = 600, 0, 0
    for _ in range(trials):
        p = {k: paired_difference(rng.normal(0, 1, 20), np.zeros(20)).p for k in range(11)}
        alone += any(v < 0.05 for v in p.values())
        together += any(holm(p).values())
    assert alone / trials > 0.3  # the problem is real at these sizes
    assert together / trials <= 0.07


def test_paired_intervals_cover_a_known_effect_about_95_percent_of_the_time():
    rng = np.random.default_rng(2)
    effect, hits, trials = 0.3, 0, 2000
    for _ in range(trials):
        shared = rng.normal(0, 1, 10)  # common random numbers: noise both runs share
        plan = shared + effect + rng.normal(0, 0.2, 10)
        base = shared + rng.normal(0, 0.2, 10)
        interval = paired_difference(plan, base)
        hits += interval.low <= effect <= interval.high
    assert 0.93 <= hits / trials <= 0.97


def test_identical_runs_give_zero_and_no_clear_difference():
    values = [0.3, 0.2, 0.4]
    interval = paired_difference(values, values)
    assert (interval.estimate, interval.low, interval.high) == (0, 0, 0)
    assert not interval.clear


def test_nan_pairs_are_left_out_and_one_value_gives_no_interval():
    interval = paired_difference([1.0, math.nan, 2.0], [0.5, 0.1, math.nan])
    assert interval.n == 1 and interval.estimate == 0.5
    assert math.isnan(interval.low) and not interval.clear
    assert mean_interval([math.nan]).n == 0


def summary(seeds, values, year=1):
    return pd.DataFrame(
        {"replicate": range(len(values)), "seed": seeds, "year": year, "annual_gain": values}
    )


def test_differences_pair_runs_only_when_they_share_seeds():
    base = summary([5, 6, 7], [0.20, 0.25, 0.30])
    plan_crn = summary([5, 6, 7], [0.22, 0.27, 0.32])
    plan_other = summary([8, 9, 10], [0.22, 0.27, 0.32])
    paired = differences(plan_crn, base, ["annual_gain"]).iloc[0]
    assert paired["method"] == "paired t" and paired["clear"]
    assert paired["difference"] == pytest.approx(0.02)
    welch = differences(plan_other, base, ["annual_gain"]).iloc[0]
    assert welch["method"] == "Welch t" and not welch["clear"]


def test_findings_say_the_direction_in_words_and_no_clear_difference_when_0_is_inside():
    narrower = finding("ses_gap", Interval(-0.16, -0.20, -0.12, 20, "paired t"))
    assert narrower == "The SES achievement gap is 0.160 SD narrower (95% CI 0.120–0.200)."
    unclear = finding("annual_gain", Interval(0.01, -0.01, 0.03, 20, "paired t"))
    assert unclear.startswith("No clear difference in annual achievement gains")
    assert judgement(Interval(-0.05, -0.08, -0.02, 9, ""), "turnover_rate") == "better"
    assert judgement(Interval(-0.05, -0.08, -0.02, 9, ""), "annual_gain") == "worse"
    assert overall(["better", "no clear difference"]) == "better"
    assert overall(["better", "worse"]) == "mixed"
    assert overall(["no clear difference"]) == "no clear difference"


def test_an_interrupted_write_leaves_the_old_file_and_no_partial_one(tmp_path):
    target = tmp_path / "summary.csv"
    target.write_text("old, complete\n")

    def breaks_halfway(path):
        path.write_text("new, trunc")
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        outputs.write_with(target, breaks_halfway)
    assert target.read_text() == "old, complete\n"
    assert [p.name for p in tmp_path.iterdir()] == ["summary.csv"]


def test_a_previous_run_stays_complete_until_the_new_one_is_committed(tmp_path):
    with outputs.OutputFolder(tmp_path, "run") as folder:
        folder.commit({"summary.csv": b"old\n", "plots/a.png": b"a"}, {"seed": 1})
    with outputs.OutputFolder(tmp_path, "run") as folder:
        assert (tmp_path / outputs.MANIFEST).exists(), "still the complete old run"
        placed = folder.commit({"summary.csv": b"new\n"}, {"seed": 2})
    manifest = json.loads(placed[outputs.MANIFEST].read_text())
    assert manifest["seed"] == 2 and set(manifest["files"]) == {"summary.csv"}
    assert (tmp_path / "summary.csv").read_bytes() == b"new\n"
    assert not (tmp_path / "plots" / "a.png").exists(), "the old run's extra file is gone"
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".staging")]


def test_ctrl_c_while_the_files_are_moved_in_waits_until_all_are_in_place(
    tmp_path, monkeypatch, ctrl_c_at_its_default
):
    with outputs.OutputFolder(tmp_path, "run") as folder:
        folder.commit({"summary.csv": b"old\n", "plots/a.png": b"a"}, {"seed": 1})
    move = os.replace

    def move_then_ctrl_c(source, target):
        move(source, target)
        signal.raise_signal(signal.SIGINT)  # a terminal's Ctrl-C, after the first file moved

    new = {"summary.csv": b"new\n", "plots/b.png": b"b"}
    with outputs.OutputFolder(tmp_path, "run") as folder, pytest.raises(KeyboardInterrupt):
        monkeypatch.setattr(os, "replace", move_then_ctrl_c)
        folder.commit(new, {"seed": 2})
    monkeypatch.undo()
    manifest = json.loads((tmp_path / outputs.MANIFEST).read_text())
    assert manifest["seed"] == 2, "the new run is complete, run.json last"
    assert manifest["files"] == {n: hashlib.sha256(d).hexdigest() for n, d in new.items()}
    assert {n: (tmp_path / n).read_bytes() for n in new} == new
    assert not (tmp_path / "plots" / "a.png").exists()
    assert set(folder.written) == {*new, outputs.MANIFEST}


def test_an_output_path_that_is_a_file_is_refused(tmp_path):
    taken = tmp_path / "taken"
    taken.write_text("x")
    with pytest.raises(InputError, match="is a file, not a folder"):
        outputs.OutputFolder(taken, "run")
    with pytest.raises(InputError, match="cannot create the folder"):
        outputs.OutputFolder(taken / "inside", "run")
