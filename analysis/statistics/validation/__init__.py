"""Scientific validation of the model: ``staffroom validate`` (issue 5).

Which empirical patterns of ``MODEL.md`` §8 the default calibration
reproduces, and how strongly; a synthetic NELS repeating Lee & Smith's
(1996, 1997) analyses on simulated schools; and the robustness of each
pattern to ±25% moves of the calibration parameters.

Modules, in the order data flows:

``experiments``  the experiments declared as data (arms, replicates, years)
``runner``       jobs executed in one process pool; tidy yearly tables
``patterns``     each pattern's claims measured with intervals and verdicts
``stats``        intervals (t, Fisher z, HC3, bootstrap) and the verdict rule
``nels``         the synthetic NELS and its two-level models
``robustness``   one-at-a-time ±25% moves of calibration parameters
``suite``        run the experiments and analyse them
``report``, ``plots``, ``command``  the Markdown report, figures and the CLI
"""
