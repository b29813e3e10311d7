"""Figures drawn on several cores are the figures drawn one by one."""

from __future__ import annotations

import os
import sys
import threading
from functools import partial

import pytest

from analysis.reports.drawing import draw

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="forks on Linux")


def _figure(k: int) -> bytes:
    from matplotlib.figure import Figure

    from analysis.reports.plots import png

    figure = Figure(figsize=(3, 2))
    axes = figure.add_subplot()
    axes.plot(range(k + 2), [v * k for v in range(k + 2)], label=f"plan {k}")
    axes.legend()
    return png(figure)


def _where(k: int) -> bytes:
    return f"{k}:{os.getpid()}".encode()


def test_figures_drawn_in_children_are_the_same_bytes_in_the_same_order():
    makers = {f"f{k}.png": partial(_figure, k) for k in range(5)}
    alone = draw(makers, processes=1)
    together = draw(makers, processes=2)
    assert list(together) == list(makers)
    assert together == alone


def test_children_draw_when_they_can_and_this_process_when_a_thread_runs():
    makers = {f"f{k}": partial(_where, k) for k in range(4)}
    here = str(os.getpid())
    drawn = draw(makers, processes=2)
    assert [v.split(b":")[0] for v in drawn.values()] == [b"0", b"1", b"2", b"3"]
    assert all(v.split(b":")[1].decode() != here for v in drawn.values())
    stop = threading.Event()
    thread = threading.Thread(target=stop.wait)
    thread.start()
    try:
        drawn = draw(makers, processes=2)
    finally:
        stop.set()
        thread.join()
    assert all(v.split(b":")[1].decode() == here for v in drawn.values())
