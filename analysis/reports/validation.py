"""The validation report in Markdown, from the results (no model runs here)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from analysis.experiments.validation import Settings
from analysis.statistics.validation.claims import (
    MARGIN_REASONS,
    MARGINS,
    STICKY_SHARE,
    STICKY_YEARS,
    PatternResult,
)
from analysis.statistics.validation.nels import NelsResult
from analysis.statistics.validation.robustness import STEP, RobustnessResult
from analysis.statistics.validation.stats import Claim

SYMBOLS = {"holds": "✓", "fails": "✗", "inconclusive": "?"}


@dataclass
class Provenance:
    """What produced a report: command, version, settings and time taken."""

    command: str
    version: str
    workers: int
    settings: Settings
    nels_schools: int | None = None
    robustness: Settings | None = None
    timings: dict[str, dict[str, float]] = field(default_factory=dict)
    date: str = ""


def fmt(x: float) -> str:
    """A number with three significant digits (small effects stay readable)."""
    if x is None or (isinstance(x, float) and not math.isfinite(x)):
        return "–"
    return f"{x:.3g}"


def _ci(value: float, low: float, high: float) -> str:
    """``value [low, high]``, each with :func:`fmt`."""
    return f"{fmt(value)} [{fmt(low)}, {fmt(high)}]"


def _table(header: Sequence[str], rows: Sequence[Sequence[object]]) -> list[str]:
    """A Markdown table followed by a blank line."""
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return [*lines, ""]


def claim_rows(claims: Sequence[Claim]) -> list[list[str]]:
    """Rows of a claims table: label, statement, measure, effect, interval, verdict."""
    return [
        [
            c.label,
            c.statement,
            c.measure,
            f"{fmt(c.estimate.estimate)} {c.unit}",
            f"[{fmt(c.estimate.low)}, {fmt(c.estimate.high)}]",
            c.prediction,
            f"**{c.verdict}**" if not c.diagnostic else f"{c.verdict} (diagnostic)",
        ]
        for c in claims
    ]


CLAIM_HEADER = ("claim", "prediction", "measure", "effect", "95% interval", "test", "verdict")


def summary_table(results: Sequence[PatternResult]) -> list[str]:
    """The pattern table: one row per claim that counts, verdicts by pattern."""
    rows = []
    for r in results:
        for c in r.claims:
            if c.diagnostic:
                continue
            rows.append(
                [
                    f"{r.number}",
                    c.label,
                    c.statement,
                    f"{fmt(c.estimate.estimate)} {c.unit}",
                    f"[{fmt(c.estimate.low)}, {fmt(c.estimate.high)}]",
                    c.verdict,
                    f"**{r.verdict}**",
                ]
            )
    return _table(
        (
            "pattern",
            "claim",
            "prediction",
            "effect",
            "95% interval",
            "claim verdict",
            "pattern verdict",
        ),
        rows,
    )


def _decision_rule() -> list[str]:
    lines = [
        "## How verdicts are decided",
        "",
        "Every claim is an effect with a 95% interval and a predicted direction "
        "relative to a threshold (0 for a difference):",
        "",
        "* **holds**: the interval lies wholly on the predicted side of the threshold;",
        "* **fails**: it lies wholly on the other side, or it lies wholly within the "
        "smallest effect of interest around the threshold (the predicted effect is "
        "absent, and the interval is tight enough to say so);",
        "* **inconclusive**: otherwise.",
        "",
        "A claim with a published magnitude band (its test reads *in [a, b]*) is judged "
        "against the band, not merely its side of zero: it **holds** when its interval "
        "lies inside the band, **fails** when the interval lies wholly outside it, and is "
        "**inconclusive** when the interval straddles an edge. Each band's source is "
        "given under its pattern's table; bands marked *estimate* rest on a paper's "
        "design and direction but on a magnitude not read from its tables.",
        "",
        "A pattern holds when all its claims hold, fails when any fails, and is "
        "inconclusive otherwise; *diagnostic* claims explain a result and do not count. "
        "Intervals: Student-t for means of paired differences (arms share replicate "
        "seeds), Fisher's z for correlations, HC3-robust OLS intervals for regressions "
        "across schools, the percentile bootstrap over replicates for ratios and "
        "distances, and model-based Wald intervals for the mixed models. Culture "
        "measures are read at the end of an experiment's last year, learning measures "
        "averaged over its last two annual tests. Nothing is tuned inside an "
        "experiment: arms are built-in scenarios, changed only where the design "
        "below says so, all with the default calibration.",
        "",
        "Smallest effects of interest (fixed before running):",
        "",
    ]
    lines += _table(
        ("measure", "margin", "reason"),
        [[k, fmt(v), MARGIN_REASONS[k]] for k, v in MARGINS.items()],
    )
    return lines


def _instead(claim: Claim) -> str:
    """One sentence on a failing claim: the opposite happens, or nothing does."""
    e = claim.estimate
    measured = f"{fmt(e.estimate)} {claim.unit} [{fmt(e.low)}, {fmt(e.high)}]"
    if claim.band is not None:
        side = "below" if e.high < claim.band[0] else "above"
        return (
            f"{claim.label}: {measured}, wholly {side} the published band "
            f"[{fmt(claim.band[0])}, {fmt(claim.band[1])}]."
        )
    low, high = claim.threshold - claim.margin, claim.threshold + claim.margin
    if claim.margin > 0 and low <= e.low and e.high <= high:
        return (
            f"{claim.label}: {measured}, within ±{fmt(claim.margin)} of "
            f"{fmt(claim.threshold)}, so the predicted effect is absent or negligible."
        )
    side = "below" if claim.direction > 0 else "above"
    return (
        f"{claim.label}: {measured}, wholly {side} {fmt(claim.threshold)}, the other "
        "side of the prediction."
    )


def pattern_section(result: PatternResult, figure: str | None) -> list[str]:
    """One pattern: statement, design, claims, details, figure, notes."""
    lines = [
        f"### Pattern {result.number}: {result.verdict}",
        "",
        f"> {result.statement}",
        "",
        f"*Design.* {result.design}.",
        "",
    ]
    lines += _table(CLAIM_HEADER, claim_rows(result.claims))
    banded = [c for c in result.claims if c.band is not None]
    if banded:
        lines += [
            "Published bands: " + "; ".join(f"{c.label}: {c.band_source}" for c in banded) + ".",
            "",
        ]
    if "curve" in result.details:
        lines += size_curve_lines(result.details["curve"], result.details["channels"])
    if result.number == 4:
        d = result.details["ablation"]
        lines += [
            "Effect of removing each source on the efficacy trajectories (TSES; "
            "impact = RMS over years of the distance between the distributions of "
            "teachers' self-efficacy, ablated vs full; final = end of the last "
            "year, ablated − full):",
            "",
        ]
        lines += _table(
            (
                "source removed",
                "impact [95%]",
                "impact on the mean alone [95%]",
                "final mean difference [95%]",
                "final SD difference [95%]",
            ),
            [
                [
                    r["source removed"],
                    _ci(r["impact"], r["impact_low"], r["impact_high"]),
                    _ci(r["mean_impact"], r["mean_impact_low"], r["mean_impact_high"]),
                    _ci(r["final_mean"], r["final_mean_low"], r["final_mean_high"]),
                    _ci(r["final_sd"], r["final_sd_low"], r["final_sd_high"]),
                ]
                for r in d.to_dict("records")
            ],
        )
    instead = [_instead(c) for c in result.claims if not c.diagnostic and c.verdict == "fails"]
    if instead:
        lines += ["*What the model does instead:* " + " ".join(instead), ""]
    for note in result.notes:
        lines += [note, ""]
    if figure:
        lines += [f"![Pattern {result.number}]({figure})", ""]
    return lines


def size_curve_lines(curve: pd.DataFrame, channels: pd.DataFrame) -> list[str]:
    """The size curve (mean [95%] by size and structure) and each channel's share."""
    lines = [
        "The size curve, measured over the last two years (gains, slope) or at the "
        "end (culture), mean [95% interval] over replicates:",
        "",
    ]
    for structure, group in curve.groupby("structure", sort=False):
        measures = list(dict.fromkeys(group["measure"]))
        rows = []
        for n, by_size in group.groupby("students"):
            cells = {
                r["measure"]: _ci(r["mean"], r["low"], r["high"])
                for r in by_size.to_dict("records")
            }
            rows.append([f"{n:,}", *(cells[m] for m in measures)])
        lines += [f"*{structure}*", ""]
        lines += _table(("students", *measures), rows)
    lines += [
        "Channels of size: the paired difference between 600 and 2,400 students "
        "(departments) with every channel on, with one switched off, and that "
        "channel's share of the difference (1 − without / with; shares need not add "
        "to 1 when channels interact, and are unstable when the difference is near "
        "zero):",
        "",
    ]
    rows = [
        [
            r["measure"],
            r["channel"],
            _ci(r["difference"], r["difference_low"], r["difference_high"]),
            _ci(r["without"], r["without_low"], r["without_high"]),
            f"{r['share']:.0%}" if math.isfinite(r["share"]) else "–",
        ]
        for r in channels.to_dict("records")
    ]
    lines += _table(("measure", "channel off", "600 − 2,400, all on", "with it off", "share"), rows)
    return lines


