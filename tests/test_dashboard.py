"""The dashboard without a browser: its school, pictures, controls and command."""

from __future__ import annotations

import re
import socket
import subprocess
import sys

import numpy as np
import pytest

import scenarios
from dashboard import serve
from dashboard.charts import cycle_table, outcomes_chart, sources_chart, teacher_chart
from dashboard.layout import team_layout
from dashboard.network_view import TSES_HIGH, TSES_LOW, network_svg, tie_width, tses_colour
from dashboard.school import (
    CYNIC_TSES,
    DashboardSchool,
    control_defaults,
    make_cynical,
    most_experienced,
    parse_seed,
    scheduled_changes,
)
from dashboard.svgplot import nice_ticks
from simulation import ParameterError, Teacher


def tses_of(model):
    return 1 + 8 * model.teachers.self_efficacy


# ---------------------------------------------------------------- the school


def test_levers_override_the_scenario_and_none_keeps_its_value():
    model = DashboardSchool("plc", 3, collaboration_minutes=120, data_review=True)
    assert model.params.structure == "plc"
    assert model.params.intervention_plan is True
    assert model.params.collaboration_minutes == 120
    assert model.params.data_review is True


def test_same_seed_and_settings_give_the_same_run():
    first, second = DashboardSchool("plc", 5), DashboardSchool("plc", "5")
    first.run(0.5)
    second.run(0.5)
    assert np.array_equal(first.teachers.self_efficacy, second.teachers.self_efficacy)
    other = DashboardSchool("plc", 6)
    other.run(0.5)
    assert not np.array_equal(first.teachers.self_efficacy, other.teachers.self_efficacy)


@pytest.mark.parametrize("text", ["abc", "-1", "1.5", ""])
def test_a_seed_that_is_not_a_whole_number_is_refused(text):
    with pytest.raises(ParameterError, match="seed"):
        parse_seed(text)
    assert parse_seed(" 42 ") == 42


def test_with_a_fallback_a_bad_seed_is_reported_instead_of_raised():
    model = DashboardSchool("plc", "seven", seed_fallback=1)
    assert model.seed == 1 and "seed 1 was used" in model.notice
    assert DashboardSchool("plc", 3, seed_fallback=1).notice == ""


def test_scheduled_interventions_can_be_left_out():
    plan = scheduled_changes(DashboardSchool("turnaround"))
    assert plan[1][1] == (
        "year 2, week 1: support model coaching, coaches 3, evidence discussions on, "
        "intervention plan on"
    ), "in words, no code names"
    assert DashboardSchool("turnaround", scheduled=False).interventions == []


def test_switching_off_a_source_silences_it():
    model = DashboardSchool("departments", 1, switch_off="mastery")
    model.run(0.5)
    table = model.datacollector.get_model_vars_dataframe()
    assert (table["source_mastery"] == 0).all()
    assert (table["source_persuasion"] != 0).any()
    with pytest.raises(ParameterError, match="switch_off"):
        DashboardSchool("departments", switch_off="luck")


def test_the_cynic_is_the_most_experienced_teacher_and_is_cynical_from_week_0():
    model = DashboardSchool("plc", 2, cynic=True)
    row = most_experienced(model)
    agent = model.teacher_agents()[row]
    assert model.cynic_id == agent.unique_id
    assert agent.self_efficacy_tses == pytest.approx(CYNIC_TSES)
    week0 = model.teacher_dataframe()
    assert week0.loc[
        week0["AgentID"] == agent.unique_id, "self_efficacy_tses"
    ].item() == pytest.approx(CYNIC_TSES)


def test_a_cynic_leaves_everyone_outside_their_ties_untouched_in_the_first_week():
    with_cynic, without = DashboardSchool("plc", 4, cynic=True), DashboardSchool("plc", 4)
    row = most_experienced(with_cynic)
    with_cynic.step()
    without.step()
    near = {row, *with_cynic.network.neighbors(row)}
    far = np.array([i for i in range(with_cynic.n_teachers) if i not in near])
    assert np.array_equal(tses_of(with_cynic)[far], tses_of(without)[far])
    assert (
        tses_of(with_cynic)[sorted(near - {row})] < tses_of(without)[sorted(near - {row})]
    ).all()


