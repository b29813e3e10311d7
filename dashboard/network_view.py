"""The collaboration network as an SVG picture, with its legend.

Teachers are circles grouped by team (:mod:`dashboard.layout`), filled by
self-efficacy (TSES, red at 4 or below, blue at 9) and sized by skill; ties are lines as
thick as their strength. Each circle carries ``data-row`` and ``data-id``
(the teacher's Mesa ``unique_id``) so that a click can be traced to the
teacher, and a ``<title>`` that the browser shows on hover. Plain strings
and numpy only: the picture is built (and tested) without a browser.
"""

from __future__ import annotations

from html import escape

import numpy as np
from matplotlib import colormaps
from matplotlib.colors import to_hex

from simulation import SchoolModel, Teacher
from simulation.parameters import SUBJECT_NAMES, tses

from .layout import Layout, team_layout
from .school import last_result

COLORMAP = "RdYlBu"
"""Colour scale of self-efficacy: red (TSES 4 or below) through pale yellow (6.5) to blue (9)."""
TSES_LOW, TSES_HIGH = 4.0, 9.0
"""Ends of the colour scale. Teachers sit mostly between TSES 6 and 8
(Tschannen-Moran & Woolfolk Hoy 2001: means near 7); over the whole 1-9
scale they came out in three shades of pale blue, so everything at or below
4 (a cynic, a struggling novice) is full red and the colours spread over
where teachers are."""
SKILL_LOW, SKILL_HIGH = -0.25, 0.25
"""Skill (SD of student gain a year) drawn with the smallest and largest circle."""
RADIUS_LOW, RADIUS_HIGH = 4.0, 11.0
STRUCTURED_KINDS = ("team", "colleague")
WIDTH, NETWORK_HEIGHT, HEADER, LEGEND = 600.0, 370.0, 28.0, 92.0


def tses_colour(value: float | np.ndarray) -> str | list[str]:
    """Hex colour of a self-efficacy (TSES 1-9; at or below ``TSES_LOW`` all red)."""
    cmap = colormaps[COLORMAP]
    scaled = np.clip((np.asarray(value, dtype=float) - TSES_LOW) / (TSES_HIGH - TSES_LOW), 0, 1)
    if scaled.ndim == 0:
        return to_hex(cmap(float(scaled)))
    return [to_hex(c) for c in cmap(scaled)]


def skill_radius(skill: float | np.ndarray, scale: float = 1.0) -> np.ndarray:
    """Circle radius for a skill: area grows linearly from the lowest to the highest skill."""
    u = np.clip((np.asarray(skill, dtype=float) - SKILL_LOW) / (SKILL_HIGH - SKILL_LOW), 0, 1)
    return scale * np.sqrt(RADIUS_LOW**2 + (RADIUS_HIGH**2 - RADIUS_LOW**2) * u)


def node_scale(layout: Layout) -> float:
    """Shrink circles in small team cells (large schools), from 1 down to 0.5."""
    if not layout.cells:
        return 1.0
    cell = min(min(c[3], c[4]) for c in layout.cells)
    return float(np.clip(cell / 100.0, 0.5, 1.0))


def tie_strength(model: SchoolModel) -> list[tuple[int, int, float, str]]:
    """Ties as ``(u, v, strength, kind)``.

    Strength is the tie's interaction intensity times ``collaboration_minutes
    / 60`` for team and colleague ties (docs/ODD.md §7), so the picture
    follows the collaboration-time lever.
    """
    minutes = model.params.collaboration_minutes / 60.0
    out = []
    for u, v, data in model.network.edges(data=True):
        kind = data.get("kind", "informal")
        weight = float(data.get("weight", 1.0)) * (minutes if kind in STRUCTURED_KINDS else 1.0)
        out.append((int(u), int(v), weight, kind))
    return out


def tie_width(strength: float) -> float:
    """Line width of a tie (SVG units): 0.6 plus 2.2 per unit of strength, at most 7."""
    return min(7.0, 0.6 + 2.2 * strength)


def teachers_in_rows(model: SchoolModel) -> list[Teacher]:
    """The model's teachers in row order."""
    return sorted(model.agents_by_type[Teacher], key=lambda agent: agent.row)


