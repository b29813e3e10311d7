"""The four teaching activities of ``docs/teaching.md``, measured with replicates.

Each activity's claim in the guide is checked here by running the very
schools the dashboard builds (:class:`dashboard.school.DashboardSchool`)
with the settings the guide tells a class to use, over several seeds. Arms
of a comparison share seeds (common random numbers), as a class comparing
two runs with the same seed does. Two kinds of comparison are not dashboard
settings but counterfactuals of the model, applied to the same schools to
show what a mechanism does: evidence weighed even-handedly
(:func:`even_handed`, what belief-consistent weighing does) and gains that
last (:func:`lasting`, what the fading of learning does). Run::

    staffroom teach --replicates 20

to print the measured numbers (means with 95% intervals over seeds) that
the guide quotes; ``tests/test_teaching.py`` checks the claims' direction
with fewer seeds. No visualization is imported.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

import numpy as np
import pandas as pd

from analysis.experiments.runs import recorded
from analysis.statistics.intervals import Interval, mean_interval
from simulation import SOURCES, WEEKS_PER_YEAR
from simulation.processes import turnover
from simulation.processes.collective import team_mean
from simulation.processes.mastery import (
    ABILITY,
    BACKGROUND,
    STRATEGY,
    collective_weights,
    success_credit,
)

from .school import DashboardSchool, most_experienced

OUTCOME_COLUMNS = (
    "collective_efficacy",
    "responsibility",
    "self_efficacy_tses",
    "stress",
    "annual_gain",
    "ses_gap",
    "turnover_rate",
    "achievement",
    "ses_gain_slope",
    "expectation_bias",
)


def estimate(values: Sequence[float]) -> Interval:
    """Mean and 95% interval of ``values`` (NaN ignored)."""
    return mean_interval(np.asarray(values, dtype=float))


def signed(interval: Interval) -> str:
    """A difference with its interval, signs shown: ``+0.041 [+0.020, +0.062]``."""
    return f"{interval.estimate:+.3f} [{interval.low:+.3f}, {interval.high:+.3f}]"


def plain(interval: Interval) -> str:
    """A level with its interval: ``0.641 [0.630, 0.652]``."""
    return f"{interval.estimate:.3f} [{interval.low:.3f}, {interval.high:.3f}]"


def run(scenario: str, seed: int, years: float, **settings) -> DashboardSchool:
    """A dashboard school with ``settings`` run for ``years``."""
    model = DashboardSchool(scenario, seed, **settings)
    model.run(years)
    return model


def year_ends(model: DashboardSchool) -> np.ndarray:
    """Outcomes (:data:`OUTCOME_COLUMNS`) at the start and at each year end: (years + 1, k)."""
    table = recorded(model)
    rows = table[(table["week"] == WEEKS_PER_YEAR) | (table.index == 0)]
    return rows[list(OUTCOME_COLUMNS)].to_numpy(dtype=float)


def lasting(model: DashboardSchool) -> DashboardSchool:
    """``model`` with gains that last from its first week on, before its first step.

    A counterfactual of the model, not a dashboard setting: everything
    teachers and classmates add to a student's achievement from week 1 on
    stays (``persistence_one_year`` and ``persistence_long_run`` 1), so a
    lasting improvement in teaching raises annual gains for as long as it
    lasts. What students brought from the school's earlier years (settled
    when the school was built, ``teaching.settle_history``) keeps fading as
    it would, so year 1's gains are the same as without the counterfactual.
    The scheduled interventions keep it (they change other parameters only).
    """
    model.params = model.params.replace(persistence_one_year=1.0, persistence_long_run=1.0)
    return model


def source_movement(model: DashboardSchool) -> dict[str, float]:
    """Mean over teachers of the absolute change each source made, summed over cycles.

    The yearly total of the top bars of the dashboard's sources chart, in
    TSES points.
    """
    teachers = model.teacher_dataframe()
    weekly = teachers[teachers["Step"] > 0]
    cycle = (weekly["Step"].to_numpy() - 1) // model.params.cycle_weeks
    columns = [f"source_{name}" for name in SOURCES]
    per = (weekly[columns] * 8.0).groupby([cycle, weekly["AgentID"].to_numpy()]).sum()
    moved = per.abs().groupby(level=0).mean().sum()
    return {name: float(moved[f"source_{name}"]) for name in SOURCES}


def mastery_share_of_cycles(model: DashboardSchool) -> float:
    """Share of assessment cycles in which mastery is the biggest block of the top chart."""
    from .charts import cycle_table

    moved, _ = cycle_table(model.teacher_dataframe(), model.params.cycle_weeks)
    return float((moved.idxmax(axis=1) == "mastery").mean())


def school_net(model: DashboardSchool) -> dict[str, float]:
    """Net change of the school's mean self-efficacy from each source (TSES points)."""
    table = recorded(model)
    return {name: 8.0 * float(table[f"source_{name}"].sum()) for name in SOURCES}


