"""The SolaraViz page served by ``staffroom app`` (``solara run dashboard.app``).

Mesa's SolaraViz supplies the frame: the sidebar with Step, Play (▶) and
Reset, the play and render intervals, and the model's controls
(:func:`model_params`), which rebuild the school on Reset. :data:`PAGE_CSS`
fits that frame to a classroom: every slider shows its value, Mesa's render
interval is called *Weeks per Step* (and takes any whole number of weeks up
to a year, :class:`_SolaraForMesa`), its developer switch (*Use Threads*)
and Solara's badge (which covered a chart's axis) are hidden. Five cards show
the school: the collaboration network (click a teacher to follow them), the
followed teacher, the school outcomes, the sources of self-efficacy, and
what teachers made of their results (attribution, and how much the
faculty's successes and failures counted); a sixth describes the run.

The scenario comes from the ``STAFFROOM_SCENARIO`` environment variable (a
built-in name or a file path; ``departments`` if unset), which the command
line sets. Every browser tab gets its own school.
"""

from __future__ import annotations

import os
from html import escape
from typing import Any

import solara
from mesa.visualization import SolaraViz, solara_viz
from mesa.visualization.utils import force_update, update_counter

import scenarios
from analysis.experiments.runs import recorded
from simulation import STRUCTURES, SUPPORT_MODELS, WEEKS_PER_YEAR, Teacher
from simulation.parameters import SUBJECT_NAMES

from .attribution import attribution_chart
from .charts import outcomes_chart, school_years, sources_chart, teacher_chart
from .layout import team_layout
from .network_view import NETWORK_HEIGHT, WIDTH, network_svg
from .school import (
    CYNIC_TSES,
    NO_SOURCE,
    SWITCHABLE,
    DashboardSchool,
    control_defaults,
    last_result,
    make_cynical,
    scheduled_changes,
)
from .widgets import SvgView

SCENARIO_ENV = "STAFFROOM_SCENARIO"
DEFAULT_SCENARIO = "departments"

CARD = {"height": "100%", "padding": "2px 8px", "row-gap": "2px", "overflow": "hidden"}
RENDER_LABEL = "Render Interval (steps)"
"""Mesa's label of its render-interval slider (mesa 3.5.1, pinned by the app extra)."""
PLAY_LABEL = "Play Interval (ms)"
"""Mesa's label of its play-interval slider."""
PAGE_CSS = f"""
/* Mesa labels its page tabs "Page 0", ...; the dashboard has one page */
.v-tabs {{ display: none; }}
/* every slider shows its value under its knob, not only while dragged */
.v-input__slider {{ padding-bottom: 14px; }}
.v-slider__thumb-container::after {{
  content: attr(aria-valuenow); position: absolute; top: 9px; left: 0;
  transform: translateX(-50%); font-size: 12px; color: #333; white-space: nowrap;
}}
/* Mesa's render interval, in the class's words: weeks advanced by Step (and per redraw) */
.v-input__slider:has([aria-label="{RENDER_LABEL}"]) label {{ font-size: 0; }}
.v-input__slider:has([aria-label="{RENDER_LABEL}"]) label::after {{
  content: "Weeks per Step"; font-size: 16px;
}}
/* Mesa's play interval, in the class's words */
.v-input__slider:has([aria-label="{PLAY_LABEL}"]) label {{ font-size: 0; }}
.v-input__slider:has([aria-label="{PLAY_LABEL}"]) label::after {{
  content: "Pause between steps (ms)"; font-size: 16px;
}}
/* Mesa's "Use Threads" switch (for developers) is the only checkbox of its Controls card */
.v-navigation-drawer .v-card:has([aria-label="{RENDER_LABEL}"]) .v-input--checkbox {{
  display: none;
}}
/* Mesa's "Information" card (its only text a span) shows the model's time: weeks taught */
.v-navigation-drawer .v-card:has(> .v-card__text > span:only-child) > .v-card__title {{
  font-size: 0;
}}
.v-navigation-drawer .v-card:has(> .v-card__text > span:only-child) > .v-card__title::after {{
  content: "Weeks taught"; font-size: 20px;
}}
/* the charts are drawn dark on white: in a dark theme (a laptop set to dark mode, or the
   theme button) they keep their white ground instead of dark text on black */
.theme--dark .staffroom-svg svg {{ background: #fff; }}
.theme--dark .v-slider__thumb-container::after {{ color: #eee; }}
/* Solara's "This website runs on Solara" badge sat on a chart's axis (credited below) */
div:has(> b > a[href="https://solara.dev"]) {{ display: none; }}
"""
followed = solara.reactive(None)
"""``unique_id`` of the teacher being followed (one per browser tab)."""