def network_svg(
    model: SchoolModel,
    layout: Layout | None = None,
    *,
    selected: int | None = None,
    cynic: int | None = None,
) -> str:
    """Draw the network of ``model`` now.

    Parameters
    ----------
    model : SchoolModel
        The school.
    layout : Layout, optional
        Positions (computed from the structure when omitted).
    selected : int, optional
        ``unique_id`` of the teacher to outline.
    cynic : int, optional
        ``unique_id`` of the cynical colleague, drawn with a dashed ring.

    Returns
    -------
    str
        A standalone ``<svg>`` element that scales to its container's width.
    """
    structure = model.structure
    if layout is None:
        layout = team_layout(
            structure.team,
            structure.house,
            model.teachers.subject,
            width=WIDTH,
            height=NETWORK_HEIGHT,
        )
    total = HEADER + layout.height + LEGEND
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {layout.width:g} {total:g}" '
        f'width="100%" font-family="sans-serif" role="img" '
        f'aria-label="collaboration network" '
        f'data-run="{getattr(model, "run_number", 0)}">'
    ]
    parts.append(_header(model, layout.width))
    parts.append(f'<g transform="translate(0,{HEADER:g})">')
    parts.extend(_cells(layout))
    parts.extend(_ties(model, layout))
    parts.extend(_teachers(model, layout, selected, cynic))
    parts.append("</g>")
    parts.append(_legend(layout.width, HEADER + layout.height, node_scale(layout)))
    parts.append("</svg>")
    return "".join(parts)


def _header(model: SchoolModel, width: float) -> str:
    when = f"year {model.year}, week {model.week}" if model.steps else "start (week 0)"
    title = (
        f"Collaboration network · {model.params.structure.replace('_', ' ')} · "
        f"{model.n_teachers} teachers · {when}"
    )
    return (
        f'<text x="{width / 2:g}" y="19" text-anchor="middle" font-size="16" '
        f'font-weight="bold" data-role="title">{escape(title)}</text>'
    )


MIN_CAPTION = 9.0
"""Smallest legible caption (px, at the projector size the page is drawn for)."""


SHORT = {
    "house ": "h",
    "team ": "t",
    "english": "Eng",
    "mathematics": "math",
    "science": "sci",
    "social studies": "soc",
    "world languages": "lang",
    "physical education": "PE",
    "technology": "tech",
    "electives": "elect",
    "career": "career",
    "health": "health",
    "music": "music",
    "arts": "arts",
}
"""Abbreviations of team captions, for narrow cells."""


def short_caption(caption: str) -> str:
    """A team caption in few letters: ``social studies B`` -> ``soc B``, ``h2 · math A``."""
    for long, short in SHORT.items():
        caption = caption.replace(long, short)
    return caption.replace(" · ", "·")


def _caption_size(caption: str, width: float) -> float:
    return min(13.0, 1.75 * (width - 6) / max(len(caption), 1))


def _cells(layout: Layout) -> list[str]:
    """Team cells with captions that stay legible: shortened when the cell is narrow, left
    out (the full caption on hover) when even that would be too small."""
    out = []
    for _, x, y, w, h, caption in layout.cells:
        if not caption:
            continue
        out.append(
            f'<rect x="{x + 2:.1f}" y="{y + 2:.1f}" width="{w - 4:.1f}" '
            f'height="{h - 4:.1f}" rx="6" fill="#f3f3f3" stroke="#d0d0d0">'
            f"<title>{escape(caption)}</title></rect>"
        )
        shown = caption
        if _caption_size(shown, w) < MIN_CAPTION:
            shown = short_caption(caption)
        size = _caption_size(shown, w)
        if size < MIN_CAPTION:
            continue
        out.append(
            f'<text x="{x + w / 2:.1f}" y="{y + 4 + size:.1f}" text-anchor="middle" '
            f'font-size="{size:.1f}" fill="#444" data-role="caption">'
            f"<title>{escape(caption)}</title>{escape(shown)}</text>"
        )
    return out


def _ties(model: SchoolModel, layout: Layout) -> list[str]:
    out = ['<g stroke="#555" stroke-opacity="0.45" stroke-linecap="round">']
    for u, v, strength, kind in tie_strength(model):
        out.append(
            f'<line x1="{layout.x[u]:.1f}" y1="{layout.y[u]:.1f}" '
            f'x2="{layout.x[v]:.1f}" y2="{layout.y[v]:.1f}" '
            f'stroke-width="{tie_width(strength):.2f}" data-kind="{kind}"/>'
        )
    out.append("</g>")
    return out


