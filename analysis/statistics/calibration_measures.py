"""A calibration target, and what the targets measure in the runs.

:mod:`analysis.statistics.calibration` lists the targets. Here the runs'
results, one list per arm, become tidy tables (yearly outcomes, per-teacher
snapshots) and from them per-replicate values, which become
:class:`~analysis.statistics.calibration_bootstrap.Measure` s: the model's
value with its interval over replicate seeds. Teachers' careers are in
:mod:`analysis.statistics.calibration_careers`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import numpy as np
import pandas as pd

from analysis.statistics.calibration_bootstrap import Measure, interval, mean_of, total, verdict
from analysis.statistics.intervals import Interval
from analysis.statistics.validation.stats import slope_on
from simulation import WEEKS_PER_YEAR
from simulation.processes import teaching

FITTED, HELD_OUT = "fitted", "held out"
# Internal consistency of the TSES (Tschannen-Moran & Woolfolk Hoy 2001): a
# survey's year-to-year correlation is the true-score correlation times the
# reliability (Spearman's attenuation), so that is what published
# correlations are compared with.
TSES_RELIABILITY = 0.9


@dataclass
class Target:
    """One published magnitude, the range the model's value must lie in, and that value.

    A target that names parameters in ``pins`` was used to set them (fitted);
    one that names none is held out. ``restates`` names an input the target
    only measures back. ``bounds`` may hold ``-inf``/``inf`` (a one-sided
    band) or a :class:`Measure` (an edge that is a model value).
    """

    name: str
    published: str
    source: str
    bounds: tuple[Any, Any]
    measure: Measure
    unit: str = ""
    pins: tuple[str, ...] = ()
    restates: str = ""

    @property
    def role(self) -> str:
        """:data:`FITTED` or :data:`HELD_OUT`."""
        return FITTED if self.pins else HELD_OUT

    @cached_property
    def estimate(self) -> Interval:
        """The model's value and its 95% interval over replicate seeds."""
        return interval(self.measure)

    @property
    def value(self) -> float:
        """The model's value (every replicate seed once)."""
        return self.estimate.estimate

    @property
    def seeds(self) -> int:
        """Replicate seeds the value rests on (0: computed without randomness)."""
        return self.measure.seeds

    @cached_property
    def verdict(self) -> str:
        """``within``, ``outside`` or ``inconclusive``: the interval against the band."""
        return verdict(self.measure, self.bounds)

    @property
    def edge(self) -> Interval | None:
        """For an edge that is a model value: the interval of the seed-paired distance to it."""
        low, high = self.bounds
        if isinstance(low, Measure):
            return interval(self.measure - low)
        if isinstance(high, Measure):
            return interval(high - self.measure)
        return None


def _stack(frames: list[pd.DataFrame]) -> pd.DataFrame:
    return pd.concat([f.assign(replicate=r) for r, f in enumerate(frames)], ignore_index=True)


def yearly_table(results: list[Any]) -> pd.DataFrame:
    """The replicates' yearly outcomes in one table (a ``replicate`` column added)."""
    return _stack([r[0] if isinstance(r, tuple) else r for r in results])


def teacher_table(results: list[Any]) -> pd.DataFrame:
    """The replicates' per-teacher snapshots in one table (a ``replicate`` column added)."""
    return _stack([teachers for _, teachers in results])


def per_replicate(table: pd.DataFrame, column: str) -> np.ndarray:
    """Mean of ``column`` in each replicate (rows of a yearly table), in replicate order."""
    return table.groupby("replicate")[column].mean().sort_index().to_numpy()


def replicate_mean(table: pd.DataFrame, column: str) -> Measure:
    """Mean over replicates of ``column`` (each replicate's mean over the table's years)."""
    return mean_of(per_replicate(table, column))


def field_mean(results: list[dict[str, float]], key: str) -> Measure:
    """Mean over replicates of one value a worker measured (``results``: one dict per replicate)."""
    return mean_of(np.array([r[key] for r in results], dtype=float))


