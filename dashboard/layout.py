"""Where each teacher is drawn: grouped by team, teams on a grid.

Teams (PLC course teams, departments, house teams, or single teachers in an
egg-crate school) are placed in reading order on a grid of cells, ordered
by house, then by subject, then by team; a team's members sit on a ring in
its cell. The layout depends only on the structure, so it stays put while
the model runs and is recomputed when the school is restructured.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from simulation.parameters import SUBJECT_NAMES


@dataclass(frozen=True)
class Layout:
    """Positions in a ``width`` x ``height`` box and one cell per team.

    Attributes
    ----------
    x, y : ndarray
        Position of each teacher (row order).
    cells : list of tuple
        ``(team, x, y, width, height, caption)`` for each team's cell.
    width, height : float
        Size of the box the positions lie in.
    """

    x: np.ndarray
    y: np.ndarray
    cells: list[tuple[int, float, float, float, float, str]]
    width: float
    height: float


def team_layout(
    team: np.ndarray,
    house: np.ndarray,
    subject: np.ndarray,
    *,
    width: float = 800.0,
    height: float = 520.0,
) -> Layout:
    """Place teachers grouped by team.

    Parameters
    ----------
    team, house, subject : ndarray of int
        Team, house and subject of each teacher (row order).
    width, height : float
        The box to fill (SVG user units).

    Returns
    -------
    Layout
        Positions and team cells; a team of one sits at its cell's centre.
    """
    n = team.size
    teams = np.unique(team)
    sizes = np.bincount(team, minlength=int(teams.max()) + 1 if n else 0)
    main_subject = {t: int(np.bincount(subject[team == t]).argmax()) for t in teams}
    main_house = {t: int(np.bincount(house[team == t]).argmax()) for t in teams}
    order = sorted(teams, key=lambda t: (main_house[t], main_subject[t], t))
    k = len(order)
    columns = max(1, math.ceil(math.sqrt(k * width / height)))
    rows = max(1, math.ceil(k / columns))
    cell_w, cell_h = width / columns, height / rows
    x, y = np.zeros(n), np.zeros(n)
    cells = []
    several_houses = np.unique(house).size > 1
    captions = _captions(order, team, subject, main_subject)
    for index, t in enumerate(order):
        cx = (index % columns + 0.5) * cell_w
        cy = (index // columns + 0.5) * cell_h
        members = np.flatnonzero(team == t)
        # the ring sits below the caption, rotated so no teacher is under it
        radius = 0.0 if members.size == 1 else 0.31 * min(cell_w, cell_h - 14)
        angle = 2 * np.pi * (np.arange(members.size) + 0.5) / max(members.size, 1) - np.pi / 2
        x[members] = cx + radius * np.cos(angle)
        y[members] = cy + (7 if members.size > 1 else 0) + radius * np.sin(angle)
        caption = "" if sizes[t] == 1 else captions[t]
        if several_houses and caption:
            caption = f"house {main_house[t] + 1} · {caption}"
            if cell_w < 9 * len(caption):
                caption = f"h{main_house[t] + 1} · {captions[t].replace('team ', 't')}"
        cells.append((int(t), cx - cell_w / 2, cy - cell_h / 2, cell_w, cell_h, caption))
    return Layout(x, y, cells, width, height)


def _captions(order, team, subject, main_subject) -> dict[int, str]:
    """Caption per team: its subject (lettered A, B... when repeated), or 'team k' if mixed."""
    single = {t: np.unique(subject[team == t]).size == 1 for t in order}
    per_subject: dict[int, list[int]] = {}
    for t in order:
        if single[t]:
            per_subject.setdefault(main_subject[t], []).append(t)
    captions = {}
    mixed = 0
    for t in order:
        if single[t]:
            name = SUBJECT_NAMES[main_subject[t]].replace("_", " ")
            siblings = per_subject[main_subject[t]]
            captions[t] = name if len(siblings) == 1 else f"{name} {chr(65 + siblings.index(t))}"
        else:
            mixed += 1
            captions[t] = f"team {mixed}"
    return captions
