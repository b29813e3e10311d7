"""The validation report's Markdown pieces, and its sections on the synthetic NELS, robustness
and timings (:mod:`analysis.reports.validation` renders the whole report).
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import pandas as pd

from analysis.statistics.validation.nels import MixedFit, NelsResult
from analysis.statistics.validation.robustness import STEP, RobustnessResult

SYMBOLS = {"holds": "✓", "fails": "✗", "inconclusive": "?"}


def fmt(x: float) -> str:
    """A number with three significant digits (small effects stay readable)."""
    if x is None or (isinstance(x, float) and not math.isfinite(x)):
        return "–"
    return f"{x:.3g}"


def interval_text(value: float, low: float, high: float) -> str:
    """``value [low, high]``, each with :func:`fmt`."""
    return f"{fmt(value)} [{fmt(low)}, {fmt(high)}]"


def markdown_table(header: Sequence[str], rows: Sequence[Sequence[object]]) -> list[str]:
    """A Markdown table followed by a blank line (a ``|`` in a cell is escaped)."""

    def row(cells: Sequence[object]) -> str:
        return "| " + " | ".join(str(c).replace("|", "\\|") for c in cells) + " |"

    return [row(header), "|" + "---|" * len(header), *map(row, rows), ""]


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
    rows = [
        [
            f"`{c.label}`",
            c.statement,
            fmt(c.estimate.estimate),
            f"[{fmt(c.estimate.low)}, {fmt(c.estimate.high)}]",
            c.measure,
            c.verdict,
        ]
        for c in result.comparisons
        if not c.label.startswith("band")
    ]
    lines += markdown_table(
        ("term", "meaning", "coefficient", "95% interval", "Lee & Smith found", "agrees?"), rows
    )
    re = ", ".join(f"{k} {v:.3g}" for k, v in main.random_effects.items())
    lines += [f"Variance components: {re}. {_fit_note(main)}", ""]
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
    lines += markdown_table(
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
        f"Highest adjusted gain in the model: **{result.peak_band}** (Lee & Smith 1997: "
        f"601-900). Size model: {_fit_note(result.size)}",
        "",
    ]
    lines += [f"![NELS]({f})" for f in figures] + [""]
    return lines


def _fit_note(fit: MixedFit) -> str:
    """Whether a mixed model's optimiser converged, its REML log-likelihood and notes."""
    notes = f" (notes: {'; '.join(fit.warnings)})" if fit.warnings else ""
    return (
        f"Optimiser converged: {'yes' if fit.converged else 'no'}{notes}; "
        f"REML log-likelihood {fit.log_likelihood:.1f}."
    )


def moved_parameters(result: RobustnessResult) -> int:
    """How many parameters the robustness analysis moved."""
    moved = result.verdicts["direction"] != "default"
    return int(result.verdicts.loc[moved, "parameter"].nunique())


def robustness_section(result: RobustnessResult, figure: str | None) -> list[str]:
    """Claim verdicts under every ±25% variant, and what each pattern depends on."""
    s = result.settings
    n_params = moved_parameters(result)
    lines = [
        "## Robustness: each calibration parameter moved ±25%",
        "",
        f"{n_params} calibration parameter{'s' if n_params != 1 else ''} (belief "
        "dynamics, how beliefs act on teaching, and the mechanisms the patterns rest on; list in "
        "`analysis/statistics/validation/robustness.py`) were moved one at a time to "
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
    lines += markdown_table(
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
        "side of the threshold than the default's estimate, those that change the "
        "verdict (*within noise* when the estimate did not move clearly: the flip may be "
        "the replicates' doing), and those that clearly move the estimate (by more than "
        "1.96 standard errors of the difference, counted as if the runs were independent; "
        "they share seeds, so this is conservative):",
        "",
    ]
    lines += markdown_table(
        (
            "claim",
            "default",
            "range over variants",
            "predicted side",
            "side changes under",
            "verdict changes under",
            "clearly moved by",
        ),
        [
            [
                r["claim"],
                f"{fmt(r['baseline estimate'])} ({r['baseline verdict']})",
                f"{fmt(r['lowest'])} to {fmt(r['highest'])}",
                f"{r['predicted side']} of {r['variants']}",
                r["side changes under"] or "–",
                r["verdict changes under"] or "–",
                r["clearly moved by"] or "–",
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
    lines += markdown_table(("parameter", "move", "value", *labels), rows)
    if figure:
        lines += [f"![Robustness]({figure})", ""]
    return lines


def timings_section(timings: dict[str, dict[str, float]], workers: int) -> list[str]:
    """Wall time as measured, and CPU time, which other work on the machine cannot inflate."""
    lines = [
        "## Timings",
        "",
        f"Wall-clock seconds as measured with {workers} worker process(es) on this "
        "machine (shared with other work, which inflates them), from a part's first run "
        "to the end of its analysis (the parts overlap: each part is analysed while the "
        "next part's runs go), the CPU seconds of the model runs (wherever they ran) and "
        "of the main process (planning, analysis, model fits), and from these an "
        "estimate of the time on 2 otherwise idle cores: (runs' CPU + main CPU) / 2 "
        "(process start-up, data transfer and the last part's analysis left out).",
        "",
    ]
    rows = [
        [
            part,
            f"{t['wall']:.0f}",
            f"{t['runs_cpu']:.0f}",
            f"{t['main_cpu']:.0f}",
            f"{(t['main_cpu'] + t['runs_cpu']) / 2:.0f}",
        ]
        for part, t in timings.items()
    ]
    return lines + markdown_table(
        ("part", "wall s (measured)", "runs CPU s", "main CPU s", "2 idle cores, s (estimate)"),
        rows,
    )
