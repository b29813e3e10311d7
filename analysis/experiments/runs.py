"""One model run described as data, and the one function that performs it.

A :class:`Run` says what to build, with which seed, for how long, how often
to record and what to measure; :func:`execute` depends on nothing but the
run, so a run gives the same result in any process and order. Runs that
differ only in their seed (and in ``simulation.ensemble.VARYING``) are
performed together as one :class:`simulation.SchoolEnsemble` by
:func:`execute_many` when their measure has an ensemble form
(``measure.for_ensemble``), with results identical to separate models.
:func:`recorded` is the only code that reads the model's data collector.
"""

from __future__ import annotations

import contextlib
import contextvars
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from simulation import WEEKS_PER_YEAR, Intervention, Parameters

if TYPE_CHECKING:  # pandas and the Mesa model are imported where a run needs them
    import pandas as pd

    from simulation import SchoolEnsemble, SchoolModel

#: The most schools one ensemble holds: enough to share each numpy call among
#: many schools, few enough that a sweep still has batches for every worker.
ENSEMBLE_SIZE = 32

_ENSEMBLES = contextvars.ContextVar("ensembles", default=True)


@dataclass(frozen=True)
class Run:
    """One model run.

    Parameters
    ----------
    experiment, arm : str
        Labels: which experiment (or scenario) and which arm the run belongs to.
    replicate : int
        Replicate number within the arm (or school number in a population).
    seed : int
        Model seed (:mod:`analysis.experiments.seeds`).
    parameters : Mapping
        Keyword arguments of :class:`simulation.SchoolModel`.
    years : int
        School years to run.
    interventions : tuple of Intervention
        Scheduled lever changes.
    disabled : tuple of str
        Processes switched off (ablation).
    measure : callable, optional
        ``measure(model, run) -> object``: runs the built model and returns
        what the caller needs (a module-level function, so that it can be
        sent to a worker); default :func:`yearly`.
    options : Mapping
        Extra settings for ``measure``.
    rules : tuple
        The leader's rules (``simulation.Rule``).
    network : NetworkFile, optional
        An already loaded custom network.
    record_every : int
        Weeks between recorded rows; must divide 36, so every year end is recorded.
    """

    experiment: str
    arm: str
    replicate: int
    seed: int
    parameters: Mapping[str, Any]
    years: int
    interventions: tuple[Intervention, ...] = ()
    disabled: tuple[str, ...] = ()
    measure: Callable[[SchoolModel, Run], Any] | None = None
    options: Mapping[str, Any] = field(default_factory=dict)
    rules: tuple = ()
    network: Any = None
    record_every: int = WEEKS_PER_YEAR

    @property
    def cost(self) -> float:
        """Rough relative cost (student-years), to start long runs first."""
        return float(self.parameters.get("n_students", 900)) * self.years


def check_record_every(record_every: int) -> None:
    """Refuse a recording interval that would miss a year end."""
    if (
        isinstance(record_every, bool)
        or not isinstance(record_every, int)
        or record_every < 1
        or WEEKS_PER_YEAR % record_every
    ):
        divisors = [d for d in range(1, WEEKS_PER_YEAR + 1) if WEEKS_PER_YEAR % d == 0]
        raise ValueError(
            f"record_every must divide the {WEEKS_PER_YEAR}-week year (one of "
            f"{divisors}), so that every year end is recorded; got "
            f"{record_every!r}"
        )


def build(run: Run) -> SchoolModel:
    """The run's model, before its first week."""
    from simulation import SchoolModel

    return SchoolModel(
        **run.parameters,
        interventions=run.interventions,
        disabled=run.disabled,
        rules=run.rules,
        network=run.network,
        rng=run.seed,
        record_every=run.record_every,
    )


def execute(run: Run) -> Any:
    """Build the run's model, run it and measure it."""
    return (run.measure or yearly)(build(run), run)


# ensembles: runs that differ only in their seed, performed together


@contextlib.contextmanager
def ensembles(enabled: bool) -> Iterator[None]:
    """Within the block, run replicates as ensembles (default) or each on its own."""
    token = _ENSEMBLES.set(enabled)
    try:
        yield
    finally:
        _ENSEMBLES.reset(token)


