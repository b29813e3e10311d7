"""The one-page answer at the top of a report: a chart, a sentence per plan, what drove it.

A principal reads it in a minute: one chart of each plan's difference from
the baseline on the key outcomes with 95% intervals, coloured and worded
better / worse / no clear difference; one sentence per plan; which source of
efficacy drove its teachers' self-efficacy; and, for plans with leader
rules, in how many runs and when each rule fired.
"""

from __future__ import annotations

import html
import math
import textwrap
from collections.abc import Iterable, Sequence

import pandas as pd

from analysis.experiments.replicates import Results
from analysis.reports.blocks import VERDICT_COLOURS, Answer, Chart, TableBlock
from analysis.reports.wording import (
    SOURCE_NAMES,
    TSES_POINTS,
    change,
    decimals_for,
    judgement,
    label,
    number,
    signed,
)
from analysis.statistics.compare import Comparison
from analysis.statistics.intervals import Interval
from simulation import WEEKS_PER_YEAR
from simulation.outcomes import get, headline, reported

LABEL_WIDTH, ROW, WIDE_ROW, HEADER = 205, 24, 38, 26
#: One plan: bar and words on one line; several: a column per plan, words under the bar.
ONE_BAR, ONE_TEXT, COLUMN = 270, 200, 205


def _shown(interval: Interval, outcome: str) -> str:
    phrase = get(outcome)
    return number(interval.estimate * phrase.scale, decimals_for(interval, phrase), signed=True)


def _cell(
    interval: Interval,
    outcome: str,
    extent: float,
    left: float,
    width: float,
    mid: float,
    text_x: float,
    text_y: float,
    plan: str,
) -> str:
    """One plan's difference on one outcome: zero line, interval bar, dot, words."""
    verdict = judgement(interval, outcome)
    colour = VERDICT_COLOURS[verdict]
    centre, half = left + width / 2, width / 2 - 6

    def x(value: float) -> float:
        return centre + value / extent * half

    parts = [
        f'<line x1="{centre:.1f}" y1="{mid - 9}" x2="{centre:.1f}" y2="{mid + 9}" '
        'stroke="#999" stroke-dasharray="3 3"/>'
    ]
    if math.isfinite(interval.low) and math.isfinite(interval.high):
        parts.append(
            f'<line x1="{x(interval.low):.1f}" y1="{mid}" x2="{x(interval.high):.1f}" '
            f'y2="{mid}" stroke="{colour}" stroke-width="4" stroke-linecap="round"/>'
        )
    if math.isfinite(interval.estimate):
        parts.append(f'<circle cx="{x(interval.estimate):.1f}" cy="{mid}" r="5" fill="{colour}"/>')
    words = "undefined" if verdict == "undefined" else f"{_shown(interval, outcome)} {verdict}"
    weight = "600" if verdict in ("better", "worse") else "400"
    parts.append(
        f'<text x="{text_x:.1f}" y="{text_y:.1f}" fill="{colour}" font-size="12" '
        f'font-weight="{weight}">{html.escape(words)}</text>'
    )
    return (
        f'<g data-outcome="{outcome}" data-plan="{html.escape(plan)}" '
        f'data-verdict="{verdict}">' + "".join(parts) + "</g>"
    )


def _two_lines(name: str, width: int = 27) -> list[str]:
    """A plan's name in at most two lines for a column head (shortened with … if longer)."""
    lines = textwrap.wrap(name, width) or [""]
    if len(lines) > 2:
        lines = [lines[0], textwrap.shorten(" ".join(lines[1:]), width, placeholder=" …")]
    return [line if len(line) <= width else line[: width - 1] + "…" for line in lines]


