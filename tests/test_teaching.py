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
    assert off["vicarious"] < min(off["persuasion"], off["affect"])


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
        assert 0 < result[f"y{year}_collective_efficacy"].mean < 0.05  # small throughout
    assert result["y3_responsibility"].mean > 1.5 * result["y1_responsibility"].mean
    assert result["y3_self_efficacy_tses"].mean > result["y1_self_efficacy_tses"].mean > 0
    assert result["y3_annual_gain"].mean > result["y1_annual_gain"].mean
    assert result["y3_ses_gap"].mean < result["y1_ses_gap"].mean < 0
    # PLC structure without the intervention plan: calmer, more responsible, barely more
    # effective, and no smaller SES gap
    assert result["noplan_y3_stress"].high < -0.1
    assert result["noplan_y3_responsibility"].low > 0
    assert abs(result["noplan_y3_annual_gain"].mean) < 0.3 * result["y3_annual_gain"].mean
    assert result["noplan_y3_collective_efficacy"].mean < 0.01
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
    assert sources["persuasion"] > sources["mastery"]
    # doubt costs the cynic's own students: their low goal is met less often
    assert result["cynic_success_share"].mean < result["same_teacher_success_share"].mean
    assert 0 < result["cynic_leaves_at_year_end"].mean < 1


def test_a_close_team_lifts_the_cynic_most_and_feels_the_cynic_most(cynic):
    plc, departments, isolated = cynic[None], cynic["departments"], cynic["isolated"]
    assert plc["cynic_tses_week35"].mean > departments["cynic_tses_week35"].mean
    assert plc["cynic_tses_week35"].mean > isolated["cynic_tses_week35"].mean
    assert departments["teammates_tses_change"].mean < 0
    assert plc["teammates_tses_change"].mean < departments["teammates_tses_change"].mean
    assert isolated["tie_partners_tses_change"].mean < 0
    assert plc["cynic_source_vicarious"].mean > departments["cynic_source_vicarious"].mean
    assert abs(isolated["cynic_source_vicarious"].mean) < 0.05


# ---------------------------------------------------------------------------
# 4. why a turnaround is slow
# ---------------------------------------------------------------------------

def test_a_turnaround_shows_little_in_year_one_and_responsibility_lags_for_years():
    result = activities.turnaround(SEEDS)

    def level(arm: str, year: int, name: str) -> float:
        return result[f"{arm}_y{year}_{name}"].mean

    def lift(year: int) -> float:
        return level("plan", year, "collective_efficacy") - level("none", year,
                                                                  "collective_efficacy")

    # year 1 shows little; results and beliefs arrive in year 2
    assert lift(1) < 0.25 * lift(2)
    assert level("plan", 1, "annual_gain") < 0.5 * level("typical", 1, "annual_gain")
    assert level("plan", 2, "annual_gain") > 3 * level("plan", 1, "annual_gain")
    assert abs(level("plan", 2, "annual_gain") - level("typical", 2, "annual_gain")) < 0.05
    assert level("plan", 2, "collective_efficacy") > level("typical", 2, "collective_efficacy")
    # responsibility reaches a typical school's level only in year 3 and keeps rising
    assert level("plan", 2, "responsibility") < level("typical", 2, "responsibility") - 0.03
    assert abs(level("plan", 3, "responsibility") - level("typical", 3, "responsibility")) < 0.02
    assert level("plan", 6, "responsibility") > level("plan", 5, "responsibility")
    assert level("plan", 6, "responsibility") > level("typical", 6, "responsibility")
    assert (level("plan", 6, "responsibility") - level("plan", 4, "responsibility")
            > 2 * (level("plan", 6, "collective_efficacy")
                   - level("plan", 4, "collective_efficacy")))
    # the SES gap does not close
    assert level("plan", 3, "ses_gap") > level("plan", 0, "ses_gap")
    assert level("plan", 6, "ses_gap") > 0.95 * level("plan", 0, "ses_gap")
    # everything from week 1: collective efficacy responds in a year, responsibility does
    # not, gains stay below a typical school's, and by year 3 the two plans are level
    assert level("all", 1, "collective_efficacy") - level("plan", 1, "collective_efficacy") > 0.05
    assert level("all", 1, "responsibility") - level("plan", 1, "responsibility") < 0.03
    assert level("all", 1, "annual_gain") < level("typical", 1, "annual_gain")
    assert abs(level("all", 3, "annual_gain") - level("plan", 3, "annual_gain")) < 0.05
    assert abs(level("all", 3, "collective_efficacy")
               - level("plan", 3, "collective_efficacy")) < 0.03
    # without the turnaround: confidence recovers part of the way, mostly through the
    # principal's talk; results and responsibility do not
    assert level("none", 6, "collective_efficacy") > level("none", 0, "collective_efficacy") + 0.1
    assert level("none", 6, "collective_efficacy") < level("typical", 6, "collective_efficacy")
    assert level("none", 6, "annual_gain") < 0.5 * level("plan", 6, "annual_gain")
    assert level("none", 6, "turnover_rate") > level("typical", 6, "turnover_rate")
    assert (level("quiet", 6, "collective_efficacy")
            < level("none", 6, "collective_efficacy") - 0.05)
    assert level("quiet", 6, "annual_gain") < 0.5 * level("none", 6, "annual_gain")
    assert level("quiet", 6, "turnover_rate") > level("none", 6, "turnover_rate")
    for arm in ("none", "quiet"):
        assert level(arm, 6, "responsibility") - level(arm, 0, "responsibility") < 0.05