def ensembles_enabled() -> bool:
    """Whether replicates run as ensembles here (see :func:`ensembles`)."""
    return _ENSEMBLES.get()


_MODEL_ONLY = frozenset(Parameters.names()) | {"n_students", "structure"}


def ensemble_key(run: Run) -> tuple | None:
    """What runs must share to be performed as one ensemble; None if ``run`` cannot join one.

    A run joins an ensemble when its measure has an ensemble form and it
    has no leader rules (rules act school by school). Runs with equal keys
    differ at most in their labels, replicate number, seed and the
    parameters that may differ within an ensemble
    (``simulation.ensemble.VARYING``, unless an intervention changes them).
    """
    measure = run.measure or yearly
    if getattr(measure, "for_ensemble", None) is None or run.rules:
        return None
    if not set(run.parameters) <= _MODEL_ONLY:
        return None
    free = _free(run)
    shared = sorted((k, v) for k, v in run.parameters.items() if k not in free)
    return (
        measure,
        repr(shared),
        run.years,
        repr(run.interventions),
        run.disabled,
        id(run.network),
        run.record_every,
        repr(sorted(run.options.items())),
    )


def _free(run: Run) -> frozenset[str]:
    """The parameters ``run`` may differ in from the other schools of its ensemble."""
    from simulation.ensemble import VARYING

    changed = {name for item in run.interventions for name in item.changes}
    if run.parameters.get("structure") == "custom":  # a custom network is no school's but its own
        changed.add("structure")
    return VARYING - changed


def batches(runs: Sequence[Run], enabled: bool | None = None) -> list[list[int]]:
    """Positions of ``runs`` grouped into ensembles (one position each when off).

    Runs with the same :func:`ensemble_key` are grouped in their order in
    ``runs`` and cut into as few groups of at most :data:`ENSEMBLE_SIZE` as
    can be, of sizes differing by one at most (65 runs: 22, 22 and 21, not
    32, 32 and a school alone, which costs three times as much a school); the
    grouping depends on ``runs`` alone.
    """
    if not (ensembles_enabled() if enabled is None else enabled):
        return [[i] for i in range(len(runs))]
    groups: dict[Any, list[int]] = {}
    alone: list[list[int]] = []
    for i, run in enumerate(runs):
        key = ensemble_key(run)
        if key is None:
            alone.append([i])
        else:
            groups.setdefault(key, []).append(i)
    cut = [part for group in groups.values() for part in even_parts(group, ENSEMBLE_SIZE)]
    return cut + alone


