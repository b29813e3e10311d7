"""Reports: a comparison as Markdown, as self-contained HTML, and as terminal tables.

A report is built once as a list of blocks (headings, paragraphs, lists,
tables, figures) and rendered twice: Markdown that links its figures as
files beside it, and HTML with the same figures embedded (base64), which
can be mailed or opened offline as one file.
"""

from __future__ import annotations

import base64
import html
import math
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import metadata

from rich.table import Table

from simulation import DESCRIPTIONS, OUTCOMES, SOURCES

from . import plots
from .compare import Comparison
from .replicates import Results
from .statistics import mean_interval
from .wording import (
    COMPARED,
    SOURCE_NAMES,
    TSES_POINTS,
    judgement,
    label,
    level,
    number,
    plus_minus,
    sentence,
    signed,
    source_sentence,
    tally,
)


def version() -> str:
    """The installed staffroom version (``unknown`` when run from a bare checkout)."""
    try:
        return metadata.version("staffroom")
    except metadata.PackageNotFoundError:
        return "unknown"


# ---------------------------------------------------------------------------
# blocks
# ---------------------------------------------------------------------------

@dataclass(frozen=True)
class Heading:
    """A section heading (level 1-3)."""

    level: int
    text: str


@dataclass(frozen=True)
class Paragraph:
    """A paragraph of plain text."""

    text: str


@dataclass(frozen=True)
class Bullets:
    """A bulleted list of plain-text items."""

    items: tuple[str, ...]


@dataclass(frozen=True)
class TableBlock:
    """A table of plain-text cells."""

    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]


@dataclass(frozen=True)
class Figure:
    """A PNG figure: ``name`` is its file name under ``plots/``."""

    name: str
    data: bytes
    caption: str


Block = Heading | Paragraph | Bullets | TableBlock | Figure


def to_markdown(blocks: Sequence[Block], figure_folder: str = "plots") -> str:
    """Render blocks as Markdown; figures link ``figure_folder/NAME``."""
    out: list[str] = []
    for block in blocks:
        if isinstance(block, Heading):
            out.append(f"{'#' * block.level} {block.text}")
        elif isinstance(block, Paragraph):
            out.append(block.text)
        elif isinstance(block, Bullets):
            out.append("\n".join(f"* {item}" for item in block.items))
        elif isinstance(block, TableBlock):
            def row(cells: Sequence[str]) -> str:
                return "| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |"
            lines = [row(block.header), "|" + "---|" * len(block.header)]
            lines += [row(r) for r in block.rows]
            out.append("\n".join(lines))
        elif isinstance(block, Figure):
            out.append(f"![{block.caption}]({figure_folder}/{block.name})\n\n*{block.caption}*")
    return "\n\n".join(out) + "\n"


STYLE = """
body { font-family: system-ui, -apple-system, "Segoe UI", sans-serif; max-width: 60rem;
       margin: 2rem auto; padding: 0 1rem; line-height: 1.5; color: #222; }
h1, h2, h3 { line-height: 1.2; }
h2 { border-bottom: 1px solid #ccc; padding-bottom: .2rem; margin-top: 2.5rem; }
table { border-collapse: collapse; margin: 1rem 0; font-size: .9rem; }
th, td { border: 1px solid #ccc; padding: .25rem .5rem; text-align: right; }
th:first-child, td:first-child { text-align: left; }
figure { margin: 1.5rem 0; } img { max-width: 100%; }
figcaption { font-style: italic; font-size: .9rem; color: #555; }
"""


def to_html(blocks: Sequence[Block], title: str) -> str:
    """Render blocks as one self-contained HTML page (figures embedded as base64)."""
    out = ["<!DOCTYPE html>", '<html lang="en">', "<head>", '<meta charset="utf-8">',
           f"<title>{html.escape(title)}</title>", f"<style>{STYLE}</style>", "</head>",
           "<body>"]
    for block in blocks:
        if isinstance(block, Heading):
            out.append(f"<h{block.level}>{html.escape(block.text)}</h{block.level}>")
        elif isinstance(block, Paragraph):
            out.append(f"<p>{html.escape(block.text)}</p>")
        elif isinstance(block, Bullets):
            out.append("<ul>" + "".join(f"<li>{html.escape(i)}</li>" for i in block.items)
                       + "</ul>")
        elif isinstance(block, TableBlock):
            head = "".join(f"<th>{html.escape(c)}</th>" for c in block.header)
            body = "".join("<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in r) + "</tr>"
                           for r in block.rows)
            out.append(f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>")
        elif isinstance(block, Figure):
            data = base64.b64encode(block.data).decode("ascii")
            out.append(f'<figure><img alt="{html.escape(block.caption)}" '
                       f'src="data:image/png;base64,{data}">'
                       f"<figcaption>{html.escape(block.caption)}</figcaption></figure>")
    out += ["</body>", "</html>"]
    return "\n".join(out) + "\n"


def figures(blocks: Sequence[Block]) -> dict[str, bytes]:
    """The figures of a report by file name, to be written beside the Markdown."""
    return {b.name: b.data for b in blocks if isinstance(b, Figure)}


# ---------------------------------------------------------------------------
# the comparison report
# ---------------------------------------------------------------------------

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
        Bullets((
            f"Each scenario ran {replicates} times (replicates) with the same seed ({seed}), "
            "so replicate r of every scenario starts from the same random draws as far as the "
            "scenarios consume them alike (common random numbers). Differences are taken "
            "within each replicate pair, which removes the noise the pair shares.",
            "Intervals are paired t intervals on the per-replicate differences "
            "(d̄ ± t(0.975, n−1)·sd/√n), per outcome and year. They are not adjusted for "
            "the many outcomes and years shown: about one interval in twenty misses the "
            "true difference, so a single marginal result deserves caution.",
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
            f"Simulated with staffroom {version()}. The same scenarios, seed and version give "
            "the same numbers.",
        )),
    ]


