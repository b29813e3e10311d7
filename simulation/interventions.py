"""What a run may change and switch off: interventions, levers, processes.

Shared by :class:`simulation.SchoolModel` and :class:`simulation.SchoolEnsemble`
and free of Mesa, so the ensemble (what the experiment engine runs) does not
import it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from .errors import ParameterError
from .parameters import WEEKS_PER_YEAR, Parameters, suggest
from .processes import PROCESSES


@dataclass(frozen=True)
class Intervention:
    """A change of levers at the start of a given week.

    Parameters
    ----------
    year : int
        School year, from 1.
    week : int
        Week of that year, 1-36; the change applies before that week is taught.
    changes : Mapping[str, Any]
        Lever names (``Parameters.levers()``) and their new values.
    """

    year: int
    week: int = 1
    changes: Mapping[str, Any] = field(default_factory=dict)

    @property
    def step(self) -> int:
        """The model step (1-based) at whose start the change applies."""
        return (self.year - 1) * WEEKS_PER_YEAR + self.week


def as_intervention(item: Intervention | Mapping[str, Any]) -> Intervention:
    if isinstance(item, Intervention):
        return item
    item = dict(item)
    year, week = item.pop("year", None), item.pop("week", 1)
    changes = item.pop("changes", None) or item
    if not isinstance(year, int) or isinstance(year, bool) or year < 1:
        raise ParameterError(
            f"an intervention needs a year of at least 1, not {year!r}", key="year"
        )
    if not isinstance(week, int) or isinstance(week, bool) or not 1 <= week <= WEEKS_PER_YEAR:
        raise ParameterError(
            f"an intervention's week must be 1 to {WEEKS_PER_YEAR}, not {week!r}", key="week"
        )
    return Intervention(year, week, changes)


def check_changes(params: Parameters, changes: Mapping[str, Any]) -> None:
    """Refuse names that are not levers, and values out of range."""
    levers = Parameters.levers()
    for name in changes:
        if name not in levers:
            if name in Parameters.names():
                raise ParameterError(
                    f"{name!r} cannot change during a run; levers that can: {', '.join(levers)}",
                    key=name,
                )
            raise ParameterError(
                f"unknown lever {name!r}{suggest(name, levers)}; levers: {', '.join(levers)}",
                key=name,
            )
    params.replace(**changes)


def checked_processes(disabled: Iterable[str]) -> list[str]:
    if isinstance(disabled, str):
        disabled = (disabled,)
    names = list(disabled)
    for name in names:
        if name not in PROCESSES:
            raise ParameterError(
                f"cannot disable unknown process {name!r}"
                f"{suggest(name, PROCESSES)}; processes: "
                f"{', '.join(PROCESSES)}",
                key="disabled",
            )
    return names
