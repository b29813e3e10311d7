"""Every model parameter in one place: default, unit, plausible range, source.

:class:`Parameters` is an immutable dataclass; each field carries a
:class:`Spec` with its unit, the range a user may set, the research or reason
behind the default, and whether it is a *lever* (may change mid-run, MODEL.md
§6). ``staffroom parameters`` prints the table that appears in
``docs/ODD.md``; a test keeps the two identical.

Belief-like quantities (self-efficacy ``s``, collective efficacy ``c``,
responsibility ``r``, expectation bias ``b``, stress ``a``) live on (0, 1).
Self-efficacy is *entered and reported* on the TSES 1-9 scale
(``tses = 1 + 8 s``) where a user meets it. Achievement is in student standard
deviations (SD) of a national grade-level distribution; rates of learning in
SD per school year.
"""

from __future__ import annotations

import copy
import dataclasses
import math
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from .errors import ParameterError

STRUCTURES = ("isolated", "departments", "plc", "houses", "networked_plc", "custom")
SUPPORT_MODELS = ("none", "train_the_trainer", "coaching")
HOUSE_ASSIGNMENTS = ("random", "choice")
SUBJECT_NAMES = (
    "english",
    "mathematics",
    "science",
    "social_studies",
    "world_languages",
    "arts",
    "physical_education",
    "technology",
    "health",
    "music",
    "career",
    "electives",
)
WEEKS_PER_YEAR = 36
# Normalisations, not calibration: the effort terms are centred on a typical
# teacher (TSES 7.1, Tschannen-Moran & Woolfolk Hoy 2001; collective efficacy
# 0.6), so they shift gains only where beliefs differ from typical; the
# vertical achievement scale grows by NATIONAL_GROWTH SD a grade
# (Bloom et al. 2008), which places proficiency cuts and incoming cohorts.
REFERENCE_SELF_EFFICACY = 0.7625
REFERENCE_COLLECTIVE_EFFICACY = 0.6
NATIONAL_GROWTH = 0.22


@dataclass(frozen=True)
class Spec:
    """What a parameter means: unit, allowed range, source and role."""

    doc: str
    unit: str
    low: float | None
    high: float | None
    source: str
    group: str
    lever: bool = False
    choices: tuple[str, ...] | None = None

    def allowed(self) -> str:
        """Describe the allowed values in words, for error messages and tables."""
        if self.choices is not None:
            return "one of " + ", ".join(repr(c) for c in self.choices)
        if self.low is not None and self.high is not None:
            return f"{_fmt(self.low)} to {_fmt(self.high)}"
        return "any value"


def _fmt(x: float) -> str:
    return f"{x:g}"


def _param(
    default: Any,
    doc: str,
    unit: str = "",
    low: float | None = None,
    high: float | None = None,
    source: str = "",
    *,
    group: str,
    lever: bool = False,
    choices: tuple[str, ...] | None = None,
) -> Any:
    spec = Spec(doc, unit, low, high, source, group, lever, choices)
    return field(default=default, metadata={"spec": spec})


def _group(name: str):
    def p(
        default: Any,
        doc: str,
        unit: str = "",
        low: float | None = None,
        high: float | None = None,
        source: str = "",
        **kw: Any,
    ) -> Any:
        return _param(default, doc, unit, low, high, source, group=name, **kw)

    return p


_school = _group("school and students")
_initial = _group("starting culture")
_teaching = _group("teaching and skill")
_mastery = _group("mastery and attribution")
_social = _group("vicarious experience and persuasion")
_affect = _group("affective states")
_collective = _group("collective efficacy and responsibility")
_practice = _group("evidence-based practice")
_turnover = _group("turnover and hiring")
_leader = _group("leadership levers")
_network = _group("collaboration network")