def _scenario_list(comparison: Comparison) -> Bullets:
    items = []
    for k, result in enumerate([comparison.baseline, *comparison.plans]):
        s = result.scenario
        role = "baseline" if k == 0 else "plan"
        where = f" ({s.path.name})" if s.path else ""
        text = s.description or "no description"
        items.append(f"{s.name}{where}, {role}: {text}")
    return Bullets(tuple(items))


def _difference_table(comparison: Comparison, plan: str) -> TableBlock:
    years = range(1, comparison.years + 1)
    rows = []
    for outcome in COMPARED:
        cells = [label(outcome)]
        for year in years:
            interval = comparison.interval(plan, outcome, year)
            mark = "" if interval.clear else " ·"
            cells.append(signed(interval, outcome) + mark)
        rows.append(tuple(cells))
    header = ("outcome", *(f"end of year {y}" for y in years))
    return TableBlock(header, tuple(rows))


def _glossary() -> TableBlock:
    rows = tuple((label(o), o, DESCRIPTIONS[o]) for o in COMPARED)
    return TableBlock(("outcome", "column", "meaning"), rows)


def _sources_table(comparison: Comparison, plan: str) -> TableBlock:
    years = range(1, comparison.years + 1)
    rows = []
    for name in SOURCES:
        cells = [SOURCE_NAMES[name]]
        for year in years:
            interval = comparison.source_intervals(plan, year, span="year")[name]
            text = number(interval.estimate * TSES_POINTS, 3, signed=True)
            if not math.isnan(interval.low):
                text += (f" [{number(interval.low * TSES_POINTS, 3)}, "
                         f"{number(interval.high * TSES_POINTS, 3)}]")
            cells.append(text + ("" if interval.clear else " ·"))
        rows.append(tuple(cells))
    return TableBlock(("source", *(f"year {y}" for y in years)), tuple(rows))


def _levels_table(comparison: Comparison) -> TableBlock:
    """Each scenario's mean at the end of the run, for orientation."""
    results = [comparison.baseline, *comparison.plans]
    year = comparison.years
    rows = []
    for outcome in COMPARED:
        cells = [label(outcome)]
        for result in results:
            values = result.summary.loc[result.summary["year"] == year, outcome]
            cells.append(level(mean_interval(values).estimate, outcome))
        rows.append(tuple(cells))
    return TableBlock(("outcome", *(r.scenario.name for r in results)), tuple(rows))


def comparison_blocks(comparison: Comparison, prefix: str = "") -> list[Block]:
    """The blocks of one comparison: sentences, tables and figures for each plan.

    ``prefix`` keeps figure file names apart when a report holds several.
    """
    base = comparison.baseline.scenario.name
    year = comparison.years
    blocks: list[Block] = [Heading(2, comparison.question or
                                   f"Plans compared with {base}"), _scenario_list(comparison)]
    for plan_result in comparison.plans:
        plan = plan_result.scenario.name
        blocks.append(Heading(3, f"{plan} compared with {base}"))
        finals = {o: comparison.interval(plan, o, year) for o in COMPARED}
        blocks.append(Paragraph(f"In short, by the end of year {year} {plan} is "
                                f"{tally(finals)} (better: in the direction that helps "
                                "students or teachers)."))
        blocks.append(Bullets(tuple(
            sentence(o, comparison.interval(plan, o, year), plan, base, year)
            for o in COMPARED)))
        blocks.append(Paragraph(source_sentence(plan, base, year,
                                                comparison.source_intervals(plan, year))))
        blocks.append(Paragraph(f"Year by year: the difference {plan} minus {base} with its "
                                "95% interval; · marks no clear difference."))
        blocks.append(_difference_table(comparison, plan))
        blocks.append(Paragraph("Sources of self-efficacy, year by year: how much more (+) or "
                                f"less (−) each source moved teachers' self-efficacy in {plan} "
                                f"than in {base} during that year, in TSES points."))
        blocks.append(_sources_table(comparison, plan))
    blocks.append(Paragraph(f"Where each scenario ends (mean of {comparison.replicates} runs "
                            f"at the end of year {year}):"))
    blocks.append(_levels_table(comparison))
    results = [comparison.baseline, *comparison.plans]
    blocks += [
        Figure(f"{prefix}differences.png", plots.differences_figure(comparison),
               f"Difference from {base} at the end of each year, with 95% intervals."),
        Figure(f"{prefix}trajectories.png", plots.overview_figure(results),
               "Each scenario over the run: mean of the runs with its 95% interval."),
        Figure(f"{prefix}sources.png", plots.sources_figure(comparison),
               f"Sources of self-efficacy summed over the run, difference from {base}."),
    ]
    return blocks


