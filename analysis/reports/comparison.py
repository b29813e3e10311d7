"""Reports: a comparison as Markdown, as self-contained HTML, and as terminal tables.

A report opens with the one-page answer (:mod:`analysis.reports.summary`), then
reads each plan against its baseline once (sentences, tables, sources,
the leader's decisions, the Blueprint's evidence of practice), then the
method. Blocks and their renderings are in :mod:`analysis.reports.blocks`.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from functools import partial

from analysis.experiments.provenance import version
from analysis.experiments.replicates import Results
from analysis.reports import plots
from analysis.reports.blocks import (
    Block,
    Bullets,
    Figure,
    Heading,
    Paragraph,
    Section,
    TableBlock,
    figures,
    to_html,
    to_markdown,
)
from analysis.reports.blueprint import ITEMS, NOT_MODELLED
from analysis.reports.drawing import draw
from analysis.reports.summary import answers, chart, rule_notes
from analysis.reports.wording import (
    SOURCE_NAMES,
    TSES_POINTS,
    finding,
    judgement,
    label,
    level,
    number,
    signed,
    source_sentence,
)
from analysis.statistics.compare import Comparison
from analysis.statistics.intervals import Interval, differences, mean_interval
from simulation import SOURCES
from simulation.outcomes import get, reported

__all__ = [
    "difference_figures",
    "figures",
    "report_blocks",
    "report_figures",
    "to_html",
    "to_markdown",
    "trajectory_figures",
]


# the comparison report

READING_GUIDE = (
    "Every number is a difference from the first scenario of its section (the baseline) "
    "at the end of a school year, with a 95% confidence interval. The interval says how "
    "precisely the simulation pins the difference down; it does not say how sure we can "
    "be that a real school would behave like the model.",
    "'No clear difference' means the interval includes zero: with this many runs the "
    "simulation cannot tell the scenarios apart on that outcome. More replicates "
    "(--replicates) narrow the intervals.",
    "SD means student standard deviations of achievement: 0.25 SD is about a year of "
    "high-school learning. Self-efficacy is on the TSES 1–9 scale; collective efficacy, "
    "responsibility and stress on a 0–1 scale; shares in percentage points.",
    "The SES gap is the achievement gap between advantaged and disadvantaged students; the "
    "SES–gain slope is how much more a student gains a year per SD of family SES. Smaller "
    "is more equitable (Lee & Smith 1996).",
)


def _method(comparisons: Sequence[Comparison]) -> list[Block]:
    first = comparisons[0]
    replicates = first.replicates
    seed = first.baseline.scenario.seed
    return [
        Heading(2, "Method"),
        Bullets(
            (
                f"Each scenario ran {replicates} times (replicates) with the same seed ({seed}), "
                "so replicate r of every scenario starts from the same random draws as far as the "
                "scenarios consume them alike (common random numbers). Differences are taken "
                "within each replicate pair, which removes the noise the pair shares.",
                "Intervals are paired t intervals on the per-replicate differences "
                "(d̄ ± t(0.975, n−1)·sd/√n), per outcome and year. They are not adjusted for "
                "the many outcomes and years shown: about one interval in twenty misses the "
                "true difference, so a single marginal result deserves caution. Each plan's "
                "verdict and its counts judge the last year's outcomes together (Holm's "
                "adjustment of the paired t tests): a plan no different from the baseline is "
                "called better or worse at most one time in twenty (about 2 in 5 judged apart).",
                "Sources of efficacy: each week the model records how much mastery experience, "
                "vicarious experience, social persuasion and affective states changed each "
                "teacher's self-efficacy (Bandura 1997). The report sums these over the weeks "
                "of the run (school mean, shown in TSES points). They explain the change in "
                "the beliefs of teachers on the staff; teachers leaving and novices arriving "
                "also move the school mean, so the sources need not add up to the difference "
                "in mean self-efficacy.",
                "Outcomes measured at the end of a year: annual gain and the SES–gain slope "
                "come from the annual test; turnover is the share of teachers who leave at "
                "that year's end.",
                f"Simulated with staffroom {version(commit=True)}. The same scenarios and seed "
                "run by the same code give the same numbers; run.json says what made them.",
            )
        ),
    ]


def _scenario_list(comparison: Comparison) -> Bullets:
    items = []
    for k, result in enumerate([comparison.baseline, *comparison.plans]):
        s = result.scenario
        role = "baseline" if k == 0 else "plan"
        where = f" ({s.path.name})" if s.path else ""
        about = f": {s.description.rstrip('.')}" if s.description else ""
        rules = "".join(f" Leader rule: {rule.describe()}." for rule in s.rules)
        items.append(f"{s.name}{where}, {role}{about}" + (f".{rules}" if rules else ""))
    return Bullets(tuple(items))


def _difference_table(comparison: Comparison, plan: str) -> TableBlock:
    years = range(1, comparison.years + 1)
    rows = []
    for outcome in reported():
        cells = [label(outcome)]
        for year in years:
            interval = comparison.interval(plan, outcome, year)
            mark = "" if interval.clear else " ·"
            cells.append(signed(interval, outcome) + mark)
        rows.append(tuple(cells))
    header = ("outcome", *(f"end of year {y}" for y in years))
    return TableBlock(header, tuple(rows))


def _glossary() -> TableBlock:
    rows = tuple((label(o), o, get(o).description) for o in reported())
    return TableBlock(("outcome", "column", "meaning"), rows, name="glossary")


def _sources_table(comparison: Comparison, plan: str) -> TableBlock:
    years = range(1, comparison.years + 1)
    rows = []
    for name in SOURCES:
        cells = [SOURCE_NAMES[name]]
        for year in years:
            interval = comparison.source_intervals(plan, year, span="year")[name]
            text = number(interval.estimate * TSES_POINTS, 3, signed=True)
            if not math.isnan(interval.low):
                text += (
                    f" [{number(interval.low * TSES_POINTS, 3)}, "
                    f"{number(interval.high * TSES_POINTS, 3)}]"
                )
            cells.append(text + ("" if interval.clear else " ·"))
        rows.append(tuple(cells))
    return TableBlock(("source", *(f"year {y}" for y in years)), tuple(rows))


def _levels_table(comparison: Comparison) -> TableBlock:
    """Each scenario's mean at the end of the run, for orientation."""
    results = [comparison.baseline, *comparison.plans]
    rows = tuple(
        (label(o), *(level(end_mean(r, o, comparison.years), o) for r in results))
        for o in reported()
    )
    return TableBlock(("outcome", *(r.scenario.name for r in results)), rows)


