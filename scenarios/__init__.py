"""The scenario library and the scenario file format.

``load(name_or_path)`` reads a built-in scenario (the TOML files in this
folder) or any scenario file; see :mod:`scenarios.schema` for the format.
"""

from .schema import LIBRARY, Scenario, builtin_names, from_document, load, resolve

__all__ = ["LIBRARY", "Scenario", "builtin_names", "from_document", "load", "resolve"]