def by_year(table: pd.DataFrame, column: str, first: int = 1) -> np.ndarray:
    """Replicates by years (year ``first`` on) of ``column``."""
    rows = table[table["year"] >= first]
    return rows.pivot(index="replicate", columns="year", values=column).sort_index().to_numpy()


def paired_by_year(a: pd.DataFrame, b: pd.DataFrame, column: str) -> Measure:
    """Mean over replicates of ``a - b`` by year, a vector (same replicate seeds)."""
    return mean_of(by_year(a, column) - by_year(b, column))


def last(vector: np.ndarray) -> np.ndarray:
    """The last entry of a vector statistic (e.g. the last year)."""
    return vector[..., -1]


def slope(yearly: np.ndarray) -> np.ndarray:
    """Least-squares slope on year of each row of a years-1-on vector statistic."""
    return slope_on(yearly, np.arange(1, yearly.shape[-1] + 1, dtype=float))


def replicate_sums(frame: pd.DataFrame, values: pd.Series | str, replicates: int) -> np.ndarray:
    """Sum of ``values`` over the rows of each replicate of ``frame`` (0 for one with none)."""
    values = frame[values] if isinstance(values, str) else values
    sums = values.astype(float).groupby(frame["replicate"]).sum()
    return sums.reindex(range(replicates), fill_value=0.0).to_numpy()


def pooled_mean(frame: pd.DataFrame, values: pd.Series | str, replicates: int) -> Measure:
    """Mean of ``values`` over every row of ``frame``, all replicates pooled.

    Rows are weighted by their replicate's seed draws: the pooled mean is
    the drawn replicates' total over their row count.
    """
    rows = pd.Series(1.0, index=frame.index)
    return total(replicate_sums(frame, values, replicates)) / total(
        replicate_sums(frame, rows, replicates)
    )


def year_ends(teachers: pd.DataFrame, year: int) -> pd.DataFrame:
    """The per-teacher rows of the snapshot at the end of ``year``."""
    return teachers[teachers["Step"] == year * WEEKS_PER_YEAR]


def final_mean(results: list[Any], column: str) -> Measure:
    """Mean of ``column`` over the replicates at the end of the last year."""
    table = yearly_table(results)
    return replicate_mean(table[table["year"] == table["year"].max()], column)


def persistence_after(years: int) -> float:
    """Share of a one-year teacher-induced gain left ``years`` later (the model's fading)."""
    from simulation import Parameters
    from simulation.state import new_students

    p = Parameters(n_students=20, noise=False)
    students = new_students(p, np.random.default_rng(0), 1)
    students.achievement[:] = 0.0
    lasting = np.zeros(students.n)
    loss = teaching.fading_loss(teaching.weekly_retention(p), 1)
    for year in range(years + 1):
        induced = np.full(students.n, float(year == 0) / WEEKS_PER_YEAR)
        for _ in range(WEEKS_PER_YEAR):
            teaching.learn(students, lasting, induced)
            teaching.fade(students, loss)
        teaching.close_year(students, p)
    return float(students.achievement.mean())


def novice_growth_ratio(by_arm: Mapping[str, list[Any]]) -> Measure:
    """Skill growth of starting novices who stay 4 years: PLC over egg-crate school."""
    growth = {}
    for structure in ("isolated", "plc"):
        results = by_arm[f"{structure}_novices"]
        teachers = teacher_table(results)
        first, last_year = year_ends(teachers, 1), year_ends(teachers, 4)
        first = first[first["experience"] < 2.0].set_index(["replicate", "AgentID"])
        last_year = last_year.set_index(["replicate", "AgentID"])
        stayed = first.index.intersection(last_year.index)
        gained = (last_year.loc[stayed, "skill"] - first.loc[stayed, "skill"]).reset_index()
        growth[structure] = pooled_mean(gained, "skill", len(results))
    return growth["plc"] / growth["isolated"]