def end_mean(result: Results, outcome: str, year: int) -> float:
    return mean_interval(result.summary.loc[result.summary["year"] == year, outcome]).estimate


def blueprint_blocks(comparison: Comparison) -> list[Block]:
    """ "What you would see in the building": the Blueprint's eight items, per plan.

    Each item shows the model outcomes that stand for it (``analysis.reports.blueprint``)
    at the end of the run, for the baseline and every plan, with each plan's
    difference and its verdict; items the model has nothing to say about
    are marked "not modelled".
    """
    year = comparison.years
    results = [comparison.baseline, *comparison.plans]
    names = sorted({o for item in ITEMS for o in item.outcomes})
    diffs = {
        p.scenario.name: differences(p.summary, comparison.baseline.summary, names)
        for p in comparison.plans
    }
    rows = []
    for item in ITEMS:
        if item.status == NOT_MODELLED:
            rows.append(
                (
                    f"{item.number}. {item.text}",
                    "not modelled",
                    *("—" for _ in results),
                    item.reason,
                )
            )
            continue
        for k, outcome in enumerate(item.outcomes):
            cells = [level(end_mean(comparison.baseline, outcome, year), outcome)]
            for plan in comparison.plans:
                table = diffs[plan.scenario.name]
                row = table[(table["outcome"] == outcome) & (table["year"] == year)].iloc[0]
                interval = _interval(row)
                cells.append(
                    f"{level(row['plan_mean'], outcome)} ({signed(interval, outcome, compact=True)}"
                    f", {judgement(interval, outcome)})"
                )
            stands = label(outcome) + ("" if item.status != "partly" else " (in part)")
            rows.append(
                (
                    f"{item.number}. {item.text}" if k == 0 else "",
                    stands,
                    *cells,
                    item.reason if k == 0 else "",
                )
            )
    header = ("evidence of practice", "in the model", *(r.scenario.name for r in results), "why")
    return [
        Heading(3, "What you would see in the building"),
        Paragraph(
            f"The collective-responsibility Blueprint lists eight things a visitor would "
            f"see where staff take collective responsibility. For each, the model outcomes "
            f"that stand for it at the end of year {year} (mean of "
            f"{comparison.replicates} runs; for plans, the difference from the baseline "
            '± its 95% interval and what it means), or "not modelled" where the model '
            "has nothing to say: it invents no mechanism to fill a row. docs/blueprint.md "
            "gives the mapping and its sources."
        ),
        TableBlock(header, tuple(rows), name="blueprint"),
    ]


def _interval(row) -> Interval:
    """An :class:`Interval` from one row of a differences table."""
    return Interval(row["difference"], row["low"], row["high"], int(row["n"]), row["method"])


