"""Start-up time of the command line and of a worker, with the libraries' own floors.

Each line starts a fresh interpreter N times and prints the median wall time
(and all of them): ``staffroom --help``; ``import simulation``; a worker's
preload (what the fork server imports: the engine and the ensemble kernel);
the Mesa model (what ``--no-ensemble`` and leader rules need); and, for
comparison, the libraries alone: Python itself, Typer printing a two-command
help, numpy, numpy with scipy.sparse, pandas and Mesa. The machine's load
average is printed first, since other work on shared cores inflates every
figure. ``--root`` times another checkout (e.g. an older commit's export)::

    python benchmarks/cli_startup.py --runs 5
    python benchmarks/cli_startup.py --runs 5 --root /tmp/older
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

HELP = (
    "import sys; from analysis.launch import main; sys.argv = ['staffroom', '--help']\n"
    "try:\n    main()\nexcept SystemExit:\n    pass"
)
TYPER_HELP = (
    "import sys, typer\napp = typer.Typer(add_completion=False)\n"
    "app.command('a')(lambda: None)\napp.command('b')(lambda: None)\n"
    "sys.argv = ['x', '--help']\ntry:\n    app()\nexcept SystemExit:\n    pass"
)
WORKER = (
    "from analysis.experiments.engines import PRELOAD\nfor name in PRELOAD:\n    __import__(name)"
)
OLD_WORKER = "import analysis.experiments.engines"  # before engines.PRELOAD existed

CASES = {
    "staffroom --help": HELP,
    "import simulation": "import simulation",
    "worker preload": WORKER,
    "Mesa model (simulation.model)": "import simulation.model",
    "python -c pass": "pass",
    "typer: two-command --help": TYPER_HELP,
    "import numpy": "import numpy",
    "import numpy, scipy.sparse": "import numpy, scipy.sparse",
    "import pandas": "import pandas",
    "import mesa": "import mesa",
}


def wall(code: str, root: Path) -> float:
    env = {**os.environ, "PYTHONPATH": str(root)}
    start = time.perf_counter()
    subprocess.run(
        [sys.executable, "-c", code],
        cwd=root,
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--root", type=Path, default=Path(__file__).resolve().parents[1])
    args = parser.parse_args()
    root = args.root.resolve()
    worker = (
        WORKER
        if "PRELOAD" in (root / "analysis/experiments/engines.py").read_text()
        else OLD_WORKER
    )
    print(f"root {root}; load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores")
    print(f"{'':32} {'median':>8}  runs (s)")
    for label, code in CASES.items():
        code = worker if code is WORKER else code
        times = [wall(code, root) for _ in range(args.runs)]
        shown = " ".join(f"{t:.3f}" for t in times)
        print(f"{label:32} {statistics.median(times):8.3f}  {shown}", flush=True)


if __name__ == "__main__":
    main()
