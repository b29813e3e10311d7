"""How sure a calibration target's value is: a bootstrap over replicate seeds, and its verdict.

Every arm of the calibration runs replicate ``r`` with the same seed (common
random numbers, :func:`analysis.experiments.calibration.runs`), so a
measure's uncertainty comes from the seeds. A :class:`Measure` is a
statistic of *seed weights*: how many times each seed is drawn. Its value is
the statistic with every seed once; its 95% interval is the percentile
bootstrap (:func:`analysis.statistics.validation.stats.bootstrap_ci`, 2,000
resamples, a fixed bootstrap seed) over seeds, one draw of seeds shared by
every arm the measure reads: a paired difference, a ratio or a correlation
across arms keeps its pairs. An arm with fewer replicates than another the
measure reads (its seeds are the first ones) takes the draws of its own
seeds.

Why one bootstrap for every target rather than a t interval for the means:
most targets are not a mean of replicate values (ratios of pooled rates,
maxima over years and scenarios, a pooled correlation, differences between
arms), the bootstrap treats them all alike, and it keeps the pairing by
seed without a formula for each. The percentile bootstrap is a little
narrow with few seeds (with 5 seeds its 95% interval of a mean covers about
85-90%), so the report gives each target's number of seeds; and for a
maximum over years or scenarios it is a rough guide, not an exact interval.

The verdict is the validation's rule for a published band
(:func:`analysis.statistics.validation.stats.decide_band`): **within** when
the interval lies wholly inside the band, **outside** when wholly outside,
**inconclusive** when it straddles an edge; a one-sided band has an infinite
edge. An edge that is itself a model value (a :class:`Measure`) is judged on
the seed-paired difference from it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from analysis.statistics.intervals import Interval
from analysis.statistics.validation.stats import (
    FAILS,
    HOLDS,
    INCONCLUSIVE,
    bootstrap_ci,
    combine,
    decide_band,
)

#: Bootstrap resamples per target, and the bootstrap's own seed (fixed: the
#: intervals are the same to the bit for the same runs).
DRAWS = 2000
BOOTSTRAP_SEED = 0
WITHIN, OUTSIDE = "within", "outside"
VERDICTS = {HOLDS: WITHIN, FAILS: OUTSIDE, INCONCLUSIVE: INCONCLUSIVE}


class Measure:
    """A statistic of seed weights, shape ``(draws, seeds)`` to ``(draws,)`` (or ``(draws, k)``).

    Parameters
    ----------
    statistic : callable
        Takes the weights (how many times each seed is drawn, one row per
        resample) and returns the statistic of every row at once.
    seeds : int
        Replicate seeds the statistic reads (the largest arm's replicates);
        0 for a value computed without randomness.

    Measures combine with ``+ - * /``, ``abs``, :meth:`max` and
    :meth:`apply`; the combination reads the same weights, so the seeds
    stay paired.
    """

    def __init__(self, statistic: Callable[[np.ndarray], np.ndarray], seeds: int) -> None:
        self.statistic = statistic
        self.seeds = seeds

    def __call__(self, weights: np.ndarray) -> np.ndarray:
        return np.asarray(self.statistic(weights), dtype=float)

    def _with(self, other: Any, op: Callable[[Any, Any], Any]) -> Measure:
        other = other if isinstance(other, Measure) else constant(other)
        return Measure(lambda w: op(self(w), other(w)), max(self.seeds, other.seeds))

    def __add__(self, other: Any) -> Measure:
        return self._with(other, np.add)

    def __sub__(self, other: Any) -> Measure:
        return self._with(other, np.subtract)

    def __rsub__(self, other: Any) -> Measure:
        return self._with(other, lambda a, b: b - a)

    def __mul__(self, other: Any) -> Measure:
        return self._with(other, np.multiply)

    __rmul__ = __mul__

    def __truediv__(self, other: Any) -> Measure:
        return self._with(other, np.divide)

    def __abs__(self) -> Measure:
        return self.apply(np.abs)

    def apply(self, function: Callable[[np.ndarray], np.ndarray]) -> Measure:
        """``function`` of the statistic (it must work row by row on ``(draws, ...)``)."""
        return Measure(lambda w: function(self(w)), self.seeds)

    def max(self) -> Measure:
        """The largest of a vector statistic's entries (e.g. the largest yearly value)."""
        return self.apply(lambda v: v.max(axis=-1))

    @property
    def value(self) -> float:
        """The statistic with every seed drawn once: the model's value."""
        return float(self(np.ones((1, self.seeds)))[0])


def constant(value: float) -> Measure:
    """A value computed without randomness (its interval is the value itself)."""
    return Measure(lambda w: np.full(w.shape[0], float(value)), 0)


def total(values: np.ndarray) -> Measure:
    """Weighted sum over seeds of per-replicate ``values`` (replicates on the first axis)."""
    values = np.asarray(values, dtype=float)
    n = values.shape[0]
    return Measure(lambda w: np.tensordot(w[:, :n], values, axes=1), n)


def mean_of(values: np.ndarray) -> Measure:
    """Weighted mean over seeds of per-replicate ``values`` (replicates on the first axis)."""
    values = np.asarray(values, dtype=float)
    n = values.shape[0]

    def statistic(w: np.ndarray) -> np.ndarray:
        # a resample may draw none of an arm's (fewer) seeds: NaN, which the
        # bootstrap leaves out, rather than a warning on the user's terminal
        drawn = w[:, :n]
        count = drawn.sum(axis=1).reshape((-1,) + (1,) * (values.ndim - 1))
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.tensordot(drawn, values, axes=1) / count

    return Measure(statistic, n)


def maximum(measures: list[Measure]) -> Measure:
    """The largest of several measures, resample by resample."""
    return Measure(
        lambda w: np.max([m(w) for m in measures], axis=0), max(m.seeds for m in measures)
    )


def _weights(indices: np.ndarray, seeds: int) -> np.ndarray:
    """How many times each seed appears in each row of ``indices``."""
    return (indices[:, :, np.newaxis] == np.arange(seeds)).sum(axis=1).astype(float)


def interval(measure: Measure, draws: int = DRAWS, seed: int = BOOTSTRAP_SEED) -> Interval:
    """The model's value and its 95% percentile-bootstrap interval over replicate seeds."""
    if measure.seeds == 0:
        value = measure.value
        return Interval(value, value, value, 0)
    return bootstrap_ci(
        lambda indices: measure(_weights(indices, measure.seeds)),
        measure.seeds,
        draws=draws,
        seed=seed,
    )


def verdict(measure: Measure, bounds: tuple[Any, Any]) -> str:
    """:data:`WITHIN`, :data:`OUTSIDE` or :data:`INCONCLUSIVE` (module docstring).

    ``bounds`` are numbers (``-inf`` or ``inf`` for a one-sided band) or a
    :class:`Measure` for an edge that is a model value.
    """
    low, high = bounds
    if not isinstance(low, Measure) and not isinstance(high, Measure):
        return judge(interval(measure), (float(low), float(high)))
    return VERDICTS[combine([_beyond(measure - low, low), _beyond(high - measure, high)])]


def judge(estimate: Interval, bounds: tuple[float, float]) -> str:
    """The verdict of an interval against a band of numbers (edges count as inside)."""
    return VERDICTS[decide_band(estimate, bounds)]


def _beyond(margin: Measure, edge: Any) -> str:
    """Whether the value is on the band's side of one edge: ``margin`` is its distance to it."""
    if not isinstance(edge, Measure) and not np.isfinite(edge):
        return HOLDS
    return decide_band(interval(margin), (0.0, np.inf))
