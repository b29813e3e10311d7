"""The interactive dashboard (``staffroom app``): Mesa's SolaraViz in the browser.

The model never imports this package. Only :mod:`dashboard.app` and
:mod:`dashboard.widgets` import the visualization stack (solara, ipyvue);
the other modules are plain Python (numpy, pandas), so the teaching checks
(:mod:`dashboard.activities`) and the tests can use them without it.

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
    The charts (SVG): school outcomes, sources, one teacher.
svgplot
    The small SVG plotter the charts use (fast enough to redraw every week).
widgets
    A clickable SVG widget (ipyvue).
app
    The SolaraViz page served by ``staffroom app``.
serve
    Starting the server from the command line.
activities
    The measured claims of the teaching guide (``docs/teaching.md``).
"""
