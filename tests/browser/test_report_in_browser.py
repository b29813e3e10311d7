"""report.html as a principal opens and prints it: the one-page answer, the Blueprint, A4.

Builds the README's leader walk-through (the example survey, from-survey, a
comparison of two plans, one with a rule), opens the report from disk in
headless Chromium with every request blocked (it must be self-contained),
and checks the printed first page as a screenshot: the one-page answer fits
an A4 page and the rest of the report starts on the next one.
"""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path

import pytest

from analysis.cli.app import main
from simulation.outcomes import headline

CHROMIUM = os.environ.get("STAFFROOM_CHROMIUM", "/usr/bin/chromium")

# A4 at the browser's 96 px per inch, less the print stylesheet's 12 mm margins
A4_WIDTH_PX = round((210 - 24) / 25.4 * 96)
A4_HEIGHT_PX = round((297 - 24) / 25.4 * 96)
PLANS = ("PLC + train-the-trainer", "PLC + train-the-trainer, coaching if needed")


@pytest.fixture(scope="module")
def report(tmp_path_factory) -> Path:
    """The walk-through's report, made with the real commands."""
    if not Path(CHROMIUM).exists():
        pytest.skip(
            f"Debian's chromium is not installed at {CHROMIUM} "
            "(apt-get install chromium; .ci/run does this)"
        )
    folder = tmp_path_factory.mktemp("walkthrough")
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(folder)
        for args in (
            ("school", "example"),
            (
                "school",
                "from-survey",
                "staff_survey.csv",
                "--network",
                "advice_pairs.csv",
                "--out",
                "our_school.toml",
            ),
            (
                "compare",
                "our_school.toml",
                "plan_train_the_trainer.toml",
                "plan_coaching_if_needed.toml",
                "-r",
                "4",
                "--years",
                "2",
                "-w",
                "1",
                "--out",
                "report",
            ),
        ):
            done = _run(patch, *args)
            assert done == 0, args
    return folder / "report" / "report.html"


def _run(patch: pytest.MonkeyPatch, *args: str) -> int:
    patch.setattr(sys, "argv", ["staffroom", *args])
    with pytest.raises(SystemExit) as stopped:
        main()
    return int(stopped.value.code or 0)


@pytest.fixture
def tab(browser, report):
    """A tab showing the report from disk; any request off the file is blocked and recorded."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.blocked = []

    def only_the_file(route):
        if route.request.url.startswith(("file://", "data:")):
            route.continue_()
        else:
            page.blocked.append(route.request.url)
            route.abort()

    page.route("**/*", only_the_file)
    page.goto(report.as_uri())
    yield page
    context.close()


def test_the_report_opens_on_the_one_page_answer(tab):
    first = tab.evaluate("() => document.body.firstElementChild.dataset.section")
    assert first == "one-page"
    marks = tab.evaluate("""() => [...document.querySelectorAll(
        'section.one-page svg[data-chart=differences] g[data-outcome]')].map(g => [
        g.dataset.outcome, g.dataset.plan, g.dataset.verdict, g.textContent.trim()])""")
    assert {(o, p) for o, p, _, _ in marks} == {(o, p) for o in headline() for p in PLANS}
    for _, _, verdict, words in marks:  # said in words, not only by colour
        assert words.endswith(verdict)
    answers = tab.evaluate("""() => [...document.querySelectorAll('[data-answer]')].map(
        a => [a.dataset.answer, a.dataset.verdict, a.textContent])""")
    assert [a[0] for a in answers] == list(PLANS)
    for _, verdict, text in answers:
        assert f": {verdict}." in text
        assert "Driven mostly by" in text or "No source of efficacy" in text
    ruled = answers[1][2]
    assert re.search(r"Rule “Switch to coaching” (fired in (\d of|all) 4 runs|never fired)", ruled)
    assert not tab.blocked


def test_the_report_shows_what_you_would_see_in_the_building(tab):
    heading = tab.get_by_role("heading", name="What you would see in the building")
    assert heading.is_visible()
    rows = tab.evaluate("""() => [...document.querySelectorAll(
        'table[data-table=blueprint] tbody tr')].map(r => [...r.cells].map(c => c.textContent))""")
    items = [cells[0].split(".")[0] for cells in rows if cells[0]]
    assert items == [str(k) for k in range(1, 9)]
    assert sum(cells[1] == "not modelled" for cells in rows) == 3
    header = tab.evaluate("""() => [...document.querySelectorAll(
        'table[data-table=blueprint] thead th')].map(c => c.textContent)""")
    assert header[2] == "Our school" and list(PLANS) == header[3:5]


def test_the_one_page_answer_prints_on_one_a4_page(tab, tmp_path, summary):
    tab.emulate_media(media="print")
    tab.set_viewport_size({"width": A4_WIDTH_PX, "height": A4_HEIGHT_PX})
    printed = tmp_path / "report-page-1.png"
    # page 1 as printed: the one-page answer; what follows it prints from page 2
    tab.add_style_tag(content="section.one-page ~ * { visibility: hidden; }")
    tab.screenshot(path=str(printed))
    section = tab.evaluate("""() => { const s = document.querySelector('section.one-page');
        const r = s.getBoundingClientRect(); const style = getComputedStyle(s);
        return {top: r.top, bottom: r.bottom, width: s.scrollWidth, page: style.breakAfter,
                body: document.documentElement.scrollWidth}; }""")
    assert section["top"] >= 0 and section["bottom"] <= A4_HEIGHT_PX
    assert section["width"] <= A4_WIDTH_PX and section["body"] <= A4_WIDTH_PX  # nothing cut
    assert section["page"] == "page"  # the details start on page 2
    pdf = tab.pdf(format="A4")
    pages = len(re.findall(rb"/Type\s*/Page\b", pdf))
    assert pages >= 2
    summary(f"report printed: page 1 screenshot {printed} ({pages} A4 pages in all)")
