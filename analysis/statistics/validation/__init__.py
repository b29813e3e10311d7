"""The statistics of ``staffroom validate``: the patterns of ``MODEL.md`` §8, a synthetic NELS and
the robustness of each pattern to ±25% moves of the calibration parameters.
"""
