"""Robustness: does each pattern survive moving one calibration parameter ±25%?

One at a time, each parameter of :data:`PARAMETERS` is set to 75% and 125%
of its default and every pattern's experiment runs again, judged by the
same rule. The baseline is the default calibration at the same replicate
counts and seeds, so a verdict that changes is the parameter's doing, not a
change of power. Starting culture, leadership levers and network tie
counts are design, not calibration, and are left out.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from analysis.experiments.runs import Run
from analysis.experiments.validation import Settings
from analysis.statistics.validation.claims import PatternResult
from analysis.statistics.validation.patterns import PATTERNS
from analysis.statistics.validation.suite import analyse as analyse_patterns
from analysis.statistics.validation.suite import pattern_jobs, tables_from
from simulation import Parameters

PARAMETERS: tuple[str, ...] = (
    # teaching: how beliefs and practice act on learning
    "efficacy_effort",
    "goal_effort",
    "responsibility_effort",
    "expectation_effect",
    "practice_effect",
    "intervention_effect",
    "out_of_field_penalty",
    "student_noise",
    "persistence_one_year",
    "peer_effect",
    # mastery and attribution
    "aspiration_rate",
    "goal_efficacy",
    "goal_collective",
    "mastery_sensitivity",
    "mastery_rate",
    "success_credit",
    "confirmation",
    "attribution_background",
    "attribution_strategy",
    "attribution_support",
    "background_shift",
    # vicarious experience, persuasion, malleability
    "vicarious_rate",
    "persuasion_rate",
    "exposure_half",
    "malleability_scale",
    # affect
    "affect_rate",
    "stress_rate",
    # collective efficacy and responsibility
    "collective_rate",
    "mood_rate",
    "responsibility_rate",
    "responsibility_erosion",
    "colleague_shared_goal",
    "expectation_collective",
    # practice and turnover
    "adoption_coaching",
    "fidelity_decay",
    "persistence_collective",
    "turnover_efficacy",
)
STEP = 0.25
ROBUST = Settings(replicates=8, schools=48, bootstrap=300)
QUICK_ROBUST = Settings(replicates=3, schools=12, bootstrap=100)
QUICK_PARAMETERS = ("mastery_rate",)


@dataclass(frozen=True)
class Variant:
    """One parameter moved one way (``value`` already kept in range)."""

    parameter: str
    direction: str  # "-25%", "+25%" or "default"
    value: float | None

    @property
    def overrides(self) -> dict[str, float]:
        """The calibration change to apply to every arm."""
        return {} if self.value is None else {self.parameter: self.value}


def variants(parameters: Iterable[str], step: float = STEP) -> list[Variant]:
    """The default, then each parameter at ``1 - step`` and ``1 + step`` of its default."""
    defaults = Parameters()
    types = {f.name: f.type for f in dataclasses.fields(Parameters)}
    out = [Variant("(default calibration)", "default", None)]
    for name in parameters:
        spec = Parameters.spec(name)
        default = getattr(defaults, name)
        for sign, label in ((-1, f"-{step:.0%}"), (+1, f"+{step:.0%}")):
            value = default * (1 + sign * step)
            if spec.low is not None:
                value = max(spec.low, value)
            if spec.high is not None:
                value = min(spec.high, value)
            if types[name] in (int, "int"):
                value = round(value)
            if value != default:
                out.append(Variant(name, label, value))
    return out


@dataclass
class RobustnessResult:
    """Verdicts of every pattern under every variant (tidy)."""

    settings: Settings
    verdicts: pd.DataFrame  # parameter, direction, value, pattern, verdict
    claims: pd.DataFrame  # parameter, direction, claim, estimate, low, high, verdict

    def baseline(self) -> dict[int, str]:
        """Each pattern's verdict under the default calibration at these settings."""
        rows = self.verdicts[self.verdicts["direction"] == "default"]
        return dict(zip(rows["pattern"], rows["verdict"], strict=True))

    def dependencies(self) -> pd.DataFrame:
        """Per pattern: the variants under which its verdict differs from the baseline."""
        base = self.baseline()
        rows = []
        moved = self.verdicts[self.verdicts["direction"] != "default"]
        for pattern, group in moved.groupby("pattern"):
            changed = group[group["verdict"] != base[pattern]]
            rows.append(
                {
                    "pattern": int(pattern),
                    "baseline": base[pattern],
                    "variants": len(group),
                    "same verdict": int((group["verdict"] == base[pattern]).sum()),
                }
                | {
                    f"now {verdict}": ", ".join(
                        f"{r.parameter} {r.direction}"
                        for r in changed[changed["verdict"] == verdict].itertuples()
                    )
                    for verdict in ("fails", "holds", "inconclusive")
                }
            )
        return pd.DataFrame(rows)

    def claim_summary(self) -> pd.DataFrame:
        """Per claim: baseline estimate, range over variants, what changes it.

        A variant *changes the side* of a claim when its point estimate lies on
        the other side of the threshold from the baseline's point estimate. It
        *clearly moves* the estimate when the shift from the baseline is more
        than 1.96 standard errors of a difference of two independent estimates
        (:func:`shift_in_se`); a verdict change without a clear move is marked
        *within noise*: at these counts it may be the replicates' doing.
        """
        rows = []
        for label, group in self.claims.groupby("claim", sort=False):
            base = group[group["direction"] == "default"].iloc[0]
            moved = group[group["direction"] != "default"]
            side = np.sign((moved["estimate"] - moved["threshold"]) * moved["predicted"])
            base_side = np.sign((base["estimate"] - base["threshold"]) * base["predicted"])
            switched = moved[side != base_side]
            changed = moved[moved["verdict"] != base["verdict"]]
            shift = shift_in_se(moved, base)
            clear = shift.abs() > CLEAR_SHIFT
            rows.append(
                {
                    "claim": label,
                    "baseline estimate": base["estimate"],
                    "baseline verdict": base["verdict"],
                    "lowest": moved["estimate"].min(),
                    "highest": moved["estimate"].max(),
                    "predicted side": int((side > 0).sum()),
                    "variants": len(moved),
                    "side changes under": ", ".join(
                        f"{r.parameter} {r.direction}" for r in switched.itertuples()
                    ),
                    "verdict changes under": ", ".join(
                        f"{r.parameter} {r.direction} ({r.verdict}"
                        + ("" if clear[r.Index] else "; within noise")
                        + ")"
                        for r in changed.itertuples()
                    ),
                    "clearly moved by": ", ".join(
                        f"{r.parameter} {r.direction} ({shift[r.Index]:+.1f} SE)"
                        for r in moved[clear].itertuples()
                    ),
                }
            )
        return pd.DataFrame(rows)


