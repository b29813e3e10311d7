"""Calibration check: the default model against published magnitudes.

Runs small experiments with the default parameters and measures each
emergent quantity the model is calibrated to (issue 3, ``docs/ODD.md`` §
Calibration): annual gains, the SES gap, the TSES distribution, the
first-year dip, year-to-year stability, which sources move novices and
veterans, teacher effects, turnover, collective efficacy's worth, network
density and the reach of a new practice. Nothing here feeds back into the
model: it reports, and ``docs/calibration.md`` records what it reported.

Run ``python -m analysis.calibration`` (``--quick`` for fewer replicates).
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass

import numpy as np
import pandas as pd

from simulation import SchoolModel
from simulation.parameters import REFERENCE_COLLECTIVE_EFFICACY, REFERENCE_SELF_EFFICACY

WEEKS = 36
# Internal consistency of the TSES (Tschannen-Moran & Woolfolk Hoy 2001): a
# survey's year-to-year correlation is the true-score correlation times the
# reliability (Spearman's attenuation), so that is what published
# correlations are compared with.
TSES_RELIABILITY = 0.9


@dataclass
class Target:
    """One published magnitude and what the model does."""

    name: str
    published: str
    source: str
    low: float
    high: float
    value: float
    unit: str = ""

    @property
    def within(self) -> bool:
        """Whether the model's value lies in the published range."""
        return bool(self.low <= self.value <= self.high)


def _runs(reps: int, years: int, record_every: int = 0, **kw) -> list[SchoolModel]:
    models = []
    for seed in range(reps):
        model = SchoolModel(rng=seed, record_teachers_every=record_every, **kw)
        model.run(years)
        models.append(model)
    return models


def _year_rows(model: SchoolModel) -> pd.DataFrame:
    df = model.datacollector.get_model_vars_dataframe()
    return df[df["week"] == WEEKS]


def teacher_effect_sd(model: SchoolModel) -> float:
    """SD across teachers of their effect on a typical student (SD/year)."""
    p, t = model.params, model.teachers
    effect = (model.skill + p.efficacy_effort * (t.self_efficacy - REFERENCE_SELF_EFFICACY)
              + p.collective_effort * (t.collective_efficacy - REFERENCE_COLLECTIVE_EFFICACY))
    return float(np.std(effect))


def novice_dip(reps: int, structure: str) -> float:
    """Mean TSES change over the first year of teaching (novices hired at year end)."""
    changes = []
    for model in _runs(reps, 2, record_every=1, structure=structure):
        df = model.teacher_dataframe()
        hired = df[(df["Step"] == WEEKS + 1) & (df["experience"] < 0.05)]
        end = df[df["Step"] == 2 * WEEKS].set_index("AgentID")
        hired = hired[hired["AgentID"].isin(end.index)]
        changes.extend(end.loc[hired["AgentID"], "self_efficacy_tses"].to_numpy()
                       - hired["self_efficacy_tses"].to_numpy())
    return float(np.mean(changes)) if changes else float("nan")


def stability_and_sources(reps: int) -> tuple[float, float, float]:
    """Veterans' year-to-year correlation; social/mastery ratio, novices and veterans."""
    correlations, novice_ratio, veteran_ratio = [], [], []
    for model in _runs(reps, 3, record_every=1):
        df = model.teacher_dataframe()
        y2 = df[df["Step"] == 2 * WEEKS].set_index("AgentID")
        y3 = df[df["Step"] == 3 * WEEKS].set_index("AgentID")
        vets = y2[(y2["experience"] > 5)].index.intersection(y3.index)
        correlations.append(np.corrcoef(y2.loc[vets, "self_efficacy"],
                                        y3.loc[vets, "self_efficacy"])[0, 1])
        year = df[(df["Step"] > WEEKS) & (df["Step"] <= 2 * WEEKS)]
        for group, out in ((year["experience"] < 3, novice_ratio),
                           (year["experience"] > 10, veteran_ratio)):
            g = year[group]
            social = g["source_vicarious"].abs().sum() + g["source_persuasion"].abs().sum()
            out.append(social / max(g["source_mastery"].abs().sum(), 1e-12))
    return float(np.mean(correlations)), float(np.mean(novice_ratio)), float(
        np.mean(veteran_ratio))


