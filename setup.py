"""Build step: an installed staffroom records the git commit it was built from.

``pip install .`` from a git checkout writes the commit (``git rev-parse``,
marked when the tree had changes) into the package as
``analysis/experiments/BUILD_COMMIT``, so that ``run.json``, reports and
sweep manifests can cite it (:func:`analysis.experiments.provenance.version`)
where no checkout is at hand. Everything else is in ``pyproject.toml``.
"""

import sys
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

ROOT = Path(__file__).resolve().parent


class BuildWithCommit(build_py):
    """``build_py``, then the checkout's commit next to the provenance module."""

    def run(self) -> None:
        super().run()
        sys.path.insert(0, str(ROOT))
        from analysis.experiments.provenance import BUILD_COMMIT, commit_of

        found = commit_of(ROOT)
        if found:
            target = Path(self.build_lib) / "analysis" / "experiments" / BUILD_COMMIT
            target.write_text(found + "\n", encoding="utf-8")


setup(cmdclass={"build_py": BuildWithCommit})