def _teachers(
    model: SchoolModel, layout: Layout, selected: int | None, cynic: int | None
) -> list[str]:
    t = model.teachers
    scores = tses(t.self_efficacy)
    colours = tses_colour(scores)
    radii = skill_radius(model.skill, node_scale(layout))
    agents = teachers_in_rows(model)
    out = ['<g data-role="teachers">']
    marked = []
    for row, agent in enumerate(agents):
        uid = agent.unique_id
        tip = (
            f"Teacher #{uid} · {SUBJECT_NAMES[int(t.subject[row])].replace('_', ' ')}, "
            f"{t.experience[row]:.0f} years\nself-efficacy {scores[row]:.1f} (TSES 1-9)\n"
            f"skill {model.skill[row]:+.2f} SD/year\n{last_result(agent)}\n"
            "click to follow this teacher"
        )
        out.append(
            f'<circle cx="{layout.x[row]:.1f}" cy="{layout.y[row]:.1f}" '
            f'r="{radii[row]:.1f}" fill="{colours[row]}" stroke="#333" '
            f'stroke-width="0.8" data-row="{row}" data-id="{uid}" '
            f'data-tses="{scores[row]:.3f}" style="cursor:pointer">'
            f"<title>{escape(tip)}</title></circle>"
        )
        if uid == cynic:
            marked.append(
                f'<circle cx="{layout.x[row]:.1f}" cy="{layout.y[row]:.1f}" '
                f'r="{radii[row] + 5:.1f}" fill="none" stroke="#000" '
                f'stroke-width="2" stroke-dasharray="4 3" data-role="cynic" '
                f'pointer-events="none"/>'
            )
        if uid == selected:
            marked.append(
                f'<circle cx="{layout.x[row]:.1f}" cy="{layout.y[row]:.1f}" '
                f'r="{radii[row] + 2:.1f}" fill="none" stroke="#000" '
                f'stroke-width="3.5" data-role="selected" pointer-events="none"/>'
            )
    out.extend(marked)
    out.append("</g>")
    return out


def _legend(width: float, top: float, scale: float = 1.0) -> str:
    """Colour bar (TSES 4-9), circle sizes (skill) and line widths (tie strength)."""
    out = [f'<g transform="translate(0,{top:g})" font-size="14" fill="#222" data-role="legend">']
    bar_x, bar_w, bar_y = 12.0, 216.0, 26.0
    span = TSES_HIGH - TSES_LOW
    stops = "".join(
        f'<stop offset="{(v - TSES_LOW) / span:.3f}" stop-color="{tses_colour(v)}"/>'
        for v in np.linspace(TSES_LOW, TSES_HIGH, 11)
    )
    out.append(f'<defs><linearGradient id="tses-scale">{stops}</linearGradient></defs>')
    out.append(f'<text x="{bar_x:g}" y="18" font-weight="bold">Self-efficacy (TSES)</text>')
    out.append(
        f'<rect x="{bar_x:g}" y="{bar_y:g}" width="{bar_w:g}" height="14" '
        f'fill="url(#tses-scale)" stroke="#333" stroke-width="0.5"/>'
    )
    for value in range(int(TSES_LOW), int(TSES_HIGH) + 1):
        x = bar_x + bar_w * (value - TSES_LOW) / span
        label = f"≤{value}" if value == TSES_LOW else f"{value}"
        out.append(
            f'<line x1="{x:.1f}" y1="{bar_y + 14:g}" x2="{x:.1f}" y2="{bar_y + 18:g}" '
            f'stroke="#333"/><text x="{x:.1f}" y="{bar_y + 32:g}" '
            f'text-anchor="middle">{label}</text>'
        )
    sx = 262.0
    out.append(f'<text x="{sx:g}" y="18" font-weight="bold">Skill (SD/year)</text>')
    for i, value in enumerate((-0.2, 0.0, 0.2)):
        cx = sx + 12 + i * 40
        out.append(
            f'<circle cx="{cx:g}" cy="{bar_y + 7:g}" r="{skill_radius(value, scale):.1f}" '
            f'fill="#bbb" stroke="#333" stroke-width="0.8"/>'
            f'<text x="{cx:g}" y="{bar_y + 32:g}" text-anchor="middle">'
            f"{value:+.1f}</text>"
        )
    tx = 410.0
    out.append(f'<text x="{tx:g}" y="18" font-weight="bold">Tie strength</text>')
    for i, value in enumerate((0.25, 1.0, 2.0)):
        x = tx + i * 60
        out.append(
            f'<line x1="{x:g}" y1="{bar_y + 7:g}" x2="{x + 40:g}" y2="{bar_y + 7:g}" '
            f'stroke="#555" stroke-opacity="0.6" stroke-width="{tie_width(value):.2f}"/>'
            f'<text x="{x + 20:g}" y="{bar_y + 32:g}" text-anchor="middle">'
            f"{value:g}</text>"
        )
    out.append(
        f'<text x="{width / 2:g}" y="{bar_y + 56:g}" text-anchor="middle" font-size="13" '
        f'fill="#444">Tie 1 = a team tie at 60 min/week · dashed ring: the cynic · '
        f"click a teacher to follow them</text>"
    )
    out.append("</g>")
    return "".join(out)