def nels_section(result: NelsResult, figures: Sequence[str]) -> list[str]:
    """The synthetic NELS: design, coefficients beside Lee & Smith, size curve."""
    s = result.settings
    main = result.main
    lines = [
        "## Synthetic NELS: Lee & Smith (1996, 1997) on simulated schools",
        "",
        f"*Design.* {s.schools} simulated high schools drawn to differ in enrolment "
        "(log-uniform 200-3,000), mean SES, SES spread, structure (half departments, "
        "a fifth isolated, some PLCs and houses), leadership, collaboration time, data "
        "review, intervention plans and starting culture; one burn-in year, then the "
        "two study years. The cohort entering grade 9 in the first study year is tested "
        "at entry and at the end of grade 10 (students present both years: cohorts do "
        f"not move between schools); up to {s.students_per_school} are sampled per "
        f"school. In the last study week up to {s.teachers_surveyed} teachers per school "
        f"report their responsibility with measurement noise (SD {s.survey_noise}); the "
        "school's collective responsibility (CR) is their mean, standardised across "
        f"schools (survey reliability against the true school mean: "
        f"{result.reliability:.2f}). Two-level model (statsmodels MixedLM, REML) of "
        "two-year gains: `gain ~ ses * cr_z + size + mean_ses`, random intercept and "
        f"random SES slope by school; {main.n_students} students in {main.n_schools} "
        "schools.",
        "",
    ]
    rows = []
    for c in result.comparisons:
        if c.label.startswith("band"):
            continue
        rows.append(
            [
                f"`{c.label}`",
                c.statement,
                fmt(c.estimate.estimate),
                f"[{fmt(c.estimate.low)}, {fmt(c.estimate.high)}]",
                c.measure,
                c.verdict,
            ]
        )
    lines += _table(
        ("term", "meaning", "coefficient", "95% interval", "Lee & Smith found", "agrees?"), rows
    )
    re = ", ".join(f"{k} {v:.3g}" for k, v in main.random_effects.items())
    lines += [
        f"Variance components: {re}. Optimiser converged: "
        f"{'yes' if main.converged else 'no'}"
        + (f" (notes: {'; '.join(main.warnings)})" if main.warnings else "")
        + ".",
        "",
    ]
    lines += [
        "*School size* (Lee & Smith 1997): the same students' two-year gains on "
        "enrolment bands, 601-900 the reference, adjusted for SES and mean SES "
        "(random intercept and SES slope). Lee & Smith found learning highest at "
        "601-900 and lower in smaller and larger schools.",
        "",
    ]
    curve = result.size_curve
    verdicts = {
        c.label.removeprefix("band "): c.verdict
        for c in result.comparisons
        if c.label.startswith("band ")
    }
    lines += _table(
        ("enrolment", "schools", "gain vs 601-900", "95% interval", "lower than 601-900?"),
        [
            [
                r["band"],
                r["schools"],
                fmt(r["effect"]),
                f"[{fmt(r['low'])}, {fmt(r['high'])}]",
                verdicts.get(r["band"], "(reference)"),
            ]
            for r in curve.to_dict("records")
        ],
    )
    lines += [
        f"Highest adjusted gain in the model: **{result.peak_band}** (Lee & Smith 1997: 601-900).",
        "",
    ]
    lines += [f"![NELS]({f})" for f in figures] + [""]
    return lines


