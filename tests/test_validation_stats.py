"""Statistics of the validation: intervals cover the truth, verdicts follow the rule.

Coverage is checked on synthetic data with a known effect, over many seeded
draws; the tolerance is about three binomial standard errors around 95%.
The two-level model must recover the coefficients the data were made with.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
from scipy import stats as sps

from analysis.statistics.intervals import mean_interval, paired_difference
from analysis.statistics.validation import nels
from analysis.statistics.validation.measures import impact, impact_interval, squared_impact
from analysis.statistics.validation.stats import (
    FAILS,
    HOLDS,
    INCONCLUSIVE,
    Claim,
    Interval,
    bootstrap_ci,
    combine,
    correlation_ci,
    decide,
    regression_coefficient,
)


def coverage(hits: list[bool]) -> float:
    return float(np.mean(hits))


def test_t_interval_of_paired_differences_covers_the_true_effect_95_percent():
    rng = np.random.default_rng(11)
    effect, draws = 0.3, 3000
    hits = []
    for _ in range(draws):
        shared = rng.normal(0, 1, 12)  # common random numbers make the arms correlated
        a = shared + effect + rng.normal(0, 0.5, 12)
        b = shared + rng.normal(0, 0.5, 12)
        e = paired_difference(a, b)
        hits.append(e.low <= effect <= e.high)
    assert 0.938 <= coverage(hits) <= 0.962


def test_t_interval_is_narrower_with_more_replicates_and_centred_on_the_mean():
    rng = np.random.default_rng(3)
    x = rng.normal(2.0, 1.0, 400)
    small, large = mean_interval(x[:20]), mean_interval(x)
    assert large.high - large.low < small.high - small.low
    assert large.estimate == pytest.approx(x.mean())
    assert large.low < large.estimate < large.high


def test_fisher_interval_covers_the_true_correlation():
    rng = np.random.default_rng(5)
    rho, hits = 0.6, []
    cov = [[1, rho], [rho, 1]]
    for _ in range(1500):
        x, y = rng.multivariate_normal([0, 0], cov, 60).T
        e = correlation_ci(x, y)
        hits.append(e.low <= rho <= e.high)
    assert 0.935 <= coverage(hits) <= 0.965


def test_hc3_interval_covers_a_regression_coefficient_under_heteroskedasticity():
    rng = np.random.default_rng(9)
    slope, hits = 0.4, []
    for _ in range(600):
        x = rng.normal(0, 1, 120)
        z = rng.normal(0, 1, 120)
        y = 1.0 + slope * x - 0.3 * z + rng.normal(0, 1, 120) * (0.5 + np.abs(x))
        e = regression_coefficient(y, {"x": x, "z": z}, "x")
        hits.append(e.low <= slope <= e.high)
    assert 0.925 <= coverage(hits) <= 0.975


def _heteroskedastic(rng: np.random.Generator, n: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """A school measure, mean SES correlated with it, and an outcome whose noise grows with |x|."""
    x = rng.standard_normal(n)
    ses = 0.5 * x + rng.standard_normal(n)
    y = 0.1 * x + 0.2 * ses + (0.5 + np.abs(x)) * rng.standard_normal(n) * 0.2
    return x, ses, y


def test_hc3_interval_is_the_estimate_plus_or_minus_t_with_n_minus_k_df_times_hc3_se():
    x, ses, y = _heteroskedastic(np.random.default_rng(2), 12)
    e = regression_coefficient(y, {"x": x, "ses": ses}, "x")
    design = np.column_stack([np.ones(12), x, ses])
    bread = np.linalg.inv(design.T @ design)
    beta = bread @ design.T @ y
    leverage = np.einsum("ij,jk,ik->i", design, bread, design)
    weights = ((y - design @ beta) / (1 - leverage)) ** 2
    se = np.sqrt((bread @ (design.T * weights) @ design @ bread)[1, 1])
    half = sps.t.ppf(0.975, 12 - 3) * se
    assert e.estimate == pytest.approx(beta[1])
    assert e.low == pytest.approx(beta[1] - half) and e.high == pytest.approx(beta[1] + half)


def test_hc3_interval_covers_in_twelve_schools():
    # normal quantiles gave 0.90 here; t(n - 3) quantiles about 0.93
    rng = np.random.default_rng(3)
    hits = []
    for _ in range(2000):
        x, ses, y = _heteroskedastic(rng, 12)
        e = regression_coefficient(y, {"x": x, "ses": ses}, "x")
        hits.append(e.low <= 0.1 <= e.high)
    assert coverage(hits) >= 0.92


# Noise of pattern 4's paired differences (vicarious ablated − full, in the
# 100-replicate validation run): per-replicate SD in years 1-5 of the mean
# TSES difference and of the SD-of-TSES difference; the correlation between
# years falls with their distance. The mean differences: the run's for the
# mean (RMS 0.0049), a tenth of the run's for the SD (RMS 0.0061).
ABLATION_SD = {
    "mean": np.array([0.0072, 0.0177, 0.0304, 0.0504, 0.0557]),
    "sd": np.array([0.0098, 0.0198, 0.04, 0.0584, 0.0512]),
}
ABLATION_MEAN = {
    "mean": np.array([0.0055, 0.0065, 0.001, -0.0003, 0.0066]),
    "sd": np.array([0.0030, 0.0049, 0.0066, 0.0073, 0.0068]),
}
YEAR_CORRELATION = 0.5 ** np.abs(np.subtract.outer(np.arange(5), np.arange(5)))


def ablation_parts(rng, scale, parts=("mean",), n=100):
    """Simulated paired differences, one (n, 5) array per part, and the true impact."""
    drawn = [
        rng.multivariate_normal(
            scale * ABLATION_MEAN[p], np.outer(ABLATION_SD[p], ABLATION_SD[p]) * YEAR_CORRELATION, n
        )
        for p in parts
    ]
    truth = np.sqrt(np.mean(sum((scale * ABLATION_MEAN[p]) ** 2 for p in parts)))
    return drawn, truth


@pytest.mark.parametrize("scale", [0.0, 1.0])
def test_squared_impact_is_unbiased_for_the_squared_rms_of_the_true_differences(scale):
    rng = np.random.default_rng(31)
    everyone = np.arange(100)[np.newaxis]
    values = []
    for _ in range(2000):
        drawn, truth = ablation_parts(rng, scale)
        values.append(squared_impact(everyone, *drawn)[0])
    se = np.std(values, ddof=1) / np.sqrt(len(values))
    # the uncorrected mean square is biased up by the mean of the variances over
    # n, 1.4e-5 here: over 40 standard errors at 0
    assert abs(np.mean(values) - truth**2) < 3 * se


@pytest.mark.parametrize(
    "scale, parts",
    [
        (0.0, ("mean",)),
        (0.5, ("mean",)),
        (1.0, ("mean",)),
        (2.0, ("mean",)),
        (0.0, ("mean", "sd")),
        (1.0, ("mean", "sd")),
    ],
)
def test_impact_interval_covers_the_true_impact(scale, parts):
    # at the run's noise: true impact 0 (the uncorrected root's interval never
    # reached 0), a fraction, once and twice the vicarious mean-alone value;
    # mean and SD together at 0 and at an RMS of 0.0078
    rng = np.random.default_rng(17)
    hits, zero_low = [], []
    for k in range(200):
        drawn, truth = ablation_parts(rng, scale, parts)
        e = impact_interval(*drawn, draws=500, seed=k)
        hits.append(e.low <= truth <= e.high)
        zero_low.append(e.low == 0.0)
    assert coverage(hits) >= 0.91
    if scale == 0.0:
        assert coverage(zero_low) >= 0.9  # the interval starts at 0: no effect is visible


def test_impact_of_two_parts_is_the_root_of_the_sum_of_their_corrected_squares():
    rng = np.random.default_rng(4)
    mean, spread = rng.normal(0.1, 0.05, (30, 5)), rng.normal(-0.2, 0.05, (30, 5))
    everyone = np.arange(30)[np.newaxis]
    square = squared_impact(everyone, mean)[0] + squared_impact(everyone, spread)[0]
    assert impact(everyone, mean, spread)[0] == pytest.approx(np.sqrt(square))
    noise = rng.normal(0, 0.05, (30, 5))
    noise -= noise.mean(axis=0)  # no mean difference in any year: the corrected square is < 0
    assert squared_impact(everyone, noise)[0] < 0 and impact(everyone, noise)[0] == 0.0


def test_bootstrap_interval_covers_a_ratio_of_means():
    rng = np.random.default_rng(21)
    truth, hits = 2.0, []
    for k in range(250):
        a = rng.normal(2.0, 0.4, 40)
        b = rng.normal(1.0, 0.2, 40)
        e = bootstrap_ci(
            lambda idx, a=a, b=b: a[idx].mean(axis=-1) / b[idx].mean(axis=-1),
            40,
            draws=400,
            seed=k,
        )
        hits.append(e.low <= truth <= e.high)
    assert 0.89 <= coverage(hits) <= 0.99


@pytest.mark.parametrize(
    "estimate, direction, threshold, margin, verdict",
    [
        (Interval(0.5, 0.2, 0.8), +1, 0.0, 0.0, HOLDS),
        (Interval(-0.5, -0.8, -0.2), +1, 0.0, 0.0, FAILS),
        (Interval(0.1, -0.2, 0.4), +1, 0.0, 0.0, INCONCLUSIVE),
        (Interval(-0.5, -0.8, -0.2), -1, 0.0, 0.0, HOLDS),
        (Interval(0.001, -0.004, 0.006), +1, 0.0, 0.01, FAILS),  # absent, tight interval
        (Interval(0.003, 0.001, 0.005), +1, 0.0, 0.01, FAILS),  # real but negligible
        (Interval(0.01, -0.004, 0.024), +1, 0.0, 0.01, INCONCLUSIVE),
        (Interval(0.7, 0.6, 0.8), +1, 0.5, 0.0, HOLDS),
        (Interval(0.3, 0.2, 0.4), +1, 0.5, 0.0, FAILS),
        (Interval(0.3, np.nan, np.nan), +1, 0.0, 0.0, INCONCLUSIVE),
    ],
)
def test_verdict_rule(estimate, direction, threshold, margin, verdict):
    assert decide(estimate, direction, threshold, margin) == verdict


def test_known_effect_is_found_and_a_known_absence_is_called_a_failure():
    rng = np.random.default_rng(1)
    present = paired_difference(rng.normal(0.05, 0.02, 60), np.zeros(60))
    absent = paired_difference(rng.normal(0.0, 0.01, 200), np.zeros(200))
    assert decide(present, +1, margin=0.01) == HOLDS
    assert decide(absent, +1, margin=0.01) == FAILS
    assert decide(present, -1) == FAILS


def test_a_pattern_holds_only_when_every_claim_holds():
    assert combine([HOLDS, HOLDS]) == HOLDS
    assert combine([HOLDS, INCONCLUSIVE]) == INCONCLUSIVE
    assert combine([HOLDS, INCONCLUSIVE, FAILS]) == FAILS
    claim = Claim("1a", "x", "y", Interval(1.0, 0.5, 1.5), -1)
    assert claim.verdict == FAILS and claim.prediction == "< 0"


TRUTH = {
    "Intercept": 0.5,
    "ses": 0.05,
    "cr_z": 0.04,
    "ses:cr_z": -0.01,
    "size": -0.01,
    "mean_ses": 0.03,
}


def synthetic_schools(
    seed: int,
    schools: int = 250,
    students: int = 40,
    band_effects: dict[str, float] | None = None,
    sds: tuple[float, float, float] = (0.1, 0.02, 0.3),
) -> pd.DataFrame:
    """Two-level data generated from known fixed effects and variance components.

    ``sds``: the standard deviations of the schools' intercepts, of their SES
    slopes and of the students' residuals.
    """
    rng = np.random.default_rng(seed)
    cr = rng.normal(0, 1, schools)
    n_students = np.rint(np.exp(rng.uniform(np.log(200), np.log(3000), schools)))
    mean_ses = rng.normal(0, 0.5, schools)
    u0 = rng.normal(0, sds[0], schools)
    u1 = rng.normal(0, sds[1], schools)
    bands = nels.size_band(n_students)
    school = np.repeat(np.arange(schools), students)
    ses = mean_ses[school] + rng.normal(0, 0.9, school.size)
    t = TRUTH
    gain = (
        t["Intercept"]
        + t["ses"] * ses
        + t["cr_z"] * cr[school]
        + t["ses:cr_z"] * ses * cr[school]
        + t["size"] * n_students[school] / 1000
        + t["mean_ses"] * mean_ses[school]
        + u0[school]
        + u1[school] * ses
        + rng.normal(0, sds[2], school.size)
    )
    if band_effects:
        gain += np.array([band_effects.get(b, 0.0) for b in bands])[school]
    return pd.DataFrame(
        {
            "school": school,
            "ses": ses,
            "gain": gain,
            "cr_z": cr[school],
            "size": n_students[school] / 1000,
            "mean_ses": mean_ses[school],
            "size_band": bands[school],
        }
    )


def test_mixed_model_recovers_the_coefficients_the_data_were_made_with():
    fit = nels.fit_two_level(synthetic_schools(4), nels.MAIN_FORMULA)
    table = fit.coefficients.set_index("term")
    for term, value in TRUTH.items():
        row = table.loc[term]
        assert abs(row["estimate"] - value) < 3.5 * row["se"], term
        assert row["low"] < row["estimate"] < row["high"]
    assert fit.converged
    assert 0.005 < fit.random_effects["intercept variance"] < 0.02  # truth 0.01
    assert fit.random_effects["residual variance"] == pytest.approx(0.09, rel=0.1)


def test_mixed_model_fit_reaches_the_reml_maximum_other_optimisers_find():
    # variance components at the synthetic NELS's magnitudes (intercept and
    # slope variances 4% and 0.3% of the residual variance); the others start
    # where statsmodels starts
    import statsmodels.formula.api as smf

    data = synthetic_schools(11, schools=200, students=30, sds=(0.044, 0.013, 0.225))
    fit = nels.fit_two_level(data, nels.SIZE_FORMULA)
    assert fit.converged
    model = smf.mixedlm(nels.SIZE_FORMULA, data, groups=data["school"], re_formula="~ses")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for method in ("bfgs", "lbfgs", "powell"):
            other = model.fit(reml=True, method=[method])
            assert other.llf <= fit.log_likelihood + 1e-3, method


def test_mixed_model_intervals_cover_the_interaction_across_datasets():
    hits = []
    for seed in range(10):
        fit = nels.fit_two_level(
            synthetic_schools(100 + seed, schools=100, students=20), nels.MAIN_FORMULA
        )
        e = fit.estimate("ses:cr_z")
        hits.append(e.low <= TRUTH["ses:cr_z"] <= e.high)
    assert sum(hits) >= 8  # at 95% coverage, 7 or fewer of 10 has probability 0.001


def test_size_model_recovers_band_effects_relative_to_601_900():
    effects = {"≤300": -0.06, "301-600": -0.02, "1201-1500": -0.03, ">2100": -0.08}
    data = synthetic_schools(8, band_effects=effects)
    fit = nels.fit_two_level(data, nels.SIZE_FORMULA)
    schools = data.groupby("school").first().reset_index()
    curve = nels.size_curve(fit, schools).set_index("band")
    size_slope = TRUTH["size"]  # the linear size term is absorbed by the bands
    centre = {label: (low + min(high, 3000)) / 2000 for low, high, label in nels.SIZE_BANDS}
    for band, row in curve.iterrows():
        expected = effects.get(band, 0.0) + size_slope * (centre[band] - centre["601-900"])
        assert row["low"] - 0.02 <= expected <= row["high"] + 0.02, band
    assert curve.loc["601-900", "effect"] == 0.0
    assert curve["schools"].sum() == schools.shape[0]


def test_size_bands_follow_lee_and_smith():
    bands = nels.size_band(np.array([150, 300, 301, 600, 601, 900, 901, 2100, 2101, 3000]))
    assert list(bands) == [
        "≤300",
        "≤300",
        "301-600",
        "301-600",
        "601-900",
        "601-900",
        "901-1200",
        "1501-2100",
        ">2100",
        ">2100",
    ]


def test_robustness_tells_clear_moves_from_verdict_flips_within_noise():
    from analysis.statistics.validation.robustness import ROBUST, RobustnessResult, shift_in_se

    def row(parameter, direction, estimate, verdict, half=0.1):
        return {
            "parameter": parameter,
            "direction": direction,
            "claim": "9a",
            "estimate": estimate,
            "low": estimate - half,
            "high": estimate + half,
            "threshold": 0.55,
            "predicted": 1,
            "verdict": verdict,
        }

    claims = pd.DataFrame(
        [
            row("(default calibration)", "default", 0.5, "inconclusive"),
            row("a", "+25%", 0.56, "holds"),  # flips, but moves 0.8 SE
            row("b", "-25%", 0.9, "holds"),  # moves 5.5 SE
            row("c", "+25%", 0.2, "inconclusive"),  # moves -4.2 SE, same verdict
        ]
    )
    summary = RobustnessResult(ROBUST, pd.DataFrame(), claims).claim_summary().iloc[0]
    assert summary["verdict changes under"] == ("a +25% (holds; within noise), b -25% (holds)")
    assert summary["clearly moved by"] == "b -25% (+5.5 SE), c +25% (-4.2 SE)"
    shifts = shift_in_se(claims.iloc[1:], claims.iloc[0])
    se = 0.1 / 1.96
    assert np.allclose(shifts, [0.06, 0.4, -0.3] / (np.sqrt(2) * se))
