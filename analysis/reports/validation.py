"""The validation report in Markdown, from the results (no model runs here)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd

from analysis.reports.validation_sections import (
    fmt,
    interval_text,
    markdown_table,
    moved_parameters,
    nels_section,
    robustness_section,
    timings_section,
)
from analysis.statistics.validation.claims import (
    MARGIN_REASONS,
    MARGINS,
    STICKY_SHARE,
    STICKY_YEARS,
    PatternResult,
)
from analysis.statistics.validation.parts import Validation
from analysis.statistics.validation.stats import Claim


@dataclass
class Provenance:
    """What produced a report: the command as typed, version, workers, date, and
    whether it was a quick run (whose verdicts are checks, not conclusions)."""

    command: str
    version: str
    workers: int
    date: str = ""
    quick: bool = False


def _effect(c: Claim) -> list[str]:
    """A claim's effect (with its unit) and its 95% interval, as two cells."""
    e = c.estimate
    return [f"{fmt(e.estimate)} {c.unit}", f"[{fmt(e.low)}, {fmt(e.high)}]"]


def claim_rows(claims: Sequence[Claim]) -> list[list[str]]:
    """Rows of a claims table: label, statement, measure, effect, interval, verdict."""
    return [
        [
            c.label,
            c.statement,
            c.measure,
            *_effect(c),
            c.prediction,
            f"**{c.verdict}**" if not c.diagnostic else f"{c.verdict} (diagnostic)",
        ]
        for c in claims
    ]


CLAIM_HEADER = ("claim", "prediction", "measure", "effect", "95% interval", "test", "verdict")


def summary_table(results: Sequence[PatternResult]) -> list[str]:
    """The pattern table: one row per claim that counts, verdicts by pattern."""
    rows = [
        [f"{r.number}", c.label, c.statement, *_effect(c), c.verdict, f"**{r.verdict}**"]
        for r in results
        for c in r.claims
        if not c.diagnostic
    ]
    return markdown_table(
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
        "seeds), Fisher's z for correlations, HC3-robust OLS intervals with t quantiles "
        "for regressions across schools, the percentile bootstrap over replicates for "
        "ratios and distances (for pattern 4's impacts, of their noise-corrected squares, "
        "shifted by the noise the resamples add, so that they can reach 0), and "
        "model-based Wald intervals for the mixed models (REML). Culture "
        "measures are read at the end of an experiment's last year, learning measures "
        "averaged over its last two annual tests. Nothing is tuned inside an "
        "experiment: arms are built-in scenarios, changed only where the design "
        "below says so, all with the default calibration.",
        "",
        "Smallest effects of interest (fixed before running):",
        "",
    ]
    lines += markdown_table(
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
    lines += markdown_table(CLAIM_HEADER, claim_rows(result.claims))
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
        columns = ("impact", "mean_impact", "final_mean", "final_sd")
        lines += [
            "Effect of removing each source on the efficacy trajectories (TSES; "
            "impact = RMS over years of the distance between the distributions of "
            "teachers' self-efficacy, ablated vs full, with the noise of the "
            "replicate means removed (each year's squared mean difference minus "
            "its variance s²/n; 0 if the average is negative), so a source that "
            "changes nothing has impact near 0; final = end of the last year, "
            "ablated − full):",
            "",
        ]
        lines += markdown_table(
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
                    *(interval_text(r[k], r[f"{k}_low"], r[f"{k}_high"]) for k in columns),
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
                r["measure"]: interval_text(r["mean"], r["low"], r["high"])
                for r in by_size.to_dict("records")
            }
            rows.append([f"{n:,}", *(cells[m] for m in measures)])
        lines += [f"*{structure}*", ""]
        lines += markdown_table(("students", *measures), rows)
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
            interval_text(r["difference"], r["difference_low"], r["difference_high"]),
            interval_text(r["without"], r["without_low"], r["without_high"]),
            f"{r['share']:.0%}" if math.isfinite(r["share"]) else "–",
        ]
        for r in channels.to_dict("records")
    ]
    lines += markdown_table(
        ("measure", "channel off", "600 − 2,400, all on", "with it off", "share"), rows
    )
    return lines


def headline(held: int, patterns: int, quick: bool) -> str:
    """The report's first finding; a quick run's says plainly its verdicts are only checks.

    ``--quick`` runs a few replicates and schools to check that the
    validation runs end to end; its verdicts can differ from the full run's,
    so its headline must not read like the full run's conclusion.
    """
    if not quick:
        return f"**{held} of {patterns} patterns hold.**"
    return (
        f"**Quick check, not a conclusion: {held} of {patterns} patterns hold at this small "
        "size.** A `--quick` run has too few replicates and schools for its verdicts to "
        "say whether the model reproduces the patterns; it checks that the validation "
        "runs. The full `staffroom validate` gives the verdicts."
    )


def render(provenance: Provenance, done: Validation, figures: dict[str, str]) -> str:
    """The whole report as Markdown, from the parts that ran; ``figures`` are links by key."""
    p, results, settings = provenance, done.results, done.settings
    parts = [
        f"{settings.replicates} replicates per arm",
        f"{settings.schools} schools in the population experiment",
    ]
    if done.nels is not None:
        parts.append(f"{done.nels_settings.schools} schools in the synthetic NELS")
    if done.robustness is not None:
        parts.append(
            f"robustness with {done.robust_settings.replicates} replicates per arm, "
            f"{done.robust_settings.schools} schools and "
            f"{moved_parameters(done.robustness)} "
            f"parameter{'' if moved_parameters(done.robustness) == 1 else 's'}"
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
        lines += [headline(held, len(results), p.quick), ""]
        lines += markdown_table(
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
    if done.nels is not None:
        figures_nels = [figures[k] for k in ("nels_size", "nels_cr") if k in figures]
        lines += nels_section(done.nels, figures_nels)
    if done.robustness is not None:
        lines += robustness_section(done.robustness, figures.get("robustness"))
    if done.timings:
        lines += timings_section(done.timings, p.workers)
    return "\n".join(lines).rstrip() + "\n"
