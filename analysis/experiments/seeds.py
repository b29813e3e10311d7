"""Every run's model seed, from one scheme for ``run``, ``compare``, ``sweep`` and validation.

A seed is drawn from ``numpy.random.SeedSequence(seed, spawn_key=key)``
with ``key = (replicate,)`` or ``(point, replicate)``, so it depends only on
its key, never on the workers. Seeds are below 2**53 so that they survive
tools that hold numbers as doubles (R, Excel, JavaScript).
"""

from __future__ import annotations

import numpy as np

#: Seeds are whole numbers in ``[0, 2**SEED_BITS)``: exact as doubles.
SEED_BITS = 53


def run_seed(seed: int, *key: int) -> int:
    """The model seed of the run with ``key`` under sweep or scenario seed ``seed``.

    Examples
    --------
    >>> run_seed(1, 0) == run_seed(1, 0) < 2**53
    True
    """
    state = np.random.SeedSequence(seed, spawn_key=key).generate_state(1, np.uint64)[0]
    return int(state >> np.uint64(64 - SEED_BITS))


def replicate_seeds(seed: int, replicates: int) -> list[int]:
    """Model seeds of replicates ``0..replicates-1`` under ``seed``: :func:`run_seed` ``(seed, r)``.

    The seeds a sweep with common random numbers gives its replicates; two
    scenarios (or arms) with the same seed share them.
    """
    return [run_seed(seed, replicate) for replicate in range(replicates)]