def chart(comparison: Comparison) -> Chart:
    """Each plan's difference from the baseline on the registry's headline outcomes (inline SVG).

    One row per outcome and, with several plans, one column per plan: the 95%
    interval as a bar, the estimate as a dot, a dashed line at zero (no
    difference), and the difference and its verdict in words. Each outcome
    has its own scale, shared by the plans.
    """
    year = comparison.years
    plans = [p.scenario.name for p in comparison.plans]
    several = len(plans) > 1
    width = LABEL_WIDTH + (len(plans) * COLUMN if several else ONE_BAR + ONE_TEXT)
    parts = []
    y = 4
    if several:
        names = [_two_lines(plan) for plan in plans]
        lines = max(len(n) for n in names)
        for k, name in enumerate(names):
            x = LABEL_WIDTH + (k + 0.5) * COLUMN
            spans = "".join(
                f'<tspan x="{x:.1f}" dy="{0 if j == 0 else 15}">{html.escape(line)}</tspan>'
                for j, line in enumerate(name)
            )
            parts.append(
                f'<text x="{x:.1f}" y="{y + 16 + 15 * (lines - len(name))}" '
                f'text-anchor="middle" font-weight="600">{spans}</text>'
            )
        y += HEADER + 15 * (lines - 1)
    row = WIDE_ROW if several else ROW
    for outcome in headline():
        intervals = {plan: comparison.interval(plan, outcome, year) for plan in plans}
        extent = (
            max(
                [
                    abs(v)
                    for i in intervals.values()
                    for v in (i.low, i.high, i.estimate)
                    if math.isfinite(v)
                ]
                or [0.0]
            )
            * 1.05
            or 1.0
        )
        mid = y + (12 if several else row / 2)
        parts.append(
            f'<text x="4" y="{mid + 4}" font-weight="600">{html.escape(label(outcome))}</text>'
        )
        for k, (plan, interval) in enumerate(intervals.items()):
            if several:
                left, bar = LABEL_WIDTH + k * COLUMN + 8, COLUMN - 16
                text_x, text_y = left + 4, y + 31
            else:
                left, bar = LABEL_WIDTH, ONE_BAR
                text_x, text_y = LABEL_WIDTH + ONE_BAR + 12, mid + 4
            parts.append(_cell(interval, outcome, extent, left, bar, mid, text_x, text_y, plan))
        y += row
    height = y + 20
    parts.append(
        f'<text x="{width / 2:.0f}" y="{height - 5}" text-anchor="middle" '
        'fill="#555">dashed line: same as the baseline</text>'
    )
    svg = (
        f'<svg class="chart" data-chart="differences" xmlns="http://www.w3.org/2000/svg" '
        f'viewBox="0 0 {width} {height}" style="max-width: {width}px" '
        'font-family="system-ui, sans-serif" font-size="13" role="img" '
        'aria-label="Difference of each plan from the baseline">' + "".join(parts) + "</svg>"
    )
    header = ("outcome", *plans)
    rows = tuple(
        (
            label(o),
            *(
                f"{signed(comparison.interval(p, o, year), o)} "
                f"{judgement(comparison.interval(p, o, year), o)}"
                for p in plans
            ),
        )
        for o in headline()
    )
    base = comparison.baseline.scenario.name
    caption = (
        f"Difference from {base} at the end of year {year}, {comparison.replicates} "
        "runs each: the dot is the estimate, the bar its 95% interval. Green: better; "
        "red: worse; grey: no clear difference (the interval includes 0), each outcome on "
        "its own and on its own scale. The verdict under the chart judges all outcomes "
        "together, so an outcome marked here may not count in it: with many outcomes, "
        "one interval in twenty excludes 0 by chance."
    )
    return Chart(svg, TableBlock(header, rows), caption)


def overall(verdicts: Iterable[str]) -> str:
    """``better``, ``worse``, ``mixed`` or ``no clear difference`` over outcomes' verdicts."""
    verdicts = list(verdicts)
    better, worse = "better" in verdicts, "worse" in verdicts
    if better and worse:
        return "mixed"
    return "better" if better else "worse" if worse else "no clear difference"


