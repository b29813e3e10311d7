"""The architecture as the folder tree shows it: layers import downward only, no cycles.

The layers (``pyproject.toml``, ``[tool.importlinter]``): the command line,
then the dashboard, reports, statistics, the experiment engine, scenarios
and the simulation. A back-arrow or an import cycle fails here, in the
suite and in CI.
"""

from __future__ import annotations

import inspect
import subprocess
import sys
from pathlib import Path

import grimp
import networkx as nx

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("analysis", "dashboard", "scenarios")


def test_the_layer_contracts_hold():
    done = subprocess.run(
        [
            str(Path(sys.executable).parent / "lint-imports"),
            "--config",
            str(ROOT / "pyproject.toml"),
            "--no-cache",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-2000:]
    assert "Contracts: 1 kept, 0 broken." in done.stdout


def test_no_module_of_analysis_dashboard_or_scenarios_is_in_an_import_cycle():
    graph = grimp.build_graph(*PACKAGES)
    imports = nx.DiGraph()
    for module in graph.modules:
        for imported in graph.find_modules_directly_imported_by(module):
            imports.add_edge(module, imported)
    cycles = [c for c in nx.simple_cycles(imports) if all(m.startswith(PACKAGES) for m in c)]
    # a package's __init__ importing its own modules is not a cycle between modules
    cycles = [
        c
        for c in cycles
        if not any(
            m in PACKAGES or (m.count(".") < 2 and any(o.startswith(m + ".") for o in c)) for m in c
        )
    ]
    assert cycles == []


def _commands(typer_app, prefix: str = ""):
    """(name, function) of every command of ``typer_app`` and its sub-commands."""
    for command in typer_app.registered_commands:
        yield prefix + (command.name or command.callback.__name__), command.callback
    for group in typer_app.registered_groups:
        yield from _commands(group.typer_instance, f"{prefix}{group.name} ")


def test_every_command_function_is_short():
    # a command parses its options and calls the layer below (issue 12: at most 60 lines)
    from analysis.cli.app import app

    lengths = {name: len(inspect.getsourcelines(f)[0]) for name, f in _commands(app)}
    assert len(lengths) >= 10
    assert {name: n for name, n in lengths.items() if n > 60} == {}


def test_no_module_of_analysis_is_over_400_lines():
    sizes = {
        str(path.relative_to(ROOT)): len(path.read_text().splitlines())
        for path in (ROOT / "analysis").rglob("*.py")
    }
    assert {path: n for path, n in sizes.items() if n > 400} == {}


def test_every_command_help_fits_an_80_column_terminal():
    # the help keeps a paragraph's line breaks, so a paragraph of several
    # lines over 76 characters is broken again on an 80-column terminal into
    # ragged half-lines (a one-line paragraph just wraps)
    from analysis.cli.app import app

    helps = {name: inspect.getdoc(f) or "" for name, f in _commands(app)}
    assert all(helps.values())
    ragged = {
        name: line
        for name, text in helps.items()
        for paragraph in text.split("\n\n")
        if "\n" in paragraph
        for line in paragraph.splitlines()
        if len(line) > 76
    }
    assert ragged == {}
