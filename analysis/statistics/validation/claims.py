"""What every pattern shares: claims' margins and bands, the result type, table readers.

The seven patterns themselves are in :mod:`analysis.statistics.validation.patterns`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from analysis.statistics.intervals import (
    Interval,
    interval_columns,
    mean_interval,
    paired_difference,
)
from analysis.statistics.validation.stats import Claim, combine, slope_on
from simulation.outcomes import REGISTRY

# Smallest effects of interest: an interval wholly inside ± this around the
# threshold means the predicted effect is absent (see stats.decide).
MARGINS: dict[str, float] = {
    "collective_efficacy": 0.01,
    "responsibility": 0.01,
    "annual_gain": 0.01,
    "ses_gain_slope": 0.002,
    "ses_gap": 0.01,
    "practice_share": 0.05,
    "self_efficacy_tses": 0.05,
}
MARGIN_REASONS: dict[str, str] = {
    "collective_efficacy": "a hundredth of the 0-1 scale (an eighth of the SD among a "
    "school's teachers, 0.08)",
    "responsibility": "a hundredth of the 0-1 scale",
    "annual_gain": "0.01 SD a year, about 4% of a year's growth (0.25 SD) or a week and "
    "a half of school",
    "ses_gain_slope": "0.002 SD a year per SD of SES, about 7% of the default slope (0.027)",
    "ses_gap": "0.01 SD of achievement, about 1% of the gap (1.0-1.25 SD)",
    "practice_share": "5 percentage points of teachers",
    "self_efficacy_tses": "0.05 on the TSES 1-9 scale, about a twentieth of its SD (0.9)",
}
LEARNING = ("annual_gain", "ses_gain_slope", "ses_gap")
STATEMENTS = {
    1: "Higher emergent collective responsibility goes with higher mean gains and a "
    "flatter SES–gain slope.",
    2: "Under the same structure and policies, a small school (~600 students) ends with "
    "higher collective efficacy, higher gains and a flatter SES–gain slope than a "
    "large one (~2,400).",
    3: "PLC teams beat isolated teachers on collective efficacy and gains, and the "
    "difference grows over years rather than appearing at once.",
    4: "Mastery is the strongest source: removing it changes efficacy trajectories more "
    "than removing any other single source.",
    5: "Across many simulated schools, school collective efficacy correlates strongly and "
    "positively with mean achievement gain, and schools with higher collective "
    "efficacy have smaller SES gaps.",
    6: "Job-embedded coaching yields more sustained evidence-based practice than "
    "train-the-trainer.",
    7: "Efficacy culture is sticky: a school that starts with low collective efficacy "
    "recovers slowly even after strong interventions.",
}
STICKY_YEARS = 3
STICKY_SHARE = 0.5

# Published magnitude bands (with where they come from). Bands marked
# "estimate" rest on the paper's direction and design but on a magnitude read
# from secondary sources, not its tables (docs/ODD.md §7.15).
BANDS: dict[str, tuple[tuple[float, float], str]] = {
    "responsibility_gain": (
        (0.02, 0.10),
        "Lee & Smith 1996 (NELS:88, grades 8-10): about 0.05-0.15 SD of "
        "two-year gain per SD of collective responsibility (estimate; tables unverified)",
    ),
    "size_gain": (
        (0.01, 0.06),
        "Lee & Smith 1997 (NELS:88, grades 8-12): 0.05-0.25 SD over four "
        "years between 600-900 and over 2,100 students (estimate; tables unverified)",
    ),
    "ce_gain_r": (
        (0.35, 0.75),
        "Eells 2011: r = .54-.63; Çoğaltay & Karadağ 2017: r = .52 "
        "(school level, achievement; zero-order r, SES not held constant)",
    ),
    "ce_gain_slope": (
        (0.05, 0.20),
        "Goddard, Skrla & Salloum 2017: +0.1 SD of math per SD of "
        "collective efficacy, prior achievement controlled (grades 4-5)",
    ),
}


def band(key: str) -> dict[str, object]:
    band, source = BANDS[key]
    return {"band": band, "band_source": source}


@dataclass
class PatternResult:
    """What one pattern's experiment found."""

    number: int
    design: str
    claims: list[Claim]
    details: dict[str, pd.DataFrame] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    @property
    def statement(self) -> str:
        """The pattern as MODEL.md §8 states it."""
        return STATEMENTS[self.number]

    @property
    def verdict(self) -> str:
        """holds if every (non-diagnostic) claim holds, fails if any fails."""
        return combine([c.verdict for c in self.claims if not c.diagnostic])


# reading the tidy tables


def last_years(table: pd.DataFrame, column: str) -> list[int]:
    """The years a measure is read in: the last (culture) or last two (learning)."""
    final = int(table["year"].max())
    return [final - 1, final] if column in LEARNING else [final]


def per_replicate(
    table: pd.DataFrame, arm: str, column: str, years: Sequence[int] | None = None
) -> pd.Series:
    """One value per replicate of ``arm``: ``column`` averaged over ``years``."""
    years = last_years(table, column) if years is None else years
    rows = table[(table["arm"] == arm) & table["year"].isin(years)]
    return rows.groupby("replicate")[column].mean().sort_index()


def trajectory(table: pd.DataFrame, arm: str, column: str) -> pd.DataFrame:
    """Replicates by years (0 = start) of ``column`` for ``arm``."""
    rows = table[table["arm"] == arm]
    return rows.pivot(index="replicate", columns="year", values=column).sort_index()


def arm_difference(table: pd.DataFrame, a: str, b: str, column: str) -> Interval:
    """Paired difference ``a - b`` of a measure over replicates."""
    return paired_difference(per_replicate(table, a, column), per_replicate(table, b, column))


def difference_claims(
    table: pd.DataFrame, a: str, b: str, rows: Sequence[tuple[str, str, str, int]]
) -> list[Claim]:
    """Claims on paired differences ``a - b``, one per ``(label, statement, column, direction)``."""
    claims = []
    for label, statement, column, direction in rows:
        years = last_years(table, column)
        when = (
            f"end of year {years[-1]}"
            if len(years) == 1
            else f"mean of years {years[0]}-{years[-1]}"
        )
        claims.append(
            Claim(
                label,
                statement,
                f"{column}: {a} − {b}, {when}",
                arm_difference(table, a, b, column),
                direction,
                margin=MARGINS[column],
                unit=REGISTRY[column].unit,
            )
        )
    return claims


def slope_over_years(differences: pd.DataFrame) -> np.ndarray:
    """Per-replicate OLS slope of a yearly difference on year (years >= 1)."""
    d = differences.loc[:, differences.columns >= 1]
    return slope_on(d.to_numpy(), d.columns.to_numpy(dtype=float))


def yearly_means(table: pd.DataFrame, columns: Sequence[str]) -> pd.DataFrame:
    """Mean and 95% interval by arm and year (tidy), for plots and reports."""
    rows = []
    for (arm, year), group in table.groupby(["arm", "year"]):
        for column in columns:
            e = mean_interval(group[column])
            rows.append(
                {
                    "arm": arm,
                    "year": int(year),
                    "measure": column,
                    **interval_columns(e, "mean"),
                    "n": e.n,
                }
            )
    return pd.DataFrame(rows)
