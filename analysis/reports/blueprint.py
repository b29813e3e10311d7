"""The collective-responsibility Blueprint's evidence of practice, read off the model.

For each of the Blueprint's eight items, :data:`ITEMS` names the model
outcomes that stand for it, and why, or says it is not modelled.
``docs/blueprint.md`` gives the same mapping with its sources; a test keeps
the two in step.
"""

from __future__ import annotations

from dataclasses import dataclass

#: How strongly the model speaks to an item.
MODELLED, PARTLY, NOT_MODELLED = "modelled", "partly", "not modelled"


@dataclass(frozen=True)
class Item:
    """One evidence-of-practice item and what stands for it in the model.

    Attributes
    ----------
    number : int
        The item's number in the Blueprint (1-8).
    text : str
        The item, shortened.
    outcomes : tuple of str
        Model outcomes (``simulation.OUTCOMES``) that stand for it; empty
        when it is not modelled.
    status : str
        ``modelled``, ``partly`` or ``not modelled``.
    reason : str
        Why these outcomes stand for it (or why nothing does).
    """

    number: int
    text: str
    outcomes: tuple[str, ...]
    status: str
    reason: str


ITEMS: tuple[Item, ...] = (
    Item(
        1,
        "A culture of shared ownership for students' well-being and achievement",
        ("responsibility",),
        MODELLED,
        "Collective responsibility is the staff's shared commitment to the learning of all "
        "students (Lee & Smith 1996); the model's teachers hold it as a belief that grows "
        "with joint work on shared students.",
    ),
    Item(
        2,
        "Leaders and teachers jointly committed to improving achievement",
        ("collective_efficacy",),
        PARTLY,
        "Collective efficacy is the faculty's shared belief that together they can raise "
        "achievement (Goddard, Hoy & Woolfolk Hoy 2000), which the leader's voiced "
        "confidence pulls on. The leaders' own commitment is a setting of the plan "
        "(leader_confidence, leader_attention), not something the model lets change.",
    ),
    Item(
        3,
        "A professional environment of respect, teamwork and accountability",
        (),
        NOT_MODELLED,
        "The model has no respect, trust or professional accountability; collaboration "
        "itself is counted under item 7.",
    ),
    Item(
        4,
        "Everyone accountable for the success of each student",
        ("expectation_bias", "proficient_disadvantaged"),
        PARTLY,
        "Holding every student to high expectations is the model's nearest notion: "
        "teachers' lower expectations for disadvantaged students (Evans 2009) and whether "
        "those students reach proficiency. How leaders model accountability is not "
        "represented.",
    ),
    Item(
        5,
        "Navigating conflict respectfully and productively",
        (),
        NOT_MODELLED,
        "The model's teachers disagree only in their beliefs; it has no conflict or way of "
        "handling it.",
    ),
    Item(
        6,
        "Embedded adult learning, focused on student work, with peers",
        ("reflective_practice", "practice_share"),
        MODELLED,
        "Reflective practice grows only while teams work in the CLEAR cycle, examining "
        "students' results with colleagues, and faster the more they collaborate (Donohoo & "
        "Katz 2020); the share using the evidence-based practice shows whether that learning "
        "reaches classrooms, as job-embedded coaching does and training alone rarely does "
        "(Joyce & Showers 2002).",
    ),
    Item(
        7,
        "Institutionalised practices for collegial planning",
        ("network_clustering",),
        PARTLY,
        "Teams whose members all plan together (PLC course teams and house teams; DuFour & "
        "Mattos 2013) are closed groups in the collaboration network, which its clustering "
        "measures: near 0 among isolated teachers, high where complete teams meet. The "
        "schedule itself is the plan's structure and collaboration_minutes.",
    ),
    Item(
        8,
        "Communication that keeps a collective focus on improvement",
        (),
        NOT_MODELLED,
        "Colleagues and the leader persuade each other through ties, but the model does "
        "not measure whether talk keeps a shared focus.",
    ),
)