def answer(comparison: Comparison, plan: str) -> Answer:
    """One plan's answer in a sentence, with what drove it and what its leader decided.

    The verdict and its counts judge the outcomes together
    (:meth:`Comparison.clear_together`), so that a plan no different from the
    baseline is called better or worse in at most 5% of comparisons rather
    than in up to about 40% (any of 11 intervals excluding 0); outcomes clear
    only on their own interval are counted apart.
    """
    year = comparison.years
    base = comparison.baseline.scenario.name
    outcomes = len(reported())
    finals = {o: comparison.interval(plan, o, year) for o in reported()}
    together = comparison.clear_together(plan, year)
    verdicts = {
        o: judgement(i, o) if together[o] else "no clear difference" for o, i in finals.items()
    }
    alone = sum(i.clear and not together[o] for o, i in finals.items())
    better = sum(v == "better" for v in verdicts.values())
    worse = sum(v == "worse" for v in verdicts.values())
    verdict = overall(verdicts.values())
    counts = f"better on {better}, worse on {worse} of {outcomes} outcomes judged together"
    if alone:
        counts += f"; {_alone(alone, more=True)}"
    clear = [o for o in headline() if verdicts[o] in ("better", "worse")]
    first_worse = [o for o in clear if verdicts[o] == "worse"][:1]
    chosen = (first_worse + [o for o in clear if o not in first_worse])[:2]
    if verdict == "no clear difference":
        text = (
            f"By the end of year {year} the simulation cannot tell it apart from {base} on "
            f"the {outcomes} outcomes judged together"
            + (f" ({_alone(alone, more=False)})" if alone else "")
            + "; more --replicates narrow the intervals."
        )
    elif chosen:
        clauses = " and ".join(change(o, finals[o]) for o in chosen)
        text = f"By the end of year {year}, {clauses} than in {base} ({counts})."
    else:
        text = f"By the end of year {year} it is {counts}, none of them on the chart above."
    notes = [driver_note(comparison, plan), *rule_notes(comparison.result(plan))]
    return Answer(plan, verdict, f"{plan}: {verdict}", text, tuple(notes))


def _alone(count: int, more: bool) -> str:
    """Outcomes clear only on their own interval, as words (``"2 more differ only on…"``)."""
    one = count == 1
    return (
        f"{count}{' more' if more else ''} {'differs' if one else 'differ'} only on "
        f"{'its own interval' if one else 'their own intervals'}, which could be chance"
    )


def driver_note(comparison: Comparison, plan: str) -> str:
    """Which of the four sources of efficacy drove the difference in self-efficacy."""
    year = comparison.years
    intervals = comparison.source_intervals(plan, year)
    clear = {n: i for n, i in intervals.items() if i.clear}
    if not clear:
        return "No source of efficacy made a clear difference to teachers' self-efficacy."
    driver = max(clear, key=lambda n: abs(clear[n].estimate))

    def points(name: str) -> str:
        return number(clear[name].estimate * TSES_POINTS, 2, signed=True)

    others = [f"{SOURCE_NAMES[n]} {points(n)}" for n in clear if n != driver]
    also = f"; also clear: {', '.join(others)}" if others else ""
    return (
        f"Driven mostly by {SOURCE_NAMES[driver]}: {points(driver)} TSES points of teachers' "
        f"self-efficacy over {year} year{'s' if year != 1 else ''}{also}."
    )


def rule_notes(results: Results) -> list[str]:
    """For each leader rule: in how many runs it fired, and when."""
    scenario = results.scenario
    runs = scenario.replicates
    last_step = scenario.years * WEEKS_PER_YEAR
    notes = []
    for number_, rule in enumerate(scenario.rules, start=1):
        fired = results.decisions[results.decisions["rule"] == number_]
        name = f"Rule “{rule.label}”"
        if fired.empty:
            notes.append(f"{name} never fired in {runs} runs.")
            continue
        times = _times(fired)
        late = int((fired["step"] >= last_step).sum())
        tail = (
            f"; {late} of these came at the end of the last year, too late to change the run"
            if late
            else ""
        )
        count = fired["replicate"].nunique()
        how_many = f"all {runs}" if count == runs else f"{count} of {runs}"
        notes.append(f"{name} fired in {how_many} runs: {times}{tail}.")
    return notes


def _times(fired: pd.DataFrame) -> str:
    counts = fired.groupby(["step", "year", "week"]).size().reset_index(name="runs")
    if len(counts) == 1:  # every firing at the same time
        row = counts.iloc[0]
        return "each time " + _when(int(row["year"]), int(row["week"]))
    said = []
    for row in counts.itertuples(index=False):
        said.append(f"{_when(row.year, row.week)} in {row.runs}")
    return ", ".join(said)


def _when(year: int, week: int) -> str:
    if week == WEEKS_PER_YEAR:
        return f"at the end of year {year}"
    return f"in year {year}, week {week}"


def answers(comparison: Comparison) -> Sequence[Answer]:
    """An :class:`Answer` for every plan of the comparison."""
    return [answer(comparison, p.scenario.name) for p in comparison.plans]
