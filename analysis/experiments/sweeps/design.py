"""Experimental designs: factors and the points a sweep runs, independent of the model.

:func:`make_design` turns :class:`Factor` s into a :class:`Design`: full
factorial, Latin hypercube, Saltelli's Sobol sampling or Morris
trajectories (SALib). Sampled designs keep each point's unit-hypercube
coordinates, from which the factor values come by inverse transform.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    import pandas as pd

DESIGNS = ("factorial", "lhs", "sobol", "morris")
DISTRIBUTIONS = ("uniform", "loguniform", "normal", "triangular")
UNIT_PREFIX = "unit:"


@dataclass(frozen=True)
class Factor:
    """One factor of a design: discrete levels, or a range with a distribution.

    Parameters
    ----------
    name : str
        Column name of the factor.
    levels : tuple, optional
        Discrete values. In a sampled design each level is equally likely.
    low, high : float, optional
        The range of a continuous factor (values never leave it).
    distribution : str
        ``uniform`` (default), ``loguniform`` (``low > 0``), ``normal``
        (``mean``, ``sd``, truncated to the range) or ``triangular``
        (``mode``).
    mean, sd, mode : float, optional
        Shape of the normal and triangular distributions.
    integer : bool
        Whole-number values: a uniform range gives every whole number in it
        the same chance; other distributions are rounded.
    steps : int, optional
        Number of evenly spaced levels over the range in a factorial design
        (geometrically spaced for ``loguniform``).
    """

    name: str
    levels: tuple[Any, ...] | None = None
    low: float | None = None
    high: float | None = None
    distribution: str = "uniform"
    mean: float | None = None
    sd: float | None = None
    mode: float | None = None
    integer: bool = False
    steps: int | None = None

    @property
    def discrete(self) -> bool:
        """Whether the factor takes listed levels rather than a range."""
        return self.levels is not None

    def grid(self) -> list[Any]:
        """The levels a factorial design crosses."""
        if self.levels is not None:
            return list(self.levels)
        if self.steps is None:
            raise ValueError(f"factor {self.name!r} needs levels or steps in a factorial design")
        if self.distribution == "loguniform":
            values = np.geomspace(self.low, self.high, self.steps)
        else:
            values = np.linspace(self.low, self.high, self.steps)
        return self._cast(values)

    def from_unit(self, u: np.ndarray) -> list[Any]:
        """Factor values for unit-interval coordinates ``u`` (inverse transform)."""
        u = np.asarray(u, dtype=float)
        if self.levels is not None:
            index = np.minimum((u * len(self.levels)).astype(int), len(self.levels) - 1)
            return [self.levels[i] for i in index]
        low, high = float(self.low), float(self.high)
        if self.distribution == "uniform" and self.integer:
            # every whole number in [low, high] equally likely
            values = np.floor(math.ceil(low) + u * (math.floor(high) - math.ceil(low) + 1))
        elif self.distribution == "uniform":
            values = low + u * (high - low)
        elif self.distribution == "loguniform":
            values = np.exp(math.log(low) + u * (math.log(high) - math.log(low)))
        elif self.distribution == "normal":
            from scipy.stats import truncnorm

            a, b = (low - self.mean) / self.sd, (high - self.mean) / self.sd
            values = truncnorm.ppf(u, a, b, loc=self.mean, scale=self.sd)
        elif self.distribution == "triangular":
            from scipy.stats import triang

            width = high - low
            values = triang.ppf(u, (self.mode - low) / width, loc=low, scale=width)
        else:  # pragma: no cover - guarded by the sweep file check
            raise ValueError(f"unknown distribution {self.distribution!r}")
        return self._cast(np.clip(values, low, high))

    def _cast(self, values: np.ndarray) -> list[Any]:
        if self.integer:
            return [int(v) for v in np.rint(values)]
        return [float(v) for v in values]

    def as_dict(self) -> dict[str, Any]:
        """Plain description (for the results manifest)."""
        out: dict[str, Any] = {"name": self.name}
        if self.levels is not None:
            out["levels"] = list(self.levels)
            return out
        out.update(
            low=self.low, high=self.high, distribution=self.distribution, integer=self.integer
        )
        for key in ("mean", "sd", "mode", "steps"):
            if getattr(self, key) is not None:
                out[key] = getattr(self, key)
        return out

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Factor:
        """Inverse of :meth:`as_dict`."""
        data = dict(data)
        if "levels" in data:
            data["levels"] = tuple(data["levels"])
        return cls(**data)


@dataclass(frozen=True)
class Design:
    """The points of an experiment.

    Attributes
    ----------
    kind : str
        One of :data:`DESIGNS`.
    factors : tuple of Factor
    columns : dict of str to numpy.ndarray
        One array per factor with its value at each design point (point 0,
        1, ...); sampled designs add ``unit:<factor>`` arrays with the
        unit-hypercube coordinates the values came from. Plain arrays: a
        sweep needs no pandas (:attr:`points` is the same as a table).
    options : dict
        Design settings (``n``, ``second_order``, ``samples``,
        ``trajectories``, ``levels``, ``seed``).
    """

    kind: str
    factors: tuple[Factor, ...]
    columns: dict[str, np.ndarray]
    options: dict[str, Any] = field(default_factory=dict)

    @property
    def size(self) -> int:
        """Number of design points."""
        return len(self.columns[self.factors[0].name])

    @property
    def points(self) -> pd.DataFrame:
        """The design as a table: one row per point (index ``point``), one column per array."""
        import pandas as pd

        points = pd.DataFrame(self.columns)
        points.index.name = "point"
        return points

    @property
    def names(self) -> list[str]:
        """Factor names, in order."""
        return [f.name for f in self.factors]

    def unit(self) -> np.ndarray:
        """Unit-hypercube coordinates, one row per point (sampled designs)."""
        return np.column_stack([self.columns[UNIT_PREFIX + n] for n in self.names]).astype(float)

    def problem(self) -> dict[str, Any]:
        """SALib's problem dictionary over the unit hypercube."""
        return {
            "num_vars": len(self.factors),
            "names": self.names,
            "bounds": [[0.0, 1.0]] * len(self.factors),
        }

    def values(self, point: int) -> dict[str, Any]:
        """Factor values of one design point, as plain Python values."""
        return {name: _plain(self.columns[name][point]) for name in self.names}