def model_params(scenario: scenarios.Scenario) -> dict[str, Any]:
    """SolaraViz controls for ``scenario``: its levers, a seed and the teaching switches.

    Each control starts at the scenario's value; changes take effect on Reset.
    """
    value = control_defaults(scenario)
    structures = [s for s in STRUCTURES if s != "custom" or value["structure"] == "custom"]
    persuasion_max = max(0.5, float(value["leader_persuasion"]))
    return {
        "from_scenario": str(scenario.path),
        "seed_fallback": scenario.seed,
        "seed": {
            "type": "InputText",
            "value": str(scenario.seed),
            "label": "Seed: a whole number (same seed and settings, same run)",
        },
        "structure": {
            "type": "Select",
            "value": value["structure"],
            "values": structures,
            "label": "Team structure",
        },
        "n_students": {
            "type": "SliderInt",
            "value": int(value["n_students"]),
            "min": 100,
            "max": max(3000, int(value["n_students"])),
            "step": 100,
            "label": "School size (students)",
        },
        "collaboration_minutes": {
            "type": "SliderInt",
            "value": int(value["collaboration_minutes"]),
            "min": 0,
            "max": max(180, int(value["collaboration_minutes"])),
            "step": 15,
            "label": "Collaboration time (minutes/week)",
        },
        "data_review": {
            "type": "Checkbox",
            "value": value["data_review"],
            "label": "Disaggregated data review",
        },
        "clear_cycle": {
            "type": "Checkbox",
            "value": value["clear_cycle"],
            "label": "CLEAR reflective cycle",
        },
        "intervention_plan": {
            "type": "Checkbox",
            "value": value["intervention_plan"],
            "label": "Systematic intervention plan",
        },
        "support_model": {
            "type": "Select",
            "value": value["support_model"],
            "values": list(SUPPORT_MODELS),
            "label": "Support for the practice (coaching or train-the-trainer)",
        },
        "leader_persuasion": {
            "type": "SliderFloat",
            "value": float(value["leader_persuasion"]),
            "min": 0.0,
            "max": persuasion_max,
            "step": 0.05,
            "label": "Leader persuasion (pull per contact)",
        },
        "switch_off": {
            "type": "Select",
            "value": SWITCHABLE[0],
            "values": list(SWITCHABLE),
            "label": "Switch off one source of self-efficacy",
        },
        "scheduled": {
            "type": "Checkbox",
            "value": True,
            "label": "Scenario's scheduled interventions",
        },
        "cynic": {
            "type": "Checkbox",
            "value": False,
            "label": f"One cynical veteran (starts at TSES {CYNIC_TSES:g})",
        },
    }


def settings(model) -> str:
    """The levers of this run in words, e.g. ``plc · 900 students · 60 min/week · ...``."""
    p = model.params
    parts = [
        p.structure.replace("_", " "),
        f"{p.n_students} students ({model.n_teachers} teachers)",
        f"{p.collaboration_minutes:g} min/week",
    ]
    parts += [
        label
        for flag, label in (
            (p.data_review, "data review"),
            (p.clear_cycle, "CLEAR"),
            (p.intervention_plan, "intervention plan"),
        )
        if flag
    ]
    if p.support_model != "none":
        parts.append(p.support_model.replace("_", "-"))
    parts.append(f"leader persuasion {p.leader_persuasion:g}")
    off = getattr(model, "switch_off", "none")
    if off != "none":
        parts.append(f"{off} switched OFF")
    if (
        not model.interventions
        and getattr(model, "scenario_spec", None) is not None
        and model.scenario_spec.interventions
    ):
        parts.append("scheduled interventions off")
    return " · ".join(parts)


