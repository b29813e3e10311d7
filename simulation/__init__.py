"""staffroom's simulation: teachers' efficacy over a collaboration network.

>>> from simulation import SchoolModel, Teacher
>>> model = SchoolModel(n_students=900, structure="plc", rng=42)
>>> model.run(years=3)
>>> df = model.datacollector.get_model_vars_dataframe()
>>> teachers = model.agents_by_type[Teacher]
"""

from .agents import Leader, Teacher
from .ensemble import SchoolEnsemble
from .errors import InputError, NetworkFileError, ParameterError
from .metrics import DESCRIPTIONS, OUTCOMES
from .model import SOURCES, Intervention, SchoolModel
from .parameters import STRUCTURES, SUPPORT_MODELS, WEEKS_PER_YEAR, Parameters
from .processes import PROCESSES
from .rules import OBSERVABLES, Rule, RuleError

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
