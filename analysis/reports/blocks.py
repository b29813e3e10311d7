"""Report blocks and their two renderings: Markdown with figure files, self-contained HTML.

A report is built once as a list of blocks (headings, paragraphs, lists,
tables, figures, and the one-page summary's chart and answers) and
rendered twice: Markdown that links its figures as files beside it, and
HTML with the figures embedded (base64) and a print stylesheet, which can be
mailed, opened offline or printed on A4 as one file.
"""

from __future__ import annotations

import base64
import html
from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Heading:
    """A section heading (level 1-3)."""

    level: int
    text: str


@dataclass(frozen=True)
class Paragraph:
    """A paragraph of plain text."""

    text: str


@dataclass(frozen=True)
class Bullets:
    """A bulleted list of plain-text items."""

    items: tuple[str, ...]


@dataclass(frozen=True)
class TableBlock:
    """A table of plain-text cells."""

    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    name: str = ""


@dataclass(frozen=True)
class Figure:
    """A PNG figure: ``name`` is its file name under ``plots/``."""

    name: str
    data: bytes
    caption: str


@dataclass(frozen=True)
class Chart:
    """An inline SVG chart for HTML; Markdown shows ``table`` instead."""

    svg: str
    table: TableBlock
    caption: str


@dataclass(frozen=True)
class Answer:
    """One plan's answer: a verdict word, a sentence, and short notes under it."""

    plan: str
    verdict: str
    lead: str
    text: str
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class Section:
    """Blocks that belong together: ``one-page`` prints on its own A4 page."""

    name: str
    blocks: tuple[Block, ...]


Block = Heading | Paragraph | Bullets | TableBlock | Figure | Chart | Answer | Section

#: Colours of verdicts, also said in words wherever a colour is used.
VERDICT_COLOURS = {
    "better": "#1a7f37",
    "worse": "#c62828",
    "mixed": "#9a6700",
    "no clear difference": "#6b6b6b",
    "undefined": "#9e9e9e",
    "higher": "#1f4e99",
    "lower": "#1f4e99",
}


def to_markdown(blocks: Sequence[Block], figure_folder: str = "plots") -> str:
    """Render blocks as Markdown; figures link ``figure_folder/NAME``."""
    return "\n\n".join(_markdown(block, figure_folder) for block in blocks) + "\n"


def _markdown(block: Block, folder: str) -> str:
    if isinstance(block, Heading):
        return f"{'#' * block.level} {block.text}"
    if isinstance(block, Paragraph):
        return block.text
    if isinstance(block, Bullets):
        return "\n".join(f"* {item}" for item in block.items)
    if isinstance(block, TableBlock):

        def row(cells: Sequence[str]) -> str:
            return "| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |"

        lines = [row(block.header), "|" + "---|" * len(block.header)]
        return "\n".join(lines + [row(r) for r in block.rows])
    if isinstance(block, Figure):
        return f"![{block.caption}]({folder}/{block.name})\n\n*{block.caption}*"
    if isinstance(block, Chart):
        return f"{_markdown(block.table, folder)}\n\n*{block.caption}*"
    if isinstance(block, Answer):
        notes = "".join(f"\n  * {note}" for note in block.notes)
        return f"* **{block.lead}.** {block.text}{notes}"
    return "\n\n".join(_markdown(inner, folder) for inner in block.blocks)


