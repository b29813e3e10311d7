"""Many schools of one design, run as one set of arrays.

:class:`SchoolEnsemble` runs R schools of the same size and plan that
differ in their seeds (and, if asked, in the parameters of :data:`VARYING`:
structure, starting culture, network drawing, process rates, the levers
that are amounts), with
the same numpy calls for all of them
(:class:`simulation.schools.Schools`). Replicate r gives exactly what
``SchoolModel(..., rng=seeds[r])`` gives, bit for bit (tested), at a
fraction of the cost: a week costs about as many numpy calls for 50 schools
as for one. It has no Mesa agents and no leader rules; a plan with rules
runs school by school (:class:`simulation.SchoolModel`).

>>> from simulation import SchoolEnsemble
>>> ensemble = SchoolEnsemble([1, 2, 3], n_students=900, structure="plc")
>>> ensemble.run(years=3)
>>> yearly = ensemble.dataframe()        # replicate, seed, step, the outcomes
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from . import metrics, networks
from .errors import ParameterError
from .interventions import as_intervention, check_changes, checked_processes
from .parameters import WEEKS_PER_YEAR, Parameters, week_of, year_of
from .schools import Schools

if TYPE_CHECKING:
    import pandas as pd


#: Parameters that may differ between the schools of one ensemble: the starting
#: culture and population, how networks are drawn, the rates and weights of
#: the weekly processes and of learning, the leader's levers that are amounts
#: (collaboration time, the leader's attention and confidence) and the weights
#: of what teachers see of students and colleagues. Each was checked school
#: by school against its own ``SchoolModel`` (tests/test_ensembles.py draws
#: them at random). Those read on students, class pairs, ties or teams take
#: each one's school's value (``processes.common.at``; a student's is their
#: first teacher's). The structure differs too (each school's network, teams
#: and houses are its own), but not a custom network. Shared are what
#: switches a process on or off (data review, self-evaluation, noise, ...),
#: what sets the staff and its groups' sizes (school size, staffing ratio,
#: team and house sizes, grades, support model, house assignment) and counts
#: (coaches, the weeks of a cycle, specialisms): every other parameter may
#: differ.
VARYING = frozenset(
    {
        # starting culture, staff and students
        "initial_self_efficacy",
        "initial_self_efficacy_sd",
        "initial_collective_efficacy",
        "initial_collective_efficacy_sd",
        "initial_responsibility",
        "initial_responsibility_sd",
        "initial_expectation_bias",
        "initial_expectation_bias_sd",
        "initial_stress",
        "novice_share",
        "max_experience",
        "skill_sd",
        "ses_mean",
        "ses_sd",
        "ses_achievement_slope",
        # how the network is drawn
        "department_ties",
        "informal_ties",
        "isolated_ties",
        "bridge_ties",
        "hub_share",
        "hub_ties",
        "team_tie_weight",
        "colleague_tie_weight",
        "informal_tie_weight",
        "bridge_tie_weight",
        "team_visibility",
        "colleague_visibility",
        "informal_visibility",
        "bridge_visibility",
        # teaching and learning
        "efficacy_effort",
        "expectation_effect",
        "responsibility_effort",
        "goal_effort",
        "practice_effect",
        "intervention_effect",
        "out_of_field_penalty",
        "student_noise",
        "persistence_one_year",
        "persistence_long_run",
        "baseline_growth",
        "ses_growth",
        "proficiency_cut",
        "peer_effect",
        # skill
        "experience_deficit",
        "experience_scale",
        "support_growth",
        "peer_learning_rate",
        # mastery, goals and attribution
        "aspiration_rate",
        "aspiration_social",
        "goal_efficacy",
        "goal_collective",
        "goal_discount",
        "mastery_sensitivity",
        "mastery_rate",
        "success_credit",
        "confirmation",
        "attribution_ability",
        "attribution_background",
        "attribution_strategy",
        "attribution_support",
        "background_shift",
        "strategy_adoption",
        "challenge_rate",
        # vicarious experience and persuasion
        "vicarious_rate",
        "persuasion_rate",
        "credibility_floor",
        "credibility_experience",
        "exposure_half",
        "novice_social_weight",
        "novice_scale",
        "malleability_scale",
        "leader_persuasion",
        # affect
        "stress_rate",
        "stress_reference",
        "stress_base",
        "stress_workload",
        "stress_struggling",
        "stress_failure",
        "stress_support",
        "stress_leader",
        "stress_success",
        "stress_late_career",
        "late_career_onset",
        "affect_rate",
        # collective efficacy, expectations, responsibility
        "collective_rate",
        "mood_rate",
        "expectation_collective",
        "responsibility_rate",
        "responsibility_floor",
        "responsibility_erosion",
        "colleague_shared_goal",
        "defensiveness_threshold",
        "data_review_rate",
        "reflective_rate",
        # practice
        "adoption_base",
        "adoption_self_efficacy",
        "adoption_collective",
        "adoption_training",
        "adoption_coaching",
        "adoption_evidence",
        "fidelity_start",
        "fidelity_expert",
        "fidelity_rate",
        "fidelity_decay",
        "persistence_collective",
        "fidelity_floor",
        "monitoring_effect",
        "trainer_share",
        "coach_caseload",
        # turnover and hiring
        "move_base",
        "leave_base",
        "turnover_efficacy",
        "turnover_collective",
        "turnover_stress",
        "turnover_poverty",
        "turnover_novice",
        "retirement_onset",
        "retirement_rate",
        "hire_novice_share",
        "hire_self_efficacy",
        "hire_expectation_bias",
        # how teachers are grouped: each school's network, teams and houses are its own
        "structure",
        # leadership levers that set a rate, not a process or a structure
        "collaboration_minutes",
        "leader_attention",
        "leader_confidence",
        # who is helped and seen as a person, whose practice is watched and how
        "unknown_support",
        "individuation",
        "similarity_scale",
        "cross_subject_similarity",
        "self_evaluation_visibility",
        "shared_students_full",
    }
)


class SchoolEnsemble:
    """R replicates of one school and plan, one per seed, stepped together.

    Parameters
    ----------
    seeds : sequence of int
        One model seed per replicate (``SchoolModel``'s ``rng``).
    n_students, structure, disabled, interventions, network
        As for :class:`simulation.SchoolModel`; shared by every replicate.
    record_every : int
        Record every replicate's outcomes every this many weeks (0: never; default
        36, the year ends, where ``SchoolModel`` records every week).
    varying : mapping of str to sequence of float, optional
        Parameters that differ between the schools: one value per seed, for
        parameters in :data:`VARYING` (all but the switches, the sizes and
        the counts). Every other parameter is shared; the first school's
        values stand in for these where the shared ones are checked.
    **parameters
        Any field of :class:`simulation.Parameters`.
    """

    def __init__(
        self,
        seeds: Sequence[int],
        n_students: int = 900,
        structure: str = "departments",
        *,
        disabled: Iterable[str] = (),
        interventions: Iterable[Any] = (),
        network: networks.NetworkFile | None = None,
        record_every: int = WEEKS_PER_YEAR,
        varying: Mapping[str, Sequence[float]] | None = None,
        **parameters: Any,
    ) -> None:
        varying = {name: list(values) for name, values in (varying or {}).items()}
        _check_varying(varying, len(seeds))
        # shared by all; the first school's values stand in for those that differ, so that
        # the rules between parameters are checked on a school that exists
        self.params = Parameters.build(
            {
                "n_students": n_students,
                "structure": structure,
                **parameters,
                **{name: values[0] for name, values in varying.items() if len(values)},
            }
        )
        self.varying = varying
        self.disabled = frozenset(checked_processes(disabled))
        self.interventions = sorted(
            (as_intervention(i) for i in interventions), key=lambda i: i.step
        )
        for item in self.interventions:
            check_changes(self.params, item.changes)
            for name in set(item.changes) & set(varying):
                raise ParameterError(
                    f"an intervention changes {name}, which differs between the schools "
                    "of this ensemble; vary it or change it, not both",
                    key=name,
                )
        self.seeds = [int(seed) for seed in seeds]
        self.record_every = record_every
        self.school = Schools(
            self.params,
            [np.random.default_rng(seed) for seed in self.seeds],
            self.disabled,
            network,
            varying,
        )
        self.steps = 0
        self.annual_results: list[list[dict[str, float]]] = [[] for _ in self.seeds]
        self._records: list[tuple[int, dict[str, np.ndarray]]] = []
        self._stack: tuple[int, dict[str, np.ndarray]] | None = None
        self._summer_due = False
        self._record()

    @property
    def week(self) -> int:
        """Week of the school year of the last step (0 before the first)."""
        return week_of(self.steps)

    @property
    def year(self) -> int:
        """School year of the last step (1-based)."""
        return year_of(self.steps)

    def run(self, years: float = 1) -> None:
        """Run ``years`` school years of 36 weekly steps."""
        for _ in range(round(years * WEEKS_PER_YEAR)):
            self.step()

    def step(self) -> None:
        """One instructional week for every replicate (the stages of ``SchoolModel.step``)."""
        self.steps += 1
        if self._summer_due:
            self._summer_due = False
            self.school.summer()
        for item in self.interventions:
            if item.step == self.steps:
                old = self.params
                self.params = old.replace(**item.changes)
                self.school.set_params(self.params)
                self.school.apply(old, item.changes, self.week % WEEKS_PER_YEAR)
        self.school.week_of_teaching(self.week)
        year_end = self.week == WEEKS_PER_YEAR
        if year_end:
            for rows, result in zip(
                self.annual_results, self.school.close_year(self.year, self.steps), strict=True
            ):
                rows.append(result)
        self._record()
        self._summer_due = year_end

    def outcomes(self) -> list[dict[str, float]]:
        """Every replicate's outcomes now (as ``SchoolModel.outcomes``)."""
        return self.school.school_outcomes(self.steps)

    def recorded_columns(self, replicate: int) -> dict[str, list[float]]:
        """One replicate's recorded outcomes as columns of plain lists.

        The same columns, in the same order, as ``SchoolModel``'s data
        collector (``model.datacollector.model_vars``) for that seed.
        """
        return {name: values[:, replicate].tolist() for name, values in self._stacked().items()}

    def recorded(self, replicate: int) -> pd.DataFrame:
        """One replicate's recorded outcomes (as the model's ``get_model_vars_dataframe()``)."""
        import pandas as pd

        return pd.DataFrame(self.recorded_columns(replicate))

    def _stacked(self) -> dict[str, np.ndarray]:
        """Every outcome as a (recorded step, replicate) array, stacked once per step taken."""
        if self._stack is None or self._stack[0] != len(self._records):
            columns = {
                name: np.array([columns[name] for _, columns in self._records]).reshape(
                    len(self._records), len(self.seeds)
                )
                for name in metrics.OUTCOMES
            }
            self._stack = (len(self._records), columns)
        return self._stack[1]

    def source_means(self) -> list[dict[str, float]]:
        """This week's mean change in self-efficacy from each source, one dict per replicate."""
        schools = len(self.seeds)
        means = {
            name: metrics.school_means(values, schools).tolist()
            for name, values in self.school.source_changes.items()
        }
        return [{name: values[r] for name, values in means.items()} for r in range(schools)]

    def dataframe(self) -> pd.DataFrame:
        """The recorded outcomes, tidy: replicate, seed, step, then the outcomes."""
        import pandas as pd

        schools = len(self.seeds)
        steps = [step for step, _ in self._records]
        if not steps:
            return pd.DataFrame()
        return pd.DataFrame(
            {
                "replicate": np.tile(np.arange(schools), len(steps)),
                "seed": np.tile(self.seeds, len(steps)),
                "step": np.repeat(steps, schools),
                **{name: values.ravel() for name, values in self._stacked().items()},
            }
        )

    def _record(self) -> None:
        if self.record_every and self.steps % self.record_every == 0:
            self._records.append((self.steps, self.school.outcomes(self.steps)))


def _check_varying(varying: Mapping[str, Sequence[float]], schools: int) -> None:
    """Refuse a parameter that may not differ, or a list of values of the wrong length."""
    for name, values in varying.items():
        if name not in VARYING:
            raise ParameterError(
                f"{name!r} cannot differ between the schools of an ensemble; parameters that "
                f"can: {', '.join(sorted(VARYING))}",
                key=name,
            )
        if len(values) != schools:
            raise ParameterError(
                f"{name} has {len(values)} values for {schools} schools; give one per seed",
                key=name,
            )
    if "custom" in varying.get("structure", ()):
        raise ParameterError(
            "a custom network cannot be one structure among others in an ensemble "
            "(its staff is the file's); give structure = 'custom' to all schools",
            key="structure",
        )
    # each school's parameters are checked whole when the schools are built