@dataclass(frozen=True)
class Parameters:
    """All parameters of :class:`simulation.SchoolModel`, validated on creation.

    Build one with keyword arguments (``Parameters(n_students=2400)``); any
    value outside its range, of the wrong type, or an unknown name raises
    :class:`simulation.errors.ParameterError` naming the key and what is
    allowed. ``Parameters.spec(name)`` gives a field's unit, range and source.
    """

    # --- school and students -------------------------------------------------
    n_students: int = _school(
        900,
        "Enrolment (all grades).",
        "students",
        20,
        200_000,
        "900 is a mid-sized US high school (NCES Digest, Table 216.40).",
    )
    structure: str = _school(
        "departments",
        "How teachers are organised into teams and ties (MODEL.md §5).",
        "",
        source="Departments are the default organisation of US high schools (Siskin 1994).",
        choices=STRUCTURES,
        lever=True,
    )
    network_file: str | None = _school(
        None,
        "GraphML, edge-list or CSV file of teacher pairs, for structure 'custom'.",
        "path",
        source="A real school's network (Moolenaar, Sleegers & Daly 2012).",
        lever=True,
    )
    student_teacher_ratio: float = _school(
        15.5,
        "Students per teacher; sets the number of teachers.",
        "students/teacher",
        6,
        40,
        "NCES Digest Table 208.20: about 15-16 in US public schools.",
    )
    specialisms_per_subject: tuple[int, ...] = _school(
        (2, 3, 4, 3, 3, 4),
        "Courses per subject that need a distinct specialist "
        "(e.g. biology, chemistry, physics, earth science); one entry per subject.",
        "courses",
        1,
        10,
        "Reason: certification by field; Lee & Smith (1997) on "
        "the curriculum small schools can staff.",
    )
    grades: int = _school(
        4, "Grade cohorts in the school (9-12).", "cohorts", 1, 6, "US high school."
    )
    ses_mean: float = _school(
        0.0,
        "School mean socio-economic status.",
        "national SD",
        -2.5,
        2.5,
        "0 = national average; -0.9 puts 60% of students below the national "
        "bottom quartile (the high-poverty school of the calibration).",
    )
    ses_sd: float = _school(
        0.9,
        "Within-school SD of socio-economic status.",
        "national SD",
        0,
        2,
        "Reason: schools are partly segregated by income (Reardon & Owens 2014), "
        "so within-school spread is below the national 1.",
    )
    ses_achievement_slope: float = _school(
        0.45,
        "Prior achievement per SD of SES at school entry.",
        "SD per SD",
        0,
        1,
        "Reardon (2011): 90/10 income gap about 1.25 SD, i.e. about 0.45-0.5 per SD of SES.",
    )
    proficiency_cut: float = _school(
        0.0,
        "Proficiency cut relative to the national grade-level mean.",
        "SD",
        -2,
        2,
        "Reason: a cut at the national median makes about half of students "
        "proficient, as on many state tests.",
    )
    team_size: int = _school(
        5,
        "Target teachers per PLC or house team.",
        "teachers",
        2,
        12,
        "DuFour & Mattos (2013); MODEL.md §5 (4-6).",
    )
    house_size: int = _school(
        20,
        "Target teachers per house (school within a school).",
        "teachers",
        6,
        60,
        "MODEL.md §5 (15-25); Lee & Ready (2007).",
    )
    house_assignment: str = _school(
        "random",
        "How students are placed in houses: at random or by choice "
        "(choice sorts students by SES and prior achievement).",
        "",
        source="Lee & Ready (2007).",
        choices=HOUSE_ASSIGNMENTS,
        lever=True,
    )
    cycle_weeks: int = _school(
        6,
        "Weeks between common formative assessments (mastery feedback).",
        "weeks",
        1,
        36,
        "MODEL.md §3; DuFour & Mattos (2013): end of each unit.",
    )
    noise: bool = _school(
        True,
        "Stochastic model. False replaces every random draw by its expected "
        "value (initial spreads, student noise, attributions, leader contacts) "
        "and every yes/no event by its likelier outcome (a novice at the start, "
        "trying the practice, leaving), for checking the deterministic skeleton.",
        "",
        source="Modelling practice.",
    )

    # --- starting culture ----------------------------------------------------
    initial_self_efficacy: float = _initial(
        7.1,
        "Mean teacher self-efficacy at start.",
        "TSES 1-9",
        1,
        9,
        "Tschannen-Moran & Woolfolk Hoy (2001): mean about 7.1.",
    )
    initial_self_efficacy_sd: float = _initial(
        0.9,
        "SD of teacher self-efficacy at start.",
        "TSES 1-9",
        0,
        3,
        "Tschannen-Moran & Woolfolk Hoy (2001): SD about 0.9.",
    )
    initial_collective_efficacy: float = _initial(
        0.6,
        "Mean perceived collective efficacy at start.",
        "0-1",
        0,
        1,
        "Goddard, Hoy & Woolfolk Hoy (2000): school means near 4 on a 1-6 scale.",
    )
    initial_collective_efficacy_sd: float = _initial(
        0.08,
        "SD of perceived collective efficacy among teachers.",
        "0-1",
        0,
        0.5,
        "Reason: faculty agreement is high on CE scales (Goddard 2002).",
    )
    initial_responsibility: float = _initial(
        0.5,
        "Mean collective responsibility at start.",
        "0-1",
        0,
        1,
        "Lee & Smith (1996): schools vary widely; 0.5 is the middle.",
    )
    initial_responsibility_sd: float = _initial(
        0.1,
        "SD of responsibility among teachers.",
        "0-1",
        0,
        0.5,
        "Assumption: teachers in a school differ in responsibility less than schools do "
        "(Lee & Smith 1996).",
    )
    initial_expectation_bias: float = _initial(
        0.3,
        "Mean expectation bias against disadvantaged students.",
        "0-1",
        0,
        1,
        "Evans (2009); Jussim & Harber (2005): expectations differ modestly by SES.",
    )
    initial_expectation_bias_sd: float = _initial(
        0.1, "SD of expectation bias.", "0-1", 0, 0.5, "Assumption: same spread as responsibility."
    )
    initial_stress: float = _initial(
        0.4,
        "Every teacher's stress at the start.",
        "0-1",
        0,
        1,
        "Reason: equal to the reference level (no initial affective push).",
    )
    novice_share: float = _initial(
        0.12,
        "Share of teachers in their first three years at start.",
        "share",
        0,
        1,
        "NCES NTPS 2017-18: about 10-13% of public-school teachers.",
    )
    max_experience: float = _initial(
        30,
        "Experience of the most senior teachers; others spread evenly from 3.",
        "years",
        3,
        45,
        "NCES NTPS: mean experience about 14 years.",
    )
    skill_sd: float = _initial(
        0.11,
        "SD of teachers' stable talent.",
        "SD/year",
        0,
        0.4,
        "Hanushek & Rivkin (2010): across value-added studies the SD of teacher "
        "effectiveness averages about 0.13 student SD in reading and 0.17 in math (0.11 "
        "and 0.15 in another reading; not checked against the paper's table); Chetty, "
        "Friedman & Rockoff (2014): 0.12-0.16. 0.11 is at the low end.",
    )

    # --- teaching and skill --------------------------------------------------
    baseline_growth: float = _teaching(
        0.22,
        "Annual growth of a student with an average teacher.",
        "SD/year",
        0,
        0.8,
        "Bloom, Hill, Black & Lipsey (2008): about 0.14-0.25 SD a year from grade 8-9 "
        "to 10-11 (near zero by 11-12).",
    )
    ses_growth: float = _teaching(
        0.03,
        "Out-of-school growth per SD of SES that teachers cannot remove.",
        "SD/year per SD",
        -0.2,
        0.3,
        "Alexander, Entwisle & Olson (2007): summer and home learning favour advantaged students.",
    )
    student_noise: float = _teaching(
        0.5,
        "SD of a student's annual subject gain around its expectation.",
        "SD/year",
        0,
        2,
        "Reason: test-retest and growth variation; annual gain SDs of 0.5-0.7 on state tests.",
    )
    efficacy_effort: float = _teaching(
        0.25,
        "Effort and persistence per unit of self-efficacy above its reference.",
        "SD/year per unit",
        0,
        2,
        "Klassen & Tze (2014): teacher self-efficacy relates weakly to student achievement.",
    )
    persistence_one_year: float = _teaching(
        0.3,
        "Share of a teacher-induced gain still in a student's achievement a year later.",
        "share",
        0,
        1,
        "Jacob, Lefgren & Sims (2010): about a fifth, at most a third; Kinsler (2012): "
        "about a third; Chetty, Friedman & Rockoff (2014): about a half (grades 4-8).",
    )
    persistence_long_run: float = _teaching(
        0.2,
        "Share of a teacher-induced gain that lasts (the rest fades over the "
        "following years); at most persistence_one_year.",
        "share",
        0,
        1,
        "Chetty, Friedman & Rockoff (2014): settling near a quarter after about three "
        "years (grades 4-8); Jacob, Lefgren & "
        "Sims (2010): about a fifth.",
    )
    peer_effect: float = _teaching(
        0.1,
        "Gain per SD of the class's mean achievement above the school's (peer composition).",
        "SD/year per SD",
        0,
        1,
        "Hanushek, Kain, Markman & Rivkin (2003): about 0.2 (peers' mean 0.1 SD "
        "higher, about 0.02 SD more growth; grades 3-6); Sacerdote (2011): smaller "
        "in most designs.",
    )
    unknown_support: float = _teaching(
        0.5,
        "Share of the extra help for a student below proficiency that a teacher "
        "gives a student they do not know (never taught them before, tied to none of "
        "their other teachers); a student they know gets all of it.",
        "share",
        0,
        1,
        "Bryk, Lee & Holland (1993); Lee & Smith (1997): personalism, teachers who "
        "know their students, in smaller schools.",
    )
    individuation: float = _teaching(
        0.5,
        "Share of the expectation effect removed for a student the teacher knows individually.",
        "share",
        0,
        1,
        "Jussim & Harber (2005); Kunda & Thagard (1996): individuating information "
        "weakens reliance on group stereotypes.",
    )
    expectation_effect: float = _teaching(
        0.15,
        "Gain lost by a disadvantaged student per unit of a teacher's expectation bias.",
        "SD/year per unit",
        0,
        1,
        "Jussim & Harber (2005): expectancy effects of about 0.1-0.2 d.",
    )
    responsibility_effort: float = _teaching(
        0.2,
        "Extra gain for a student below proficiency per unit of a teacher's responsibility.",
        "SD/year per unit",
        0,
        1,
        "Lee & Smith (1996): responsibility raises gains and weakens the SES slope.",
    )
    goal_effort: float = _teaching(
        0.5,
        "Extra gain per unit by which the team's shared goal stretches above its "
        "members' aspirations (goal_collective times the team's collective efficacy "
        "above reference): the effort and persistence a challenging shared goal "
        "brings.",
        "SD/year per SD/year",
        0,
        2,
        "Locke & Latham (2002): difficult goals raise performance through effort and "
        "persistence; Bandura (1993); Goddard, Hoy & Woolfolk Hoy (2004).",
    )
    practice_effect: float = _teaching(
        0.21,
        "Gain from an evidence-based practice at full fidelity.",
        "SD/year",
        0,
        1,
        "Kraft, Blazar & Hogan (2018): coaching worth about 0.18 SD to coached "
        "teachers' students, who reach fidelity_expert (0.85): 0.18 / 0.85.",
    )
    intervention_effect: float = _teaching(
        0.1,
        "Gain from a fully run systematic intervention for a student below proficiency.",
        "SD/year",
        0,
        1,
        "DuFour & Mattos (2013); tiered-intervention studies report 0.1-0.4 SD.",
    )
    out_of_field_penalty: float = _teaching(
        0.08,
        "Gain lost when a course is taught out of the teacher's field.",
        "SD/year",
        0,
        0.5,
        "Clotfelter, Ladd & Vigdor (2010): certification in field worth about "
        "0.05-0.1 SD in high school.",
    )
    experience_deficit: float = _teaching(
        0.08,
        "Skill deficit of a first-year teacher relative to a veteran.",
        "SD/year",
        0,
        0.4,
        "Papay & Kraft (2015): steep gains over the first years.",
    )
    experience_scale: float = _teaching(
        2.5,
        "Years over which the novice deficit shrinks by a factor e.",
        "years",
        0.25,
        15,
        "Papay & Kraft (2015): rapid gains in the first years, yet only about half of "
        "the career return by year 5; here the return levels off sooner (later gains "
        "come only from colleagues).",
    )
    support_growth: float = _teaching(
        1.5,
        "Speed-up of experience returns in a fully supportive, collaborative environment.",
        "relative",
        0,
        5,
        "Kraft & Papay (2014): about 38% faster improvement in supportive schools.",
    )
    peer_learning_rate: float = _teaching(
        0.005,
        "Share of the skill gap to more skilled, visible colleagues closed per cycle.",
        "per cycle",
        0,
        0.5,
        "Jackson & Bruegmann (2009): teachers learn from better peers.",
    )

    # --- mastery and attribution ---------------------------------------------
    aspiration_rate: float = _mastery(
        0.15,
        "Share of the gap between a teacher's aspiration and their latest results "
        "closed at each assessment (aspirations adapt to performance).",
        "per cycle",
        0,
        1,
        "Cyert & March (1963); Lant (1992); Greve (2003): aspirations follow a "
        "weighted history of one's own and comparable others' results.",
    )
    aspiration_social: float = _mastery(
        0.5,
        "Weight of the team's results (against one's own) in the results an aspiration adapts to.",
        "share",
        0,
        1,
        "Festinger (1954); Greve (2003): social comparison with a reference group.",
    )
    goal_efficacy: float = _mastery(
        0.1,
        "How much higher a teacher's goal is than their aspiration per unit of "
        "self-efficacy above reference.",
        "SD/year per unit",
        0,
        3,
        "Bandura (1997); Locke & Latham (2002): efficacious people set higher goals.",
    )
    goal_collective: float = _mastery(
        0.25,
        "How far a team's shared goal stretches above its members' aspirations per "
        "unit of their collective efficacy above reference (it drives effort, "
        "goal_effort).",
        "SD/year per unit",
        0,
        3,
        "Bandura (1997); Goddard, Hoy & Woolfolk Hoy (2004): efficacious groups set higher goals.",
    )
    goal_discount: float = _mastery(
        0.5,
        "How far expectation bias lowers the goal for a class of disadvantaged "
        "students, relative to the aspiration.",
        "relative",
        0,
        1,
        "Evans (2009).",
    )
    mastery_sensitivity: float = _mastery(
        0.15,
        "Gain shortfall or excess that counts as a clear failure or success.",
        "SD/year",
        0.01,
        2,
        "Reason: about one SD of class-gain noise over a cycle.",
    )
    mastery_rate: float = _mastery(
        0.35,
        "Change in self-efficacy per unit mastery signal per cycle.",
        "per cycle",
        0,
        1,
        "Bandura (1997): mastery is the strongest source.",
    )
    success_credit: float = _mastery(
        0.6,
        "Share of a success credited to one's own teaching without self-evaluation.",
        "share",
        0,
        1,
        "Donohoo & Katz (2020): self-evaluation makes the link visible.",
    )
    confirmation: float = _mastery(
        1.0,
        "How far beliefs filter the evidence that tests them: a success counts "
        "(z/z*)^k and, for the faculty, a failure ((1-z)/(1-z*))^k, z the belief and "
        "z* its typical level; 0 weighs all evidence alike.",
        "exponent",
        0,
        5,
        "Bandura (1997): low efficacy discounts success; Nickerson (1998): "
        "confirmation bias; Goddard et al. (2004).",
    )
    attribution_ability: float = _mastery(
        2.0,
        "Weight of low self-efficacy in attributing failure to own ability.",
        "logit",
        0,
        20,
        "Weiner (1985); Bandura (1997).",
    )
    attribution_background: float = _mastery(
        3.0,
        "Weight of expectation bias (less collective efficacy) in attributing "
        "failure to students' background.",
        "logit",
        0,
        20,
        "Evans (2009).",
    )
    attribution_strategy: float = _mastery(
        3.0,
        "Weight of reflective practice and responsibility in attributing failure to strategy.",
        "logit",
        0,
        20,
        "Donohoo & Katz (2020): reflection shifts attributions to controllable causes.",
    )
    attribution_support: float = _mastery(
        1.5,
        "Weight of exposure to colleagues in attributing failure to strategy: "
        "colleagues who talk a setback through locate its cause in practice.",
        "logit",
        0,
        20,
        "Tschannen-Moran & Woolfolk Hoy (2007); Donohoo & Katz (2020).",
    )
    background_shift: float = _mastery(
        0.03,
        "Rise in expectation bias (and fall in responsibility) per unit failure "
        "blamed on background.",
        "per cycle",
        0,
        0.5,
        "Evans (2009).",
    )
    strategy_adoption: float = _mastery(
        1.0,
        "Added log-odds of trying an evidence-based practice after a failure blamed on strategy.",
        "logit",
        0,
        10,
        "MODEL.md §4.2.",
    )
    challenge_rate: float = _mastery(
        0.05,
        "Fall in expectation bias per unit of disconfirming success of "
        "disadvantaged students, when assumptions are re-examined.",
        "per cycle",
        0,
        0.5,
        "Donohoo (2021), practice 5; Evans (2009).",
    )

    # --- vicarious experience and persuasion ----------------------------------
    vicarious_rate: float = _social(
        0.1,
        "Change in self-efficacy per unit of colleagues' visible mastery.",
        "per cycle",
        0,
        1,
        "Bandura (1997).",
    )
    similarity_scale: float = _social(
        10,
        "Experience difference at which a model's similarity falls by e.",
        "years",
        0.5,
        60,
        "Bandura (1997): similar models teach more.",
    )
    cross_subject_similarity: float = _social(
        0.5,
        "Similarity of a colleague in another subject.",
        "0-1",
        0,
        1,
        "Assumption: a colleague in another subject is a less similar model (Bandura 1997).",
    )
    persuasion_rate: float = _social(
        0.005,
        "Weekly pull of self-efficacy and collective efficacy toward colleagues' beliefs.",
        "per week",
        0,
        0.5,
        "Bandura (1997).",
    )
    credibility_floor: float = _social(
        0.4,
        "Credibility of a first-year colleague relative to a veteran.",
        "0-1",
        0,
        1,
        "Reason: experience lends credibility.",
    )
    credibility_experience: float = _social(
        5,
        "Experience at which credibility is halfway to a veteran's.",
        "years",
        0.1,
        40,
        "Assumption: credibility saturates within the first decade of a career.",
    )
    exposure_half: float = _social(
        1.0,
        "Tie strength at which a teacher is half exposed to colleagues.",
        "tie units",
        0.01,
        20,
        "Reason: saturating exposure to social information.",
    )
    novice_social_weight: float = _social(
        0.5,
        "Extra weight of vicarious and persuasive sources (and less of mastery) "
        "for a first-year teacher.",
        "relative",
        0,
        1,
        "Tschannen-Moran & Woolfolk Hoy (2007).",
    )
    novice_scale: float = _social(
        3,
        "Years over which the novice weighting fades by e.",
        "years",
        0.25,
        20,
        "Tschannen-Moran & Woolfolk Hoy (2007).",
    )
    malleability_scale: float = _social(
        12,
        "Experience (years in the career; years in the school for collective "
        "beliefs) at which beliefs move half as fast as a newcomer's.",
        "years",
        0.1,
        40,
        "Bandura (1997); Tschannen-Moran & Woolfolk Hoy (2007): beliefs, once set, resist change.",
    )

    # --- affective states ----------------------------------------------------
    stress_rate: float = _affect(
        0.1,
        "Weekly share of the gap to the stress target closed.",
        "per week",
        0,
        1,
        "Reason: stress adapts over weeks.",
    )
    stress_reference: float = _affect(
        0.4,
        "Stress level with no effect on self-efficacy.",
        "0-1",
        0,
        1,
        "Assumption: the starting stress level, so stress starts neutral.",
    )
    stress_base: float = _affect(
        0.45,
        "Log-odds of the stress target for a typical teacher.",
        "logit",
        -10,
        10,
        "Reason: target about 0.4 in a typical school.",
    )
    stress_workload: float = _affect(
        0.4,
        "Stress log-odds per extra course preparation.",
        "logit",
        0,
        5,
        "Skaalvik & Skaalvik (2017): workload.",
    )
    stress_struggling: float = _affect(
        1.0,
        "Stress log-odds per unit share of students below proficiency (above half).",
        "logit",
        0,
        10,
        "Skaalvik & Skaalvik (2011, 2016): discipline problems and low student "
        "motivation are stressors.",
    )
    stress_failure: float = _affect(
        1.0,
        "Stress log-odds per unit of the last mastery failure.",
        "logit",
        0,
        10,
        "Bandura (1997).",
    )
    stress_support: float = _affect(
        1.0,
        "Stress log-odds removed by full exposure to colleagues.",
        "logit",
        0,
        10,
        "Skaalvik & Skaalvik (2011): good relations with colleagues go with belonging "
        "and job satisfaction.",
    )
    stress_leader: float = _affect(
        1.0,
        "Stress log-odds removed by the leader's attention at one in-depth "
        "contact a week (scaled by how often the leader reaches each teacher).",
        "logit",
        0,
        10,
        "Skaalvik & Skaalvik (2011); Ingersoll (2001): administrative support.",
    )
    stress_success: float = _affect(
        0.8,
        "Stress log-odds removed per unit of the last mastery success.",
        "logit",
        0,
        10,
        "Bandura (1997).",
    )
    stress_late_career: float = _affect(
        0.8,
        "Stress log-odds added per decade of experience beyond late_career_onset "
        "(fatigue late in a career).",
        "logit",
        0,
        10,
        "Klassen & Chiu (2010): self-efficacy rises to mid-career and then falls; "
        "Huberman (1989): the late-career phase.",
    )
    late_career_onset: float = _affect(
        23,
        "Experience at which late-career fatigue begins.",
        "years",
        0,
        45,
        "Klassen & Chiu (2010): self-efficacy is highest at about 23 years of "
        "experience, lower before and after (1,430 Canadian teachers, cross-sectional).",
    )
    affect_rate: float = _affect(
        0.006,
        "Weekly change in self-efficacy per unit stress above reference.",
        "per week",
        0,
        0.2,
        "Bandura (1997): physiological and affective states.",
    )

    # --- collective efficacy and responsibility --------------------------------
    collective_rate: float = _collective(
        0.15,
        "Change in collective efficacy per unit of team and visible mastery.",
        "per cycle",
        0,
        1,
        "Goddard, Hoy & Woolfolk Hoy (2004).",
    )
    mood_rate: float = _collective(
        0.004,
        "Weekly fall in collective efficacy per unit of team stress above reference.",
        "per week",
        0,
        0.2,
        "Goddard et al. (2004): group affect.",
    )
    expectation_collective: float = _collective(
        0.01,
        "Weekly fall in expectation bias per unit collective efficacy above "
        "reference (a rise below it): a faculty that believes it can reach every "
        "student expects more of disadvantaged ones.",
        "per week",
        0,
        0.2,
        "Evans (2009); Goddard, Hoy & Woolfolk Hoy (2004): collective efficacy shapes "
        "the norms teachers hold for students.",
    )
    responsibility_rate: float = _collective(
        0.012,
        "Weekly growth of responsibility per unit of collaboration on "
        "shared students and collective efficacy.",
        "per week",
        0,
        0.2,
        "Lee & Smith (1996): responsibility grows slowly over years.",
    )
    responsibility_floor: float = _collective(
        0.3,
        "Responsibility a teacher keeps when working alone (erosion target).",
        "0-1",
        0,
        1,
        "Lortie (1975): individualism narrows responsibility to one's own classroom.",
    )
    responsibility_erosion: float = _collective(
        0.3,
        "Rate of erosion toward the floor, relative to growth at full collaboration.",
        "relative",
        0,
        10,
        "Reason: calibrated so that a departmental school is near equilibrium at 0.5.",
    )
    colleague_shared_goal: float = _collective(
        0.3,
        "Shared goals of colleague ties: department colleagues who teach the same "
        "subject without common assessments, house colleagues and a network file's "
        "colleague ties (team ties, e.g. PLC course teams, share them fully).",
        "0-1",
        0,
        1,
        "DuFour & Mattos (2013); Siskin (1994).",
    )
    shared_students_full: float = _collective(
        0.25,
        "Share of one's students a colleague also teaches that makes the tie a full partnership.",
        "share",
        0.01,
        1,
        "Assumption: a colleague who teaches a quarter of one's students is a full "
        "partner in them.",
    )
    defensiveness_threshold: float = _collective(
        0.55,
        "Collective efficacy below which visible gaps breed defensiveness "
        "rather than responsibility.",
        "0-1",
        0,
        1,
        "MODEL.md §4.7; Donohoo & Katz (2020).",
    )
    data_review_rate: float = _collective(
        0.006,
        "Weekly change in responsibility per SD of visible gap under data review.",
        "per week",
        0,
        0.2,
        "Donohoo (2021), practice 1.",
    )
    reflective_rate: float = _collective(
        0.05,
        "Weekly uptake of reflective practice under the CLEAR cycle (its "
        "decay when the cycle stops is a quarter of this).",
        "per week",
        0,
        1,
        "Donohoo & Katz (2020).",
    )

    # --- evidence-based practice ---------------------------------------------
    adoption_base: float = _practice(
        -7.0,
        "Log-odds of trying the practice in a cycle with no support.",
        "logit",
        -20,
        10,
        "Joyce & Showers (2002): about 5% use it after training alone.",
    )
    adoption_self_efficacy: float = _practice(
        2.0,
        "Log-odds per unit self-efficacy.",
        "logit",
        0,
        20,
        "Guskey (1988): more efficacious teachers rate a new practice as more "
        "important and congruent and less difficult (attitudes of 120 teachers); "
        "Tschannen-Moran & Woolfolk Hoy (2001).",
    )
    adoption_collective: float = _practice(
        2.0, "Log-odds per unit collective efficacy.", "logit", 0, 20, "Donohoo & Katz (2020)."
    )
    adoption_training: float = _practice(
        0.5,
        "Log-odds added by train-the-trainer training.",
        "logit",
        0,
        20,
        "Joyce & Showers (2002).",
    )
    adoption_coaching: float = _practice(
        2.0,
        "Log-odds added by coaching at full coverage.",
        "logit",
        0,
        20,
        "Fitted: with coaching for all, 0.75-0.95 of teachers use the practice "
        "by year 3 (Joyce & Showers 2002); 0.88 at 2.0, 1.0 at the earlier 4.5.",
    )
    adoption_evidence: float = _practice(
        1.0,
        "Log-odds added by discussions of evidence-based approaches.",
        "logit",
        0,
        20,
        "Donohoo (2021), practice 2.",
    )
    fidelity_start: float = _practice(
        0.35,
        "Fidelity of a first try without expert support.",
        "0-1",
        0,
        1,
        "Joyce & Showers (2002).",
    )
    fidelity_expert: float = _practice(
        0.85,
        "Fidelity reached with full support (trainers; coached teachers).",
        "0-1",
        0,
        1,
        "Joyce & Showers (2002); Kraft et al. (2018).",
    )
    fidelity_rate: float = _practice(
        0.3,
        "Share of the gap to expert fidelity closed per cycle at full support.",
        "per cycle",
        0,
        1,
        "Assumption: coaching reaches expert fidelity within about a year (Kraft et al. 2018).",
    )
    fidelity_decay: float = _practice(
        0.25,
        "Share of fidelity lost per cycle without support.",
        "per cycle",
        0,
        1,
        "Joyce & Showers (2002): unsupported practice fades.",
    )
    persistence_collective: float = _practice(
        1.0,
        "How far collective efficacy sustains effort over time (its staying "
        "power): fidelity grows with support times (c/c*)^k, and the extra help for "
        "struggling students is kept up in proportion to (c_team/c*)^k.",
        "exponent",
        0,
        5,
        "Bandura (1997): collective efficacy sets a group's persistence when efforts "
        "fail; Donohoo & Katz (2020): implementation needs sustained effort.",
    )
    fidelity_floor: float = _practice(
        0.2,
        "Fidelity below which a teacher abandons the practice.",
        "0-1",
        0,
        1,
        "Assumption: practice is dropped when little of it is left.",
    )
    monitoring_effect: float = _practice(
        0.3,
        "Share of fidelity decay prevented by fidelity monitoring.",
        "share",
        0,
        1,
        "Donohoo (2021), practice 3.",
    )
    trainer_share: float = _practice(
        0.1,
        "Share of teachers trained as trainers under train-the-trainer.",
        "share",
        0.01,
        1,
        "Donohoo (2021): Maine Township's trainers.",
    )
    coach_caseload: float = _practice(
        12,
        "Teachers one coach can support at once.",
        "teachers",
        1,
        100,
        "Kraft, Blazar & Hogan (2018): effects shrink in larger programmes.",
    )

    # --- turnover and hiring -------------------------------------------------
    move_base: float = _turnover(
        -2.65,
        "Log-odds of moving to another school for a typical veteran in a typical school.",
        "logit",
        -10,
        5,
        "NCES Teacher Follow-up Survey 2012-13: 8% of public-school teachers moved.",
    )
    leave_base: float = _turnover(
        -2.85,
        "Log-odds of leaving teaching (before retirement age) for a typical veteran.",
        "logit",
        -10,
        5,
        "NCES Teacher Follow-up Survey 2012-13: 8% left teaching, retirements included.",
    )
    turnover_efficacy: float = _turnover(
        2.0,
        "Log-odds of moving and of leaving removed per unit self-efficacy above reference.",
        "logit",
        0,
        30,
        "Skaalvik & Skaalvik (2016, 2017).",
    )
    turnover_collective: float = _turnover(
        1.0,
        "Log-odds of moving removed per unit collective efficacy above reference "
        "(working conditions).",
        "logit",
        0,
        30,
        "Johnson, Kraft & Papay (2012): teachers plan to stay where culture, principal "
        "and colleagues support them (a survey of intentions; a proxy: collective "
        "efficacy itself was not measured).",
    )
    turnover_stress: float = _turnover(
        1.5,
        "Log-odds of moving and of leaving per unit stress above reference.",
        "logit",
        0,
        30,
        "Skaalvik & Skaalvik (2016).",
    )
    turnover_poverty: float = _turnover(
        2.7,
        "Log-odds of moving per unit share of disadvantaged students above a quarter.",
        "logit",
        0,
        20,
        "NCES TFS 2012-13: 12% moved from high-poverty schools against 6%; "
        "Carver-Thomas & Darling-Hammond (2017): turnover about 50% higher in Title I "
        "schools.",
    )
    turnover_novice: float = _turnover(
        1.2,
        "Log-odds of moving added for a first-year teacher (fades with novice_scale).",
        "logit",
        0,
        10,
        "NCES TFS 2012-13: teachers with 1-3 years moved more (12.5% against 8.1% "
        "overall) but left about as often (7.1%).",
    )
    retirement_onset: float = _turnover(
        25,
        "Experience after which the chance of leaving rises toward retirement.",
        "years",
        5,
        45,
        "NCES TFS 2012-13: 11.4% of teachers with 20+ years left.",
    )
    retirement_rate: float = _turnover(
        0.35,
        "Log-odds of leaving added per year of experience beyond retirement_onset.",
        "logit per year",
        0,
        5,
        "Reason: most teachers retire between 25 and 35 years of service (NCES NTPS).",
    )
    hire_novice_share: float = _turnover(
        0.35,
        "Share of new hires who are novices.",
        "share",
        0,
        1,
        "NCES SASS: about a third of hires are first-time teachers; the rest move "
        "from other schools or return.",
        lever=True,
    )
    hire_self_efficacy: float = _turnover(
        7.4,
        "Mean self-efficacy of novice hires (optimistic before the first year).",
        "TSES 1-9",
        1,
        9,
        "Woolfolk Hoy & Spero (2005).",
        lever=True,
    )
    hire_expectation_bias: float = _turnover(
        0.3,
        "Mean expectation bias of new hires.",
        "0-1",
        0,
        1,
        "Assumption: hires bring the typical level (Evans 2009).",
        lever=True,
    )

    # --- leadership levers ---------------------------------------------------
    collaboration_minutes: float = _leader(
        60,
        "Structured collaboration time per week (scales team and colleague ties).",
        "minutes/week",
        0,
        600,
        "DuFour & Mattos (2013): a weekly team meeting, the default; MetLife "
        "(2010): 2.7 hours a week of all structured collaboration, on average.",
        lever=True,
    )
    leader_persuasion: float = _leader(
        0.05,
        "Pull of a contacted teacher's beliefs toward the leader's.",
        "per contact",
        0,
        1,
        "Bandura (1997); Leithwood & Jantzi (2008).",
        lever=True,
    )
    leader_attention: float = _leader(
        10,
        "Teachers the leader can talk with in depth each week.",
        "teachers/week",
        0,
        500,
        "Reason: finite attention (Spillane 2006).",
        lever=True,
    )
    leader_confidence: float = _leader(
        0.25,
        "How far above typical the beliefs are that the leader voices: 0 "
        "voices typical beliefs, 1 total confidence, negative a discouraging leader.",
        "-1 to 1",
        -1,
        1,
        "Bandura (1997); Leithwood & Jantzi (2008): principals' expressed confidence.",
        lever=True,
    )
    data_review: bool = _leader(
        False,
        "Teams review disaggregated data: gaps become visible.",
        "",
        source="Donohoo (2021), practice 1.",
        lever=True,
    )
    evidence_discussions: bool = _leader(
        False,
        "Leader leads discussions of evidence-based approaches.",
        "",
        source="Donohoo (2021), practice 2.",
        lever=True,
    )
    fidelity_monitoring: bool = _leader(
        False,
        "Implementation of the practice is monitored.",
        "",
        source="Donohoo (2021), practice 3.",
        lever=True,
    )
    self_evaluation: bool = _leader(
        False,
        "Teams assess their impact: success is credited to teaching and shared.",
        "",
        source="Donohoo (2021), practice 4.",
        lever=True,
    )
    challenge_assumptions: bool = _leader(
        False,
        "Teams re-examine evidence about disadvantaged students' progress.",
        "",
        source="Donohoo (2021), practice 5; Evans (2009).",
        lever=True,
    )
    clear_cycle: bool = _leader(
        False,
        "Teams work in the CLEAR reflective cycle.",
        "",
        source="Donohoo & Katz (2020).",
        lever=True,
    )
    support_model: str = _leader(
        "none",
        "Support for the evidence-based practice.",
        "",
        source="Joyce & Showers (2002); Donohoo (2021).",
        choices=SUPPORT_MODELS,
        lever=True,
    )
    coaches: float = _leader(
        2,
        "Instructional coaches (full-time) when support_model is 'coaching'.",
        "coaches",
        0,
        200,
        "Kraft, Blazar & Hogan (2018).",
        lever=True,
    )
    intervention_plan: bool = _leader(
        False,
        "A systematic intervention plan for students below proficiency.",
        "",
        source="DuFour & Mattos (2013), step 5.",
        lever=True,
    )

    # --- collaboration network -----------------------------------------------
    department_ties: float = _network(
        4,
        "Colleague ties per teacher inside a department or house.",
        "ties",
        0,
        30,
        "Assumption: 3-6 collaboration ties per teacher, typical of school advice "
        "networks; Moolenaar et al. (2012): denser networks go with higher collective "
        "efficacy.",
    )
    informal_ties: float = _network(
        1.0,
        "Informal ties per teacher across the school.",
        "ties",
        0,
        30,
        "Reason: a few cross-department friendships.",
    )
    isolated_ties: float = _network(
        1.0,
        "Ties per teacher in an egg-crate school.",
        "ties",
        0,
        30,
        "Lortie (1975): isolation of teachers.",
    )
    bridge_ties: float = _network(
        1.0, "Bridging ties per team in networked PLCs.", "ties", 0, 30, "Reason: vertical teams."
    )
    hub_share: float = _network(
        0.05,
        "Share of teachers acting as hubs (coaches, teacher leaders) in networked PLCs.",
        "share",
        0,
        0.5,
        "Assumption: a few coaches and teacher leaders per school.",
    )
    hub_ties: float = _network(
        8, "Bridging ties of each hub.", "ties", 0, 100, "Assumption: a hub links several teams."
    )
    team_tie_weight: float = _network(
        1.0,
        "Interaction intensity of a tie inside a team (at 60 minutes).",
        "tie units",
        0,
        10,
        "The reference unit of tie strength.",
    )
    colleague_tie_weight: float = _network(
        0.5,
        "Interaction intensity of a department or house colleague tie.",
        "tie units",
        0,
        10,
        "Assumption: department meetings are less intense than team protocols (Little 1990).",
    )
    informal_tie_weight: float = _network(
        0.25,
        "Interaction intensity of an informal tie.",
        "tie units",
        0,
        10,
        "Assumption: informal ties are the weakest (Little 1990).",
    )
    bridge_tie_weight: float = _network(
        0.75,
        "Interaction intensity of a bridging tie.",
        "tie units",
        0,
        10,
        "Assumption: vertical-team links meet less often than teams (DuFour & Mattos 2013).",
    )
    team_visibility: float = _network(
        0.8,
        "How much a team tie lets teachers see each other's results and "
        "practice (common assessments, protocols).",
        "0-1",
        0,
        1,
        "DuFour & Mattos (2013).",
    )
    colleague_visibility: float = _network(
        0.3, "Visibility through a colleague tie.", "0-1", 0, 1, "Little (1990)."
    )
    informal_visibility: float = _network(
        0.1, "Visibility through an informal tie.", "0-1", 0, 1, "Little (1990)."
    )
    bridge_visibility: float = _network(
        0.5,
        "Visibility through a bridging tie.",
        "0-1",
        0,
        1,
        "Assumption: vertical teams share some results (DuFour & Mattos 2013).",
    )
    self_evaluation_visibility: float = _network(
        0.5,
        "Share of the remaining invisibility removed when teams assess impact.",
        "share",
        0,
        1,
        "Donohoo (2021), practice 4.",
    )

    def __post_init__(self) -> None:
        for f in dataclasses.fields(self):
            object.__setattr__(self, f.name, _checked(f, getattr(self, f.name)))
        self._check_rules()

    def _check_rules(self) -> None:
        """Rules between parameters (each parameter's own range is checked by ``_checked``)."""
        if self.persistence_long_run > self.persistence_one_year:
            raise ParameterError(
                f"parameter 'persistence_long_run' = {self.persistence_long_run:g} is more "
                f"than persistence_one_year = {self.persistence_one_year:g}; allowed: 0 to "
                "persistence_one_year (what lasts cannot exceed what is left after a year)",
                key="persistence_long_run",
            )

    @staticmethod
    def spec(name: str) -> Spec:
        """Return the :class:`Spec` of parameter ``name``."""
        return _FIELDS[name].metadata["spec"]

    @classmethod
    def names(cls) -> tuple[str, ...]:
        """Names of all parameters, in table order."""
        return tuple(_FIELDS)

    @classmethod
    def levers(cls) -> tuple[str, ...]:
        """Names of the parameters that may change during a run (MODEL.md §6)."""
        return tuple(n for n, f in _FIELDS.items() if f.metadata["spec"].lever)

    @classmethod
    def build(cls, values: Mapping[str, Any]) -> Parameters:
        """Validate ``values`` (unknown names included) and build the parameters."""
        check_names(values)
        return cls(**values)

    @classmethod
    def check(cls, name: str, value: Any) -> Any:
        """``value`` checked as parameter ``name`` on its own (type and allowed range).

        Rules between parameters are left to :meth:`build`, which sees them all
        (a sweep checks a factor's levels here, then every design point whole).
        """
        check_names({name: value})
        return _checked(_FIELDS[name], value)

    def replace(self, **changes: Any) -> Parameters:
        """Return a copy with ``changes`` applied and validated.

        Only the changed values and the rules between parameters are checked
        again (the rest were checked when this copy was made), which makes a
        school's own parameters in an ensemble cheap.
        """
        check_names(changes)
        changed = copy.copy(self)
        for name, value in changes.items():
            object.__setattr__(changed, name, _checked(_FIELDS[name], value))
        changed._check_rules()
        return changed

    def as_dict(self) -> dict[str, Any]:
        """Plain dictionary of all values."""
        return {name: getattr(self, name) for name in _FIELDS}


