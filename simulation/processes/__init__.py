"""The model's processes (MODEL.md §4), one module each, as array functions.

Each function takes state arrays, the ties and the parameters and returns
changes; :class:`simulation.model.SchoolModel` applies them in its weekly
pipeline. Each process can be switched off by name for ablation.
"""

PROCESSES = (
    "teaching",
    "fading",
    "peers",
    "personalisation",
    "mastery",
    "aspiration",
    "attribution",
    "vicarious",
    "persuasion",
    "leader",
    "affect",
    "collective",
    "expectations",
    "responsibility",
    "practice",
    "skill",
    "turnover",
    "staffing",
)
"""Names accepted by ``SchoolModel(disabled=...)``.

``fading`` off makes every teacher-induced gain last; ``peers`` off removes
the effect of classmates; ``personalisation`` off makes no student known
to their teachers individually; ``aspiration`` off freezes aspirations at
their starting level; ``attribution`` off makes every failure count against
one's ability (plain Bandura mastery); ``persuasion`` off silences
colleagues and the leader alike; ``leader`` off removes the principal
(persuasion and support) only; ``expectations`` off cuts the pull of
collective efficacy on expectation bias; ``staffing`` off staffs every
course in field; ``skill`` off freezes skill.
"""
