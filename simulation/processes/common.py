"""Helpers shared by the processes: bounded updates and sums over ties."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np


def at(value: float | np.ndarray, index: np.ndarray) -> float | np.ndarray:
    """A parameter's value for elements that belong to teachers ``index``.

    A shared parameter is a number; one that differs between the schools of
    an ensemble is an array over teachers (:mod:`simulation.schools`), and
    each tie, class pair or team reads its teacher's school's value.
    """
    return value[index] if isinstance(value, np.ndarray) else value


_BY_IDENTITY: dict[tuple, tuple[tuple[np.ndarray, ...], Any]] = {}


def per_teacher(tag: str, arrays: tuple[np.ndarray, ...], compute: Callable[[], Any]) -> Any:
    """``compute()``, worked out once for these per-teacher parameter arrays.

    An ensemble's parameters that differ between schools are arrays made
    once per parameter set and never changed in place, so what is derived
    from them alone (``tag`` names what) is kept for as long as the same
    arrays are in force; the few kept hold their arrays, so a kept entry's
    identity cannot pass to new arrays.
    """
    key = (tag, *map(id, arrays))
    kept = _BY_IDENTITY.get(key)
    if kept is not None and all(a is b for a, b in zip(kept[0], arrays, strict=True)):
        return kept[1]
    result = compute()
    if len(_BY_IDENTITY) >= 8:
        _BY_IDENTITY.pop(next(iter(_BY_IDENTITY)))
    _BY_IDENTITY[key] = (arrays, result)
    return result


def soft_update(z: np.ndarray, delta: np.ndarray) -> np.ndarray:
    """Apply ``delta`` to ``z`` in (0, 1) with a multiplicative soft bound.

    ``1 - (1 - z) exp(-delta)`` for a rise and ``z exp(delta)`` for a
    fall: for small changes this is the soft bound of MODEL.md's appendix
    (``delta (1 - z)`` up, ``delta z`` down), and for any finite change the
    result stays in [0, 1], so beliefs are bounded by construction.
    ``copysign(delta, -1)`` is ``-|delta|``, bit for bit, in one call.
    """
    shrink = np.exp(np.copysign(delta, -1.0))
    return np.where(delta > 0, 1.0 - (1.0 - z) * shrink, z * shrink)


def tie_sum(
    src: np.ndarray, dst: np.ndarray, weight: np.ndarray, values: np.ndarray, n: int
) -> np.ndarray:
    """``sum_j w_ij values_j`` for every teacher i, over directed ties."""
    return np.bincount(src, weights=weight * values[dst], minlength=n)


def strength(src: np.ndarray, weight: np.ndarray, n: int) -> np.ndarray:
    """``sum_j w_ij``: total tie strength of every teacher."""
    return np.bincount(src, weights=weight, minlength=n)


def malleability(years: np.ndarray, scale: float) -> np.ndarray:
    """``1 / (1 + years / scale)``: beliefs move fastest early and then set."""
    return 1.0 / (1.0 + years / scale)


def noviceness(experience: np.ndarray, scale: float) -> np.ndarray:
    """``exp(-experience / scale)``: 1 for a first-year teacher, fading to 0."""
    return np.exp(-experience / scale)


def logistic(x: np.ndarray) -> np.ndarray:
    """The logistic function."""
    return 0.5 * (1.0 + np.tanh(0.5 * x))
