"""The calibration report's uncertainty: intervals over replicate seeds and their verdicts.

A target's value gets a percentile-bootstrap interval over replicate seeds,
drawn jointly for every arm it reads
(:mod:`analysis.statistics.calibration_bootstrap`); the verdict reads the
interval against the published band. Here: the interval covers a known
truth, the verdict at each edge, joint draws keep pairs, the same input
gives the same intervals, the pooled measures equal their direct
computation, and the report counts each verdict.
"""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pandas as pd
import pytest

from analysis.reports.calibration import to_markdown
from analysis.statistics.calibration_bootstrap import (
    INCONCLUSIVE,
    OUTSIDE,
    WITHIN,
    constant,
    interval,
    judge,
    maximum,
    mean_of,
    verdict,
)
from analysis.statistics.calibration_careers import pooled_correlation
from analysis.statistics.calibration_measures import Target, pooled_mean, slope
from analysis.statistics.intervals import Interval

# ---------------------------------------------------------------------------
# the interval
# ---------------------------------------------------------------------------


def _coverage(make, truth: float, datasets: int = 300) -> float:
    rng = np.random.default_rng(2026)
    hits = 0
    for _ in range(datasets):
        e = interval(make(rng), draws=1000)
        hits += e.low <= truth <= e.high
    return hits / datasets


def test_interval_of_a_mean_covers_the_true_mean_in_most_datasets():
    # 10 seeds of a normal measure with mean 1: a 95% percentile interval
    # covers about 91% (it runs a little narrow with 10 seeds); 0.85-0.99
    # fails an interval that is far too narrow, too wide or off centre
    coverage = _coverage(lambda rng: mean_of(rng.normal(1.0, 0.5, 10)), 1.0)
    assert 0.85 <= coverage <= 0.99


def test_interval_of_a_ratio_of_arms_with_different_seeds_covers_the_truth():
    # an arm of 10 seeds over one of 20 (the poverty/typical turnover ratio)
    def ratio(rng):
        return mean_of(rng.normal(3.0, 0.6, 10)) / mean_of(rng.normal(2.0, 0.6, 20))

    assert 0.85 <= _coverage(ratio, 1.5) <= 0.99


def test_a_value_computed_without_randomness_has_a_point_interval():
    e = interval(constant(0.3))
    assert (e.estimate, e.low, e.high, e.n) == (0.3, 0.3, 0.3, 0)


def test_the_value_is_every_seed_once():
    x = np.array([1.0, 2.0, 6.0])
    assert interval(mean_of(x)).estimate == pytest.approx(3.0)
    assert mean_of(x).value == pytest.approx(3.0)


# ---------------------------------------------------------------------------
# seeds drawn jointly keep pairs
# ---------------------------------------------------------------------------


def test_a_paired_difference_with_tiny_noise_gets_a_narrow_interval():
    rng = np.random.default_rng(7)
    school = rng.normal(0.0, 1.0, 20)  # what the seed does to every arm alike
    coached = mean_of(school + 0.05 + rng.normal(0.0, 0.001, 20))
    usual = mean_of(school)
    alone = interval(coached)
    difference = interval(coached - usual)
    assert alone.high - alone.low > 0.5  # each arm alone varies a lot
    assert difference.high - difference.low < 0.005  # drawn apart, it would be as wide
    assert difference.estimate == pytest.approx(0.05, abs=0.001)


def test_joint_draws_pair_the_arms_a_maximum_reads():
    # the larger of two arms that move together by seed: drawn jointly the
    # maximum of (a - b) stays at the constant gap
    rng = np.random.default_rng(3)
    school = rng.normal(0.0, 1.0, 15)
    gap = maximum(
        [mean_of(school + 0.2) - mean_of(school), mean_of(school + 0.1) - mean_of(school)]
    )
    e = interval(gap)
    assert e.low == pytest.approx(0.2) and e.high == pytest.approx(0.2)


# ---------------------------------------------------------------------------
# the same input, the same intervals
# ---------------------------------------------------------------------------


def _bits(e) -> tuple:
    """An interval's fields, floats as their exact hex (a NaN p equals a NaN p here).

    Python 3.13's dataclass ``==`` compares field by field, so two intervals
    whose ``p`` is NaN are never equal, whatever their bits.
    """
    return tuple(v.hex() if isinstance(v, float) else v for v in dataclasses.astuple(e))


def test_the_same_input_gives_the_same_intervals_to_the_bit():
    values = np.random.default_rng(11).normal(0.8, 0.1, (12, 5))
    first = interval(mean_of(values).max())
    again = interval(mean_of(values.copy()).max())
    assert _bits(first) == _bits(again)
    # and the bootstrap seed is what fixes them: another seed draws other resamples
    assert interval(mean_of(values).max(), seed=1) != first