def even_parts(items: list[int], most: int) -> list[list[int]]:
    """``items`` in order, cut into the fewest parts of at most ``most``, sizes within one."""
    parts = -(-len(items) // most)
    size, longer = divmod(len(items), parts)
    bounds = [k * size + min(k, longer) for k in range(parts + 1)]
    return [items[bounds[k] : bounds[k + 1]] for k in range(parts)]


def build_ensemble(runs: Sequence[Run]) -> SchoolEnsemble:
    """One ensemble of ``runs`` (which share an :func:`ensemble_key`), before its first week."""
    from simulation import SchoolEnsemble

    first = runs[0]
    return SchoolEnsemble(
        [run.seed for run in runs],
        **first.parameters,
        interventions=first.interventions,
        disabled=first.disabled,
        network=first.network,
        record_every=first.record_every,
        varying=_varying(runs),
    )


def _varying(runs: Sequence[Run]) -> dict[str, list]:
    """The parameters that differ between ``runs`` (which share a key): one value per run.

    Read from the parameters the runs were given when they name the same
    ones (a design's points do): a full build of every run's parameters
    costs more than a school-week. Otherwise each run's parameters are
    built whole and compared.
    """
    free = sorted(_free(runs[0]))
    given = [run.parameters for run in runs]
    if all(set(p) == set(given[0]) for p in given):
        values = {name: [p[name] for p in given] for name in free if name in given[0]}
    else:
        full = [Parameters.build(p) for p in given]
        values = {name: [getattr(p, name) for p in full] for name in free}
    return {name: v for name, v in values.items() if len({repr(x) for x in v}) > 1}


def execute_many(runs: Sequence[Run], enabled: bool | None = None) -> list[Any]:
    """:func:`execute` for each of ``runs``; those that may share one run as one ensemble.

    The runs are grouped by :func:`batches` (``enabled`` as there). The
    results are the same as ``[execute(run) for run in runs]``, in order.
    """
    results: list[Any] = [None] * len(runs)
    for group in batches(runs, enabled):
        members = [runs[i] for i in group]
        if len(members) == 1:
            done = [execute(members[0])]
        else:
            measure = members[0].measure or yearly
            done = measure.for_ensemble(build_ensemble(members), members)
        for i, result in zip(group, done, strict=True):
            results[i] = result
    return results


def timed_many(runs: Sequence[Run]) -> tuple[list[Any], float]:
    """:func:`execute_many`, and the CPU seconds it took in the process that ran it."""
    start = time.process_time()
    results = execute_many(runs)
    return results, time.process_time() - start


# reading what the model recorded (the only reader of the data collector)


def recorded(model: SchoolModel) -> pd.DataFrame:
    """Every recorded row of the model's outcomes (row 0 is the start)."""
    return model.datacollector.get_model_vars_dataframe()


def recorded_columns(model: SchoolModel) -> Mapping[str, list]:
    """The recorded rows as columns of plain lists (cheap: no DataFrame)."""
    return model.datacollector.model_vars


def year_end_rows(model: SchoolModel, columns: Sequence[str]) -> pd.DataFrame:
    """``columns`` at the start (year 0) and at each year's end, one row each."""
    return year_ends(recorded(model), columns)


def year_ends(frame: pd.DataFrame, columns: Sequence[str]) -> pd.DataFrame:
    """The rows of a recorded table at the start (year 0) and at each year's end."""
    ends = frame["week"] == WEEKS_PER_YEAR
    ends.iloc[0] = True
    out = frame.loc[ends, ["year", *columns]].reset_index(drop=True)
    out["year"] = out["year"].astype(int)
    out.loc[0, "year"] = 0
    return out


#: What :func:`yearly` keeps: the outcomes the validation and calibration analyse.
YEARLY_COLUMNS = (
    "collective_efficacy",
    "responsibility",
    "self_efficacy",
    "self_efficacy_tses",
    "annual_gain",
    "ses_gap",
    "ses_gain_slope",
    "practice_share",
    "turnover_rate",
    "achievement",
    "stress",
    "self_efficacy_sd",
    "expectation_bias",
    "move_rate",
    "leave_rate",
    "known_share",
    "out_of_field_share",
)


def yearly(model: SchoolModel, run: Run) -> pd.DataFrame:
    """Run ``run.years`` years; :data:`YEARLY_COLUMNS` at the start and each year's end."""
    model.run(run.years)
    return year_end_rows(model, YEARLY_COLUMNS)


def _yearly_ensemble(ensemble: SchoolEnsemble, runs: Sequence[Run]) -> list[pd.DataFrame]:
    ensemble.run(runs[0].years)
    return [year_ends(ensemble.recorded(r), YEARLY_COLUMNS) for r in range(len(runs))]


yearly.for_ensemble = _yearly_ensemble


def tidy(runs: Sequence[Run], results: Sequence[pd.DataFrame]) -> pd.DataFrame:
    """One table of per-run tables: experiment, arm, replicate, seed, then the run's rows."""
    import numpy as np
    import pandas as pd

    if not results:
        return pd.DataFrame()
    # one concatenation, then each label repeated over its run's rows (a copy and
    # four inserts per run cost more than the rest of the analysis)
    table = pd.concat(results, ignore_index=True)
    rows = [len(result) for result in results]
    for name in ("seed", "replicate", "arm", "experiment"):
        values = [getattr(run, name) for run in runs]
        labels = np.array(values, dtype=object if isinstance(values[0], str) else None)
        table.insert(0, name, np.repeat(labels, rows))
    table["seed"] = table["seed"].astype("int64")
    return table