def run_title(model) -> str:
    """The scenario's name, and the sidebar's changes to it (``PLC teams · changed: isolated``).

    After a lever is changed and Reset pressed, the school on the page is no
    longer the scenario as written; the title says so.
    """
    spec = getattr(model, "scenario_spec", None)
    name = spec.name if spec is not None else "School"
    changed = getattr(model, "changed_levers", {})
    words = _lever_words(changed) + _switch_words(model)
    return f"{name} · changed: {', '.join(words)}" if words else name


def _switch_words(model) -> list[str]:
    """The teaching switches in force: a source off, the schedule off, the cynic."""
    words = []
    off = getattr(model, "switch_off", NO_SOURCE)
    if off != NO_SOURCE:
        words.append(f"{off} OFF")
    spec = getattr(model, "scenario_spec", None)
    scheduled = model.interventions or model.rules
    if spec is not None and (spec.interventions or spec.rules) and not scheduled:
        words.append("schedule off")
    if getattr(model, "cynic_id", None) is not None:
        words.append("a cynic")
    return words


def _lever_words(changed: dict[str, Any]) -> list[str]:
    """The sidebar's changed levers in words (``isolated``, ``data review on``)."""
    words = []
    for lever, value in changed.items():
        if lever == "structure":
            words.append(str(value).replace("_", " "))
        elif lever == "n_students":
            words.append(f"{value} students")
        elif lever == "collaboration_minutes":
            words.append(f"{value:g} min/week")
        elif lever == "leader_persuasion":
            words.append(f"leader persuasion {value:g}")
        elif lever == "support_model":
            words.append(str(value).replace("_", "-"))
        elif isinstance(value, bool):
            words.append(f"{lever.replace('_', ' ')} {'on' if value else 'off'}")
    return words


def _html(text: str, size: int = 15) -> None:
    solara.HTML(tag="div", unsafe_innerHTML=text, style=f"font-size: {size}px; line-height: 1.3")


def _now(model) -> str:
    return f"year {model.year}, week {model.week}" if model.steps else "week 0 (start)"


def _layout(model):
    structure = model.structure
    return solara.use_memo(
        lambda: team_layout(
            structure.team,
            structure.house,
            model.teachers.subject,
            width=WIDTH,
            height=NETWORK_HEIGHT,
        ),
        [id(model), id(structure)],
    )


def _teacher_table(model):
    return solara.use_memo(model.teacher_dataframe, [id(model), model.steps])


def _find(model, agent_id: int | None) -> Teacher | None:
    if agent_id is None:
        return None
    return next((a for a in model.agents_by_type[Teacher] if a.unique_id == agent_id), None)


@solara.component
def NetworkCard(model) -> None:  # noqa: N802 (Solara components are CamelCase)
    """The collaboration network; clicking a teacher follows them."""
    update_counter.get()
    layout = _layout(model)
    svg = network_svg(
        model, layout, selected=followed.value, cynic=getattr(model, "cynic_id", None)
    )
    with solara.Column(style=CARD):
        SvgView.element(svg=svg, name="network", on_pick=followed.set)


