"""The run plan a comparison gives its scenarios: one length, replicates and seed for all.

Planning needs no pandas, so ``staffroom compare`` starts its runs before it
loads the statistics that read them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from scenarios import Scenario, load
from simulation import InputError


def common_run(
    references: Sequence[str],
    years: int | None = None,
    replicates: int | None = None,
    seed: int | None = None,
) -> list[Scenario]:
    """Load scenarios and give them one run plan, for a fair comparison.

    Parameters
    ----------
    references : sequence of str
        Built-in names or paths; the first is the baseline.
    years : int, optional
        Default: the longest of the scenarios' own ``years``.
    replicates : int, optional
        Default: the largest of their own ``replicates`` (at least 2).
    seed : int, optional
        Default: the baseline's seed. All scenarios share it (CRN).

    Raises
    ------
    InputError
        For a bad file, fewer than two scenarios, or fewer than 2 replicates.
    """
    if len(references) < 2:
        raise InputError(
            "compare needs at least two scenarios: a baseline, then one or more "
            "plans, e.g. `staffroom compare departments plc`",
            key="SCENARIO",
        )
    loaded = [load(reference) for reference in references]
    if replicates is not None and replicates < 2:
        raise InputError(
            f"--replicates {replicates} is too few to compare; allowed: 2 or "
            "more (an interval needs at least two runs)",
            key="--replicates",
        )
    years = years if years is not None else max(s.years for s in loaded)
    replicates = replicates if replicates is not None else max(2, *(s.replicates for s in loaded))
    seed = seed if seed is not None else loaded[0].seed
    planned = [s.for_run(years=years, replicates=replicates, seed=seed) for s in loaded]
    return _unique_names(planned)


def _unique_names(scenarios: list[Scenario]) -> list[Scenario]:
    seen: dict[str, int] = {}
    out = []
    for s in scenarios:
        seen[s.name] = seen.get(s.name, 0) + 1
        out.append(s if seen[s.name] == 1 else replace(s, name=f"{s.name} ({seen[s.name]})"))
    return out