def test_make_cynical_works_mid_run_through_the_agent():
    model = DashboardSchool("departments", 1)
    model.run(0.25)
    agent = model.teacher_agents()[3]
    make_cynical(agent)
    assert agent.self_efficacy_tses == pytest.approx(CYNIC_TSES)
    assert model.cynic_id == agent.unique_id


def test_controls_start_at_the_scenarios_values():
    values = control_defaults(scenarios.load("plc_coaching"))
    assert values["structure"] == "plc" and values["intervention_plan"] is True
    assert values["support_model"] == "none"  # coaching is scheduled for year 2


# ---------------------------------------------------------------- pictures


@pytest.mark.parametrize("structure", ["isolated", "departments", "plc", "houses", "networked_plc"])
def test_every_teacher_is_drawn_once_inside_the_picture(structure):
    model = DashboardSchool("departments", 1, structure=structure)
    layout = team_layout(model.structure.team, model.structure.house, model.teachers.subject)
    assert (layout.x > 0).all() and (layout.x < layout.width).all()
    assert (layout.y > 0).all() and (layout.y < layout.height).all()
    svg = network_svg(model, layout)
    ids = re.findall(r'<circle [^>]*data-id="(\d+)"', svg)
    assert sorted(map(int, ids)) == sorted(a.unique_id for a in model.teacher_agents())
    assert svg.count("<line x1") >= model.network.number_of_edges()


def test_teachers_of_a_team_sit_together():
    model = DashboardSchool("plc", 1)
    layout = team_layout(model.structure.team, model.structure.house, model.teachers.subject)
    team = model.structure.team
    points = np.column_stack([layout.x, layout.y])
    distance = np.linalg.norm(points[:, None] - points[None], axis=-1)
    same = team[:, None] == team[None]
    np.fill_diagonal(same, False)
    assert distance[same].max() < np.median(distance[~same])


def test_colour_follows_self_efficacy_on_the_tses_scale():
    model = DashboardSchool("plc", 1, cynic=True)
    svg = network_svg(model, cynic=model.cynic_id, selected=model.cynic_id)
    drawn = re.findall(
        r'fill="(#[0-9a-f]{6})" stroke="#333" stroke-width="0.8" '
        r'data-row="(\d+)"',
        svg,
    )
    assert len(drawn) == model.n_teachers
    for colour, row in drawn:
        assert colour == tses_colour(tses_of(model)[int(row)])
    assert tses_colour(1.0) != tses_colour(9.0)
    assert "Self-efficacy (TSES)" in svg
    assert ">≤4</text>" in svg and all(f">{v}</text>" in svg for v in range(5, 10))
    assert 'data-role="cynic"' in svg and 'data-role="selected"' in svg


def test_the_colour_scale_spreads_over_where_teachers_are():
    # most teachers sit between TSES 6 and 8: the middle 90% of a school's
    # teachers must span a third of the colour bar, not three shades of it
    model = DashboardSchool("departments", 3)
    model.run(years=1)
    low, high = np.percentile(tses_of(model), [5, 95])
    assert low >= TSES_LOW and high <= TSES_HIGH
    assert (high - low) / (TSES_HIGH - TSES_LOW) > 1 / 3


def test_ties_thicken_with_collaboration_time():
    thin = network_svg(DashboardSchool("plc", 1, collaboration_minutes=15))
    thick = network_svg(DashboardSchool("plc", 1, collaboration_minutes=120))
    widths = [re.findall(r'stroke-width="([\d.]+)" data-kind="team"', s) for s in (thin, thick)]
    assert max(map(float, widths[0])) < max(map(float, widths[1]))
    assert tie_width(0.25) < tie_width(1.0)


def test_outcome_chart_shows_six_outcomes_with_units():
    model = DashboardSchool("turnaround", 1)
    model.run(0.5)
    svg = outcomes_chart(model.datacollector.get_model_vars_dataframe(), [0.0, 1.0])
    for text in (
        "Collective efficacy",
        "Responsibility",
        "Self-efficacy",
        "TSES 1-9",
        "Stress",
        "Gain this year",
        "SD/year",
        "SES gap",
        "scheduled intervention",
    ):
        assert text in svg
    assert svg.count("<polyline") >= 6


def test_source_bars_add_up_to_the_models_recorded_sources():
    model = DashboardSchool("departments", 1)
    model.run(0.5)
    moved, net = cycle_table(model.teacher_dataframe(), model.params.cycle_weeks)
    school = model.datacollector.get_model_vars_dataframe()
    assert len(net) == 3
    for name in ("mastery", "vicarious", "persuasion", "affect"):
        assert net[name].sum() == pytest.approx(8 * school[f"source_{name}"].sum())
        assert (moved[name] >= net[name].abs() - 1e-12).all()
    assert "mastery" in sources_chart(model.teacher_dataframe(), 6)


