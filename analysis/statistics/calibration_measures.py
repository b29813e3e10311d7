"""A calibration target, and what the targets measure in the runs.

:mod:`analysis.statistics.calibration` lists the targets. Here the runs'
results, one list per arm, become tidy tables (yearly outcomes, per-teacher
snapshots) and from them the measures that need more than a mean: teachers'
careers, novices' growth, and the model's fading of a gain.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from simulation import WEEKS_PER_YEAR
from simulation.processes import teaching
from simulation.processes.turnover import LEAVE, MOVE

FITTED, HELD_OUT = "fitted", "held out"


@dataclass
class Target:
    """One published magnitude, the range the model's value must lie in, and that value.

    A target that names parameters in ``pins`` was used to set them (fitted);
    one that names none is held out. ``restates`` names an input the target
    only measures back.
    """

    name: str
    published: str
    source: str
    bounds: tuple[float, float]
    value: float
    unit: str = ""
    pins: tuple[str, ...] = ()
    restates: str = ""

    @property
    def role(self) -> str:
        """:data:`FITTED` or :data:`HELD_OUT`."""
        return FITTED if self.pins else HELD_OUT

    @property
    def within(self) -> bool:
        """Whether the model's value lies in the published range."""
        return bool(self.bounds[0] <= self.value <= self.bounds[1])


def _stack(frames: list[pd.DataFrame]) -> pd.DataFrame:
    return pd.concat([f.assign(replicate=r) for r, f in enumerate(frames)], ignore_index=True)


def yearly_table(results: list[Any]) -> pd.DataFrame:
    """The replicates' yearly outcomes in one table (a ``replicate`` column added)."""
    return _stack([r[0] if isinstance(r, tuple) else r for r in results])


def teacher_table(results: list[Any]) -> pd.DataFrame:
    """The replicates' per-teacher snapshots in one table (a ``replicate`` column added)."""
    return _stack([teachers for _, teachers in results])


def paired_by_year(a: pd.DataFrame, b: pd.DataFrame, column: str) -> pd.Series:
    """Mean over replicates of ``a - b`` by year (same replicate seeds)."""
    pa = a[a["year"] >= 1].pivot(index="replicate", columns="year", values=column)
    pb = b[b["year"] >= 1].pivot(index="replicate", columns="year", values=column)
    return (pa - pb).mean()


def year_ends(teachers: pd.DataFrame, year: int) -> pd.DataFrame:
    """The per-teacher rows of the snapshot at the end of ``year``."""
    return teachers[teachers["Step"] == year * WEEKS_PER_YEAR]


def final_mean(results: list[Any], column: str) -> float:
    """Mean of ``column`` over the replicates at the end of the last year."""
    table = yearly_table(results)
    return float(table.loc[table["year"] == table["year"].max(), column].mean())


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


def novice_growth_ratio(by_arm: Mapping[str, list[Any]]) -> float:
    """Skill growth of starting novices who stay 4 years: PLC over egg-crate school."""
    growth = {}
    for structure in ("isolated", "plc"):
        teachers = teacher_table(by_arm[f"{structure}_novices"])
        first, last = year_ends(teachers, 1), year_ends(teachers, 4)
        first = first[first["experience"] < 2.0].set_index(["replicate", "AgentID"])
        last = last.set_index(["replicate", "AgentID"])
        stayed = first.index.intersection(last.index)
        growth[structure] = float((last.loc[stayed, "skill"] - first.loc[stayed, "skill"]).mean())
    return growth["plc"] / growth["isolated"]


def career_measures(by_arm: Mapping[str, list[Any]]) -> dict[str, float]:
    """Novices' first year, stability, sources, late career and who leaves."""
    out: dict[str, float] = {}
    for structure in ("isolated", "plc"):
        teachers = teacher_table(by_arm[f"career_{structure}"])
        hired = year_ends(teachers, 1)
        hired = hired[hired["departure"] != 0]  # rows refilled by hires this summer
        year2 = year_ends(teachers, 2).set_index(["replicate", "row"])
        keys = list(zip(hired["replicate"], hired["row"], strict=True))
        novice = year2.loc[keys]
        novice = novice[novice["experience"] < 1.05]
        # a hire's starting TSES is the model's novice hire level
        start = 1 + 8 * _hire_start()
        out[f"dip_{structure}"] = float(novice["self_efficacy_tses"].mean() - start)
    settled = teacher_table(by_arm["typical6"])
    y4 = year_ends(settled, 4).set_index(["replicate", "AgentID"])
    y5 = year_ends(settled, 5).set_index(["replicate", "AgentID"])
    veterans = y4[y4["experience"] > 5].index.intersection(y5.index)
    out["stability"] = float(
        np.corrcoef(y4.loc[veterans, "self_efficacy"], y5.loc[veterans, "self_efficacy"])[0, 1]
    )
    base = teacher_table(by_arm["default"])
    weekly = base[(base["Step"] > WEEKS_PER_YEAR) & (base["Step"] <= 2 * WEEKS_PER_YEAR)]
    ratios = {}
    for label, mask in (
        ("novice", weekly["experience"] < 3),
        ("veteran", weekly["experience"] > 10),
    ):
        g = weekly[mask]
        social = g["source_vicarious"].abs().sum() + g["source_persuasion"].abs().sum()
        ratios[label] = social / max(g["source_mastery"].abs().sum(), 1e-12)
    out["source_ratio"] = float(ratios["novice"] / ratios["veteran"])
    out["veteran_ratio"] = float(ratios["veteran"])
    typical = teacher_table(by_arm["typical6"])
    ends = typical[typical["Step"] % WEEKS_PER_YEAR == 0]
    mid = ends[(ends["experience"] >= 10) & (ends["experience"] < 25)]
    late = ends[ends["experience"] >= 25]
    out["late_fall"] = float(mid["self_efficacy_tses"].mean() - late["self_efficacy_tses"].mean())
    novices = ends["experience"] < 3
    moved = ends["departure"] == MOVE
    out["novice_moves"] = float(moved[novices].mean() / moved[~novices].mean())
    out["veteran_leaves"] = float((ends.loc[ends["experience"] >= 20, "departure"] == LEAVE).mean())
    went = ends["departure"] != 0
    out["leaver_gap"] = float(
        ends.loc[~went, "self_efficacy_tses"].mean() - ends.loc[went, "self_efficacy_tses"].mean()
    )
    return out


def _hire_start() -> float:
    from simulation import Parameters
    from simulation.parameters import from_tses

    return float(from_tses(Parameters().hire_self_efficacy))