_FIELDS = {f.name: f for f in dataclasses.fields(Parameters)}


def check_names(values: Mapping[str, Any]) -> None:
    """Raise :class:`ParameterError` for a name that is not a parameter."""
    for name in values:
        if name not in _FIELDS:
            raise ParameterError(
                f"unknown parameter {name!r}{suggest(name, _FIELDS)}; see "
                "`staffroom parameters` for the full list",
                key=name,
            )


def suggest(name: str, candidates) -> str:
    """A ``" (did you mean 'x'?)"`` hint for a near miss, or an empty string."""
    import difflib

    close = difflib.get_close_matches(str(name), list(candidates), n=1, cutoff=0.5)
    return f" (did you mean {close[0]!r}?)" if close else ""


def _checked(f: dataclasses.Field, value: Any) -> Any:
    spec: Spec = f.metadata["spec"]
    name = f.name
    default = f.default

    def fail(problem: str) -> ParameterError:
        unit = f" {spec.unit}" if spec.unit and spec.unit not in ("", "0-1") else ""
        if any(c.isdigit() for c in unit):  # a scale, not a unit: "1 to 9 (TSES 1-9)"
            unit = f" ({spec.unit})"
        return ParameterError(
            f"parameter {name!r} {problem}; allowed: {spec.allowed()}{unit}", key=name
        )

    if name == "network_file":
        if value is None or isinstance(value, str | os.PathLike):
            return None if value is None else os.fspath(value)
        raise fail(f"must be a file path, not {value!r}")
    if isinstance(default, bool):
        if isinstance(value, bool):
            return value
        if type(value).__module__ == "numpy" and type(value).__name__ in ("bool", "bool_"):
            return bool(value)  # numpy's booleans (np.True_), e.g. from a DataFrame
        raise ParameterError(
            f"parameter {name!r} must be true or false, not {value!r}; allowed: true or false",
            key=name,
        )
    if spec.choices is not None:
        if isinstance(value, str) and value in spec.choices:
            return value
        hint = suggest(value, spec.choices) if isinstance(value, str) else ""
        raise fail(f"is {value!r}{hint}")
    if isinstance(default, tuple):
        if isinstance(value, str) or not hasattr(value, "__iter__"):
            raise fail(f"must be a list of whole numbers, not {value!r}")
        items = tuple(value)
        if not 1 <= len(items) <= len(SUBJECT_NAMES):
            raise fail(f"must list 1 to {len(SUBJECT_NAMES)} subjects, not {len(items)}")
        return tuple(_number(fail, name, v, integer=True, spec=spec) for v in items)
    return _number(fail, name, value, integer=f.type in (int, "int"), spec=spec)