def test_teacher_chart_follows_one_teacher():
    model = DashboardSchool("plc", 1, cynic=True)
    model.run(0.2)
    svg = teacher_chart(
        model.teacher_dataframe(),
        model.cynic_id,
        6,
        school=model.datacollector.get_model_vars_dataframe(),
    )
    assert f"Teacher #{model.cynic_id}" in svg and "TSES 1-9" in svg
    assert 'data-role="teacher"' in svg and 'data-role="school-mean"' in svg


def test_nice_ticks_are_round_and_cover_the_range():
    assert nice_ticks(0, 1, 5) == [0, 0.25, 0.5, 0.75, 1]
    assert nice_ticks(5, 8, 4) == [5, 6, 7, 8]
    assert nice_ticks(-0.03, 0.11, 4)[0] >= -0.03


# ---------------------------------------------------------------- SolaraViz controls


def test_every_control_is_a_keyword_of_the_school():
    from mesa.visualization.solara_viz import _check_model_params

    from dashboard.app import model_params

    params = model_params(scenarios.load("turnaround"))
    model = DashboardSchool(
        **{k: (v["value"] if isinstance(v, dict) else v) for k, v in params.items()}
    )
    _check_model_params(model, params)
    assert {
        "seed",
        "structure",
        "n_students",
        "collaboration_minutes",
        "data_review",
        "clear_cycle",
        "support_model",
        "leader_persuasion",
    } <= set(params)


def test_the_model_and_the_teaching_checks_never_import_the_visualization():
    code = (
        "import sys, simulation, scenarios, analysis.cli.app, dashboard.school, "
        "dashboard.activities, dashboard.charts, dashboard.network_view, dashboard.serve; "
        "print(sorted(m for m in ('solara', 'ipyvue', 'mesa.visualization') "
        "if m in sys.modules))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120
    )
    assert result.stdout.strip() == "[]", result.stderr


# ---------------------------------------------------------------- the command


def staffroom(*args: str) -> subprocess.CompletedProcess:
    code = "from analysis.cli.app import main; main()"
    return subprocess.run(
        [sys.executable, "-c", code, *args], capture_output=True, text=True, timeout=120
    )


def test_a_bad_scenario_is_one_line_and_exit_status_2():
    result = staffroom("app", "no_such_scenario", "--no-open")
    assert result.returncode == 2
    assert result.stderr.strip().count("\n") == 0
    assert "no scenario file or built-in scenario 'no_such_scenario'" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_busy_port_is_one_line_and_exit_status_2():
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = staffroom("app", "plc", "--port", str(port), "--no-open")
    assert result.returncode == 2
    assert f"port {port} on 127.0.0.1 is in use" in result.stderr


def test_without_the_app_extra_the_command_says_how_to_install_it(monkeypatch, capsys):
    real = serve.importlib.util.find_spec
    monkeypatch.setattr(
        serve.importlib.util, "find_spec", lambda name: None if name == "solara" else real(name)
    )
    assert serve.serve("plc", port=0, open_browser=False) == 1
    assert 'pip install "staffroom[app]"' in capsys.readouterr().err


def test_the_server_command_serves_this_computer_only_by_default_and_offline():
    line = serve.command("127.0.0.1", 8765, open_browser=False)
    assert line[1:4] == ["-m", "solara", "run"] and "dashboard.app" in line
    assert "--no-check-version" in line and "--production" in line and "--no-open" in line
    env = serve.environment(scenarios.load("plc").path)
    assert env["SOLARA_TELEMETRY_MIXPANEL_ENABLE"] == "false"
    assert env[serve.SCENARIO_ENV].endswith("plc.toml")


# ---------------------------------------------------------------- for a class


def test_every_outcome_panel_shows_its_latest_value():
    model = DashboardSchool("plc", 1)
    model.run(0.5)
    table = model.datacollector.get_model_vars_dataframe()
    svg = outcomes_chart(table)
    shown = re.findall(r'<tspan data-role="value"[^>]*>([^<]+)</tspan>', svg)
    assert len(shown) == 6
    assert shown[0] == f"{table['collective_efficacy'].iloc[-1]:.2f}"
    assert shown[2] == f"{table['self_efficacy_tses'].iloc[-1]:.1f}"
    assert shown[4] == f"{table['annual_gain'].iloc[-1]:.3f}"


