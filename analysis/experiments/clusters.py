"""Runs on an existing Dask cluster (the dask extra), and the engine a sweep asks for.

Every way a cluster can fail (not a scheduler's address, out of reach,
lost mid-sweep, no worker for :data:`WORKER_TIMEOUT` seconds) ends the sweep
with one line saying what happened and how to resume.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Mapping
from concurrent.futures import Future
from typing import Any

from analysis.experiments.engines import (
    RESUME,
    Engine,
    InProcess,
    LocalPool,
    SweepError,
    Task,
    perform,
)
from analysis.experiments.provenance import described, model_code
from analysis.experiments.workers import usable_cores
from simulation import InputError

#: Seconds to reach a Dask scheduler and hear its handshake, at the start of a sweep.
CONNECT_TIMEOUT = 15.0
#: Seconds a sweep waits while its Dask scheduler has no worker, before giving up.
WORKER_TIMEOUT = 120.0
#: Seconds between looks at the Dask cluster's workers.
CHECK_SECONDS = 2.0


def check_scheduler_address(address: str) -> None:
    """Refuse what cannot be a Dask scheduler's address (e.g. the dashboard's http:// one)."""
    try:
        from distributed.comm.registry import backends
    except ImportError:
        raise InputError(
            "--scheduler needs dask.distributed; install it with: pip install 'staffroom[dask]'",
            key="scheduler",
        ) from None

    schemes = sorted(backends)
    allowed = (
        "allowed: tcp://HOST:PORT, the scheduler's address (port 8786 unless changed; "
        f"not the dashboard's http:// address), or {', '.join(s + '://' for s in schemes)}"
    )
    scheme, separator, rest = address.partition("://")
    if not separator:
        scheme, rest = "tcp", address
    if scheme not in backends:
        raise InputError(
            f"--scheduler {address!r}: {scheme}:// is not a Dask scheduler address; {allowed}",
            key="--scheduler",
        )
    if scheme in ("tcp", "tls", "ws", "wss") and not rest.strip("/"):
        raise InputError(f"--scheduler {address!r} names no host; {allowed}", key="--scheduler")


def check_worker_code(found: Mapping[str, Any], address: str) -> None:
    """Refuse a cluster whose workers run other model code than this process.

    ``found`` is each worker's :func:`~analysis.experiments.provenance.model_code`
    (by worker address), or the error it raised. A sweep's identity names this
    process's model code (:meth:`analysis.experiments.sweeps.Sweep.identity`),
    so runs made by other code would be filed under it. Workers that join
    later are not checked.
    """
    here = model_code()
    for worker, code in sorted(found.items()):
        if code == here:
            continue
        imported = isinstance(code, Mapping)
        what = described(code) if imported else f"no staffroom it can import ({code})"
        raise InputError(
            f"the Dask worker {worker} at {address} has {what}, and this machine "
            f"{described(here)}: its runs would not be this model's; "
            "install the same staffroom and numpy on every worker, and where their processors "
            "differ make numpy compute alike (NPY_DISABLE_CPU_FEATURES, OPENBLAS_CORETYPE: "
            "README, Sweeps and sensitivity analysis); nothing was written",
            key="--scheduler",
        )


def _unreachable(address: str, error: BaseException) -> InputError:
    detail = str(error).replace(f" to {address}", "")  # the address is said once
    return InputError(
        f"cannot reach the Dask scheduler at {address} ({detail}); check that the "
        "scheduler is running (`dask scheduler` prints its address), that the host "
        "and port are right (8786 unless changed) and that this machine can reach "
        "them; nothing was written",
        key="--scheduler",
    )


