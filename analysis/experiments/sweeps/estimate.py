"""How long a sweep will take on this machine: a small probe of the model, scaled to the design.

A sweep runs as ensembles (:func:`analysis.experiments.sweeps.api.tasks_for`),
and an ensemble's school year costs a fixed part, the same for one school
or many (numpy's calls), plus a part per student taught; building it, a
fixed part plus a part per student. :func:`probe` measures the four on two
ensembles of 900-student schools, of 1 and :data:`PROBE_SCHOOLS` (a few
tenths of a second), and :func:`estimated_seconds` adds them up over the
sweep's ensembles. It leaves out start-up, the workers' own start and the
writing, and the machine's speed varies from hour to hour, so it is rough
and low (20-50% below the measured times of three sweeps here; say so
where it is shown).
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from analysis.experiments.sweeps.spec import Sweep

#: Schools in the larger probe ensemble (as many as a sweep's ensembles hold), their enrolment.
PROBE_SCHOOLS, PROBE_STUDENTS = 32, 900


@dataclass(frozen=True)
class Costs:
    """Seconds of an ensemble: per school year and per build, fixed and per student."""

    year_fixed: float
    year_per_student: float
    build_fixed: float
    build_per_student: float

    def ensemble(self, students: float, years: int) -> float:
        """Seconds to build an ensemble of ``students`` in all and run it ``years`` years."""
        build = self.build_fixed + self.build_per_student * students
        return build + years * (self.year_fixed + self.year_per_student * students)


def probe() -> Costs:
    """The costs measured here on ensembles of 1 and :data:`PROBE_SCHOOLS` schools."""
    from simulation import SchoolEnsemble

    def timed(schools: int) -> tuple[float, float]:
        start = time.perf_counter()
        ensemble = SchoolEnsemble(range(schools), n_students=PROBE_STUDENTS, record_every=36)
        built = time.perf_counter()
        ensemble.run(years=1)
        return built - start, time.perf_counter() - built

    timed(1)  # the first build loads the kernel's modules
    (build_one, year_one), (build_many, year_many) = timed(1), timed(PROBE_SCHOOLS)
    extra = (PROBE_SCHOOLS - 1) * PROBE_STUDENTS
    year_per_student = max(year_many - year_one, 0.0) / extra
    build_per_student = max(build_many - build_one, 0.0) / extra
    return Costs(
        max(year_one - year_per_student * PROBE_STUDENTS, 0.0),
        year_per_student,
        max(build_one - build_per_student * PROBE_STUDENTS, 0.0),
        build_per_student,
    )


def estimated_seconds(sweep: Sweep, workers: int, costs: Costs) -> float:
    """Wall seconds of ``sweep``'s runs on ``workers`` processes (start-up and writing left out)."""
    from analysis.experiments.sweeps.api import tasks_for
    from simulation import Parameters

    default = Parameters.__dataclass_fields__["n_students"].default
    total = 0.0
    for task in tasks_for(sweep, sweep.design(), set(), 1, False):
        students = sum(
            len(job.replicates) * float(job.parameters.get("n_students", default))
            for job in task.jobs
        )
        total += costs.ensemble(students, max(job.years for job in task.jobs))
    return total / max(workers, 1)


def duration_text(seconds: float) -> str:
    """``seconds`` as a person would say it: "about 40 s", "about 12 min", "about 3.5 h"."""
    if seconds < 90:
        return f"about {max(seconds, 1):.0f} s"
    if seconds < 90 * 60:
        return f"about {seconds / 60:.0f} min"
    return f"about {seconds / 3600:.1f} h"