def test_the_title_names_the_school_the_page_really_runs():
    from dashboard.app import run_title

    assert run_title(DashboardSchool("plc", 1)) == "PLC teams"
    assert run_title(DashboardSchool("plc", 1, structure="plc", n_students=900)) == "PLC teams"
    changed = DashboardSchool("plc", 1, structure="isolated", data_review=True)
    assert run_title(changed) == "PLC teams · changed: isolated, data review on"
    switched = DashboardSchool("plc", 1, switch_off="mastery", cynic=True)
    assert run_title(switched) == "PLC teams · changed: mastery OFF, a cynic"
    unscheduled = DashboardSchool("turnaround", 1, scheduled=False)
    assert run_title(unscheduled).endswith("· changed: schedule off")
    assert "schedule" not in run_title(DashboardSchool("turnaround", 1))


def test_a_teachers_last_result_names_a_failures_cause_and_only_a_failures():
    from dashboard.school import PUT_DOWN_TO, last_result

    model = DashboardSchool("departments", 1)
    teachers = list(model.agents_by_type[Teacher])
    assert {last_result(t) for t in teachers} == {"no result assessed yet"}
    model.run(1)
    seen = {}
    for teacher in model.agents_by_type[Teacher]:
        words = last_result(teacher)
        seen[words] = teacher
        if teacher.last_mastery > 0:
            assert words == "last result a success"
        elif teacher.last_attribution != "none":
            assert words.endswith(PUT_DOWN_TO[teacher.last_attribution])
    assert "last result a success" in seen
    assert any(words.startswith("last result a failure, put down to") for words in seen)


@pytest.mark.parametrize("structure", ["plc", "houses"])
def test_team_captions_stay_legible_in_a_large_school(structure):
    model = DashboardSchool("departments", 1, structure=structure, n_students=3000)
    layout = team_layout(model.structure.team, model.structure.house, model.teachers.subject)
    svg = network_svg(model, layout)
    sizes = [
        float(v)
        for v in re.findall(
            r'font-size="([\d.]+)" fill="#444" '
            r'data-role="caption"',
            svg,
        )
    ]
    assert sizes and min(sizes) >= 9.0
    captions = [c[5] for c in layout.cells if c[5]]
    tips = re.findall(r"<rect [^>]*rx=\"6\"[^>]*><title>([^<]+)</title>", svg)
    assert sorted(tips) == sorted(captions), "every team's full caption is there on hover"


def test_the_attribution_card_counts_each_assessments_results_as_the_teachers_hold_them():
    from dashboard.attribution import attribution_chart, result_shares
    from simulation.processes.mastery import ATTRIBUTION_NAMES

    model = DashboardSchool("departments", 1)
    model.run(1)  # ends on the year's last assessment
    shares = result_shares(model.teacher_dataframe(), model.params.cycle_weeks)
    assert list(shares.index) == pytest.approx([k / 6 for k in range(1, 7)])
    assert np.allclose(shares.sum(axis=1), 1.0)
    signal = model.teachers.last_mastery
    cause = model.teachers.last_attribution[signal < 0]
    taught = signal != 0
    assert shares.loc[1.0, "success"] == pytest.approx(np.mean(signal[taught] > 0))
    ability = ATTRIBUTION_NAMES.index("ability")
    assert shares.loc[1.0, "ability"] == pytest.approx(np.sum(cause == ability) / taught.sum())
    svg = attribution_chart(model.teacher_dataframe(), model.weighing, 6, end=1.0)
    assert 'data-chart="attribution"' in svg and 'data-role="failure-weight"' in svg


def test_the_weighing_of_evidence_follows_the_faculty_and_is_even_handed_without_bias():
    low = DashboardSchool("turnaround", 1)
    low.run(0.5)
    assert len(low.weighing) == 3, "one entry per assessment"
    _, success, failure = low.weighing[0]
    assert success < 1.0 < failure, "a doubting faculty explains away its successes"
    even = DashboardSchool("turnaround", 1)
    even.params = even.params.replace(confirmation=0.0)
    even.run(0.5)
    assert all(s == 1.0 and f == 1.0 for _, s, f in even.weighing)
