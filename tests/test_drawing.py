"""Figures drawn on several cores are the figures drawn one by one.

The forking path is checked in a fresh interpreter: under pytest-xdist
this process has a Python thread of its own, and :func:`draw` then draws
here, one figure after another.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from functools import partial
from pathlib import Path

import pytest

from analysis.reports.drawing import draw

ROOT = Path(__file__).resolve().parents[1]
pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="forks on Linux")

PROBE = """
import hashlib, json, os, signal
from functools import partial
from matplotlib.figure import Figure
from analysis.reports.drawing import Drawing, draw
from analysis.reports.plots import png

def figure(k):
    figure = Figure(figsize=(3, 2))
    axes = figure.add_subplot()
    axes.plot(range(k + 2), [v * k for v in range(k + 2)], label=f"plan {k}")
    axes.legend()
    return png(figure)

def where(k):
    return f"{k}:{os.getpid()}".encode()

def handlers():
    return f"{signal.getsignal(signal.SIGINT)!r} {signal.getsignal(signal.SIGTERM)!r}".encode()

signal.signal(signal.SIGTERM, lambda *_: None)  # as the command line's: raises in this process

figures = {f"f{k}.png": partial(figure, k) for k in range(5)}
alone, together = draw(figures, processes=1), draw(figures, processes=2)
names = list(figures)
with Drawing({name: figures[name] for name in names[:2]}, 2) as drawing:
    drawing.add({name: figures[name] for name in names[2:]})  # sent to the children
    added = drawing.result()
with Drawing({0: partial(where, 0)}, 2) as drawing:
    drawing.add({k: partial(where, k) for k in (1, 2, 3)})
    added_by = [v.decode() for v in drawing.result().values()]
print(json.dumps({
    "added": added == alone and list(added) == names,
    "added_by": added_by,
    "same": alone == together,
    "order": list(together) == list(figures),
    "here": os.getpid(),
    "drawn_by": [v.decode() for v in draw({k: partial(where, k) for k in range(4)}, 2).values()],
    "child_handlers": draw({"a": handlers, "b": handlers}, 2)["a"].decode(),
}))
"""


def test_figures_drawn_in_children_are_the_same_bytes_in_the_same_order():
    """Also figures added after the children were forked (their makers are sent pickled)."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, "-c", PROBE], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr[-2000:]
    probe = json.loads(done.stdout.splitlines()[-1])
    assert probe["same"] and probe["order"]
    # figures added once the children run are sent to them: same bytes, in order
    assert probe["added"]
    for drawn_by in (probe["drawn_by"], probe["added_by"]):
        ids = [entry.split(":") for entry in drawn_by]
        assert [k for k, _ in ids] == ["0", "1", "2", "3"]
        assert all(int(pid) != probe["here"] for _, pid in ids), "drawn in forked children"
    # Ctrl-C is left to the parent; the pool's SIGTERM ends a child without a traceback
    assert probe["child_handlers"] == "<Handlers.SIG_IGN: 1> <Handlers.SIG_DFL: 0>"


def _where(k: int) -> bytes:
    return f"{k}:{os.getpid()}".encode()


def test_with_another_python_thread_figures_are_drawn_in_this_process():
    makers = {f"f{k}": partial(_where, k) for k in range(4)}
    stop = threading.Event()
    thread = threading.Thread(target=stop.wait)
    thread.start()
    try:
        drawn = draw(makers, processes=2)
    finally:
        stop.set()
        thread.join()
    assert list(drawn) == list(makers)
    assert all(v.split(b":")[1].decode() == str(os.getpid()) for v in drawn.values())


def test_a_child_that_dies_fails_the_drawing_instead_of_hanging():
    probe = """
import os
from concurrent.futures.process import BrokenProcessPool
from analysis.reports.drawing import draw
try:
    draw({"a": lambda: b"a", "b": lambda: os._exit(9), "c": lambda: b"c"}, processes=2)
except BrokenProcessPool:
    print("broken")
"""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, "-c", probe], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip() == "broken"


def test_ctrl_c_while_the_children_start_leaves_none_behind():
    """Interrupted in the constructor (no __exit__ runs), the program still exits: no hang."""
    probe = """
import multiprocessing
from concurrent.futures import ProcessPoolExecutor
from analysis.reports.drawing import Drawing
submit, calls = ProcessPoolExecutor.submit, []
def interrupted(self, *args, **kwargs):
    calls.append(1)
    if len(calls) == 2:  # the first submission forked the children
        raise KeyboardInterrupt
    return submit(self, *args, **kwargs)
ProcessPoolExecutor.submit = interrupted
try:
    Drawing({k: (lambda: b"x") for k in "abc"}, 2)
except KeyboardInterrupt:
    print("interrupted", len(multiprocessing.active_children()))
"""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, "-c", probe], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip() == "interrupted 0"