@solara.component
def TeacherCard(model) -> None:  # noqa: N802 (Solara components are CamelCase)
    """The followed teacher's self-efficacy and its four sources."""
    update_counter.get()
    table = _teacher_table(model)
    agent_id = followed.value if followed.value is not None else getattr(model, "cynic_id", None)
    with solara.Column(style=CARD):
        if agent_id is None or table.empty or not (table["AgentID"] == agent_id).any():
            _html(
                "<h3>Follow a teacher</h3><p><b>Click a teacher</b> in the network to see "
                "their self-efficacy (TSES 1-9) week by week and how much each of the four "
                "sources (mastery, vicarious experience, social persuasion, affective "
                "states) contributed to it.</p>"
            )
            return
        agent = _find(model, agent_id)
        own = table[table["AgentID"] == agent_id]
        last = own.iloc[-1]
        captions = {cell[0]: cell[5] for cell in _layout(model).cells}
        who = (
            f"<b>Teacher #{agent_id}</b> · "
            f"{SUBJECT_NAMES[int(last['subject'])].replace('_', ' ')} · "
            f"{last['experience']:.0f} years · team: "
            f"{escape(captions.get(int(last['team'])) or 'works alone')}"
        )
        if agent is None:
            left = int(last["Step"]) // WEEKS_PER_YEAR
            state = f"<b>left the school at the end of year {left}</b>"
        else:
            state = (
                f"TSES <b>{agent.self_efficacy_tses:.1f}</b> · skill "
                f"{agent.skill:+.2f} SD/year · {last_result(agent)}"
            )
        if agent_id == getattr(model, "cynic_id", None):
            state += " · <b>the cynic</b>"
        _html(f"{who} · {state}")
        SvgView.element(
            svg=teacher_chart(
                table,
                agent_id,
                model.params.cycle_weeks,
                school=recorded(model),
                title=f"Teacher #{agent_id}",
            ),
            name="teacher",
        )
        if agent is not None and isinstance(model, DashboardSchool):

            def cynical() -> None:
                make_cynical(agent)
                force_update()

            solara.Button(
                f"Make cynical now (TSES {CYNIC_TSES:g})",
                on_click=cynical,
                outlined=True,
                small=True,
                style={"align-self": "flex-start"},
            )


@solara.component
def OutcomesCard(model) -> None:  # noqa: N802 (Solara components are CamelCase)
    """School outcomes over time, with the run's settings."""
    update_counter.get()
    table = recorded(model)
    plan = scheduled_changes(model)
    marks = [(step - 1) / WEEKS_PER_YEAR for step, _ in plan]
    with solara.Column(style=CARD):
        notice = getattr(model, "notice", "")
        _html(
            f"<b>{escape(run_title(model))}</b> · {_now(model)} · "
            f"seed {getattr(model, 'seed', '')}"
            + (f' · <b style="color:#c0392b">{escape(notice)}</b>' if notice else "")
        )
        SvgView.element(svg=outcomes_chart(table, marks), name="outcomes")


@solara.component
def AboutCard(model) -> None:  # noqa: N802 (Solara components are CamelCase)
    """The run's settings, its scheduled interventions, and how to use the page."""
    update_counter.get()
    spec = getattr(model, "scenario_spec", None)
    plan = scheduled_changes(model)
    lines = [f"<b>This run</b>: {escape(settings(model))} · seed {getattr(model, 'seed', '')}"]
    if spec is not None and spec.description:
        lines.insert(0, f"<b>{escape(spec.name)}</b>: {escape(spec.description)}")
    if plan:
        lines.append(
            "<b>Scheduled</b> (red dotted lines): " + escape("; ".join(text for _, text in plan))
        )
    lines.append(
        "<b>How to</b>: change controls in the sidebar, then press RESET (the same "
        "seed and settings give the same run) · STEP advances one week (or the weeks "
        "per Step) · ▶ plays · click a teacher to follow them · hide the sidebar with "
        "☰ and drag a card's corner to enlarge it on a projector · built with Mesa "
        "and Solara."
    )
    with solara.Column(style=CARD):
        _html("<br>".join(lines), size=14)


@solara.component
def SourcesCard(model) -> None:  # noqa: N802 (Solara components are CamelCase)
    """The four sources' contributions to self-efficacy, stacked per cycle."""
    update_counter.get()
    table = _teacher_table(model)
    outcomes = recorded(model)
    end = float(school_years(outcomes)[-1]) if len(outcomes) else 0.0
    with solara.Column(style=CARD):
        SvgView.element(svg=sources_chart(table, model.params.cycle_weeks, end=end), name="sources")


