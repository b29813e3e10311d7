"""Any scenario name in a plot: installed fonts that have its characters, or a plain mark.

:func:`make_drawable` adds installed fonts that have the characters
DejaVu Sans lacks (e.g. CJK) as fallbacks, and replaces characters no
installed font has by ``?``; the report's text keeps the exact name.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator

import matplotlib
from matplotlib import font_manager
from matplotlib.figure import Figure
from matplotlib.text import Text

MISSING = "?"


@functools.cache
def _primary() -> tuple[str, frozenset[int]]:
    """The family matplotlib draws with by default, and its characters."""
    path = font_manager.findfont(font_manager.FontProperties())
    return font_manager.get_font(path).family_name, _characters(path)


@functools.cache
def _characters(path: str) -> frozenset[int]:
    try:
        return frozenset(font_manager.get_font(path).get_charmap())
    except (OSError, RuntimeError):
        return frozenset()


@functools.cache
def _installed() -> tuple[tuple[str, str], ...]:
    """(family, file) of every installed font, one file per family."""
    seen: dict[str, str] = {}
    for entry in font_manager.fontManager.ttflist:
        seen.setdefault(entry.name, entry.fname)
    return tuple(seen.items())


def _fallback_for(code: int) -> str | None:
    for family, path in _installed():
        if code in _characters(path):
            return family
    return None


def drawable(text: str) -> str:
    """``text`` as the installed fonts can draw it: fallback fonts added, the rest ``?``."""
    family, covered = _primary()
    missing = {ch for ch in text if ord(ch) not in covered and ch.isprintable()}
    if not missing:
        return text
    families = list(matplotlib.rcParams["font.family"])
    if families in (["sans-serif"], ["sans"]):
        families = [family]
    for ch in sorted(missing):
        fallback = _fallback_for(ord(ch))
        if fallback is None:
            text = text.replace(ch, MISSING)
        elif fallback not in families:
            families.append(fallback)
    matplotlib.rcParams["font.family"] = families
    return text


def _named_texts(figure: Figure) -> Iterator[Text]:
    """The texts of ``figure`` that can hold a scenario's name: titles, labels, legends, notes.

    Tick labels are left out: they are numbers or the report's own words, and
    asking for them makes matplotlib build every tick before drawing.
    """
    yield from figure.texts
    legends = list(figure.legends)
    for axes in figure.axes:
        yield from (axes.title, axes.xaxis.label, axes.yaxis.label, *axes.texts)
        if axes.get_legend() is not None:
            legends.append(axes.get_legend())
    for legend in legends:
        yield from legend.get_texts()
        yield legend.get_title()


def make_drawable(figure: Figure) -> Figure:
    """Make every text of ``figure`` that can hold a name drawable (call just before saving it)."""
    for text in _named_texts(figure):
        content = text.get_text()
        if content:
            fixed = drawable(content)
            if fixed != content:
                text.set_text(fixed)
            if len(matplotlib.rcParams["font.family"]) > 1:
                text.set_fontfamily(matplotlib.rcParams["font.family"])
    return figure