def _moved(result: RobustnessResult) -> int:
    """How many parameters the robustness analysis moved."""
    moved = result.verdicts["direction"] != "default"
    return int(result.verdicts.loc[moved, "parameter"].nunique())


def robustness_section(result: RobustnessResult, figure: str | None) -> list[str]:
    """Claim verdicts under every ±25% variant, and what each pattern depends on."""
    s = result.settings
    n_params = _moved(result)
    lines = [
        "## Robustness: each calibration parameter moved ±25%",
        "",
        f"{n_params} calibration parameter{'s' if n_params != 1 else ''} (belief "
        "dynamics, how beliefs act on teaching, and the mechanisms the patterns rest on; list in "
        "`analysis/validation/robustness.py`) were moved one at a time to "
        f"{1 - STEP:.0%} and {1 + STEP:.0%} of their defaults (kept in range) and every "
        f"experiment was re-run with {s.replicates} replicates per arm and {s.schools} "
        "schools (diagnostic arms left out). Verdicts use the same rule as above; the "
        "baseline is the default calibration at these smaller counts and the same seeds, "
        "so a changed verdict is the parameter's doing, though with fewer replicates "
        "more verdicts are inconclusive (less power), so a move to *inconclusive* is "
        "weak evidence and a move to *fails* strong evidence.",
        "",
        "Per pattern (verdict at the default calibration, at these counts):",
        "",
    ]
    deps = result.dependencies()
    lines += _table(
        ("pattern", "baseline", "same verdict", "fails under", "holds under", "inconclusive under"),
        [
            [
                r["pattern"],
                r["baseline"],
                f"{r['same verdict']} of {r['variants']}",
                r["now fails"] or "–",
                r["now holds"] or "–",
                r["now inconclusive"] or "–",
            ]
            for r in deps.to_dict("records")
        ],
    )
    claims = result.claims
    labels = list(dict.fromkeys(claims["claim"]))
    lines += [
        "Per claim: the estimate at the default calibration (these counts) and its "
        "verdict, the range of estimates over the variants, on how many the point "
        "estimate lies on the predicted side, the variants that move it to the other "
        "side of the threshold than the default's estimate, and those that change the "
        "verdict:",
        "",
    ]
    lines += _table(
        (
            "claim",
            "default",
            "range over variants",
            "predicted side",
            "side changes under",
            "verdict changes under",
        ),
        [
            [
                r["claim"],
                f"{fmt(r['baseline estimate'])} ({r['baseline verdict']})",
                f"{fmt(r['lowest'])} to {fmt(r['highest'])}",
                f"{r['predicted side']} of {r['variants']}",
                r["side changes under"] or "–",
                r["verdict changes under"] or "–",
            ]
            for r in result.claim_summary().to_dict("records")
        ],
    )
    lines += ["Every verdict (✓ holds, ✗ fails, ? inconclusive):", ""]
    rows = []
    for (parameter, direction), group in claims.groupby(["parameter", "direction"], sort=False):
        marks = dict(zip(group["claim"], group["verdict"], strict=True))
        value = group["value"].iloc[0]
        rows.append(
            [
                parameter,
                direction,
                "" if pd.isna(value) else fmt(value),
                *(SYMBOLS[marks[label]] for label in labels),
            ]
        )
    lines += _table(("parameter", "move", "value", *labels), rows)
    if figure:
        lines += [f"![Robustness]({figure})", ""]
    return lines