def check_handshake(address: str, seconds: float) -> None:
    """Connect to ``address`` and hear a Dask handshake within ``seconds``, or say what is wrong.

    Dask's ``Client`` bounds only the TCP connection: a program that accepts
    it and says nothing (a web server waiting for a request) would keep the
    sweep waiting for ever, and one that answers in another protocol makes
    Dask read a nonsense message length (an allocation of exabytes).

    Raises
    ------
    InputError
        If nothing answers at ``address``, or something that is not a Dask
        scheduler does.
    """
    import asyncio

    from distributed.comm import connect

    async def handshake() -> None:
        comm = await connect(address, timeout=seconds)
        await comm.close()

    not_dask = (
        f"something answers at {address}, but it is not a Dask scheduler ({{}}); is the "
        "port right? a scheduler listens on 8786 unless changed, its dashboard (http://) "
        "on 8787; nothing was written"
    )
    try:
        asyncio.run(asyncio.wait_for(handshake(), seconds + 1))
    except TimeoutError:
        reason = f"no Dask handshake within {seconds:g} s"
        raise InputError(not_dask.format(reason), key="--scheduler") from None
    except OSError as error:
        raise _unreachable(address, error) from None
    except Exception as error:  # any other answer is not Dask's protocol
        reason = f"its answer is not Dask's protocol: {type(error).__name__}"
        raise InputError(not_dask.format(reason), key="--scheduler") from None


class DaskCluster:
    """An existing Dask cluster, reached at its scheduler's address."""

    def __init__(self, address: str, worker_timeout: float | None = None):
        try:
            from distributed import Client
        except ImportError:
            raise InputError(
                "--scheduler needs dask.distributed; install it with: pip install "
                "'staffroom[dask]'",
                key="scheduler",
            ) from None
        check_scheduler_address(address)
        self.address = address
        self.worker_timeout = WORKER_TIMEOUT if worker_timeout is None else worker_timeout
        # an address no scheduler answers at is the user's to correct (exit status 2)
        check_handshake(address, CONNECT_TIMEOUT)
        try:
            self._client = Client(address, timeout=CONNECT_TIMEOUT, set_as_default=False)
        except (OSError, TimeoutError, ValueError) as error:
            raise _unreachable(address, error) from None
        try:
            check_worker_code(self._client.run(model_code, on_error="return"), address)
        except BaseException:
            self._client.close(timeout=5)
            raise
        threads = sum(self._client.nthreads().values())
        self.workers = max(threads, 1)
        self.slots = max(4, 4 * threads)
        self.label = f"Dask cluster at {address} ({threads} worker threads)"
        self._executor = self._client.get_executor(pure=False)
        self._checked = self._seen_workers = time.monotonic()

    def submit(self, task: Task) -> Future:
        """Send ``task`` to the cluster."""
        try:
            return self._executor.submit(perform, task)
        except Exception as error:  # the client closed under us: the scheduler went away
            raise SweepError(self.lost()) from error

    def lost(self) -> str:
        """The message when the cluster cancelled tasks: its scheduler went away."""
        return (
            f"lost the connection to the Dask scheduler at {self.address} (stopped or "
            f"unreachable); {RESUME} once it is back"
        )

    def check(self) -> None:
        """Give up when the scheduler is gone or has had no worker for ``worker_timeout`` s."""
        now = time.monotonic()
        if now - self._checked < CHECK_SECONDS:
            return
        self._checked = now
        if self._client.status in ("closed", "closing", "failed"):
            raise SweepError(self.lost())
        try:
            workers = self._client.scheduler_info(n_workers=-1).get("workers", {})
        except Exception as error:
            raise SweepError(self.lost()) from error
        if workers:
            self._seen_workers = now
        elif now - self._seen_workers > self.worker_timeout:
            raise SweepError(
                f"the Dask scheduler at {self.address} has had no worker for "
                f"{self.worker_timeout:.0f} s; start workers (dask worker "
                f"{self.address}), then run the same command to resume "
                "(the finished runs are saved)"
            )

    def close(self, cancel: bool = False) -> None:
        """Cancel what is left (if asked) and disconnect, without waiting on a lost scheduler."""
        # a cluster that is gone has nothing to cancel and cannot be told goodbye
        with contextlib.suppress(Exception):
            self._executor.shutdown(wait=not cancel)
        with contextlib.suppress(Exception):
            self._client.close(timeout=5)


def make_engine(workers: int | None = None, scheduler: str | None = None) -> Engine:
    """The engine for ``--workers N`` (0: this process) or ``--scheduler ADDRESS``."""
    if scheduler:
        return DaskCluster(scheduler)
    if workers is None:
        workers = usable_cores()
    if workers < 0:
        raise InputError(
            f"--workers must be 0 (this process) or more, not {workers}", key="workers"
        )
    return InProcess() if workers == 0 else LocalPool(workers)
