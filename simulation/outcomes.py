"""Every model outcome in one place: name, meaning, unit, how it is shown and said.

The registry is shaped like the parameter table (:mod:`simulation.parameters`):
one :class:`Outcome` per name, in the order of the data collector's columns.
Everything that shows an outcome reads it from here: the columns of the
trajectories and the Parquet metadata (unit, description), the tables,
sentences and plots of the reports (label, scale, decimals, comparatives,
which direction is better, position in the report), the sweep files'
allowed outcomes and the dashboard. Adding an outcome is one entry here and
its value in :func:`simulation.metrics.outcomes`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

PERCENTAGE_POINTS = " percentage points"
ON_0_1 = " on a 0–1 scale"


@dataclass(frozen=True)
class Outcome:
    """What one outcome means and how it is shown.

    Attributes
    ----------
    name : str
        The column name in every table.
    description : str
        What the model measures (tables' glossaries, Parquet metadata).
    unit : str
        The model's unit (Parquet metadata, validation tables).
    label : str
        Column label for compact tables and plot titles (default: the
        description).
    noun : str
        The outcome as the subject of a sentence (default: the description).
    plural : bool
        Whether ``noun`` takes "are" rather than "is".
    more, less : str
        Comparatives for a rise and a fall ("higher", "narrower").
    shown_unit : str
        Unit after a number in prose (" SD", " percentage points").
    scale_note : str
        Said after the comparative for scores on a scale (" on a 0–1 scale").
    scale : float
        Multiplier from the model's unit to the shown one (100 for shares).
    decimals : int
        Fewest decimals shown (more when an interval is narrow).
    better : int
        +1 if higher is better, -1 if lower is better, 0 if neither.
    rank : int or None
        Position in comparison reports, their plots and ``staffroom run``'s
        table (None: not reported).
    headline : bool
        On the report's one-page chart.
    yearly : bool
        Only meaningful at the end of a year (the annual test, turnover):
        plotted at year ends, not week by week.
    """

    name: str
    description: str
    unit: str
    label: str = ""
    noun: str = ""
    plural: bool = False
    more: str = "higher"
    less: str = "lower"
    shown_unit: str = ""
    scale_note: str = ""
    scale: float = 1.0
    decimals: int = 2
    better: int = 0
    rank: int | None = None
    headline: bool = False
    yearly: bool = False

    def __post_init__(self) -> None:
        if not self.label:
            object.__setattr__(self, "label", self.description)
        if not self.noun:
            object.__setattr__(self, "noun", self.description)


def _share(name: str, description: str, **shown) -> Outcome:
    """A share of teachers or students: shown in percent, differences in points."""
    return Outcome(
        name, description, "share", scale=100.0, decimals=1, shown_unit=PERCENTAGE_POINTS, **shown
    )


def _scale_0_1(name: str, description: str, **shown) -> Outcome:
    """A score on the model's 0-1 scale."""
    return Outcome(name, description, "0-1", decimals=3, scale_note=ON_0_1, **shown)


_SOURCE = "this week's mean change in self-efficacy from "

REGISTRY: dict[str, Outcome] = {
    o.name: o
    for o in (
        Outcome("self_efficacy", "mean teacher self-efficacy (0-1)", "0-1"),
        Outcome(
            "self_efficacy_tses",
            "mean teacher self-efficacy on the TSES 1-9 scale",
            "TSES 1-9",
            label="self-efficacy (TSES 1–9)",
            noun="teachers' mean self-efficacy",
            shown_unit=" TSES points",
            better=1,
            rank=8,
            headline=True,
        ),
        _scale_0_1(
            "collective_efficacy",
            "school collective efficacy: mean perceived collective efficacy (0-1)",
            label="collective efficacy (0–1)",
            noun="school collective efficacy",
            better=1,
            rank=6,
            headline=True,
        ),
        _scale_0_1(
            "responsibility",
            "mean collective responsibility (0-1)",
            label="responsibility (0–1)",
            noun="collective responsibility",
            better=1,
            rank=7,
            headline=True,
        ),
        _scale_0_1(
            "stress",
            "mean teacher stress (0-1)",
            label="stress (0–1)",
            noun="teacher stress",
            better=-1,
            rank=9,
        ),
        Outcome("skill", "mean teacher skill (SD of student gain per year)", "SD/year"),
        _share(
            "practice_share",
            "share of teachers using the evidence-based practice",
            label="using practice (%)",
            noun="the share of teachers using the evidence-based practice",
            better=1,
            rank=11,
        ),
        _share(
            "turnover_rate",
            "share of teachers who left at the most recent year end",
            label="turnover (%)",
            noun="teacher turnover (the share leaving at the end of the year)",
            better=-1,
            rank=10,
            headline=True,
            yearly=True,
        ),
        Outcome(
            "move_rate",
            "share of teachers who moved to another school at the most recent year end",
            "",
        ),
        Outcome(
            "leave_rate",
            "share of teachers who left teaching (retirement included) at the most recent year end",
            "",
        ),
        Outcome("achievement", "mean student achievement (SD, vertical scale)", "SD"),
        Outcome(
            "annual_gain",
            "mean student gain this school year, annualised (SD/year)",
            "SD/year",
            label="annual gain (SD)",
            noun="annual achievement gains",
            plural=True,
            shown_unit=" SD",
            decimals=3,
            better=1,
            rank=1,
            headline=True,
            yearly=True,
        ),
        Outcome(
            "ses_gap",
            "achievement gap, advantaged minus disadvantaged students (SD)",
            "SD",
            label="SES gap (SD)",
            noun="the SES achievement gap",
            more="wider",
            less="narrower",
            shown_unit=" SD",
            decimals=3,
            better=-1,
            rank=2,
            headline=True,
        ),
        Outcome(
            "ses_gain_slope",
            "OLS slope of annualised gain on SES (SD/year per SD of SES)",
            "SD/year per SD of SES",
            label="SES–gain slope",
            noun="the SES–gain slope (extra annual gain per SD of family SES)",
            more="steeper",
            less="flatter",
            shown_unit=" SD",
            decimals=3,
            better=-1,
            rank=3,
            yearly=True,
        ),
        _share(
            "proficient_advantaged",
            "share of advantaged students at or above proficiency",
            label="proficient, adv. (%)",
            noun="the share of advantaged students who are proficient",
            better=1,
            rank=5,
        ),
        _share(
            "proficient_disadvantaged",
            "share of disadvantaged students at or above proficiency",
            label="proficient, disadv. (%)",
            noun="the share of disadvantaged students who are proficient",
            better=1,
            rank=4,
            headline=True,
        ),
        Outcome("network_density", "density of the collaboration network", "0-1"),
        _scale_0_1(
            "network_clustering",
            "average clustering of the collaboration network",
            label="network clustering (0–1)",
            noun="the clustering of the collaboration network",
        ),
        Outcome("source_mastery", _SOURCE + "mastery", "0-1 per week"),
        Outcome("source_vicarious", _SOURCE + "vicarious experience", "0-1 per week"),
        Outcome("source_persuasion", _SOURCE + "persuasion", "0-1 per week"),
        Outcome("source_affect", _SOURCE + "affective states", "0-1 per week"),
        Outcome(
            "self_efficacy_sd", "SD of teacher self-efficacy on the TSES 1-9 scale", "TSES 1-9"
        ),
        _scale_0_1(
            "expectation_bias",
            "mean expectation bias against disadvantaged students (0-1)",
            label="expectation bias (0–1)",
            noun="teachers' expectation bias against disadvantaged students",
            better=-1,
        ),
        Outcome(
            "practice_fidelity",
            "mean fidelity among teachers using the practice (0 if none)",
            "0-1",
        ),
        _scale_0_1(
            "reflective_practice",
            "mean engagement in reflective practice (0-1)",
            label="reflective practice (0–1)",
            noun="reflective practice",
            better=1,
        ),
        Outcome("out_of_field_share", "share of courses taught out of field", "share"),
        Outcome(
            "known_share",
            "share of courses whose teacher knows the student (taught them "
            "before, or works with another of their teachers)",
            "",
        ),
        Outcome("novice_share", "share of teachers in their first three years", "share"),
        Outcome("proficient", "share of all students at or above proficiency", "share"),
        Outcome("year", "school year (1-based; the step-0 row is year 1, week 0)", "school year"),
        Outcome("week", "week of the school year (1-36)", "week"),
    )
}

#: Columns that say when a row was recorded, not what the school is like.
CLOCK = ("year", "week")


def names() -> tuple[str, ...]:
    """Every outcome's name, in the data collector's column order."""
    return tuple(REGISTRY)


def measured() -> tuple[str, ...]:
    """The outcomes that describe the school (not the clock columns)."""
    return tuple(name for name in REGISTRY if name not in CLOCK)


def reported() -> tuple[str, ...]:
    """The outcomes a comparison report shows, in its order."""
    ranked = [o for o in REGISTRY.values() if o.rank is not None]
    return tuple(o.name for o in sorted(ranked, key=lambda o: o.rank))


def headline() -> tuple[str, ...]:
    """The outcomes of the report's one-page chart, in report order."""
    return tuple(name for name in reported() if REGISTRY[name].headline)


def descriptions() -> Mapping[str, str]:
    """``{name: description}`` for every outcome."""
    return {name: o.description for name, o in REGISTRY.items()}


def get(name: str) -> Outcome:
    """The registry entry of ``name`` (KeyError names the outcome)."""
    return REGISTRY[name]