def timings_section(timings: dict[str, dict[str, float]], workers: int) -> list[str]:
    """Wall time as measured, and CPU time, which other work on the machine cannot inflate."""
    lines = [
        "## Timings",
        "",
        f"Wall-clock seconds as measured with {workers} worker process(es) on this "
        "machine (shared with other work, which inflates them), the CPU seconds of the "
        "model runs (wherever they ran) and of the main process (analysis, model "
        "fits), and from these an estimate of the time on 2 otherwise idle cores: "
        "main CPU + runs' CPU / 2 (process start-up and data transfer left out).",
        "",
    ]
    rows = [
        [
            part,
            f"{t['wall']:.0f}",
            f"{t['runs_cpu']:.0f}",
            f"{t['main_cpu']:.0f}",
            f"{t['main_cpu'] + t['runs_cpu'] / 2:.0f}",
        ]
        for part, t in timings.items()
    ]
    return lines + _table(
        ("part", "wall s (measured)", "runs CPU s", "main CPU s", "2 idle cores, s (estimate)"),
        rows,
    )


def render(
    provenance: Provenance,
    results: Sequence[PatternResult],
    figures: dict[str, str],
    nels: NelsResult | None = None,
    robustness: RobustnessResult | None = None,
) -> str:
    """The whole report as Markdown."""
    p = provenance
    parts = [
        f"{p.settings.replicates} replicates per arm",
        f"{p.settings.schools} schools in the population experiment",
    ]
    if p.nels_schools:
        parts.append(f"{p.nels_schools} schools in the synthetic NELS")
    if p.robustness and robustness is not None:
        parts.append(
            f"robustness with {p.robustness.replicates} replicates per arm, "
            f"{p.robustness.schools} schools and {_moved(robustness)} parameters"
        )
    lines = [
        "# Validation: the patterns of MODEL.md §8 under the default calibration",
        "",
        f"Generated by `{p.command}` (staffroom {p.version}) on {p.date}, "
        f"{p.workers} worker process{'es' if p.workers != 1 else ''}: "
        f"{'; '.join(parts)}. Do not edit by hand; re-run the command.",
        "",
    ]
    if results:
        held = sum(r.verdict == "holds" for r in results)
        lines += [f"**{held} of {len(results)} patterns hold.**", ""]
        lines += _table(
            ("pattern", "verdict", "statement"),
            [[r.number, f"**{r.verdict}**", r.statement] for r in results],
        )
        lines += ["Every claim that counts:", "", *summary_table(results)]
        lines += _decision_rule()
        lines += ["## The patterns", ""]
        for r in results:
            lines += pattern_section(r, figures.get(f"pattern_{r.number}"))
            if r.number == 2 and "size_curve" in figures:
                lines += [f"![School size]({figures['size_curve']})", ""]
        lines += [
            f"(Pattern 7's definition of *slowly*: more than {STICKY_SHARE:.0%} of "
            f"the starting deficit left after {STICKY_YEARS} years.)",
            "",
        ]
    if nels is not None:
        lines += nels_section(nels, [figures[k] for k in ("nels_size", "nels_cr") if k in figures])
    if robustness is not None:
        lines += robustness_section(robustness, figures.get("robustness"))
    if p.timings:
        lines += timings_section(p.timings, p.workers)
    return "\n".join(lines).rstrip() + "\n"


def relative(path: Path, start: Path) -> str:
    """``path`` relative to the folder ``start``, with forward slashes."""
    import os

    return Path(os.path.relpath(path, start)).as_posix()
