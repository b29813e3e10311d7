"""The claims of docs/teaching.md hold for the model as built (a few seeds; directions).

The guide quotes numbers from ``python -m dashboard.activities --replicates
20``; these tests re-run the same measurements with four seeds and check
what each activity asks a class to notice.
"""

from __future__ import annotations

import pytest

from dashboard import activities

SEEDS = [1, 2, 3, 4]
SOURCE_NAMES = ("mastery", "vicarious", "persuasion", "affect")


# ---------------------------------------------------------------------------
# 1. mastery versus persuasion
# ---------------------------------------------------------------------------

@pytest.fixture(scope="module")
def mastery():
    return activities.mastery_versus_persuasion(SEEDS)


def test_mastery_moves_teachers_most_in_every_cycle(mastery):
    moved = {name: mastery[f"moved_{name}"].mean for name in SOURCE_NAMES}
    assert moved["mastery"] > 2.5 * moved["persuasion"]
    assert moved["persuasion"] > moved["vicarious"] > moved["affect"]
    assert mastery["cycles_mastery_moves_most"].mean == 1.0


def test_switching_mastery_off_changes_teachers_most(mastery):
    off = {name: mastery[f"switch_off_{name}"].mean for name in SOURCE_NAMES}
    assert off["mastery"] > 1.5 * max(off["vicarious"], off["persuasion"], off["affect"])
    assert off["vicarious"] < off["persuasion"]


def test_mastery_nets_out_slightly_upward_because_few_failures_are_blamed_on_ability(mastery):
    net, moved = mastery["net_mastery"].mean, mastery["moved_mastery"].mean
    assert 0 < net < 0.3 * moved  # small next to how far it moves teachers, and upward
    assert 0.35 < mastery["success_share"].mean < 0.65  # about half the results are failures
    blamed = {cause: mastery[f"failures_blamed_on_{cause}"].mean
              for cause in ("ability", "background", "strategy")}
    assert blamed["ability"] < 0.25
    assert blamed["strategy"] > 0.5
    assert blamed["strategy"] > blamed["background"] > blamed["ability"]
    assert abs(mastery["net_persuasion"].mean) < 0.05
    # and a success counts only in part: a typical teacher credits about 60% of it
    assert 0.4 < mastery["success_credited"].mean < 0.8


def test_a_persuasive_leader_lifts_the_mean_a_little_and_narrows_the_spread(mastery):
    assert 0 < mastery["leader_0.5_mean_tses"].mean < 0.3
    assert mastery["leader_0.5_sd_tses"].high < 0


# ---------------------------------------------------------------------------
# 2. the egg-crate school
# ---------------------------------------------------------------------------

def test_the_egg_crate_falls_behind_plc_teams_and_the_gap_grows():
    result = activities.egg_crate(SEEDS)
    for year in (1, 2, 3):
        assert result[f"y{year}_stress"].high < -0.1
        assert result[f"y{year}_annual_gain"].low > 0
        assert result[f"y{year}_responsibility"].low > 0
        assert result[f"y{year}_collective_efficacy"].mean > 0
    # stress differs at once; the other differences, collective efficacy's too, grow
    assert abs(result["y3_stress"].mean) < 1.3 * abs(result["y1_stress"].mean)
    assert result["y3_responsibility"].mean > 1.5 * result["y1_responsibility"].mean
    assert result["y3_collective_efficacy"].mean > 1.5 * result["y1_collective_efficacy"].mean
    assert result["y3_self_efficacy_tses"].mean > result["y1_self_efficacy_tses"].mean > 0
    assert result["y3_annual_gain"].mean > result["y1_annual_gain"].mean
    assert result["y3_ses_gap"].mean < result["y1_ses_gap"].mean < 0
    # PLC structure without the intervention plan: calmer, more responsible, barely more
    # effective, no more collective efficacy than the egg crate and no smaller SES gap
    assert result["noplan_y3_stress"].mean < -0.1
    assert result["noplan_y3_responsibility"].low > 0
    assert result["noplan_y3_self_efficacy_tses"].mean > 0
    assert abs(result["noplan_y3_annual_gain"].mean) < 0.5 * result["y3_annual_gain"].mean
    assert (abs(result["noplan_y3_collective_efficacy"].mean)
            < 0.25 * result["y3_collective_efficacy"].mean)
    assert result["noplan_y3_ses_gap"].mean > result["y3_ses_gap"].mean


# ---------------------------------------------------------------------------
# 3. one cynical colleague
# ---------------------------------------------------------------------------

