"""The interactive dashboard (``staffroom app``): Mesa's SolaraViz in the browser.

The model never imports this package. Only :mod:`dashboard.app` and
:mod:`dashboard.widgets` import the visualization stack (solara, ipyvue);
the other modules are plain Python (numpy, matplotlib), so the teaching
checks (``docs/teaching_check.py``) and the tests can use them without it.

Modules
-------
school
    :class:`~dashboard.school.DashboardSchool`: a scenario's school with the
    classroom levers, a seed, an ablation switch and a cynical colleague.
layout
    Teacher positions grouped by team.
network_view
    The collaboration network as an SVG picture.
charts
    The matplotlib figures: school outcomes, sources, one teacher.
widgets
    A clickable SVG widget (ipyvue).
app
    The SolaraViz page served by ``staffroom app``.
serve
    Starting the server from the command line.
"""