def _number(fail, name: str, value: Any, *, integer: bool, spec: Spec) -> float | int:
    if isinstance(value, bool) or not isinstance(value, int | float):
        try:
            import numpy as np

            if isinstance(value, np.integer | np.floating) and not isinstance(value, bool):
                value = value.item()
            else:
                raise TypeError
        except TypeError:
            raise fail(f"must be a number, not {value!r}") from None
    if not math.isfinite(value):
        raise fail(f"must be a finite number, not {value!r}")
    if integer:
        if float(value) != int(value):
            raise fail(f"must be a whole number, not {value!r}")
        value = int(value)
    else:
        value = float(value)
    if (spec.low is not None and value < spec.low) or (spec.high is not None and value > spec.high):
        raise fail(f"= {value:g} is out of range")
    return value


def markdown_table() -> str:
    """The parameter table of ``docs/ODD.md``, grouped, one row per parameter."""
    lines: list[str] = []
    group = None
    for name, f in _FIELDS.items():
        spec: Spec = f.metadata["spec"]
        if spec.group != group:
            group = spec.group
            lines += [
                "",
                f"**{group.capitalize()}**",
                "",
                "| parameter | default | unit | range | lever | meaning | source |",
                "|---|---|---|---|---|---|---|",
            ]
        default = f.default
        if isinstance(default, tuple):
            shown = "[" + ", ".join(str(v) for v in default) + "]"
        elif isinstance(default, bool):
            shown = str(default).lower()
        elif isinstance(default, str):
            shown = f"`{default}`"
        elif default is None:
            shown = "none"
        else:
            shown = f"{default:g}"
        lines.append(
            f"| `{name}` | {shown} | {spec.unit} | {spec.allowed()} | "
            f"{'yes' if spec.lever else ''} | {spec.doc} | {spec.source} |"
        )
    return "\n".join(lines).strip() + "\n"


