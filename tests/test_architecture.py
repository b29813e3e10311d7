"""The architecture as the folder tree shows it: layers import downward only, no cycles.

The layers (``pyproject.toml``, ``[tool.importlinter]``): the command line,
then the dashboard, reports, statistics, the experiment engine, scenarios
and the simulation. A back-arrow or an import cycle fails here, in the
suite and in CI.
"""

from __future__ import annotations

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
