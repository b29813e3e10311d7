"""A very small SVG plotter: axes, lines, bands, bars, legends.

The dashboard redraws every chart after every step. matplotlib takes about
0.3-0.8 s a figure on a busy two-core machine; these charts take a few
milliseconds, scale crisply on a projector, and are plain strings that tests
can read. Only what the dashboard's charts need is here.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from html import escape

import numpy as np

FONT = "sans-serif"
TEXT = "#222"
GRID = "#e3e3e3"
VALUE_COLOUR = "#1f4e99"


def nice_ticks(low: float, high: float, count: int = 5) -> list[float]:
    """Round tick values covering ``[low, high]``, about ``count`` of them."""
    if not math.isfinite(low) or not math.isfinite(high):
        return []
    if high <= low:
        return [low]
    raw = (high - low) / max(count - 1, 1)
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    first = math.ceil(low / step - 1e-9) * step
    ticks = []
    value = first
    while value <= high + 1e-9 * step:
        ticks.append(round(value, 10))
        value += step
    return ticks


def _label(value: float) -> str:
    text = f"{value:.3g}"
    return "0" if text in ("-0", "0.0") else text


@dataclass(frozen=True)
class Frame:
    """A plotting area: a pixel box and the data limits it shows."""

    left: float
    top: float
    width: float
    height: float
    xlim: tuple[float, float]
    ylim: tuple[float, float]
    clip: str

    def px(self, x) -> np.ndarray:
        """Pixel x of data x."""
        low, high = self.xlim
        return self.left + (np.asarray(x, dtype=float) - low) / (high - low) * self.width

    def py(self, y) -> np.ndarray:
        """Pixel y of data y (up is up)."""
        low, high = self.ylim
        return (
            self.top + self.height - (np.asarray(y, dtype=float) - low) / (high - low) * self.height
        )


class Chart:
    """An SVG drawing of ``width`` x ``height`` user units.

    Parameters
    ----------
    width, height : float
        Size of the drawing (it scales to its container's width).
    name : str
        Prefix for the ids inside this drawing (ids must be unique in a page).
    font_size : float
        Size of tick labels; titles are 2 larger.
    """

    def __init__(self, width: float, height: float, name: str, font_size: float = 14) -> None:
        self.width, self.height, self.name = width, height, name
        self.font_size = font_size
        self.parts: list[str] = []
        self.defs: list[str] = []
        self._frames = 0

    # ------------------------------------------------------------- frames
    def axes(
        self,
        left: float,
        top: float,
        width: float,
        height: float,
        *,
        xlim: tuple[float, float],
        ylim: tuple[float, float],
        title: str = "",
        subtitle: str = "",
        ylabel: str = "",
        xlabel: str = "",
        xticks: Sequence[float] | None = None,
        yticks: Sequence[float] | None = None,
        yticks_count: int = 5,
        reading: str = "",
    ) -> Frame:
        """Draw axes (grid, ticks, labels, title) and return their frame.

        ``reading`` (e.g. the latest value of the plotted series) is written
        after the title, in bold, for readers who note numbers down.
        """
        if ylim[1] <= ylim[0]:
            ylim = (ylim[0] - 0.5, ylim[0] + 0.5)
        clip = f"{self.name}-clip-{self._frames}"
        self._frames += 1
        frame = Frame(left, top, width, height, xlim, ylim, clip)
        self.defs.append(
            f'<clipPath id="{clip}"><rect x="{left:.1f}" y="{top:.1f}" '
            f'width="{width:.1f}" height="{height:.1f}"/></clipPath>'
        )
        size = self.font_size
        out = self.parts
        yticks = nice_ticks(*ylim, count=yticks_count) if yticks is None else yticks
        xticks = nice_ticks(*xlim, count=6) if xticks is None else xticks
        for value in yticks:
            y = float(frame.py(value))
            out.append(
                f'<line x1="{left:.1f}" y1="{y:.1f}" x2="{left + width:.1f}" '
                f'y2="{y:.1f}" stroke="{GRID}"/>'
            )
            out.append(
                f'<text x="{left - 6:.1f}" y="{y + size * 0.35:.1f}" text-anchor="end" '
                f'font-size="{size}">{_label(value)}</text>'
            )
        for value in xticks:
            x = float(frame.px(value))
            out.append(
                f'<line x1="{x:.1f}" y1="{top:.1f}" x2="{x:.1f}" '
                f'y2="{top + height:.1f}" stroke="{GRID}"/>'
            )
            out.append(
                f'<text x="{x:.1f}" y="{top + height + size + 4:.1f}" '
                f'text-anchor="middle" font-size="{size}">{_label(value)}</text>'
            )
        out.append(
            f'<rect x="{left:.1f}" y="{top:.1f}" width="{width:.1f}" '
            f'height="{height:.1f}" fill="none" stroke="#888"/>'
        )
        if subtitle:
            out.append(
                f'<text x="{left + width / 2:.1f}" y="{top - 5:.1f}" '
                f'text-anchor="middle" font-size="{size - 1}" fill="#555">'
                f"{escape(subtitle)}</text>"
            )
        if title:
            raise_by = size + 4 if subtitle else 0
            shown = escape(title)
            if reading:
                shown += (
                    f' <tspan data-role="value" fill="{VALUE_COLOUR}">{escape(reading)}</tspan>'
                )
            out.append(
                f'<text x="{left + width / 2:.1f}" y="{top - 7 - raise_by:.1f}" '
                f'text-anchor="middle" font-size="{size + 2}" font-weight="bold">'
                f"{shown}</text>"
            )
        if ylabel:
            cx, cy = left - 3.3 * size, top + height / 2
            out.append(
                f'<text transform="translate({cx:.1f},{cy:.1f}) rotate(-90)" '
                f'text-anchor="middle" font-size="{size}">{escape(ylabel)}</text>'
            )
        if xlabel:
            out.append(
                f'<text x="{left + width / 2:.1f}" y="{top + height + 2.3 * size + 6:.1f}" '
                f'text-anchor="middle" font-size="{size}">{escape(xlabel)}</text>'
            )
        return frame

    # ------------------------------------------------------------- marks
    def line(
        self,
        frame: Frame,
        x,
        y,
        colour: str,
        width: float = 2.0,
        dash: str | None = None,
        role: str = "",
    ) -> None:
        """A polyline through the finite points (gaps where values are missing)."""
        px, py = frame.px(x), frame.py(y)
        finite = np.isfinite(px) & np.isfinite(py)
        extra = f' stroke-dasharray="{dash}"' if dash else ""
        extra += f' data-role="{role}"' if role else ""
        for run in _runs(finite):
            points = " ".join(f"{a:.1f},{b:.1f}" for a, b in zip(px[run], py[run], strict=True))
            self.parts.append(
                f'<polyline points="{points}" fill="none" stroke="{colour}" '
                f'stroke-width="{width:g}" stroke-linejoin="round" '
                f'clip-path="url(#{frame.clip})"{extra}/>'
            )

    def band(self, frame: Frame, x, low, high, colour: str, opacity: float = 0.2) -> None:
        """A filled band between ``low`` and ``high``."""
        px, lo, hi = frame.px(x), frame.py(low), frame.py(high)
        finite = np.isfinite(px) & np.isfinite(lo) & np.isfinite(hi)
        for run in _runs(finite):
            upper = [f"{a:.1f},{b:.1f}" for a, b in zip(px[run], hi[run], strict=True)]
            lower = [f"{a:.1f},{b:.1f}" for a, b in zip(px[run][::-1], lo[run][::-1], strict=True)]
            self.parts.append(
                f'<polygon points="{" ".join(upper + lower)}" fill="{colour}" '
                f'fill-opacity="{opacity:g}" clip-path="url(#{frame.clip})"/>'
            )

    def bars(self, frame: Frame, left, width: float, bottom, height, colour: str) -> None:
        """Bars from ``bottom`` to ``bottom + height`` starting at ``left`` (data units)."""
        x0 = frame.px(left)
        x1 = frame.px(np.asarray(left, dtype=float) + width)
        y0 = frame.py(bottom)
        y1 = frame.py(np.asarray(bottom, dtype=float) + np.asarray(height, dtype=float))
        for a, b, c, d in zip(x0, x1, y0, y1, strict=True):
            top, size = min(c, d), abs(d - c)
            if size < 0.05 or not math.isfinite(size):
                continue
            self.parts.append(
                f'<rect x="{a:.1f}" y="{top:.1f}" width="{max(b - a, 0.5):.1f}" '
                f'height="{size:.1f}" fill="{colour}" '
                f'clip-path="url(#{frame.clip})"/>'
            )

    def hline(self, frame: Frame, y: float, colour: str = "#555", width: float = 1.0) -> None:
        """A horizontal line across the frame."""
        py = float(frame.py(y))
        if frame.top <= py <= frame.top + frame.height:
            self.parts.append(
                f'<line x1="{frame.left:.1f}" y1="{py:.1f}" '
                f'x2="{frame.left + frame.width:.1f}" y2="{py:.1f}" '
                f'stroke="{colour}" stroke-width="{width:g}"/>'
            )

    def vline(
        self, frame: Frame, x: float, colour: str, dash: str = "3 3", width: float = 1.5
    ) -> None:
        """A vertical line across the frame."""
        px = float(frame.px(x))
        if frame.left <= px <= frame.left + frame.width:
            self.parts.append(
                f'<line x1="{px:.1f}" y1="{frame.top:.1f}" x2="{px:.1f}" '
                f'y2="{frame.top + frame.height:.1f}" stroke="{colour}" '
                f'stroke-width="{width:g}" stroke-dasharray="{dash}"/>'
            )

    def text(
        self,
        x: float,
        y: float,
        text: str,
        *,
        size: float | None = None,
        anchor: str = "start",
        weight: str = "normal",
        colour: str = TEXT,
        role: str = "",
    ) -> None:
        """A line of text."""
        extra = f' data-role="{role}"' if role else ""
        self.parts.append(
            f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}" '
            f'font-size="{size or self.font_size}" font-weight="{weight}" '
            f'fill="{colour}"{extra}>{escape(text)}</text>'
        )

    def legend(
        self, x: float, y: float, items: Iterable[tuple[str, str, str]], spacing: float = 0.0
    ) -> None:
        """A one-row legend of ``(kind, colour, label)``, kind "box", "line" or "dash"."""
        size = self.font_size
        for kind, colour, label in items:
            if kind == "box":
                self.parts.append(
                    f'<rect x="{x:.1f}" y="{y - size * 0.8:.1f}" '
                    f'width="{size:.1f}" height="{size:.1f}" fill="{colour}"/>'
                )
            else:
                dash = ' stroke-dasharray="4 3"' if kind == "dash" else ""
                self.parts.append(
                    f'<line x1="{x:.1f}" y1="{y - size * 0.3:.1f}" '
                    f'x2="{x + size * 1.6:.1f}" y2="{y - size * 0.3:.1f}" '
                    f'stroke="{colour}" stroke-width="2.5"{dash}/>'
                )
            offset = size * (1.4 if kind == "box" else 2.0)
            self.text(x + offset, y, label)
            x += offset + 0.55 * size * len(label) + 0.9 * size + spacing

    # ------------------------------------------------------------- output
    def svg(self, label: str = "") -> str:
        """The drawing as a standalone ``<svg>`` element."""
        head = (
            f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {self.width:g} '
            f'{self.height:g}" width="100%" font-family="{FONT}" fill="{TEXT}" role="img" '
            f'aria-label="{escape(label or self.name)}" data-chart="{self.name}">'
        )
        return head + f"<defs>{''.join(self.defs)}</defs>" + "".join(self.parts) + "</svg>"


def _runs(mask: np.ndarray) -> list[slice]:
    """Slices of consecutive True values (at least one point each)."""
    runs, start = [], None
    for i, ok in enumerate(mask):
        if ok and start is None:
            start = i
        elif not ok and start is not None:
            runs.append(slice(start, i))
            start = None
    if start is not None:
        runs.append(slice(start, len(mask)))
    return runs
