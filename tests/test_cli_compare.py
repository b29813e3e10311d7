"""`staffroom run`, `compare` and `demo` end to end: reports, determinism, atomic files."""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import re
import sys

import pandas as pd
import pytest
from cli_support import files_in, staffroom

from analysis.cli.app import main
from analysis.cli.commands import DEMO_QUESTIONS
from simulation.outcomes import reported


def test_compare_of_a_scenario_with_itself_reports_no_difference(tmp_path, capsys, monkeypatch):
    out = tmp_path / "same"
    done = staffroom(
        capsys,
        monkeypatch,
        "compare",
        "plc",
        "plc",
        "-r",
        "3",
        "--years",
        "2",
        "-w",
        "1",
        "--out",
        str(out),
    )
    assert done.code == 0, done.err
    assert "Only 3 runs a scenario: the intervals are wide" in done.err  # and said why
    table = pd.read_csv(out / "differences.csv")
    assert set(table["outcome"]) == set(reported())
    assert (table["difference"].fillna(0) == 0).all()
    assert not table["clear"].any()
    report = (out / "report.md").read_text()
    section = report.split("### ", 1)[1]
    assert section.count("No clear difference in") == len(reported())
    findings = section.split("\n\n")[2]  # the bullets, one per outcome
    assert findings.count("\n* ") == len(reported()) - 1
    assert " higher" not in findings and " lower" not in findings
    assert "**PLC teams (2): no clear difference.**" in report  # the second copy told apart
    assert "cannot tell it apart from PLC teams on the 11 outcomes judged together" in report
    assert "no description" not in report


@pytest.fixture(scope="module")
def plc_vs_departments(tmp_path_factory):
    """One real comparison, written once for the tests that read it."""
    out = tmp_path_factory.mktemp("compare") / "report"
    printed = io.StringIO()
    with pytest.MonkeyPatch.context() as patch, contextlib.redirect_stdout(printed):
        patch.setattr(
            sys,
            "argv",
            [
                "staffroom",
                "compare",
                "departments",
                "plc",
                "-r",
                "5",
                "--years",
                "2",
                "-w",
                "1",
                "--out",
                str(out),
            ],
        )
        with pytest.raises(SystemExit) as stopped:
            main()
    assert stopped.value.code in (0, None)
    return out, printed.getvalue()


def test_compare_writes_a_readable_report_with_intervals_and_sources(plc_vs_departments):
    out, stdout = plc_vs_departments
    report = (out / "report.md").read_text()
    # the gains finding gives the interval, whichever way the difference falls
    section = report.split("### PLC teams compared with Departments (900 students)\n", 1)[1]
    assert re.search(
        r"\n\* (Annual achievement gains are [0-9.]+ SD (higher|lower) \(95% CI "
        r"[0-9.]+–[0-9.]+\)|No clear difference in annual achievement gains "
        r"\(difference [+−][0-9.]+ SD, 95% CI [−0-9.]+ to [−0-9.]+\))\.\n",
        section,
    )
    sentences = section.split("Year by year", 1)[0]
    assert sentences.count("PLC teams") == 1  # named once, in the line that opens the section
    # the one-page answer: one sentence for the plan, with its overall verdict
    assert re.search(
        r"\* \*\*PLC teams: (better|worse|mixed|no clear difference)\.\*\* "
        r"By the end of year 2",
        report,
    )
    assert "Summed over 2 years, the four sources of efficacy" in report
    assert "mastery experience" in report
    for line in re.findall(r"!\[[^]]*\]\((plots/[^)]+)\)", report):
        assert (out / line).is_file()
    assert "report.html" in stdout and "annual gain" in stdout


def test_the_printed_table_says_better_or_worse_in_words_without_colour(plc_vs_departments):
    from analysis.reports.wording import label

    out, stdout = plc_vs_departments  # captured: not a terminal, so no colour codes
    assert "\x1b[" not in stdout
    assert "marked better or worse" in stdout and "unmarked: no clear difference" in stdout
    table = pd.read_csv(out / "differences.csv")
    last = table[table["year"] == table["year"].max()]
    words = re.compile(r"\b(better|worse|higher|lower)\b")
    for row in last.itertuples():
        (line,) = [line for line in stdout.splitlines() if f" {label(row.outcome)} " in line]
        assert bool(words.search(line)) == row.clear, line
    assert last["clear"].any(), "the comparison has some clear difference to mark"


