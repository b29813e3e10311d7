"""How each compared outcome is said in words a principal can read.

What each outcome is called in a sentence, its comparatives, the unit a
difference is shown in and which direction is better all come from the
outcome registry (:mod:`simulation.outcomes`); this module puts them
together into numbers, sentences and verdicts.
"""

from __future__ import annotations

import math

from analysis.statistics.intervals import Interval
from simulation import SOURCES
from simulation.outcomes import REGISTRY, Outcome, get

SOURCE_NAMES = {
    "mastery": "mastery experience",
    "vicarious": "vicarious experience",
    "persuasion": "social persuasion",
    "affect": "affective states",
}
#: Source sums are on the model's 0-1 scale; reports show TSES points.
TSES_POINTS = 8.0


def label(outcome: str) -> str:
    """A table label: the registry's label (the outcome's name if it has no entry)."""
    entry = REGISTRY.get(outcome)
    return entry.label if entry else outcome


def decimals_for(interval: Interval, phrase: Outcome) -> int:
    """Decimals that show an interval's width with at least two significant digits."""
    width = (interval.high - interval.low) * phrase.scale
    if not math.isfinite(width) or width <= 0:
        return phrase.decimals
    needed = 1 - math.floor(math.log10(width))
    return int(min(max(phrase.decimals, needed), 5))


def number(value: float, decimals: int, signed: bool = False) -> str:
    """A number for prose: fixed decimals, a true minus sign, '+' if asked; never '-0'."""
    if not math.isfinite(value):
        return "n/a"
    text = f"{value:+.{decimals}f}" if signed else f"{value:.{decimals}f}"
    if float(text) == 0:
        text = f"{0.0:.{decimals}f}"
    return text.replace("-", "−")


def signed(interval: Interval, outcome: str, compact: bool = False) -> str:
    """A difference with its interval in shown units: ``+0.041 [0.020, 0.062]``, or
    with ``compact`` its half-width: ``+0.041 ± 0.021``."""
    phrase = get(outcome)
    d = decimals_for(interval, phrase)
    estimate = number(interval.estimate * phrase.scale, d, signed=True)
    if math.isnan(interval.low):
        return estimate
    if compact:
        return f"{estimate} ± {number((interval.high - interval.low) / 2 * phrase.scale, d)}"
    return (
        f"{estimate} [{number(interval.low * phrase.scale, d)}, "
        f"{number(interval.high * phrase.scale, d)}]"
    )


def level(value: float, outcome: str) -> str:
    """A level (not a difference) in the outcome's shown unit."""
    phrase = get(outcome)
    return number(value * phrase.scale, phrase.decimals)


def finding(outcome: str, interval: Interval) -> str:
    """One difference as a sentence that names no scenario (its section does).

    Examples
    --------
    "Annual achievement gains are 0.041 SD higher (95% CI 0.020–0.062)."
    """
    phrase = get(outcome)
    d = decimals_for(interval, phrase)
    scale = phrase.scale
    noun = phrase.noun[0].upper() + phrase.noun[1:]
    if interval.n == 0 or math.isnan(interval.estimate):
        return f"{noun} cannot be compared (it is undefined in these runs)."
    estimate = f"{number(interval.estimate * scale, d, signed=True)}{phrase.shown_unit}"
    if math.isnan(interval.low):
        return (
            f"{noun} differs by {estimate}, but {interval.n} replicate gives no interval: "
            "run more replicates."
        )
    if not interval.clear:
        return (
            f"No clear difference in {phrase.noun} (difference {estimate}, 95% CI "
            f"{number(interval.low * scale, d)} to {number(interval.high * scale, d)})."
        )
    low, high = sorted((abs(interval.low) * scale, abs(interval.high) * scale))
    return f"{change(outcome, interval, capital=True)} (95% CI {number(low, d)}–{number(high, d)})."


def change(outcome: str, interval: Interval, capital: bool = False) -> str:
    """A clear difference as a clause: ``annual achievement gains are 0.041 SD higher``."""
    phrase = get(outcome)
    d = decimals_for(interval, phrase)
    noun = phrase.noun[0].upper() + phrase.noun[1:] if capital else phrase.noun
    comparative = phrase.more if interval.estimate > 0 else phrase.less
    return (
        f"{noun} {'are' if phrase.plural else 'is'} "
        f"{number(abs(interval.estimate) * phrase.scale, d)}{phrase.shown_unit} "
        f"{comparative}{phrase.scale_note}"
    )


def judgement(interval: Interval, outcome: str) -> str:
    """``better``, ``worse``, ``higher``, ``lower``, ``no clear difference`` or ``undefined``."""
    if interval.n == 0 or math.isnan(interval.estimate):
        return "undefined"
    if not interval.clear:
        return "no clear difference"
    phrase = get(outcome)
    up = interval.estimate > 0
    if phrase.better == 0:
        return "higher" if up else "lower"
    return "better" if (up == (phrase.better > 0)) else "worse"


def source_sentence(years: int, intervals: dict[str, Interval], start: float, end: float) -> str:
    """Which sources of efficacy drove the difference in self-efficacy, and what else moved it.

    Parameters
    ----------
    years : int
        Years the sums cover.
    intervals : dict
        Per source, the plan-minus-baseline difference in that source's
        contribution to teachers' self-efficacy, summed over the run (0-1
        scale; shown in TSES points).
    start, end : float
        The difference in mean self-efficacy (TSES points) at the start and
        at the end of the run. The sources move the beliefs of the teachers
        on the staff; what is left of ``end - start`` came from teachers
        leaving and new hires arriving, and the sentence says so, so that
        its numbers add up.
    """
    parts = []
    for name in SOURCES:
        interval = intervals[name]
        mark = "" if interval.clear else " (no clear difference)"
        parts.append(
            f"{SOURCE_NAMES[name]} {number(interval.estimate * TSES_POINTS, 2, True)}{mark}"
        )
    sources = round(sum(i.estimate for i in intervals.values()) * TSES_POINTS, 2)
    start, end = round(start, 2), round(end, 2)
    staff = round(end - start - sources, 2)
    span = f"{years} year{'s' if years != 1 else ''}"
    text = (
        f"Summed over {span}, the four sources of efficacy changed teachers' "
        f"self-efficacy by {number(sources, 2, True)} TSES points relative to the "
        f"baseline: " + "; ".join(parts) + ". "
    )
    began = f"the staff started {number(start, 2, True)} points apart and " if start != 0 else ""
    text += (
        f"The sources move the beliefs of teachers on the staff; {began}teachers leaving "
        f"and new hires arriving changed the difference by {number(staff, 2, True)}, so "
        f"mean self-efficacy ends {number(end, 2, True)} TSES points from the "
        "baseline's."
    )
    clear = {n: i for n, i in intervals.items() if i.clear}
    if not clear:
        return text + " No source made a clear difference."
    driver = max(clear, key=lambda n: abs(clear[n].estimate))
    direction = "up" if clear[driver].estimate > 0 else "down"
    return (
        text + f" The largest clear contribution is {SOURCE_NAMES[driver]}, pushing "
        f"self-efficacy {direction}."
    )
