"""staffroom's simulation: teachers' efficacy over a collaboration network.

>>> from simulation import SchoolModel, Teacher
>>> model = SchoolModel(n_students=900, structure="plc", rng=42)
>>> model.run(years=3)
>>> df = model.datacollector.get_model_vars_dataframe()
>>> teachers = model.agents_by_type[Teacher]
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from .errors import InputError, NetworkFileError, ParameterError

if TYPE_CHECKING:
    from .agents import Leader, Teacher
    from .ensemble import SchoolEnsemble
    from .interventions import Intervention
    from .metrics import DESCRIPTIONS, OUTCOMES
    from .model import SchoolModel
    from .parameters import STRUCTURES, SUPPORT_MODELS, WEEKS_PER_YEAR, Parameters
    from .processes import PROCESSES
    from .rules import OBSERVABLES, Rule, RuleError
    from .schools import SOURCES

#: Where each name lives, imported when first used (module-level ``__getattr__``,
#: PEP 562): ``import simulation`` (and the command line's start) costs nothing;
#: the ensemble imports numpy alone; only ``SchoolModel`` and the
#: agents import Mesa (and with it pandas, scipy.spatial and networkx).
_LAZY = {
    **dict.fromkeys(("Leader", "Teacher"), "agents"),
    "SchoolEnsemble": "ensemble",
    "Intervention": "interventions",
    **dict.fromkeys(("DESCRIPTIONS", "OUTCOMES"), "metrics"),
    "SchoolModel": "model",
    **dict.fromkeys(("STRUCTURES", "SUPPORT_MODELS", "WEEKS_PER_YEAR", "Parameters"), "parameters"),
    "PROCESSES": "processes",
    **dict.fromkeys(("OBSERVABLES", "Rule", "RuleError"), "rules"),
    "SOURCES": "schools",
}


def __getattr__(name: str) -> Any:
    if name not in _LAZY:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{_LAZY[name]}", __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY))


__all__ = [
    "DESCRIPTIONS",
    "OBSERVABLES",
    "OUTCOMES",
    "PROCESSES",
    "SOURCES",
    "STRUCTURES",
    "SUPPORT_MODELS",
    "WEEKS_PER_YEAR",
    "InputError",
    "Intervention",
    "Leader",
    "NetworkFileError",
    "ParameterError",
    "Parameters",
    "Rule",
    "RuleError",
    "SchoolEnsemble",
    "SchoolModel",
    "Teacher",
]