# ---------------------------------------------------------------------------
# the verdict
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("low", "high", "bounds", "expected"),
    [
        (0.65, 0.75, (0.6, 0.8), WITHIN),
        (0.6, 0.8, (0.6, 0.8), WITHIN),  # touching both edges is inside
        (0.81, 0.9, (0.6, 0.8), OUTSIDE),  # wholly above
        (0.4, 0.59, (0.6, 0.8), OUTSIDE),  # wholly below
        (0.79, 0.82, (0.6, 0.8), INCONCLUSIVE),  # straddles the upper edge
        (0.55, 0.65, (0.6, 0.8), INCONCLUSIVE),  # straddles the lower edge
        (0.5, 0.9, (0.6, 0.8), INCONCLUSIVE),  # wider than the band
        (-5.0, 0.3, (-math.inf, 0.35), WITHIN),  # "below 0.35"
        (0.3, 0.4, (-math.inf, 0.35), INCONCLUSIVE),
        (0.36, 0.4, (-math.inf, 0.35), OUTSIDE),
        (1.2, 3.0, (1.0, math.inf), WITHIN),  # "above 1"
        (0.9, 1.1, (1.0, math.inf), INCONCLUSIVE),
        (0.2, 0.9, (1.0, math.inf), OUTSIDE),
        (-0.07, 0.08, (0.0, math.inf), INCONCLUSIVE),  # "positive"
        (math.nan, math.nan, (0.0, 1.0), INCONCLUSIVE),  # no interval
    ],
)
def test_verdict_of_an_interval_against_a_band(low, high, bounds, expected):
    assert judge(Interval((low + high) / 2, low, high, 10), bounds) == expected


def test_an_edge_that_is_a_model_value_is_judged_on_the_paired_distance():
    # the PLC dip must lie above the egg-crate dip: each varies a lot with the
    # seed, so their intervals overlap, but by seed PLC is always 0.2 higher
    rng = np.random.default_rng(5)
    school = rng.normal(-0.4, 0.3, 10)
    isolated = mean_of(school)
    plc = mean_of(school + 0.2 + rng.normal(0.0, 0.01, 10))
    a, b = interval(plc), interval(isolated)
    assert a.low < b.high  # the separate intervals overlap
    assert verdict(plc, (isolated, 0.5)) == WITHIN
    assert verdict(isolated, (plc, 0.5)) == OUTSIDE
    assert verdict(plc, (isolated, -0.3)) == INCONCLUSIVE  # the fixed edge still counts


# ---------------------------------------------------------------------------
# pooled measures equal their direct computation
# ---------------------------------------------------------------------------


def _teachers(seed: int = 1) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    n = 300
    x = rng.normal(0.6, 0.1, n)
    return pd.DataFrame(
        {"replicate": rng.integers(0, 4, n), "x": x, "y": 0.8 * x + rng.normal(0, 0.05, n)}
    )


def test_pooled_mean_and_correlation_are_those_of_all_rows():
    frame = _teachers()
    assert pooled_mean(frame, "x", 5).value == pytest.approx(frame["x"].mean(), rel=1e-12)
    r = np.corrcoef(frame["x"], frame["y"])[0, 1]
    assert pooled_correlation(frame, 5).value == pytest.approx(r, rel=1e-12)


def test_pooled_correlation_of_a_resample_is_that_of_its_rows():
    # weights 2, 0, 1, 1 for replicates 0-3: replicate 0's rows twice, none of 1
    frame = _teachers()
    rows = pd.concat([frame[frame["replicate"] == r] for r in (0, 0, 2, 3)])
    weights = np.array([[2.0, 0.0, 1.0, 1.0]])
    expected = np.corrcoef(rows["x"], rows["y"])[0, 1]
    assert pooled_correlation(frame, 4)(weights)[0] == pytest.approx(expected, rel=1e-12)
    assert pooled_mean(frame, "y", 4)(weights)[0] == pytest.approx(rows["y"].mean(), rel=1e-12)


def test_slope_is_the_least_squares_slope_on_year():
    yearly = np.array([[0.2, 0.25, 0.22, 0.3, 0.28]])
    expected = np.polyfit(np.arange(1, 6, dtype=float), yearly[0], 1)[0]
    assert slope(yearly)[0] == pytest.approx(expected, rel=1e-12)


# ---------------------------------------------------------------------------
# the report
# ---------------------------------------------------------------------------


def _target(name: str, centre: float, bounds, pins=(), restates="") -> Target:
    values = centre + np.random.default_rng(0).normal(0.0, 0.01, 10)
    return Target(name, "p", "s", bounds, mean_of(values), pins=pins, restates=restates)


def test_the_report_counts_each_verdict_and_gives_the_interval():
    targets = [
        _target("in", 0.5, (0.0, 1.0)),
        _target("out", 2.0, (0.0, 1.0)),
        _target("edge", 1.0, (0.0, 1.0)),
        _target("fit in", 0.5, (0.0, 1.0), pins=("a",), restates="a"),
        _target("fit edge", 0.0, (0.0, 1.0), pins=("b",)),
    ]
    assert [t.verdict for t in targets] == [WITHIN, OUTSIDE, INCONCLUSIVE, WITHIN, INCONCLUSIVE]
    text = to_markdown(targets, 10)
    assert "**Held out: of 3 checks, 1 within, 1 outside, 1 inconclusive.**" in text
    assert "Fitted: of 2 targets, 1 within, 0 outside, 1 inconclusive." in text
    assert "1 targets only restate an input" in text
    assert "percentile bootstrap" in text
    e = targets[1].estimate
    assert f"| [{e.low:.3g}, {e.high:.3g}] | 10 | **outside** |" in text