def assessments(
    teachers: pd.DataFrame, cycle_weeks: int, rows: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Each teacher's mastery signal and attribution at every assessment.

    From the per-teacher snapshots (``model.teacher_dataframe()``): the
    snapshots taken in assessment weeks, optionally only for ``rows``;
    teachers without a class (signal exactly 0) left out. Returns the signals
    (``m``: above 0 a success, below 0 a failure) and the causes blamed
    (:data:`simulation.processes.mastery.ATTRIBUTION_NAMES` codes).
    """
    week = (teachers["Step"].to_numpy() - 1) % WEEKS_PER_YEAR + 1
    keep = (teachers["Step"].to_numpy() > 0) & (
        (week % cycle_weeks == 0) | (week == WEEKS_PER_YEAR)
    )
    if rows is not None:
        keep &= np.isin(teachers["row"].to_numpy(), rows)
    signal = teachers["last_mastery"].to_numpy(dtype=float)[keep]
    cause = teachers["last_attribution"].to_numpy()[keep]
    assessed = signal != 0
    return signal[assessed], cause[assessed]


def success_share(model: DashboardSchool, year: int) -> float:
    """Share of teachers' assessment results in school ``year`` that met their goal."""
    teachers = model.teacher_dataframe()
    step = teachers["Step"].to_numpy()
    in_year = teachers[(step > (year - 1) * WEEKS_PER_YEAR) & (step <= year * WEEKS_PER_YEAR)]
    signal, _ = assessments(in_year, model.params.cycle_weeks)
    return float(np.mean(signal > 0)) if signal.size else math.nan


def credited_share(model: DashboardSchool, agent: int | None = None) -> float:
    """Mean share of a success that teachers credited to their own teaching.

    Over the assessment results above the teacher's goal (optionally only
    ``agent``'s): ``mastery.success_credit`` at the self-efficacy the
    teacher held going into the assessment (the week before). Belief-consistent
    weighing (``confirmation``): the more a teacher doubts themselves, the
    less of a success they credit.
    """
    teachers = model.teacher_dataframe()
    if agent is not None:
        teachers = teachers[teachers["AgentID"] == agent]
    before = teachers[["AgentID", "Step", "self_efficacy"]].assign(Step=teachers["Step"] + 1)
    merged = teachers.merge(before, on=["AgentID", "Step"], suffixes=("", "_before"))
    week = (merged["Step"].to_numpy() - 1) % WEEKS_PER_YEAR + 1
    assessed = (week % model.params.cycle_weeks == 0) | (week == WEEKS_PER_YEAR)
    success = assessed & (merged["last_mastery"].to_numpy(dtype=float) > 0)
    if not success.any():
        return math.nan
    belief = merged["self_efficacy_before"].to_numpy(dtype=float)[success]
    return float(success_credit(belief, model.params).mean())


def attribution_shares(model: DashboardSchool) -> dict[str, float]:
    """How often results met teachers' goals, and what failures were put down to.

    ``success_share``: share of teachers' assessment results above their
    goal; ``failures_blamed_on_<cause>``: among the results below the
    goal, the share attributed to ability (self-efficacy falls), students'
    background (expectations fall) or strategy (beliefs kept, a new practice
    more likely).
    """
    signal, cause = assessments(model.teacher_dataframe(), model.params.cycle_weeks)
    failed = signal < 0
    out = {"success_share": float(np.mean(signal > 0)) if signal.size else math.nan}
    for code, name in ((ABILITY, "ability"), (BACKGROUND, "background"), (STRATEGY, "strategy")):
        out[f"failures_blamed_on_{name}"] = (
            float(np.mean(cause[failed] == code)) if failed.any() else math.nan
        )
    return out


# ---------------------------------------------------------------------------
# 1. mastery versus persuasion
# ---------------------------------------------------------------------------


def mastery_versus_persuasion(seeds: Sequence[int]) -> dict[str, Interval]:
    """Departments school, one year: which source moves teachers' self-efficacy most?

    Returns, over seeds: each source's yearly movement per teacher (TSES
    points, the top chart); its net effect on the school mean (the bottom
    chart); how far switching each source off moves teachers' year-end
    self-efficacy (mean absolute difference from the same seed with all
    four on); and what leader persuasion 0.5 instead of the scenario's value
    does to the year-end mean and spread (TSES). Also why mastery's net effect has the
    sign it has: the share of runs in which it is negative, the share of
    assessment results that met the teacher's goal and the causes failures
    were blamed on (:func:`attribution_shares`), and the share of a success
    teachers credited to their own teaching (:func:`credited_share`).
    """
    out: dict[str, list[float]] = {}

    def add(key: str, value: float) -> None:
        out.setdefault(key, []).append(value)

    for seed in seeds:
        base = run("departments", seed, 1)
        base_tses = 1 + 8 * base.teachers.self_efficacy
        for name, value in source_movement(base).items():
            add(f"moved_{name}", value)
        add("cycles_mastery_moves_most", mastery_share_of_cycles(base))
        for name, value in school_net(base).items():
            add(f"net_{name}", value)
        add("net_mastery_negative", float(school_net(base)["mastery"] < 0))
        for key, value in attribution_shares(base).items():
            add(key, value)
        add("success_credited", credited_share(base))
        for name in SOURCES:
            off = run("departments", seed, 1, switch_off=name)
            add(
                f"switch_off_{name}",
                float(np.abs(1 + 8 * off.teachers.self_efficacy - base_tses).mean()),
            )
        loud = run("departments", seed, 1, leader_persuasion=0.5)
        base_end, loud_end = year_ends(base)[-1], year_ends(loud)[-1]
        add("leader_0.5_mean_tses", loud_end[2] - base_end[2])
        add(
            "leader_0.5_sd_tses",
            float(np.std(1 + 8 * loud.teachers.self_efficacy) - np.std(base_tses)),
        )
    return {key: estimate(values) for key, values in out.items()}


# ---------------------------------------------------------------------------
# 2. the egg-crate school
# ---------------------------------------------------------------------------

EGG_CRATE_COLUMNS = (
    "collective_efficacy",
    "responsibility",
    "self_efficacy_tses",
    "stress",
    "annual_gain",
    "ses_gap",
    "achievement",
    "ses_gain_slope",
)
"""Outcomes :func:`egg_crate` compares."""
EGG_CRATE_ARMS = ("plc", "noplan", "isolated")
"""PLC teams, PLC teams without the intervention plan, and the egg crate."""


def egg_crate(seeds: Sequence[int], years: int = 3) -> dict[str, Interval]:
    """PLC scenario against the same school with structure 'isolated', year by year.

    Returns, at the start (year 0) and at each year end, PLC minus egg crate
    (``y<year>_<outcome>``, :data:`EGG_CRATE_COLUMNS`; at the start only
    students' achievement and the SES gap can differ, by what the students
    brought from earlier years of each school's teaching) and the same for
    PLC teams without the
    intervention plan (``noplan_``); the share of teachers' results that met
    their goal in each year and arm (``success_share_y<year>_<arm>``,
    :data:`EGG_CRATE_ARMS`); and PLC minus egg crate with gains that last
    (``lasting_``, :func:`lasting`, a counterfactual).
    """
    out: dict[str, list[float]] = {}

    def add_differences(prefix: str, a: np.ndarray, b: np.ndarray) -> None:
        for year in range(years + 1):
            for k, name in enumerate(OUTCOME_COLUMNS):
                if name in EGG_CRATE_COLUMNS:
                    out.setdefault(f"{prefix}y{year}_{name}", []).append(a[year, k] - b[year, k])

    for seed in seeds:
        models = {
            "plc": run("plc", seed, years),
            "noplan": run("plc", seed, years, intervention_plan=False),
            "isolated": run("plc", seed, years, structure="isolated"),
        }
        ends = {arm: year_ends(model) for arm, model in models.items()}
        add_differences("", ends["plc"], ends["isolated"])
        add_differences("noplan_", ends["noplan"], ends["isolated"])
        for arm, model in models.items():
            for year in range(1, years + 1):
                out.setdefault(f"success_share_y{year}_{arm}", []).append(
                    success_share(model, year)
                )
        kept = {}
        for arm, settings in (("plc", {}), ("isolated", {"structure": "isolated"})):
            model = lasting(DashboardSchool("plc", seed, **settings))
            model.run(years)
            kept[arm] = year_ends(model)
        add_differences("lasting_", kept["plc"], kept["isolated"])
    return {key: estimate(values) for key, values in out.items()}


# ---------------------------------------------------------------------------
# 3. one cynical colleague
# ---------------------------------------------------------------------------


def cynical_colleague(
    seeds: Sequence[int], scenario: str = "plc", structure: str | None = None
) -> dict[str, Interval]:
    """One cynical veteran (TSES 2) against the same run without, over one year.

    Returns, in week 35 (the last week before the year-end turnover): the
    change the cynic made to the mean TSES of their teammates, of their other
    tie partners, and of everyone else, to their teammates' collective
    efficacy and to the mean collective efficacy of the whole team, the
    cynic included (``team_collective_change``: it sets how far the team's
    shared goal stretches and how persistently struggling students are
    helped); to the teammates' class gains and the cynic's own since the
    last assessment (``*_class_gain_change``, SD/year, expected gains without
    the luck of a test, which is drawn only at the assessment); what each
    source contributed to the teammates' change over the year
    (``teammates_source_``, with minus without, TSES points); the cynic's
    own TSES then, against the same teacher without cynicism. Over the whole
    year: the four sources of the cynic's self-efficacy, the share of the
    cynic's assessment results that met their goal and the share of such a
    success they credited to their own teaching (and the same for the same
    teacher without cynicism), and the share of runs in which the cynic then
    goes (moves to another school or leaves teaching; ``_moves_`` only the
    former) and their chance of going (``_chance_of_going``, the turnover
    hazard at the year end, free of the luck of the draw), and the same for
    the same teacher without cynicism; and how many teammates and other tie
    partners the cynic has.
    """
    out: dict[str, list[float]] = {}

    def add(key: str, value: float) -> None:
        out.setdefault(key, []).append(value)

    def sources(model: DashboardSchool, rows: np.ndarray) -> dict[str, float]:
        teachers = model.teacher_dataframe()
        weekly = teachers[(teachers["Step"] > 0) & teachers["row"].isin(rows)]
        return {name: 8.0 * float(weekly[f"source_{name}"].sum()) / rows.size for name in SOURCES}

    def own_success_share(model: DashboardSchool, agent: int) -> float:
        teachers = model.teacher_dataframe()
        signal, _ = assessments(teachers[teachers["AgentID"] == agent], model.params.cycle_weeks)
        return float(np.mean(signal > 0)) if signal.size else math.nan

    def class_gains(model: DashboardSchool) -> np.ndarray:
        return model.school.class_gains()

    def departure(model: DashboardSchool, agent: int, poverty: float) -> tuple[int, float]:
        """Whether ``agent`` went at the year end, and their chance of going then."""
        teachers = model.teacher_dataframe()
        record = teachers[(teachers["AgentID"] == agent) & (teachers["Step"] == model.steps)]
        chance = turnover.leave_probability(
            *(
                record[name].to_numpy(dtype=float)
                for name in ("self_efficacy", "collective_efficacy", "stress", "experience")
            ),
            poverty,
            model.params,
        )
        return int(record["departure"].iloc[0]), float(chance[0])

    for seed in seeds:
        with_cynic = DashboardSchool(scenario, seed, cynic=True, structure=structure)
        without = DashboardSchool(scenario, seed, structure=structure)
        row = most_experienced(with_cynic)
        team = with_cynic.structure.team
        mates = np.flatnonzero((team == team[row]) & (np.arange(team.size) != row))
        partners = np.setdiff1d(np.fromiter(with_cynic.network.neighbors(row), int), mates)
        others = np.setdiff1d(np.arange(team.size), np.r_[mates, partners, row])
        agent = with_cynic.teacher_agents()[row].unique_id
        same_teacher = without.teacher_agents()[row].unique_id
        for _ in range(WEEKS_PER_YEAR - 1):
            with_cynic.step()
            without.step()
        a = 1 + 8 * with_cynic.teachers.self_efficacy
        b = 1 + 8 * without.teachers.self_efficacy
        for key, rows in (
            ("teammates", mates),
            ("tie_partners", partners),
            ("everyone_else", others),
        ):
            add(f"{key}_tses_change", float((a[rows] - b[rows]).mean()) if rows.size else math.nan)
        collective = (
            with_cynic.teachers.collective_efficacy[mates]
            - without.teachers.collective_efficacy[mates]
        )
        add("teammates_collective_change", float(collective.mean()) if mates.size else math.nan)
        add(
            "team_collective_change",
            float(
                team_mean(with_cynic.teachers.collective_efficacy, team)[row]
                - team_mean(without.teachers.collective_efficacy, team)[row]
            ),
        )
        gains = class_gains(with_cynic) - class_gains(without)
        add("teammates_class_gain_change", float(gains[mates].mean()) if mates.size else math.nan)
        add("cynic_class_gain_change", float(gains[row]))
        mates_with = sources(with_cynic, mates) if mates.size else None
        mates_without = sources(without, mates) if mates.size else None
        for name in SOURCES:
            add(
                f"teammates_source_{name}",
                mates_with[name] - mates_without[name] if mates_with else math.nan,
            )
        add("cynic_tses_week35", float(a[row]))
        add("same_teacher_without_cynicism", float(b[row]))
        poverty = {
            key: float(model.students.disadvantaged.mean())
            for key, model in (("cynic", with_cynic), ("same_teacher", without))
        }
        with_cynic.step()
        without.step()
        teachers = with_cynic.teacher_dataframe()
        own = teachers[teachers["AgentID"] == agent]
        for name in SOURCES:
            add(f"cynic_source_{name}", 8.0 * float(own[f"source_{name}"].sum()))
        add("cynic_success_share", own_success_share(with_cynic, agent))
        add("same_teacher_success_share", own_success_share(without, same_teacher))
        add("cynic_success_credited", credited_share(with_cynic, agent))
        add("same_teacher_success_credited", credited_share(without, same_teacher))
        for key, model, who in (
            ("cynic", with_cynic, agent),
            ("same_teacher", without, same_teacher),
        ):
            gone, chance = departure(model, who, poverty[key])
            add(f"{key}_leaves_at_year_end", float(gone != turnover.STAY))
            add(f"{key}_moves_at_year_end", float(gone == turnover.MOVE))
            add(f"{key}_chance_of_going", chance)
        add("teammates", float(mates.size))
        add("tie_partners", float(partners.size))
    return {key: estimate(values) for key, values in out.items()}


# ---------------------------------------------------------------------------
# 4. why a turnaround is slow
# ---------------------------------------------------------------------------

ALL_AT_ONCE = {
    "structure": "plc",
    "collaboration_minutes": 90,
    "data_review": True,
    "clear_cycle": True,
    "intervention_plan": True,
    "support_model": "coaching",
}
"""The turnaround's levers that the sidebar holds, all from week 1."""


def even_handed(model: DashboardSchool) -> DashboardSchool:
    """``model`` weighing all evidence alike (``confirmation`` 0), before its first step.

    A counterfactual of the model, not a dashboard setting: successes and
    failures count the same whatever the teachers already believe. The
    scheduled interventions keep it (they change other parameters only).
    """
    model.params = model.params.replace(confirmation=0.0)
    return model


def run_weighing(model: DashboardSchool, years: int) -> np.ndarray:
    """Run ``years`` and return how much the faculty's evidence counted, per year.

    Row ``y - 1``: the mean over that year's assessments and all teachers of
    the weight of a success and of a failure of the faculty
    (``mastery.collective_weights`` at the collective efficacy each teacher
    held going into the assessment, with the parameters then in force). A
    school at the typical belief (0.6) counts both at 1.
    """
    total = np.zeros((years, 2))
    count = np.zeros(years)
    for _ in range(years * WEEKS_PER_YEAR):
        belief = model.teachers.collective_efficacy.copy()
        model.step()
        week = model.week
        if week % model.params.cycle_weeks == 0 or week == WEEKS_PER_YEAR:
            year = (model.steps - 1) // WEEKS_PER_YEAR
            success, failure = collective_weights(belief, model.params)
            total[year] += success.mean(), failure.mean()
            count[year] += 1
    return total / count[:, None]


WEIGHED_ARMS = ("plan", "quiet", "typical")
"""Arms of :func:`turnaround` whose weighing of evidence the report shows."""
EVEN_ARMS = ("even_plan", "even_none", "even_quiet")
"""Arms of :func:`turnaround` with evidence weighed even-handedly (a counterfactual)."""
PAIRS = {
    "lift": ("plan", "none"),
    "talk": ("none", "quiet"),
    "head_start": ("all", "plan"),
    "even_lift": ("even_plan", "even_none"),
}
"""Paired differences :func:`turnaround` reports: name -> (arm, minus arm), same seeds."""
PAIRED_COLUMNS = (
    "collective_efficacy",
    "responsibility",
    "annual_gain",
    "ses_gap",
    "ses_gain_slope",
    "expectation_bias",
)
"""Outcomes of the paired differences."""


def turnaround(seeds: Sequence[int], years: int = 6) -> dict[str, Interval]:
    """The turnaround scenario year by year, against no interventions and a typical school.

    Returns year-end levels (year 0 is the start) of :data:`OUTCOME_COLUMNS`
    for the scenario as scheduled (``plan_``), without its scheduled
    interventions (``none_``), without them and with a silent principal
    (leader persuasion 0, ``quiet_``), with the sidebar's levers all from
    week 1 (``all_``), and for the departments school (``typical_``); how
    much a success and a failure of the faculty counted in each year
    (``<arm>_y<year>_success_counts`` and ``_failure_counts``,
    :func:`run_weighing`); the same three turnaround arms with evidence
    weighed even-handedly (``even_plan_``, ``even_none_``, ``even_quiet_``,
    :func:`even_handed`) and the plan and the school without interventions
    with gains that last (``lasting_plan_``, ``lasting_none_``,
    :func:`lasting`), both counterfactuals; and the
    paired differences of :data:`PAIRS` on the same seeds
    (``<pair>_y<year>_<outcome>``, :data:`PAIRED_COLUMNS`): what the plan adds
    (``lift``; with even-handed weighing ``even_lift``), what the principal's
    talk adds to the school without interventions (``talk``), and what
    starting everything in week 1 adds to the plan (``head_start``).
    """
    arms: dict[str, Callable[[int], DashboardSchool]] = {
        "plan": lambda seed: DashboardSchool("turnaround", seed),
        "none": lambda seed: DashboardSchool("turnaround", seed, scheduled=False),
        "quiet": lambda seed: DashboardSchool(
            "turnaround", seed, scheduled=False, leader_persuasion=0.0
        ),
        "all": lambda seed: DashboardSchool("turnaround", seed, **ALL_AT_ONCE),
        "typical": lambda seed: DashboardSchool("departments", seed),
    }
    for arm in ("plan", "none", "quiet"):
        arms[f"even_{arm}"] = lambda seed, arm=arm: even_handed(arms[arm](seed))
    for arm in ("plan", "none"):
        arms[f"lasting_{arm}"] = lambda seed, arm=arm: lasting(arms[arm](seed))
    out: dict[str, list[float]] = {}
    for seed in seeds:
        ends = {}
        for arm, build in arms.items():
            model = build(seed)
            weights = run_weighing(model, years)
            ends[arm] = year_ends(model)
            for year in range(years + 1):
                for k, name in enumerate(OUTCOME_COLUMNS):
                    out.setdefault(f"{arm}_y{year}_{name}", []).append(ends[arm][year, k])
            for year in range(1, years + 1):
                out.setdefault(f"{arm}_y{year}_success_counts", []).append(weights[year - 1, 0])
                out.setdefault(f"{arm}_y{year}_failure_counts", []).append(weights[year - 1, 1])
        for pair, (arm, other) in PAIRS.items():
            for year in range(1, years + 1):
                for name in PAIRED_COLUMNS:
                    k = OUTCOME_COLUMNS.index(name)
                    out.setdefault(f"{pair}_y{year}_{name}", []).append(
                        ends[arm][year, k] - ends[other][year, k]
                    )
    return {key: estimate(values) for key, values in out.items()}


# ---------------------------------------------------------------------------
# report
# ---------------------------------------------------------------------------


def _table(results: dict[str, Interval], keys: Sequence[str], levels: bool = False) -> str:
    shown = plain if levels else signed
    lines = ["| measure | mean [95% interval] |", "|---|---|"]
    for key in keys:
        lines.append(f"| `{key}` | {shown(results[key])} |")
    return "\n".join(lines)


def report(replicates: int) -> str:
    """All four activities' measurements as Markdown (seeds 1 to ``replicates``)."""
    seeds = list(range(1, replicates + 1))
    parts = [
        "# Teaching activities: the measurements\n",
        f"Generated by `staffroom teach --replicates {replicates} > "
        "docs/teaching_measurements.md` and quoted in [teaching.md](teaching.md). "
        "Differences compare runs with the same seeds (common random numbers). "
        "Regenerate after changing the model.\n",
        f"Seeds 1-{replicates}; means with 95% intervals over seeds.\n",
    ]
    one = mastery_versus_persuasion(seeds)
    parts += [
        "### 1. Mastery versus persuasion (departments, one year)\n",
        _table(one, list(one)),
        "",
    ]
    two = egg_crate(seeds)
    parts += [
        "### 2. The egg-crate school (PLC minus isolated, same seeds)\n",
        _table(two, [k for k in two if k.startswith("y")]),
        "",
        "Without the intervention plan (PLC structure only, minus isolated):\n",
        _table(two, [k for k in two if k.startswith("noplan_")]),
        "",
        "Share of teachers' assessment results that met their goal, per year:\n",
        _table(two, [k for k in two if k.startswith("success_share_")], levels=True),
        "",
        "Gains that last from week 1 on (no fading of what students gain from then "
        "on; what they brought from earlier years fades as before: a counterfactual "
        "of the model, not a dashboard setting; PLC minus isolated):\n",
        _table(two, [k for k in two if k.startswith("lasting_")]),
        "",
    ]
    for scenario, structure in (("plc", None), ("plc", "departments"), ("plc", "isolated")):
        three = cynical_colleague(seeds, scenario, structure)
        parts += [
            f"### 3. One cynical colleague ({structure or 'plc'}; with minus without)\n",
            _table(three, list(three)),
            "",
        ]
    four = turnaround(seeds)
    keys = [
        f"{arm}_y{year}_{name}"
        for arm in ("plan", "none", "quiet", "all", "typical")
        for year in range(7)
        for name in (
            "collective_efficacy",
            "responsibility",
            "annual_gain",
            "ses_gap",
            "turnover_rate",
        )
    ]
    weighed = [
        f"{arm}_y{year}_{name}"
        for arm in WEIGHED_ARMS
        for year in range(1, 7)
        for name in ("success_counts", "failure_counts")
    ]
    even = [
        f"{arm}_y{year}_{name}"
        for arm in EVEN_ARMS
        for year in range(7)
        for name in ("collective_efficacy", "annual_gain")
    ]
    paired = [
        f"{pair}_y{year}_{name}"
        for pair in PAIRS
        for year in range(1, 7)
        for name in PAIRED_COLUMNS
    ]
    parts += [
        "### 4. Why a turnaround is slow (year-end levels)\n",
        _table(four, keys, levels=True),
        "",
        "How much a success and a failure of the faculty counted for its "
        "collective efficacy (mean over the year's assessments and the teachers; "
        "1 at the typical belief 0.6):\n",
        _table(four, weighed, levels=True),
        "",
        "Evidence weighed even-handedly (`confirmation` 0: a counterfactual of the "
        "model, not a dashboard setting), year-end levels:\n",
        _table(four, even, levels=True),
        "",
        "The plan and the school without interventions with gains that last from "
        "week 1 on (a counterfactual), year-end annual gain:\n",
        _table(
            four,
            [f"lasting_{arm}_y{year}_annual_gain" for arm in ("plan", "none") for year in range(7)],
            levels=True,
        ),
        "",
        "Paired differences on the same seeds: `lift` plan minus no interventions, "
        "`talk` no interventions minus the same with a silent principal, "
        "`head_start` everything from week 1 minus the plan, `even_lift` the plan's "
        "lift with even-handed weighing:\n",
        _table(four, paired),
        "",
    ]
    return "\n".join(parts)