@solara.component
def AttributionCard(model) -> None:  # noqa: N802 (Solara components are CamelCase)
    """What teachers made of their results, and how much the faculty's evidence counted."""
    update_counter.get()
    table = _teacher_table(model)
    end = model.steps / WEEKS_PER_YEAR
    weighing = getattr(model, "weighing", [])
    with solara.Column(style=CARD):
        SvgView.element(
            svg=attribution_chart(table, weighing, model.params.cycle_weeks, end=end),
            name="attribution",
        )


def scenario_from_environment() -> scenarios.Scenario:
    """The scenario named by ``STAFFROOM_SCENARIO`` (default ``departments``)."""
    return scenarios.load(os.environ.get(SCENARIO_ENV) or DEFAULT_SCENARIO)


def grid_layout(count: int) -> list[dict[str, Any]]:
    """Initial card layout (12 columns, 30-px rows): taller cards than Mesa's default.

    Mesa 3.5's SolaraViz gives every card 6 columns and 10 rows (390 px);
    the dashboard's five views are drawn to be read on a projector, so they
    get 12 or 13 rows, the run's description beside the last.
    """
    if count != len(CARDS):
        return _mesa_grid_layout(count)
    heights = (13, 13, 12, 12, 12, 12)
    widths = (6, 6, 6, 6, 6, 6)
    layout, x, y, row_height = [], 0, 0, 0
    for index, (w, h) in enumerate(zip(widths, heights, strict=True)):
        if x + w > 12:
            x, y, row_height = 0, y + row_height, 0
        layout.append({"i": index, "x": x, "y": y, "w": w, "h": h, "moved": False})
        x += w
        row_height = max(row_height, h)
    return layout


class _SolaraForMesa:
    """Solara as Mesa's SolaraViz module sees it: its two interval sliders on round values.

    Mesa 3.5.1 draws the render-interval slider from 1 to 100 in steps of
    2, so *Weeks per Step* could be 1, 3, 5, ... but never 6 (an assessment
    cycle) or 36 (a school year): here it is 1 to 36 by one week. Its
    play-interval slider runs 1, 11, ..., 491 ms, which showed the
    dashboard's 150 ms as 151: here it is 10 to 500 by 10. Every other name
    is Solara's own.
    """

    def __getattr__(self, name: str) -> Any:
        return getattr(solara, name)

    @staticmethod
    def SliderInt(*args: Any, **kwargs: Any) -> Any:  # noqa: N802 (Solara's name)
        label = kwargs.get("label")
        if label == RENDER_LABEL:
            kwargs.update(min=1, max=WEEKS_PER_YEAR, step=1)
        elif label == PLAY_LABEL:
            kwargs.update(min=10, max=500, step=10)
        return solara.SliderInt(*args, **kwargs)


CARDS = [NetworkCard, TeacherCard, OutcomesCard, SourcesCard, AttributionCard, AboutCard]
# SolaraViz (Mesa 3.5) takes the initial card layout from this module-level
# function and offers no parameter for it; replace it with ours (the app
# extra pins mesa==3.5.1, and tests check the cards' sizes in a browser).
_mesa_grid_layout = solara_viz.make_initial_grid_layout
solara_viz.make_initial_grid_layout = grid_layout
# likewise its interval sliders, drawn with the module's ``solara``
solara_viz.solara = _SolaraForMesa()


@solara.component
def Page() -> None:  # noqa: N802 (Solara components are CamelCase)
    """One school per browser tab, in Mesa's SolaraViz."""
    scenario = solara.use_memo(scenario_from_environment, [])
    model = solara.use_memo(
        lambda: DashboardSchool(from_scenario=str(scenario.path), seed=scenario.seed), []
    )
    solara.Style(PAGE_CSS)
    SolaraViz(
        model,
        components=list(CARDS),
        model_params=model_params(scenario),
        name=f"staffroom · {scenario.name}",
        play_interval=150,
        render_interval=1,
    )