def test_the_html_report_is_self_contained(plc_vs_departments):
    out, _ = plc_vs_departments
    page = (out / "report.html").read_text()
    assert page.count('src="data:image/png;base64,') == 3
    assert not re.search(r'src="(?!data:)', page)  # nothing fetched from elsewhere
    assert "<h1>" in page and "95% CI" in page


def test_the_manifest_lists_every_file_with_its_checksum(plc_vs_departments):
    out, _ = plc_vs_departments
    manifest = json.loads((out / "run.json").read_text())
    written = set(files_in(out)) - {"run.json"}
    assert set(manifest["files"]) == written
    for name, digest in manifest["files"].items():
        assert hashlib.sha256((out / name).read_bytes()).hexdigest() == digest
    assert [s["seed"] for s in manifest["scenarios"]] == [1, 1]  # common random numbers


@pytest.mark.parametrize(
    "command",
    [
        ["run", "departments_to_plc", "--no-plots"],
        ["compare", "small_school", "departments_coaching"],
        ["run", "maine_township", "--no-plots"],  # the leader's walkthroughs and decisions too
    ],
)
def test_identical_files_with_one_or_two_workers(command, tmp_path, capsys, monkeypatch):
    folders = []
    for workers in ("1", "2"):
        out = tmp_path / f"w{workers}"
        done = staffroom(
            capsys,
            monkeypatch,
            *command,
            "-r",
            "3",
            "--years",
            "2",
            "--seed",
            "11",
            "-w",
            workers,
            "--out",
            str(out),
        )
        assert "Traceback" not in done.err
        assert done.code == 0, done.err
        folders.append(files_in(out))
    one, two = folders
    assert "trajectories.parquet" in one and "run.json" in one
    assert one.keys() == two.keys()
    for name in one:
        assert one[name] == two[name], name


def test_run_writes_tidy_tables(tmp_path, capsys, monkeypatch):
    out = tmp_path / "run"
    done = staffroom(
        capsys,
        monkeypatch,
        "run",
        "small_school",
        "-r",
        "2",
        "--years",
        "2",
        "-w",
        "1",
        "--no-plots",
        "--out",
        str(out),
    )
    assert done.code == 0
    trajectories = pd.read_parquet(out / "trajectories.parquet")
    assert len(trajectories) == 2 * (2 * 36 + 1)  # every week and the start, per replicate
    assert {"scenario", "replicate", "seed", "step", "collective_efficacy"} <= set(
        trajectories.columns
    )
    summary = pd.read_csv(out / "summary.csv")
    assert list(summary[["replicate", "year"]].itertuples(index=False, name=None)) == [
        (0, 1),
        (0, 2),
        (1, 1),
        (1, 2),
    ]
    assert {"source_mastery_year", "source_affect_year"} <= set(summary.columns)


@pytest.mark.parametrize(
    ("scenario", "plots", "expected"),
    [
        ("maine_township", "--plots", "trajectories.parquet, summary.csv, decisions.csv, plots/"),
        ("small_school", "--no-plots", "trajectories.parquet, summary.csv"),
    ],
)
def test_run_says_which_files_it_wrote(scenario, plots, expected, tmp_path, capsys, monkeypatch):
    out = tmp_path / "run"
    args = ("run", scenario, "-r", "2", "--years", "1", "-w", "1", plots, "-q", "--out", str(out))
    done = staffroom(capsys, monkeypatch, *args)
    assert done.code == 0, done.err
    (said,) = re.findall(r"^Wrote .*/ \((.*)\)$", done.out, re.MULTILINE)
    assert said == f"{expected}, run.json"
    written = {p.name + ("/" if p.is_dir() else "") for p in out.iterdir()}
    assert set(said.split(", ")) == written


def test_demo_answers_the_three_questions_and_says_where_the_report_is(
    tmp_path, capsys, monkeypatch
):
    monkeypatch.chdir(tmp_path)
    done = staffroom(capsys, monkeypatch, "demo", "--replicates", "2")
    assert done.code == 0, done.err
    report = tmp_path / "staffroom-demo" / "report.html"
    assert report.is_file()
    assert f"Report: {report}" in done.out
    text = (tmp_path / "staffroom-demo" / "report.md").read_text()
    for question, names in DEMO_QUESTIONS:
        assert f"## {question}" in text
        assert len(names) >= 2
    assert "Small school (600)" in text and "Egg-crate school" in text
    assert "PLC + coaching compared with PLC + train-the-trainer" in text