HEADLINE_OUTCOMES = ("annual_gain", "ses_gap")


def _headlines(comparison: Comparison) -> Bullets:
    """One item per plan: the tally, then gains and the SES gap at the end of the run."""
    base = comparison.baseline.scenario.name
    year = comparison.years
    items = []
    for plan_result in comparison.plans:
        plan = plan_result.scenario.name
        finals = {o: comparison.interval(plan, o, year) for o in COMPARED}
        said = " ".join(sentence(o, finals[o], plan, base, year) for o in HEADLINE_OUTCOMES)
        items.append(f"{plan} against {base}: better on {tally(finals).removeprefix('better on ')}"
                     f". {said}")
    return Bullets(tuple(items))


def report_blocks(comparisons: Sequence[Comparison], title: str,
                  intro: str = "") -> list[Block]:
    """A whole report: title, reading guide, one section per comparison, method."""
    blocks: list[Block] = [Heading(1, title)]
    if intro:
        blocks.append(Paragraph(intro))
    blocks.append(Heading(2, "Headlines"))
    for comparison in comparisons:
        if comparison.question and len(comparisons) > 1:
            blocks.append(Paragraph(f"{comparison.question}:"))
        blocks.append(_headlines(comparison))
    blocks += [Heading(2, "How to read this report"), Bullets(READING_GUIDE),
               Paragraph("The outcomes (the name in the CSV and Parquet files, and what the "
                         "model measures):"), _glossary()]
    several = len(comparisons) > 1
    for k, comparison in enumerate(comparisons, start=1):
        blocks += comparison_blocks(comparison, prefix=f"q{k}_" if several else "")
    return blocks + _method(comparisons)


# ---------------------------------------------------------------------------
# terminal tables
# ---------------------------------------------------------------------------

def terminal_table(comparison: Comparison) -> Table:
    """A compact table: each plan's difference from the baseline in the last year."""
    year = comparison.years
    base = comparison.baseline.scenario.name
    title = comparison.question or f"Difference from {base}"
    table = Table(title=f"{title}\nEnd of year {year}, {comparison.replicates} runs each; "
                  "difference ± 95% CI (green better, red worse, dim no clear difference)",
                  title_justify="left")
    table.add_column("outcome")
    table.add_column(base, justify="right", style="dim")
    for plan in comparison.plans:
        table.add_column(f"{plan.scenario.name} − baseline", justify="right")
    for outcome in COMPARED:
        values = comparison.baseline.summary.loc[
            comparison.baseline.summary["year"] == year, outcome]
        mean = mean_interval(values).estimate
        cells = [label(outcome), level(mean, outcome)]
        for plan in comparison.plans:
            interval = comparison.interval(plan.scenario.name, outcome, year)
            verdict = judgement(interval, outcome)
            style = {"better": "green", "worse": "red", "no clear difference": "dim"}.get(
                verdict, "")
            text = plus_minus(interval, outcome)
            cells.append(f"[{style}]{text}[/]" if style else text)
        table.add_row(*cells)
    return table


RUN_TABLE = ("collective_efficacy", "responsibility", "self_efficacy_tses", "stress",
             "turnover_rate", "annual_gain", "ses_gap", "ses_gain_slope",
             "proficient_advantaged", "proficient_disadvantaged", "practice_share")


def run_table(results: Results) -> Table:
    """End-of-year means of the key outcomes with their 95% intervals."""
    s = results.scenario
    table = Table(title=f"{s.name}: mean of {s.replicates} runs at the end of each year "
                  "± 95% CI", title_justify="left")
    table.add_column("outcome")
    for year in range(1, s.years + 1):
        table.add_column(f"year {year}", justify="right")
    for outcome in RUN_TABLE:
        if outcome not in OUTCOMES:
            continue
        cells = [label(outcome)]
        for year in range(1, s.years + 1):
            interval = mean_interval(
                results.summary.loc[results.summary["year"] == year, outcome])
            shown = plus_minus(interval, outcome)
            cells.append(shown.removeprefix("+"))
        table.add_row(*cells)
    return table