@pytest.fixture(scope="module")
def cynic():
    return {structure: activities.cynical_colleague(SEEDS, "plc", structure)
            for structure in (None, "departments", "isolated")}


def test_the_cynic_pulls_teammates_down_a_little_by_talk_and_by_their_results(cynic):
    result = cynic[None]
    assert -0.3 < result["teammates_tses_change"].mean < result["teammates_tses_change"].high < 0
    assert result["teammates_tses_change"].mean < result["tie_partners_tses_change"].mean
    assert abs(result["everyone_else_tses_change"].mean) < 0.01
    # collective efficacy falls too, slightly
    assert -0.1 < result["teammates_collective_change"].mean < 0
    assert result["teammates_collective_change"].high < 0
    talk = result["teammates_source_persuasion"].mean
    seen = result["teammates_source_vicarious"].mean
    assert talk < 0 and seen < 0
    assert abs(result["teammates_source_mastery"].mean) < 0.25 * abs(talk + seen)


def test_the_team_lifts_the_cynic_more_than_the_cynic_lowers_the_team(cynic):
    result = cynic[None]
    climb = result["cynic_tses_week35"].mean - 2.0  # from TSES 2
    assert climb > 1.0
    assert climb > 5 * abs(result["teammates_tses_change"].mean)
    assert result["cynic_tses_week35"].mean < result["same_teacher_without_cynicism"].mean - 2
    sources = {name: result[f"cynic_source_{name}"].mean for name in SOURCE_NAMES}
    assert sources["persuasion"] > sources["vicarious"] > 0
    # next to nothing from mastery: a doubter credits little of a success to their teaching
    assert abs(sources["mastery"]) < 0.25 * sources["persuasion"]
    assert (result["cynic_success_credited"].mean
            < 0.5 * result["same_teacher_success_credited"].mean)
    # doubt costs the cynic's own students: their low goal is met less often
    assert result["cynic_success_share"].mean < result["same_teacher_success_share"].mean


def test_a_close_team_lifts_the_cynic_most_and_feels_the_cynic_most(cynic):
    plc, departments, isolated = cynic[None], cynic["departments"], cynic["isolated"]
    assert plc["cynic_tses_week35"].mean > departments["cynic_tses_week35"].mean
    assert plc["cynic_tses_week35"].mean > isolated["cynic_tses_week35"].mean
    assert departments["teammates_tses_change"].mean < 0
    assert plc["teammates_tses_change"].mean < departments["teammates_tses_change"].mean
    assert isolated["tie_partners_tses_change"].mean < 0
    assert plc["cynic_source_vicarious"].mean > departments["cynic_source_vicarious"].mean
    assert abs(isolated["cynic_source_vicarious"].mean) < 0.05
    # the cynic leaves at the end of the year in some runs, not in all (12 runs)
    leaves = [result["cynic_leaves_at_year_end"].mean for result in cynic.values()]
    assert 0 < sum(leaves) / len(leaves) < 1


# ---------------------------------------------------------------------------
# 4. why a turnaround is slow
# ---------------------------------------------------------------------------

@pytest.fixture(scope="module")
def turnaround():
    return activities.turnaround(SEEDS)


def _level(result, arm: str, year: int, name: str) -> float:
    return result[f"{arm}_y{year}_{name}"].mean