def comparison_blocks(
    comparison: Comparison, figures: Mapping[str, bytes], prefix: str = ""
) -> list[Block]:
    """The blocks of one comparison: each plan read once against the baseline.

    ``figures`` are the drawn :func:`report_figures`; ``prefix`` keeps
    figure file names apart when a report holds several.
    """
    base = comparison.baseline.scenario.name
    year = comparison.years
    blocks: list[Block] = [
        Heading(2, comparison.question or f"Plans compared with {base}"),
        _scenario_list(comparison),
    ]
    base_rules = rule_notes(comparison.baseline)
    if base_rules:
        blocks.append(Paragraph(f"The baseline's leader: {' '.join(base_rules)}"))
    for plan_result in comparison.plans:
        plan = plan_result.scenario.name
        self_efficacy = comparison.interval(plan, "self_efficacy_tses", year).estimate
        start = comparison.start_difference(plan, "self_efficacy_tses")
        notes = rule_notes(plan_result)
        blocks += [
            Heading(3, f"{plan} compared with {base}"),
            Paragraph(
                f"At the end of year {year}, {plan} minus {base}, with 95% intervals (better: "
                "in the direction that helps students or teachers):"
            ),
            Bullets(tuple(finding(o, comparison.interval(plan, o, year)) for o in reported())),
            Paragraph(
                source_sentence(year, comparison.source_intervals(plan, year), start, self_efficacy)
            ),
            *([Paragraph("The leader's rules: " + " ".join(notes))] if notes else []),
            Paragraph(
                "Year by year: the difference from the baseline with its 95% interval; · marks "
                "no clear difference."
            ),
            _difference_table(comparison, plan),
            Paragraph(
                "Sources of self-efficacy, year by year: how much more (+) or less (−) each "
                "source moved teachers' self-efficacy than in the baseline during that year, "
                "in TSES points."
            ),
            _sources_table(comparison, plan),
        ]
    blocks += blueprint_blocks(comparison)
    blocks += [
        Paragraph(
            f"Where each scenario ends (mean of {comparison.replicates} runs "
            f"at the end of year {year}):"
        ),
        _levels_table(comparison),
        Figure(
            f"{prefix}differences.png",
            figures[f"{prefix}differences.png"],
            f"Difference from {base} at the end of each year, with 95% intervals.",
        ),
        Figure(
            f"{prefix}trajectories.png",
            figures[f"{prefix}trajectories.png"],
            "Each scenario over the run: mean of the runs with its 95% interval.",
        ),
        Figure(
            f"{prefix}sources.png",
            figures[f"{prefix}sources.png"],
            f"Sources of self-efficacy summed over the run, difference from {base}.",
        ),
    ]
    return blocks


def one_page(comparisons: Sequence[Comparison], title: str, intro: str = "") -> Section:
    """The answer on one page: per comparison, the chart and one answer per plan."""
    blocks: list[Block] = [Heading(1, title)]
    if intro:
        blocks.append(Paragraph(intro))
    for comparison in comparisons:
        base = comparison.baseline.scenario.name
        heading = (
            comparison.question
            if len(comparisons) > 1
            else (f"The answer: each plan against {base}")
        )
        blocks.append(Heading(2, heading or f"Each plan against {base}"))
        blocks.append(chart(comparison))
        blocks += answers(comparison)
        base_rules = rule_notes(comparison.baseline)
        if base_rules:
            blocks.append(Paragraph(f"{base}: {' '.join(base_rules)}"))
    blocks.append(
        Paragraph(
            "What the model implies, not a forecast: use it to compare plans "
            "and ask why. The details, the Blueprint's evidence of practice and "
            "the method follow."
        )
    )
    return Section("one-page", tuple(blocks))


def _prefixes(count: int) -> list[str]:
    """Figure name prefixes that keep several comparisons' figures apart (none for one)."""
    return [f"q{k}_" if count > 1 else "" for k in range(1, count + 1)]


def trajectory_figures(questions: Sequence[Sequence[Results]]) -> dict[str, Callable[[], bytes]]:
    """What draws each question's trajectories, by file name: they need only the runs.

    ``questions`` holds each comparison's runs, the baseline first. These
    are a report's costliest figures, so they can be drawn while the
    comparisons are worked out.
    """
    return {
        f"{prefix}trajectories.png": partial(plots.overview_figure, list(results))
        for results, prefix in zip(questions, _prefixes(len(questions)), strict=True)
    }


def difference_figures(comparisons: Sequence[Comparison]) -> dict[str, Callable[[], bytes]]:
    """What draws each comparison's differences and sources, by file name, the costliest first."""
    prefixes = _prefixes(len(comparisons))
    pairs = list(zip(comparisons, prefixes, strict=True))
    return {
        **{f"{p}differences.png": partial(plots.differences_figure, c) for c, p in pairs},
        **{f"{p}sources.png": partial(plots.sources_figure, c) for c, p in pairs},
    }


def report_figures(comparisons: Sequence[Comparison]) -> dict[str, Callable[[], bytes]]:
    """What draws each figure of a report, by file name, the costliest first."""
    runs = [[c.baseline, *c.plans] for c in comparisons]
    return trajectory_figures(runs) | difference_figures(comparisons)


def report_blocks(
    comparisons: Sequence[Comparison],
    title: str,
    intro: str = "",
    figures: Mapping[str, bytes] | None = None,
) -> list[Block]:
    """A whole report: the one-page answer, reading guide, each comparison, method.

    ``figures`` are the drawn :func:`report_figures` (drawn here if not given).
    """
    blocks: list[Block] = [one_page(comparisons, title, intro)]
    blocks += [
        Heading(2, "How to read this report"),
        Bullets(READING_GUIDE),
        Paragraph(
            "The outcomes (the name in the CSV and Parquet files, and what the model measures):"
        ),
        _glossary(),
    ]
    drawn = figures if figures is not None else draw(report_figures(comparisons))
    for comparison, prefix in zip(comparisons, _prefixes(len(comparisons)), strict=True):
        blocks += comparison_blocks(comparison, drawn, prefix)
    return blocks + _method(comparisons)