STYLE = """
body { font-family: system-ui, -apple-system, "Segoe UI", sans-serif; max-width: 60rem;
       margin: 2rem auto; padding: 0 1rem; line-height: 1.5; color: #222; }
h1, h2, h3 { line-height: 1.2; }
h2 { border-bottom: 1px solid #ccc; padding-bottom: .2rem; margin-top: 2.5rem; }
table { border-collapse: collapse; margin: 1rem 0; font-size: .9rem; }
th, td { border: 1px solid #ccc; padding: .25rem .5rem; text-align: right; }
th:first-child, td:first-child { text-align: left; }
table.text td, table.text th { text-align: left; vertical-align: top; }
figure { margin: 1.5rem 0; } img { max-width: 100%; }
figcaption { font-style: italic; font-size: .9rem; color: #555; }
section.one-page { border: 1px solid #ccc; border-radius: 6px; padding: .2rem 1rem .6rem; }
section.one-page h2 { margin-top: .8rem; font-size: 1.25rem; }
section.one-page p { margin: .4rem 0; }
svg.chart { width: 100%; height: auto; max-width: 46rem; display: block; }
ul.answers { list-style: none; padding-left: 0; margin: .4rem 0; }
ul.answers > li { margin: .5rem 0; }
ul.answers ul { margin: .1rem 0 0 1.2rem; padding: 0; font-size: .9em; color: #333; }
.verdict { font-weight: 700; }
.v-better { color: #1a7f37; } .v-worse { color: #c62828; } .v-mixed { color: #9a6700; }
.v-no-clear-difference, .v-undefined { color: #555; }
@media print {
  @page { size: A4; margin: 12mm; }
  body { max-width: none; margin: 0; padding: 0; font-size: 10pt; line-height: 1.35; }
  section.one-page { border: none; padding: 0; break-after: page; page-break-after: always; }
  h1 { font-size: 16pt; margin: 0 0 .3rem; }
  h2 { font-size: 13pt; margin-top: 1.2rem; }
  section.one-page h2 { font-size: 12pt; margin-top: .4rem; }
  svg.chart { max-width: 100%; }
  table, figure, svg, ul.answers > li { break-inside: avoid; page-break-inside: avoid; }
  h2, h3 { break-after: avoid; page-break-after: avoid; }
  a { color: inherit; text-decoration: none; }
}
"""


def to_html(blocks: Sequence[Block], title: str) -> str:
    """Render blocks as one self-contained HTML page (figures embedded as base64)."""
    out = [
        "<!DOCTYPE html>",
        '<html lang="en">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{html.escape(title)}</title>",
        f"<style>{STYLE}</style>",
        "</head>",
        "<body>",
    ]
    out += [_html(block) for block in blocks]
    out += ["</body>", "</html>"]
    return "\n".join(out) + "\n"


def verdict_class(verdict: str) -> str:
    """The CSS class of a verdict (``v-no-clear-difference``)."""
    return "v-" + verdict.replace(" ", "-")


def _html(block: Block) -> str:
    escape = html.escape
    if isinstance(block, Heading):
        return f"<h{block.level}>{escape(block.text)}</h{block.level}>"
    if isinstance(block, Paragraph):
        return f"<p>{escape(block.text)}</p>"
    if isinstance(block, Bullets):
        return "<ul>" + "".join(f"<li>{escape(i)}</li>" for i in block.items) + "</ul>"
    if isinstance(block, TableBlock):
        head = "".join(f"<th>{escape(c)}</th>" for c in block.header)
        body = "".join(
            "<tr>" + "".join(f"<td>{escape(c)}</td>" for c in r) + "</tr>" for r in block.rows
        )
        named = f' class="text" data-table="{escape(block.name)}"' if block.name else ""
        return f"<table{named}><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
    if isinstance(block, Figure):
        data = base64.b64encode(block.data).decode("ascii")
        return (
            f'<figure><img alt="{escape(block.caption)}" src="data:image/png;base64,{data}">'
            f"<figcaption>{escape(block.caption)}</figcaption></figure>"
        )
    if isinstance(block, Chart):
        return f"<figure>{block.svg}<figcaption>{escape(block.caption)}</figcaption></figure>"
    if isinstance(block, Answer):
        notes = "".join(f"<li>{escape(note)}</li>" for note in block.notes)
        return (
            f'<ul class="answers"><li data-answer="{escape(block.plan)}" '
            f'data-verdict="{escape(block.verdict)}"><span class="verdict '
            f'{verdict_class(block.verdict)}">{escape(block.lead)}.</span> '
            f"{escape(block.text)}" + (f"<ul>{notes}</ul>" if notes else "") + "</li></ul>"
        )
    inner = "\n".join(_html(b) for b in block.blocks)
    return (
        f'<section class="{escape(block.name)}" data-section="{escape(block.name)}">'
        f"{inner}</section>"
    )


def figures(blocks: Sequence[Block]) -> dict[str, bytes]:
    """The figures of a report by file name, to be written beside the Markdown."""
    found: dict[str, bytes] = {}
    for block in blocks:
        if isinstance(block, Figure):
            found[block.name] = block.data
        elif isinstance(block, Section):
            found.update(figures(block.blocks))
    return found