def _column(values: Sequence[Any]) -> np.ndarray:
    """A factor's values as one array: numbers as numbers, words as Python strings."""
    values = list(values)
    if any(isinstance(value, str) for value in values):
        return np.array(values, dtype=object)
    return np.asarray(values)


def _plain(value: Any) -> Any:
    return value.item() if isinstance(value, np.generic) else value


def expected_size(kind: str, k: int, **options: Any) -> int:
    """Number of points a design of ``k`` factors will have (before sampling)."""
    if kind == "sobol":
        return options["n"] * (2 * k + 2 if options.get("second_order", True) else k + 2)
    if kind == "morris":
        return options["trajectories"] * (k + 1)
    if kind == "lhs":
        return options["samples"]
    if kind == "factorial":
        raise ValueError("a factorial design's size is the product of its factors' levels")
    raise ValueError(f"unknown design {kind!r}")


def make_design(kind: str, factors: Sequence[Factor], *, seed: int = 1, **options: Any) -> Design:
    """Build the design points.

    Parameters
    ----------
    kind : str
        ``factorial``, ``lhs`` (option ``samples``), ``sobol`` (options
        ``n``, a power of 2, and ``second_order``) or ``morris`` (options
        ``trajectories`` and ``levels``, an even number of grid levels).
    factors : sequence of Factor
    seed : int
        Seed of the sampler (scrambling, Latin hypercube, trajectories).

    Returns
    -------
    Design
    """
    factors = tuple(factors)
    names = [f.name for f in factors]
    if len(set(names)) != len(names):
        raise ValueError("factor names must differ")
    if kind == "factorial":
        grid = list(itertools.product(*(f.grid() for f in factors)))
        columns = {name: _column([row[j] for row in grid]) for j, name in enumerate(names)}
        return Design(kind, factors, columns, {"seed": seed})
    problem = {"num_vars": len(factors), "names": names, "bounds": [[0.0, 1.0]] * len(factors)}
    if kind == "lhs":
        from SALib.sample import latin

        samples = int(options["samples"])
        unit = latin.sample(problem, samples, seed=seed)
        opts = {"samples": samples}
    elif kind == "sobol":
        from SALib.sample import sobol

        n, second = int(options["n"]), bool(options.get("second_order", True))
        unit = sobol.sample(problem, n, calc_second_order=second, scramble=True, seed=seed)
        opts = {"n": n, "second_order": second}
    elif kind == "morris":
        from SALib.sample import morris

        trajectories, levels = int(options["trajectories"]), int(options.get("levels", 4))
        unit = morris.sample(problem, trajectories, num_levels=levels, seed=seed)
        opts = {"trajectories": trajectories, "levels": levels}
    else:
        raise ValueError(f"unknown design {kind!r}; designs: {', '.join(DESIGNS)}")
    columns = {f.name: _column(f.from_unit(unit[:, j])) for j, f in enumerate(factors)}
    columns.update({UNIT_PREFIX + f.name: unit[:, j] for j, f in enumerate(factors)})
    return Design(kind, factors, columns, {**opts, "seed": seed})
