"""The claims of docs/teaching.md hold for the model as built (a few seeds; directions).

The guide quotes numbers from ``staffroom teach --replicates 20``; these
tests re-run the same measurements with four seeds and check what each
activity asks a class to notice: directions and orderings, never
the quoted numbers themselves.
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
    moved = {name: mastery[f"moved_{name}"].estimate for name in SOURCE_NAMES}
    others = [moved[name] for name in SOURCE_NAMES if name != "mastery"]
    assert moved["mastery"] > 3 * max(others)
    assert moved["affect"] < min(moved["vicarious"], moved["persuasion"])
    assert mastery["cycles_mastery_moves_most"].estimate == 1.0


def test_switching_mastery_off_changes_teachers_most(mastery):
    off = {name: mastery[f"switch_off_{name}"].estimate for name in SOURCE_NAMES}
    assert off["mastery"] > 2 * max(off["vicarious"], off["persuasion"], off["affect"])
    assert min(off.values()) > 0


def test_mastery_nets_out_slightly_upward_because_few_failures_are_blamed_on_ability(mastery):
    net, moved = mastery["net_mastery"].estimate, mastery["moved_mastery"].estimate
    assert 0 < net < 0.4 * moved  # small next to how far it moves teachers, and upward
    assert 0.35 < mastery["success_share"].estimate < 0.65  # about half the results are failures
    blamed = {
        cause: mastery[f"failures_blamed_on_{cause}"].estimate
        for cause in ("ability", "background", "strategy")
    }
    assert blamed["ability"] < 0.25
    assert blamed["strategy"] > 0.5
    assert blamed["strategy"] > blamed["background"] > blamed["ability"]
    assert abs(mastery["net_persuasion"].estimate) < 0.05
    # and a success counts only in part: a typical teacher credits about 60% of it
    assert 0.4 < mastery["success_credited"].estimate < 0.8


def test_a_persuasive_leader_lifts_the_mean_a_little_and_narrows_the_spread(mastery):
    assert 0 < mastery["leader_0.5_mean_tses"].estimate < 0.3
    assert mastery["leader_0.5_sd_tses"].high < 0


# ---------------------------------------------------------------------------
# 2. the egg-crate school
# ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def egg_crate():
    return activities.egg_crate(SEEDS)


def test_the_plcs_students_start_ahead_by_what_its_plan_gave_them_before(egg_crate):
    result = egg_crate
    # the same staff with the same beliefs at the start ...
    for name in ("collective_efficacy", "responsibility", "self_efficacy_tses", "stress"):
        assert result[f"y0_{name}"].estimate == pytest.approx(0.0, abs=1e-9)
    # ... but students who have had earlier years of each school's teaching: the PLC's
    # plan has been helping its struggling students, so they start ahead and a little
    # less unequal; PLC teams without the plan gave them no such start
    assert result["y0_achievement"].low > 0
    assert result["y0_ses_gap"].estimate < 0
    assert abs(result["noplan_y0_achievement"].estimate) < 0.25 * result["y0_achievement"].estimate


def test_beliefs_diverge_for_years_while_the_gain_advantage_grows_only_in_year_two(egg_crate):
    result = egg_crate
    for year in (1, 2, 3):
        assert result[f"y{year}_stress"].high < -0.1
        assert result[f"y{year}_annual_gain"].estimate > 0
        assert result[f"y{year}_responsibility"].low > 0
        assert result[f"y{year}_collective_efficacy"].estimate > 0
    # stress differs at once; responsibility, collective efficacy and self-efficacy grow
    assert abs(result["y3_stress"].estimate) < 1.3 * abs(result["y1_stress"].estimate)
    assert result["y3_responsibility"].estimate > 1.5 * result["y1_responsibility"].estimate
    assert result["y3_collective_efficacy"].estimate > result["y1_collective_efficacy"].estimate
    assert result["y3_self_efficacy_tses"].estimate > result["y1_self_efficacy_tses"].estimate > 0
    # the gain advantage grows in year 2 (why not in year 3: the next test); the students'
    # lead in achievement builds up from where it started
    assert result["y2_annual_gain"].estimate > result["y1_annual_gain"].estimate
    assert (
        result["y2_achievement"].estimate
        > result["y1_achievement"].estimate
        > result["y0_achievement"].estimate
        > 0
    )
    assert result["y3_achievement"].estimate > result["y1_achievement"].estimate
    # and a slightly narrower SES gap
    assert sum(result[f"y{year}_ses_gap"].estimate for year in (1, 2, 3)) < 0


def test_the_gain_advantage_stops_growing_because_learning_fades(egg_crate):
    result = egg_crate

    def lead(prefix: str, year: int, name: str = "annual_gain") -> float:
        return result[f"{prefix}y{year}_{name}"].estimate

    # with gains that last from week 1 on (a counterfactual; what students brought from
    # earlier years fades in both) the advantage is the same in year 1 and larger after
    assert lead("lasting_", 1) == pytest.approx(lead("", 1), abs=0.005)
    kept = sum(lead("lasting_", year) for year in (2, 3))
    assert kept > sum(lead("", year) for year in (2, 3)) + 0.01
    # from year 2 to year 3 it grows less than if gains lasted: each year now loses part
    # of a larger extra from the year before; and the students' lead builds more slowly
    assert lead("", 3) - lead("", 2) < lead("lasting_", 3) - lead("lasting_", 2)
    assert lead("lasting_", 3, "achievement") > lead("", 3, "achievement") + 0.01


def test_structure_alone_brings_the_beliefs_the_plan_brings_the_learning(egg_crate):
    result = egg_crate
    # PLC structure without the intervention plan: calmer, more responsible, more
    # confident, nearly as much collective efficacy ...
    assert result["noplan_y3_stress"].estimate < -0.1
    assert result["noplan_y3_responsibility"].estimate > 0.8 * result["y3_responsibility"].estimate
    assert (
        result["noplan_y3_self_efficacy_tses"].estimate
        > 0.5 * result["y3_self_efficacy_tses"].estimate
    )
    assert (
        result["noplan_y3_collective_efficacy"].estimate
        > 0.5 * result["y3_collective_efficacy"].estimate
    )
    # ... but only about half of the extra learning and less of the narrower SES gap
    assert sum(result[f"noplan_y{year}_annual_gain"].estimate for year in (1, 2, 3)) < 0.6 * sum(
        result[f"y{year}_annual_gain"].estimate for year in (1, 2, 3)
    )
    assert sum(result[f"noplan_y{year}_ses_gap"].estimate for year in (1, 2, 3)) > sum(
        result[f"y{year}_ses_gap"].estimate for year in (1, 2, 3)
    )


def test_better_results_are_not_read_as_more_success_because_aspirations_follow(egg_crate):
    result = egg_crate
    for year in (1, 2, 3):
        shares = [
            result[f"success_share_y{year}_{arm}"].estimate for arm in activities.EGG_CRATE_ARMS
        ]
        assert min(shares) > 0.4 and max(shares) < 0.65
        assert max(shares) - min(shares) < 0.1


# ---------------------------------------------------------------------------
# 3. one cynical colleague
# ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def cynic():
    return {
        structure: activities.cynical_colleague(SEEDS, "plc", structure)
        for structure in (None, "departments", "isolated")
    }


def test_the_cynic_pulls_teammates_down_by_talk_results_and_the_teams_effort(cynic):
    result = cynic[None]
    change = result["teammates_tses_change"]
    assert -0.3 < change.estimate < change.high < 0
    assert result["teammates_tses_change"].estimate < result["tie_partners_tses_change"].estimate
    assert abs(result["everyone_else_tses_change"].estimate) < 0.01
    # collective efficacy falls too, slightly, and the team's mean (the cynic included) more
    assert -0.1 < result["teammates_collective_change"].estimate < 0
    assert result["teammates_collective_change"].high < 0
    assert (
        result["team_collective_change"].estimate < result["teammates_collective_change"].estimate
    )
    # by talk and by what they see of the cynic's classes; and the team's goal stretches
    # less and its help for struggling students flags, so the teammates' own students
    # learn a little less (their own results move their beliefs less than talk and sight)
    talk = result["teammates_source_persuasion"].estimate
    seen = result["teammates_source_vicarious"].estimate
    assert talk < 0 and seen < 0
    assert abs(result["teammates_source_mastery"].estimate) < abs(talk + seen)
    assert -0.1 < result["teammates_class_gain_change"].estimate < 0


def test_the_cynic_climbs_a_little_and_their_students_pay_for_their_doubt(cynic):
    result = cynic[None]
    climb = result["cynic_tses_week35"].estimate - 2.0  # from TSES 2
    assert climb > 0.2
    # per person the team lifts the cynic more than the cynic lowers a teammate;
    # summed over the teammates it is about even
    loss = abs(result["teammates_tses_change"].estimate)
    assert climb > 2 * loss
    assert 0.5 < result["teammates"].estimate * loss / climb < 2
    assert (
        result["cynic_tses_week35"].estimate < result["same_teacher_without_cynicism"].estimate - 2
    )
    sources = {name: result[f"cynic_source_{name}"].estimate for name in SOURCE_NAMES}
    # the cynic rises mostly through colleagues' talk; next to nothing from mastery: a
    # doubter credits little of a success to their teaching
    assert sources["persuasion"] > max(sources["vicarious"], sources["mastery"], 0)
    assert abs(sources["mastery"]) < 0.25 * sources["persuasion"]
    assert (
        result["cynic_success_credited"].estimate
        < 0.5 * result["same_teacher_success_credited"].estimate
    )
    # doubt costs effort: the cynic's classes learn less and meet their goal less often
    assert result["cynic_class_gain_change"].high < -0.05
    assert result["cynic_success_share"].estimate < result["same_teacher_success_share"].estimate


def test_a_close_team_lifts_the_cynic_most_and_feels_the_cynic_most(cynic):
    plc, departments, isolated = cynic[None], cynic["departments"], cynic["isolated"]
    assert plc["cynic_tses_week35"].estimate > isolated["cynic_tses_week35"].estimate
    assert plc["cynic_source_persuasion"].estimate > isolated["cynic_source_persuasion"].estimate
    assert departments["teammates_tses_change"].estimate < 0
    assert plc["teammates_tses_change"].estimate < departments["teammates_tses_change"].estimate
    assert plc["team_collective_change"].estimate < departments["team_collective_change"].estimate
    assert isolated["tie_partners_tses_change"].estimate < 0
    assert abs(isolated["cynic_source_vicarious"].estimate) < 0.05
    # the cynic goes at the end of the year in some runs, not in all (16 of 20 in the guide); doubt
    # makes it likelier than for the same veteran without cynicism, in every structure
    goes = [result["cynic_leaves_at_year_end"].estimate for result in cynic.values()]
    assert 0 < sum(goes) / len(goes) < 1
    for result in cynic.values():
        assert (
            result["cynic_chance_of_going"].estimate
            > result["same_teacher_chance_of_going"].estimate + 0.1
        )


# ---------------------------------------------------------------------------
# 4. why a turnaround is slow
# ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def turnaround():
    return activities.turnaround(SEEDS)


def _level(result, arm: str, year: int, name: str) -> float:
    return result[f"{arm}_y{year}_{name}"].estimate


def test_a_turnaround_shows_little_in_year_one_and_responsibility_lags_for_years(turnaround):
    result = turnaround

    def level(arm: str, year: int, name: str) -> float:
        return _level(result, arm, year, name)

    def rise(arm: str, year: int, name: str) -> float:
        return level(arm, year, name) - level(arm, year - 1, name)

    # year 1 shows little: collective efficacy a little above doing nothing, gains no
    # higher, and well below a typical school's
    assert result["lift_y1_collective_efficacy"].estimate >= 0
    assert (
        result["lift_y1_collective_efficacy"].estimate
        < 0.25 * result["lift_y2_collective_efficacy"].estimate
    )
    assert abs(result["lift_y1_annual_gain"].estimate) < 0.02
    assert level("plan", 1, "annual_gain") < level("typical", 1, "annual_gain") - 0.03
    # results come from year 2, beliefs pass a typical school's in year 3: the plan's lift in
    # gains in year 2 is clearly above its lift in year 1 (the two intervals apart)
    assert result["lift_y2_annual_gain"].low > result["lift_y1_annual_gain"].high
    assert result["lift_y2_annual_gain"].low > 0
    assert level("plan", 2, "annual_gain") > level("typical", 2, "annual_gain")
    assert level("plan", 2, "collective_efficacy") < level("typical", 2, "collective_efficacy")
    assert level("plan", 3, "collective_efficacy") > level("typical", 3, "collective_efficacy")
    # gains ease back after their peak, because each year's extra learning partly fades:
    # with gains that last (a counterfactual) they would end far higher
    peak = max(level("plan", year, "annual_gain") for year in range(1, 7))
    assert level("plan", 6, "annual_gain") < peak - 0.01
    assert level("lasting_plan", 6, "annual_gain") > level("plan", 6, "annual_gain") + 0.05
    # responsibility lags: in year 3 collective efficacy is well above a typical school's,
    # responsibility no higher; it passes a typical school's only in year 4
    assert (
        level("plan", 3, "collective_efficacy") > level("typical", 3, "collective_efficacy") + 0.05
    )
    assert level("plan", 3, "responsibility") < level("typical", 3, "responsibility") + 0.02
    assert level("plan", 4, "responsibility") > level("typical", 4, "responsibility")

    # by year 6 beliefs and gains have levelled off; responsibility still climbs
    def pace(name: str) -> float:  # year 6's rise as a share of the fastest
        return rise("plan", 6, name) / max(rise("plan", year, name) for year in range(1, 7))

    assert pace("collective_efficacy") < 0.35 and pace("annual_gain") < 0.35
    assert pace("responsibility") > 0.2
    assert pace("responsibility") > max(pace("collective_efficacy"), pace("annual_gain"))
    assert level("plan", 6, "responsibility") > level("typical", 6, "responsibility")
    # the SES gap narrows under the plan, slowly (its level is too noisy to check with four
    # seeds; its causes are not): the plan's staff expect more of disadvantaged students,
    # whose gains then depend less on their background
    assert result["lift_y6_expectation_bias"].high < 0
    assert sum(result[f"lift_y{year}_ses_gain_slope"].estimate for year in range(3, 7)) < 0
    # everything from week 1: a head start in beliefs and results, hardly in responsibility;
    # gains still below a typical school's; the head start is gone by year 6
    head = {year: result[f"head_start_y{year}_collective_efficacy"] for year in (1, 6)}
    assert head[1].low > 0
    # gone: no longer ahead by half of it, nor clearly behind
    assert head[6].estimate < 0.5 * head[1].estimate
    assert head[6].high > 0
    assert result["head_start_y1_annual_gain"].estimate > 0
    assert level("all", 1, "annual_gain") < level("typical", 1, "annual_gain")
    assert result["head_start_y1_responsibility"].estimate < 0.02
    assert abs(result["head_start_y6_annual_gain"].estimate) < 0.03


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
    # weighed even-handedly (a counterfactual), the first two years go faster (the
    # first year's lift is larger); later the bias holds confidence up
    assert (
        result["even_lift_y1_collective_efficacy"].estimate
        > result["lift_y1_collective_efficacy"].estimate + 0.005
    )
    for year in (1, 2):
        assert (
            level("even_plan", year, "collective_efficacy")
            > level("plan", year, "collective_efficacy") + 0.01
        )
    early, late = (
        (
            level("plan", year, "collective_efficacy")
            - level("even_plan", year, "collective_efficacy")
        )
        for year in (2, 6)
    )
    assert late > early + 0.02


def test_talk_lifts_beliefs_but_hardly_learning_and_a_silent_staff_stays_stuck(turnaround):
    result = turnaround

    def level(arm: str, year: int, name: str) -> float:
        return _level(result, arm, year, name)

    # without the turnaround the principal's talk lifts collective efficacy most of the
    # way to a typical school's, yet learning hardly moves with it
    assert level("none", 6, "collective_efficacy") > level("none", 0, "collective_efficacy") + 0.1
    assert level("none", 6, "collective_efficacy") < level("typical", 6, "collective_efficacy")
    assert result["talk_y6_collective_efficacy"].low > 0.05
    assert sum(result[f"talk_y{year}_annual_gain"].estimate for year in (4, 5, 6)) < 0.4 * sum(
        result[f"lift_y{year}_annual_gain"].estimate for year in (4, 5, 6)
    )
    assert level("none", 6, "annual_gain") < level("plan", 6, "annual_gain") - 0.05
    assert level("none", 6, "turnover_rate") > level("typical", 6, "turnover_rate")
    # a silent principal: collective efficacy stays near where it started although
    # gains edge up, because failures keep counting about twice as much as successes;
    # weighed even-handedly, with about the same gains, it would rise
    assert (
        abs(level("quiet", 6, "collective_efficacy") - level("quiet", 0, "collective_efficacy"))
        < 0.06
    )
    assert level("quiet", 6, "annual_gain") > level("quiet", 1, "annual_gain")
    for year in (1, 6):
        assert level("quiet", year, "failure_counts") > 1.8 * level("quiet", year, "success_counts")
    assert abs(level("even_quiet", 6, "annual_gain") - level("quiet", 6, "annual_gain")) < 0.02
    assert (
        level("even_quiet", 6, "collective_efficacy")
        > level("quiet", 6, "collective_efficacy") + 0.03
    )
    for arm in ("none", "quiet"):
        assert level(arm, 6, "responsibility") - level(arm, 0, "responsibility") < 0.05
    # fading works both ways: part of what weak teaching cost students comes back the
    # next year. With gains that last from week 1 on (a counterfactual; what students
    # brought from earlier years fades as before) year 1 is the same and year 2 lower
    assert level("lasting_none", 1, "annual_gain") == pytest.approx(
        level("none", 1, "annual_gain"), abs=0.005
    )
    assert level("none", 2, "annual_gain") > level("lasting_none", 2, "annual_gain") + 0.02
