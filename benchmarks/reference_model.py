"""A straightforward per-agent Mesa implementation of staffroom's belief dynamics.

The yardstick for ``bench_model.py``: the same weekly pipeline written the
way a first Mesa model usually is — each ``Teacher`` agent loops over its
own students and neighbours in Python, agents are stepped with
``shuffle_do``, and a second pass applies the changes synchronously. It
covers teaching (each student's weekly gain), stress and its effect,
colleagues' and the leader's persuasion, mastery with attribution at each
assessment, vicarious experience and collective efficacy. It reads the same
parameters and the same collaboration network as :class:`SchoolModel`, so
the two do comparable work; it is not meant to reproduce its numbers.
"""

from __future__ import annotations

import math

import mesa

from simulation import SchoolModel
from simulation.parameters import REFERENCE_SELF_EFFICACY, WEEKS_PER_YEAR, voiced_beliefs


class ReferenceTeacher(mesa.Agent):
    """A teacher holding its own state, students and neighbours."""

    def __init__(self, model, s, c, stress, experience, skill, team):
        super().__init__(model)
        self.s, self.c, self.stress = s, c, stress
        self.experience, self.skill, self.team = experience, skill, team
        self.students: list[list[float]] = []  # per course: [ses, achievement, cycle gain]
        self.neighbours: list[tuple[ReferenceTeacher, float, float]] = []
        self.mastery = 0.0
        self.aspiration = 0.0
        self._ds = self._dc = 0.0

    def teach(self):
        p = self.model.p
        effect = self.skill + p.efficacy_effort * (self.s - REFERENCE_SELF_EFFICACY)
        for student in self.students:
            gain = (p.baseline_growth + p.ses_growth * student[0] + effect) / WEEKS_PER_YEAR
            gain += self.model.random.gauss(0.0, p.student_noise / math.sqrt(WEEKS_PER_YEAR))
            student[1] += gain
            student[2] += gain

    def assess(self):
        p = self.model.p
        if not self.students:
            return
        gain = (
            sum(st[2] for st in self.students)
            / len(self.students)
            * (WEEKS_PER_YEAR / p.cycle_weeks)
        )
        goal = self.aspiration + p.goal_efficacy * (self.s - REFERENCE_SELF_EFFICACY)
        self.mastery = math.tanh((gain - goal) / p.mastery_sensitivity)
        self.aspiration += p.aspiration_rate * (gain - self.aspiration)
        for st in self.students:
            st[2] = 0.0

    def think(self, cycle_end: bool):
        p, model = self.model.p, self.model
        malleable = 1.0 / (1.0 + self.experience / p.malleability_scale)
        ds = dc = 0.0
        if cycle_end:
            if self.mastery >= 0 or model.random.random() < 0.3:  # ability blamed
                ds += p.mastery_rate * self.mastery
            seen = total = 0.0
            for other, weight, visibility in self.neighbours:
                w = weight * visibility
                seen += w * other.mastery
                total += w
            ds += p.vicarious_rate * seen / (total + p.exposure_half)
            team = [o.mastery for o, _, _ in self.neighbours if o.team == self.team]
            if team:
                dc += p.collective_rate * sum(team) / len(team)
        pull_s = pull_c = total = 0.0
        for other, weight, _ in self.neighbours:
            pull_s += weight * (other.s - self.s)
            pull_c += weight * (other.c - self.c)
            total += weight
        ds += p.persuasion_rate * pull_s / (total + p.exposure_half)
        dc += p.persuasion_rate * pull_c / (total + p.exposure_half)
        if model.random.random() < min(1.0, p.leader_attention / model.n):
            voiced_s, voiced_c = voiced_beliefs(p.leader_confidence)
            ds += p.leader_persuasion * (voiced_s - self.s)
            dc += p.leader_persuasion * (voiced_c - self.c)
        exposure = total / (total + p.exposure_half)
        target = 1.0 / (
            1.0
            + math.exp(
                -(
                    p.stress_base
                    - p.stress_support * exposure
                    + p.stress_failure * max(-self.mastery, 0.0)
                )
            )
        )
        self.stress += p.stress_rate * (target - self.stress)
        ds -= p.affect_rate * (self.stress - p.stress_reference)
        self._ds, self._dc = malleable * ds, malleable * dc

    def advance(self):
        self.s = _soft(self.s, self._ds)
        self.c = _soft(self.c, self._dc)
        self.experience += 1.0 / WEEKS_PER_YEAR


def _soft(z: float, delta: float) -> float:
    if delta > 0:
        return z + (1.0 - z) * (1.0 - math.exp(-delta))
    return z * math.exp(delta)


class ReferenceModel(mesa.Model):
    """The per-agent version of a school built from a :class:`SchoolModel`."""

    def __init__(self, template: SchoolModel, rng: int = 0):
        super().__init__(rng=rng)
        self.p = template.params
        t = template.teachers
        self.n = template.n_teachers
        teachers = [
            ReferenceTeacher(
                self,
                float(t.self_efficacy[i]),
                float(t.collective_efficacy[i]),
                float(t.stress[i]),
                float(t.experience[i]),
                float(template.skill[i]),
                int(template.structure.team[i]),
            )
            for i in range(self.n)
        ]
        for teacher, aspiration in zip(teachers, t.aspiration, strict=True):
            teacher.aspiration = float(aspiration)
        students = template.students
        for k in range(students.n):
            for teacher in students.assign[k]:
                record = [float(students.ses[k]), float(students.achievement[k]), 0.0]
                teachers[int(teacher)].students.append(record)
        for a, b, data in template.network.edges(data=True):
            weight, visibility = data["weight"], data["visibility"]
            teachers[a].neighbours.append((teachers[b], weight, visibility))
            teachers[b].neighbours.append((teachers[a], weight, visibility))

    def step(self):
        week = (self.steps - 1) % WEEKS_PER_YEAR + 1
        cycle_end = week % self.p.cycle_weeks == 0
        agents = self.agents
        agents.shuffle_do("teach")
        if cycle_end:
            agents.do("assess")
        agents.shuffle_do("think", cycle_end)
        agents.do("advance")