def turnover_profile(reps: int) -> dict[str, float]:
    """Turnover overall and in high-poverty schools; who is likelier to leave.

    Who leaves is compared through each teacher's leaving probability at the
    end of year 3: novices against veterans, and the expected TSES of
    leavers (probability-weighted) against that of stayers.
    """
    from simulation.processes.turnover import leave_probability

    rates, poor, novice, veteran, tses_gap = [], [], [], [], []
    for seed in range(reps):
        model = SchoolModel(rng=seed)
        model.run(3)
        rates.extend(_year_rows(model)["turnover_rate"])
        t, p = model.teachers, model.params
        prob = leave_probability(t.self_efficacy, t.collective_efficacy, t.stress,
                                 t.experience, float(model.students.disadvantaged.mean()), p)
        novice.append(prob[t.experience < 3].mean())
        veteran.append(prob[t.experience >= 3].mean())
        leaver = np.average(t.self_efficacy, weights=prob)
        stayer = np.average(t.self_efficacy, weights=1 - prob)
        tses_gap.append(8 * (stayer - leaver))
        high_poverty = SchoolModel(rng=seed, ses_mean=-0.8)
        high_poverty.run(3)
        poor.extend(_year_rows(high_poverty)["turnover_rate"])
    return {"overall": float(np.mean(rates)),
            "poverty_ratio": float(np.mean(poor) / np.mean(rates)),
            "novice_ratio": float(np.nanmean(novice) / np.mean(veteran)),
            "leaver_tses_gap": float(np.mean(tses_gap))}


def collective_efficacy_worth(reps: int) -> float:
    """Across varied schools: SD of mean achievement per SD of collective efficacy.

    Schools differ in structure, size, SES, starting culture and leader
    attention; after four years (every cohort has met the culture), mean
    achievement is regressed on standardised collective efficacy and mean
    SES, as in Goddard, Hoy & Woolfolk Hoy (2000).
    """
    rows = []
    rng = np.random.default_rng(0)
    structures = ["isolated", "departments", "plc", "houses", "networked_plc"]
    for seed in range(reps * 6):
        kw = dict(structure=structures[seed % len(structures)],
                  n_students=int(rng.integers(400, 2400)),
                  ses_mean=float(rng.normal(0, 0.5)),
                  initial_collective_efficacy=float(rng.uniform(0.4, 0.8)),
                  leader_attention=float(rng.uniform(2, 20)))
        model = SchoolModel(rng=seed, **kw)
        model.run(4)
        last = _year_rows(model).iloc[-1]
        rows.append((last["collective_efficacy"], last["achievement"], kw["ses_mean"]))
    df = pd.DataFrame(rows, columns=["ce", "achievement", "ses"])
    # adjust for SES composition, as Goddard et al. (2000) do
    x = np.column_stack([np.ones(len(df)), (df["ce"] - df["ce"].mean()) / df["ce"].std(),
                         df["ses"]])
    beta = np.linalg.lstsq(x, df["achievement"], rcond=None)[0]
    return float(beta[1])


def practice_reach(reps: int) -> dict[str, float]:
    """Practice use after three years: training alone (trainees) and coaching."""
    out = {}
    for label, kw in (("training", dict(support_model="train_the_trainer")),
                      ("coaching", dict(support_model="coaching", coaches=5))):
        shares = []
        for model in _runs(reps, 3, **kw):
            t = model.teachers
            shares.append(t.uses_practice[~t.trainer].mean())
        out[label] = float(np.mean(shares))
    gains = {}
    for label, kw in (("none", {}), ("coaching", dict(support_model="coaching", coaches=5))):
        gains[label] = float(np.mean([_year_rows(m)["annual_gain"].iloc[-1]
                                      for m in _runs(reps, 3, **kw)]))
    out["coaching_gain"] = gains["coaching"] - gains["none"]
    return out