def voiced_beliefs(confidence: float) -> tuple[float, float]:
    """Self-efficacy and collective efficacy the leader voices, from confidence.

    ``z_L = z* + confidence (1 - z*)`` above the typical level ``z*`` (or
    ``z* (1 + confidence)`` for a negative confidence), so one number sets a
    leader's message on both beliefs' scales.
    """

    def voiced(typical: float) -> float:
        if confidence >= 0:
            return typical + confidence * (1.0 - typical)
        return typical * (1.0 + confidence)

    return voiced(REFERENCE_SELF_EFFICACY), voiced(REFERENCE_COLLECTIVE_EFFICACY)


def week_of(step: int) -> int:
    """Week of the school year (1-36) of model step ``step`` (0 before the first step)."""
    return (step - 1) % WEEKS_PER_YEAR + 1 if step else 0


def year_of(step: int) -> int:
    """School year (1-based) of model step ``step`` (1 before the first step)."""
    return (step - 1) // WEEKS_PER_YEAR + 1 if step else 1


def tses(s):
    """Self-efficacy on the TSES 1-9 scale from the model's (0, 1) scale."""
    return 1.0 + 8.0 * s


def from_tses(value):
    """Self-efficacy on the model's (0, 1) scale from the TSES 1-9 scale."""
    return (value - 1.0) / 8.0