#: A shift from the baseline larger than this many standard errors is clear.
CLEAR_SHIFT = 1.96


def shift_in_se(moved: pd.DataFrame, base: pd.Series) -> pd.Series:
    """Each variant's shift from the baseline estimate, in standard errors of the difference.

    Each estimate's standard error is its 95% interval's width over 2 x 1.96;
    the difference's is that of two independent estimates. The variants run
    on the baseline's seeds, so the true standard error of a difference is
    smaller and the test conservative. NaN where an interval is missing.
    """

    def error(frame) -> pd.Series | float:
        return (frame["high"] - frame["low"]) / (2 * 1.96)

    return (moved["estimate"] - base["estimate"]) / np.sqrt(error(moved) ** 2 + error(base) ** 2)


def _rows(variant: Variant, results: Sequence[PatternResult]) -> tuple[list, list]:
    verdicts, claims = [], []
    for result in results:
        moved = {
            "parameter": variant.parameter,
            "direction": variant.direction,
            "value": variant.value,
            "pattern": result.number,
        }
        verdicts.append(moved | {"verdict": result.verdict})
        claims += [
            moved
            | {
                "claim": c.label,
                "estimate": c.estimate.estimate,
                "low": c.estimate.low,
                "high": c.estimate.high,
                "threshold": c.threshold,
                "predicted": c.direction,
                "verdict": c.verdict,
            }
            for c in result.claims
            if not c.diagnostic
        ]
    return verdicts, claims


Plan = list[tuple[Variant, list[Run]]]


def plan(settings: Settings = ROBUST, parameters: Iterable[str] = PARAMETERS) -> Plan:
    """Every variant with the runs it needs (the default calibration first)."""
    return [
        (variant, pattern_jobs(settings, variant.overrides, diagnostics=False))
        for variant in variants(parameters)
    ]


def analyse(settings: Settings, planned: Plan, results: Sequence[Any]) -> RobustnessResult:
    """Judge every pattern under every variant from the runs' ``results`` (in plan order)."""
    verdicts, claims = [], []
    start = 0
    for variant, jobs in planned:
        chunk = list(results[start : start + len(jobs)])
        start += len(jobs)
        tables = tables_from(jobs, chunk, settings)
        v, c = _rows(variant, analyse_patterns(tables, settings, tuple(PATTERNS)))
        verdicts += v
        claims += c
    return RobustnessResult(settings, pd.DataFrame(verdicts), pd.DataFrame(claims))