def test_a_turnaround_shows_nothing_in_year_one_and_responsibility_lags_for_years(turnaround):
    result = turnaround

    def level(arm: str, year: int, name: str) -> float:
        return _level(result, arm, year, name)

    def rise(arm: str, year: int, name: str) -> float:
        return level(arm, year, name) - level(arm, year - 1, name)

    # year 1 shows nothing: collective efficacy no higher (lower) than without the plan,
    # gains no higher
    assert result["lift_y1"].mean < 0
    assert level("plan", 1, "annual_gain") < level("none", 1, "annual_gain") + 0.02
    assert level("plan", 1, "annual_gain") < 0.5 * level("typical", 1, "annual_gain")
    # results and beliefs climb from year 2 and pass a typical school's in year 3
    assert level("plan", 2, "annual_gain") > 3 * level("plan", 1, "annual_gain")
    assert level("plan", 2, "annual_gain") < level("typical", 2, "annual_gain") - 0.05
    assert level("plan", 3, "annual_gain") > level("typical", 3, "annual_gain")
    assert result["lift_y2"].low > 0
    assert level("plan", 2, "collective_efficacy") < level("typical", 2, "collective_efficacy")
    assert level("plan", 3, "collective_efficacy") > level("typical", 3, "collective_efficacy")
    # responsibility passes a typical school's a year later, in year 4
    assert level("plan", 3, "responsibility") < level("typical", 3, "responsibility")
    assert level("plan", 4, "responsibility") > level("typical", 4, "responsibility")
    # by year 6 beliefs and gains are levelling off; responsibility still climbs
    for name in ("collective_efficacy", "annual_gain"):
        fastest = max(rise("plan", year, name) for year in range(1, 7))
        assert rise("plan", 6, name) < 0.35 * fastest
    fastest = max(rise("plan", year, "responsibility") for year in range(1, 7))
    assert rise("plan", 6, "responsibility") > 0.5 * fastest
    assert level("plan", 6, "responsibility") > level("typical", 6, "responsibility")
    # the SES gap does not close: it widens in year 1 and is not far from its start in year 6
    assert level("plan", 1, "ses_gap") > level("plan", 0, "ses_gap")
    assert level("plan", 6, "ses_gap") > 0.8 * level("plan", 0, "ses_gap")
    # everything from week 1: beliefs and results a little ahead in year 1, responsibility
    # hardly; gains still far below a typical school's; the head start fades by year 6
    lead = {year: level("all", year, "collective_efficacy")
            - level("plan", year, "collective_efficacy") for year in (1, 6)}
    assert lead[1] > 0.03
    assert abs(lead[6]) < 0.5 * lead[1]
    assert level("all", 1, "annual_gain") > level("plan", 1, "annual_gain")
    assert level("all", 1, "annual_gain") < 0.5 * level("typical", 1, "annual_gain")
    assert level("all", 1, "responsibility") - level("plan", 1, "responsibility") < 0.02
    assert abs(level("all", 6, "annual_gain") - level("plan", 6, "annual_gain")) < 0.05


def test_a_discouraged_staff_reads_its_results_pessimistically(turnaround):
    result = turnaround

    def level(arm: str, year: int, name: str) -> float:
        return _level(result, arm, year, name)

    # at the start a failure of the faculty counts about twice as much as a success;
    # by year 6 of the turnaround the reverse; in a typical school both count about 1
    assert level("plan", 1, "failure_counts") > 1.6 * level("plan", 1, "success_counts")
    assert level("plan", 6, "success_counts") > 2 * level("plan", 6, "failure_counts")
    for year in (1, 6):
        for name in ("success_counts", "failure_counts"):
            assert abs(level("typical", year, name) - 1) < 0.15
    # weighed even-handedly (a counterfactual), year 1's shortfall against doing nothing
    # disappears and the first two years go faster; later the bias helps
    assert result["even_lift_y1"].mean > result["lift_y1"].mean + 0.01
    for year in (1, 2):
        assert (level("even_plan", year, "collective_efficacy")
                > level("plan", year, "collective_efficacy") + 0.01)
    early, late = ((level("plan", year, "collective_efficacy")
                    - level("even_plan", year, "collective_efficacy")) for year in (2, 6))
    assert late > early + 0.02
    # without the turnaround: the principal's talk lifts confidence part of the way, but
    # results and responsibility stay low
    assert level("none", 6, "collective_efficacy") > level("none", 0, "collective_efficacy") + 0.05
    assert level("none", 6, "collective_efficacy") < level("typical", 6, "collective_efficacy")
    assert level("none", 6, "annual_gain") < 0.5 * level("plan", 6, "annual_gain")
    assert level("none", 6, "turnover_rate") > level("typical", 6, "turnover_rate")
    # a silent principal: the staff slides, the more so as its failures count more and
    # more; even-handed weighing would halve the slide but not stop it
    assert (level("quiet", 6, "collective_efficacy")
            < level("quiet", 0, "collective_efficacy") - 0.05)
    assert level("quiet", 6, "failure_counts") > level("quiet", 1, "failure_counts")
    assert level("quiet", 6, "annual_gain") < 0.25 * level("none", 6, "annual_gain")
    assert level("quiet", 6, "turnover_rate") > level("none", 6, "turnover_rate")
    slide = level("quiet", 0, "collective_efficacy") - level("quiet", 6, "collective_efficacy")
    even_slide = (level("even_quiet", 0, "collective_efficacy")
                  - level("even_quiet", 6, "collective_efficacy"))
    assert 0 < even_slide < 0.75 * slide
    for arm in ("none", "quiet"):
        assert level(arm, 6, "responsibility") - level(arm, 0, "responsibility") < 0.05