def check(reps: int = 8) -> list[Target]:
    """Measure every calibration target with ``reps`` replicates each."""
    base = _runs(reps, 3)
    rows = pd.concat([_year_rows(m) for m in base])
    first = pd.DataFrame([m.datacollector.get_model_vars_dataframe().iloc[0] for m in base])
    corr, novice_ratio, veteran_ratio = stability_and_sources(max(2, reps // 2))
    turnover = turnover_profile(reps)
    practice = practice_reach(max(2, reps // 2))
    structures = {s: np.mean([m.structure.graph.number_of_edges() * 2 / m.n_teachers
                              for m in _runs(2, 0, structure=s)])
                  for s in ("departments", "plc", "houses", "networked_plc")}
    density = float(np.mean([m.structure.density for m in base]))
    return [
        Target("annual gain", "0.19-0.25 (grades 9-11); 0.2-0.3 asked",
               "Bloom, Hill, Black & Lipsey 2008", 0.19, 0.30,
               float(rows["annual_gain"].mean()), "SD/year"),
        Target("initial SES gap (top vs bottom quartile)", "0.9-1.25", "Reardon 2011",
               0.9, 1.25, float(first["ses_gap"].mean()), "SD"),
        Target("mean TSES", "about 7.1", "Tschannen-Moran & Woolfolk Hoy 2001", 6.8, 7.4,
               float(rows["self_efficacy_tses"].mean()), "TSES"),
        Target("SD of TSES", "about 0.9", "Tschannen-Moran & Woolfolk Hoy 2001", 0.7, 1.1,
               float(rows["self_efficacy_sd"].mean()), "TSES"),
        Target("first-year change, novices in isolated school", "a dip",
               "Woolfolk Hoy & Spero 2005", -1.5, -0.05,
               novice_dip(reps, "isolated"), "TSES"),
        Target("first-year change, novices in PLC school", "a smaller dip with support",
               "Woolfolk Hoy & Spero 2005", -1.0, 0.5, novice_dip(reps, "plc"), "TSES"),
        Target("veterans' year-to-year correlation, as a survey sees it", "0.6-0.8",
               "Tschannen-Moran & Woolfolk Hoy 2007 (stability)", 0.6, 0.8,
               corr * TSES_RELIABILITY),
        Target("veterans' year-to-year correlation, true scores", "(above the survey's)",
               "attenuation by TSES reliability 0.9", 0.6, 0.95, corr),
        Target("social/mastery source ratio, novices", "above veterans'",
               "Tschannen-Moran & Woolfolk Hoy 2007", veteran_ratio, np.inf, novice_ratio),
        Target("social/mastery source ratio, veterans", "below 1 (mastery leads)",
               "Tschannen-Moran & Woolfolk Hoy 2007", 0, 1, veteran_ratio),
        Target("teacher effect SD", "0.11-0.15", "Hanushek & Rivkin 2010", 0.11, 0.15,
               float(np.mean([teacher_effect_sd(m) for m in base])), "SD/year"),
        Target("annual turnover", "about 0.16", "Ingersoll 2001; Goldring et al. 2014",
               0.13, 0.19, turnover["overall"]),
        Target("turnover, high-poverty vs typical", "about 1.5x", "Ingersoll 2001",
               1.2, 1.8, turnover["poverty_ratio"]),
        Target("leaving chance, novices vs veterans", "higher", "Ingersoll 2001",
               1.1, np.inf, turnover["novice_ratio"]),
        Target("TSES of likelier leavers, below stayers by", "positive",
               "Skaalvik & Skaalvik 2016, 2017", 0.0, np.inf, turnover["leaver_tses_gap"],
               "TSES"),
        Target("achievement per SD of collective efficacy (across schools)", "0.1-0.4",
               "Goddard, Hoy & Woolfolk Hoy 2000", 0.1, 0.4,
               collective_efficacy_worth(reps), "SD"),
        Target("network density, 900 students", "0.05-0.30", "Moolenaar et al. 2012",
               0.05, 0.30, density),
        Target("ties per teacher (PLC)", "3-6", "Moolenaar et al. 2012", 3, 6,
               float(structures["plc"])),
        Target("ties per teacher (departments)", "3-6", "Moolenaar et al. 2012", 3, 6,
               float(structures["departments"])),
        Target("practice use after training alone (trainees, year 3)", "about 0.05",
               "Joyce & Showers 2002", 0.0, 0.15, practice["training"]),
        Target("practice use with coaching (year 3)", "0.75-0.95", "Joyce & Showers 2002",
               0.75, 0.95, practice["coaching"]),
        Target("gain from coaching (year 3)", "about 0.18, less at scale",
               "Kraft, Blazar & Hogan 2018", 0.12, 0.24, practice["coaching_gain"], "SD/year"),
    ]


def to_markdown(targets: list[Target], replicates: int | None = None) -> str:
    """A Markdown report of the targets, headed by the command and version."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        release = version("staffroom")
    except PackageNotFoundError:  # running from a source tree
        release = "source tree"
    held = sum(t.within for t in targets)
    lines = ["# Calibration of the default model", "",
             f"Generated by `staffroom calibrate"
             f"{f' --replicates {replicates}' if replicates else ''}` (staffroom {release}). "
             f"{held} of {len(targets)} published magnitudes are met; see docs/ODD.md §7.14.",
             "", "| quantity | published | source | model | within |", "|---|---|---|---|---|"]
    for t in targets:
        lines.append(f"| {t.name} | {t.published} | {t.source} | {t.value:.3g} {t.unit} | "
                     f"{'yes' if t.within else 'no'} |")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> None:
    """Print the calibration table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reps", type=int, default=8)
    args = parser.parse_args(argv)
    print(to_markdown(check(args.reps), args.reps), end="")


if __name__ == "__main__":
    main()
