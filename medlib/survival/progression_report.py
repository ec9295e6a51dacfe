"""What the progression chapters show, computed from their results: facts, tables, verdicts.

Each chapter declares its primary comparison before the results (``primary_comparison``
in ``notebooks/params.yml``: a deep model against a baseline); the verdict on it is a
:class:`medlib.claims.verdicts.Claim` on the paired difference in Harrell's C with its
corrected interval, and the words here are chosen from that claim. The chapters are
published for two cohorts from one notebook, so the words cannot be written once into the
Markdown. The other functions turn the cohort, the run's settings, the declared search,
and the first split's test people (risk thirds, 5-year calibration, one person's risk
after each visit, the attention of the last visit) into the short texts the page glues
(:func:`medlib.chapter.glue_facts.glue_facts`) and the tables it shows; the figures are
in :mod:`medlib.survival.progression_figures`. Chapters: ``progression_pbc``,
``progression_nafld``.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
from pandas.io.formats.style import Styler

from medlib.claims.difference_text import signed_interval
from medlib.claims.verdicts import AHEAD, BEHIND, Claim, compare_difference
from medlib.data.cohorts import VisitCohort
from medlib.data.published import PBC_SOURCE, PBC_STATISTIC
from medlib.metrics.repeated_splits import SplitSummary, paired_difference
from medlib.metrics.survival import calibration_at
from medlib.survival.landmark import LandmarkSet
from medlib.survival.progression import FitSettings, FittedPrediction
from medlib.survival.verdict_edge import edge_lead, edge_note, on_the_edge

CORRECTED_T = "corrected_t_95"


def parse_comparison(declared: str) -> tuple[str, str]:
    """``("self-attention, time-aware", "Cox, landmark")`` from the parameter
    ``"self-attention, time-aware|Cox, landmark"``."""
    deep, separator, baseline = declared.partition("|")
    if not separator or not deep or not baseline or "|" in baseline:
        raise ValueError(f"primary_comparison {declared!r} must read 'deep model|baseline'")
    return deep, baseline


def primary_claim(deep: str, baseline: str, mean: float, low: float, high: float,
                  metric: str | None = None) -> Claim:
    """The verdict on the declared comparison: the mean paired difference in Harrell's C
    (deep − baseline) over the splits with its corrected 95% interval."""
    return compare_difference(deep, baseline, mean, low, high, CORRECTED_T, metric=metric)


def paired_verdict(claim: Claim) -> str:
    """What the corrected 95% interval of the paired difference allows one to say."""
    deep, baseline = claim.subject, claim.reference
    if claim.outcome == AHEAD:
        return (f"The interval lies above zero: {deep} ranks these people better than "
                f"{baseline}.")
    if claim.outcome == BEHIND:
        return (f"The interval lies below zero: {baseline} ranks these people better than "
                f"{deep}.")
    return (f"The interval includes zero, so on these splits {deep} and {baseline} cannot be "
            "told apart.")


def conclusion_lead(claim: Claim) -> str:
    """The first sentence of a chapter's conclusion: whether reading the visit sequence
    bought anything measurable over the declared baseline."""
    deep, baseline = claim.subject, claim.reference
    if claim.outcome == AHEAD:
        return (f"Here the sequence of visits buys something measurable: {deep} ranks people "
                f"better than {baseline}, beyond the interval.")
    if claim.outcome == BEHIND:
        return (f"Here the survival baseline wins: {baseline} ranks people better than "
                f"{deep}, beyond the interval.")
    return (f"Here the sequence of visits buys nothing these splits can measure: the declared "
            f"deep model, {deep}, and the declared baseline, {baseline}, cannot be told apart.")


def interval_reach(claim: Claim) -> str:
    """What the interval of the paired difference rules out, in units of Harrell's C.

    A verdict of "cannot be told apart" is not a proof of equality: the sentence says how
    large a difference the splits could still hide, so that a reader can judge whether a
    difference that matters to them has been excluded."""
    low, high = claim.numbers["low"], claim.numbers["high"]
    shown = _c
    if claim.outcome == AHEAD:
        return (f"The gain in Harrell's C lies between {shown(low)} and {shown(high)} "
                "(corrected 95% CI).")
    if claim.outcome == BEHIND:
        return (f"The loss in Harrell's C lies between {shown(-high)} and {shown(-low)} "
                "(corrected 95% CI).")
    return (f"The interval rules out a gain in Harrell's C above {shown(high)} and a loss above "
            f"{shown(-low)}; smaller differences, either way, remain possible.")


def _c(value: float) -> str:
    """A difference in C to three decimals, or four when three would print 0.000 for a
    non-zero end (an interval end of -0.0004 is not zero). A near-copy of
    ``medlib.claims.difference_text.signed_difference`` without the sign: moving it there
    would re-execute every chapter that imports that module."""
    return f"{value:.4f}" if value != 0 and abs(value) < 0.0005 else f"{value:.3f}"


def cohort_facts(cohort: VisitCohort, description: pd.Series, eligible_outcomes: pd.DataFrame,
                 landmark_years: float) -> dict[str, str]:
    """The cohort as the page quotes it: source, covariates, people, visits, who is eligible
    at the landmark and how many of them die after it (``description`` is the cohort
    table the page shows, for the median number of visits up to the landmark)."""
    return {
        "cohort_source": cohort.source, "dynamic_covariates": ", ".join(cohort.dynamic),
        "n_people": f"{cohort.n_people:,}", "n_visits": f"{len(cohort.visits):,}",
        "n_eligible": f"{len(eligible_outcomes):,}",
        "deaths_after": f"{int(eligible_outcomes['event'].sum()):,}",
        "median_visits": f"{description['median visits up to the landmark']:g}",
        "landmark": f"{landmark_years:g}",
        "n_static": str(len(cohort.static)), "n_dynamic": str(len(cohort.dynamic)),
    }


def run_facts(n_splits: int, test_fraction: float, people_per_split: int, epochs: int,
              batch_size: int, rsf_trees: int, max_visits: int, units: int,
              rsf_tree_people: int) -> dict[str, str]:
    """The run's settings as the page quotes them, with the shared training loop's
    learning rate and patience and the seed design's dropout (the defaults of
    :class:`~medlib.survival.progression.FitSettings`, so the text cannot drift from the
    code)."""
    defaults = {field.name: field.default for field in dataclasses.fields(FitSettings)}
    return {
        "n_splits": str(n_splits), "test_pct": f"{test_fraction:.0%}",
        "train_pct": f"{1 - test_fraction:.0%}", "people_per_split": f"{people_per_split:,}",
        "epochs": str(epochs), "batch_size": str(batch_size), "rsf_trees": str(rsf_trees),
        "max_visits": str(max_visits), "units": str(units),
        "rsf_tree_people": f"{rsf_tree_people:,}",
        "learning_rate": f"{defaults['learning_rate']:g}", "patience": str(defaults["patience"]),
        "seed_dropout": f"{defaults['dropout']:g}",
    }


def summary_tables(summary: SplitSummary) -> list[Styler]:
    """The summary over splits as two tables (ranking and calibration scores, then the
    time-dependent AUCs), each cell's interval on a line under its mean and the summary's
    label as the caption."""
    table = summary.formatted()
    auc = [c for c in table.columns if c.startswith("AUC")]
    label, table.columns.name = table.columns.name, None  # the label becomes the caption
    return [table[columns].style.format(lambda cell: cell.replace(" (", "<br>("))
            .set_caption(label).set_table_attributes('class="dataframe"')
            .set_table_styles([{"selector": "td", "props": "white-space: nowrap"}])
            for columns in ([c for c in table.columns if c not in auc], auc)]


def primary_record(claim: Claim, paired: pd.Series, test_fraction: float) -> dict:
    """The declared comparison as the results file keeps it: the pair, the mean paired
    difference in Harrell's C and the splits the deep model won."""
    return {"deep": claim.subject, "baseline": claim.reference,
            "mean_paired_difference_C_Harrell": float(paired.mean()),
            "splits_deep_better": int((paired > 0).sum()), "splits": len(paired),
            "test_share": test_fraction}


def declared_verdict_facts(claim: Claim, splits: int) -> dict[str, str]:
    """The sentences on the declared verdict: what the interval says, the conclusion's
    lead and what the interval rules out. A verdict on the edge of its interval
    (:mod:`medlib.survival.verdict_edge`) is said to be one, in the lead and beside the
    verdict, so that the page's words do not change with a new draw of the splits."""
    edge = on_the_edge(claim, splits)
    verdict = paired_verdict(claim)
    return {"paired_verdict": f"{verdict} {edge_note(claim, splits)}" if edge else verdict,
            "conclusion_lead": edge_lead(claim) if edge else conclusion_lead(claim),
            "paired_reach": interval_reach(claim)}


def comparison_facts(summary: SplitSummary, per_split: pd.DataFrame, claim: Claim,
                     paired: pd.Series, deep: list[str], n_test: int) -> dict[str, str]:
    """Everything the page says about the declared comparison and around it: both models'
    Harrell's C with range, IBS, calibration error and seconds; the paired difference,
    its verdict and the splits each side won; the weakest deep model and how often it
    fell behind the baseline; how many deep models fall below every baseline; the
    fastest and slowest models."""
    primary_deep, primary_base = claim.subject, claim.reference
    c_harrell = summary.mean["C Harrell"]
    worst_deep = c_harrell[deep].idxmin()
    baselines = [m for m in c_harrell.index if m not in deep]
    paired_worst = paired_difference(per_split, "C Harrell", worst_deep, primary_base)
    seconds = per_split.groupby("model", sort=False)["seconds"].mean()
    low, high = claim.numbers["low"], claim.numbers["high"]
    facts = {"primary_deep": primary_deep, "primary_base": primary_base,
             "worst_deep": worst_deep, "c_worst": f"{c_harrell[worst_deep]:.3f}",
             "paired_diff": f"{paired.mean():+.3f}", "paired_ci": signed_interval(low, high),
             **declared_verdict_facts(claim, len(paired)),
             "paired_wins": f"{int((paired > 0).sum())} of {len(paired)}",
             "base_wins": f"{int((paired < 0).sum())} of {len(paired)}",
             "worst_behind": f"{int((paired_worst < 0).sum())} of {len(paired_worst)}",
             "n_deep": str(len(deep)),
             "n_deep_below": str(int((c_harrell[deep] < c_harrell[baselines].min()).sum())),
             "c_base_spread": f"{c_harrell[baselines].max() - c_harrell[baselines].min():.3f}",
             "n_test": f"{n_test:,}",
             "slowest": seconds.idxmax(), "sec_slowest": f"{seconds.max():.2f}",
             "fastest": seconds.idxmin(), "sec_fastest": f"{seconds.min():.2f}",
             "sec_cox": f"{seconds['Cox, landmark']:.2f}",
             "sec_rsf": f"{seconds['random survival forest']:.2f}"}
    for key, model in (("deep", primary_deep), ("base", primary_base)):
        facts[f"c_{key}"] = f"{c_harrell[model]:.3f}"
        facts[f"c_{key}_range"] = (f"{summary.low.loc[model, 'C Harrell']:.3f}–"
                                   f"{summary.high.loc[model, 'C Harrell']:.3f}")
        facts[f"ibs_{key}"] = f"{summary.mean.loc[model, 'IBS']:.3f}"
        facts[f"cal_{key}"] = f"{summary.mean.loc[model, 'calibration error 5y']:.3f}"
        facts[f"sec_{key}"] = f"{seconds[model]:.2f}"
    return facts


def search_table(search_trials: pd.DataFrame) -> pd.DataFrame:
    """Per searched model and setting: the splits in which it was chosen, its mean
    validation loss and its median best epoch."""
    return (search_trials.groupby(["model", "units", "dropout"], sort=False)
            .agg(**{"splits chosen": ("chosen", "sum"),
                    "mean validation loss": ("validation_loss", "mean"),
                    "median best epoch": ("epochs", "median")}))


def styled_search_table(table: pd.DataFrame) -> Styler:
    """:func:`search_table` as the page shows it, with its caption."""
    return (table.style.format({"mean validation loss": "{:.4f}", "median best epoch": "{:g}"})
            .format_index("{:g}", level="dropout").set_caption(
                "Declared search: splits in which each setting was chosen (lowest validation "
                "loss), its mean validation loss and median best epoch"))


def search_outcome(table: pd.DataFrame, n_splits: int) -> str:
    """"GRU chose 32 units with dropout 0.1 in 2 of 2 splits; ...": each searched model's
    chosen settings, most often chosen first."""
    chosen_counts = table["splits chosen"]
    return "; ".join(
        f"{model} chose " + " and ".join(
            f"{units} units with dropout {dropout:g} in {count} of {n_splits} splits"
            for (_, units, dropout), count in counts.sort_values(ascending=False).items()
            if count > 0)
        for model, counts in chosen_counts.groupby(level="model", sort=False))


def search_facts(table: pd.DataFrame | None, n_splits: int, search_units: str,
                 search_dropout: str, search_people: int = 0) -> dict[str, str]:
    """The search grid ("32 or 64"), on whom its settings are compared (every training
    person, or ``search_people`` of them drawn at random when the cohort is too large for
    the budget, the winner then refitted on all) and, when models were searched (``table``
    of :func:`search_table`, None otherwise), what it chose."""
    facts = {} if table is None else {"search_outcome": search_outcome(table, n_splits)}
    facts["search_units"] = " or ".join(search_units.split(","))
    facts["search_dropout"] = " or ".join(search_dropout.split(","))
    facts["search_people"] = f"{search_people:,}" if search_people else "all"
    facts["search_on"] = (
        f"on {search_people:,} of the training people drawn at random (the winning setting "
        "is then trained again on all of them)" if search_people else "on the training people")
    return facts


def cap_facts(search_trials: pd.DataFrame, epochs: int) -> dict[str, str]:
    """How many of the search's runs had their best epoch at the cap of ``epochs``: runs
    still improving when training stopped, whose setting the search compared before it
    had finished learning. Below one in ten, the cap no longer shapes the search."""
    if search_trials.empty:
        return {"search_at_cap": "none of the", "search_cap_reading": ""}
    at_cap = int((search_trials["epochs"] >= epochs).sum())
    share = at_cap / len(search_trials)
    reading = ("fewer than one in ten, so the cap hardly shapes what the search chose"
               if share < 0.1 else
               "one in ten or more, so a higher cap could change what the search chose")
    return {"search_at_cap": f"{at_cap} of {len(search_trials)}",
            "search_cap_reading": reading}


def beside_published_pbc(published: pd.DataFrame, c_harrell: pd.Series, primary_deep: str,
                         primary_base: str, landmark_years: float, n_splits: int,
                         test_fraction: float) -> pd.DataFrame:
    """The aorsf benchmark's published PBC learners beside the declared pair of this page,
    each row naming its statistic and source (they are not like for like)."""
    return pd.DataFrame({
        "model": [*published["model"], f"{primary_deep} (this page)",
                  f"{primary_base} (this page)"],
        "statistic": ["time-dependent C (Blanche), from entry"] * len(published)
                     + [f"Harrell's C, from the {landmark_years:g}-year landmark"] * 2,
        "value": [*published[PBC_STATISTIC], *c_harrell[[primary_deep, primary_base]]],
        "source": [f"aorsf benchmark ({PBC_SOURCE}), pbc_orsf, 25 splits 50/50"] * len(published)
                  + [f"this page, pbcseq, {n_splits} splits "
                     f"{1 - test_fraction:.0%}/{test_fraction:.0%}"] * 2,
    }).set_index("model").round(3)


def risk_thirds(prediction: FittedPrediction) -> np.ndarray:
    """Each test person's third of predicted risk: 0 low, 1 middle, 2 high."""
    return np.asarray(pd.qcut(prediction.risk, 3, labels=False))


def risk_third_facts(test: LandmarkSet, predictions: dict[str, FittedPrediction],
                     primary_deep: str, primary_base: str) -> dict[str, str]:
    """Deaths in the highest and middle thirds of each declared model's predicted risk,
    out of all deaths of the test people (``km_high_deep``: "12 of 30")."""
    facts = {}
    for key, model in (("deep", primary_deep), ("base", primary_base)):
        thirds = risk_thirds(predictions[model])
        for name, third in (("high", 2), ("mid", 1)):
            deaths = int(test.event[thirds == third].sum())
            facts[f"km_{name}_{key}"] = f"{deaths} of {int(test.event.sum())}"
    return facts


def calibration_5y(test: LandmarkSet, predictions: dict[str, FittedPrediction],
                   models: tuple[str, ...]) -> pd.DataFrame | None:
    """Predicted against Kaplan–Meier 5-year survival in fifths of predicted risk, for each
    of ``models``; None when the test people's follow-up does not reach 5 years."""
    if not test.time.max() > 5:
        return None
    return pd.concat([calibration_at(test.time, test.event,
                                     predictions[model].survival_fn(np.array([5.0]))[:, 0], 5.0)
                      .assign(model=model) for model in models])


CALIBRATION_KEYS = ("gap", "pred_range", "obs_range", "above", "hi_pred", "hi_obs")


def calibration_facts(calibration: pd.DataFrame | None, n_test: int, primary_deep: str,
                      primary_base: str) -> dict[str, str]:
    """Per declared model: the mean gap between predicted and observed 5-year survival, the
    ranges of both, the fifths observed above prediction and the highest-risk fifth; "n/a"
    where :func:`calibration_5y` found no 5-year follow-up."""
    facts = {"n_fifth": str(round(n_test / 5))}
    for key, model in (("deep", primary_deep), ("base", primary_base)):
        rows = calibration[calibration["model"] == model] if calibration is not None else None
        if rows is None or rows.empty:
            facts.update({f"{name}_{key}": "n/a" for name in CALIBRATION_KEYS})
            continue
        predicted, observed = rows["predicted"], rows["observed (Kaplan-Meier)"]
        highest = rows.loc[rows["group"].idxmax()]
        facts.update({
            f"gap_{key}": f"{(predicted - observed).abs().mean():.3f}",
            f"pred_range_{key}": f"{predicted.min():.2f}–{predicted.max():.2f}",
            f"obs_range_{key}": f"{observed.min():.2f}–{observed.max():.2f}",
            f"above_{key}": f"{int((observed > predicted).sum())} of {len(rows)}",
            f"hi_pred_{key}": f"{highest['predicted']:.2f}",
            f"hi_obs_{key}": f"{highest['observed (Kaplan-Meier)']:.2f}"})
    return facts


def trajectory_facts(test: LandmarkSet, patient: int, trajectories: dict[str, list],
                     at_landmark: dict[str, float], landmark_years: float) -> dict[str, str]:
    """One test person's predicted 5-year risk after each visit (recurrent models) and at
    the landmark (other models): who, how they fared, the risks after the first and the
    last visit, and the spread of every model's final answer."""
    first_risks = [risks[0] for risks in trajectories.values()]
    last_risks = [risks[-1] for risks in trajectories.values()]
    everyone = last_risks + list(at_landmark.values())
    n_seen = int(test.mask[patient].sum())
    return {
        "traj_patient": str(test.ids[patient]), "traj_visits": str(n_seen),
        "traj_fate": "died" if test.event[patient] else "was censored",
        "traj_time": f"{test.time[patient]:.1f}",
        "traj_start": f"{test.visit_times[patient, 0] + landmark_years:.1f}",
        "traj_first": f"{min(first_risks):.2f}–{max(first_risks):.2f}",
        "traj_last": f"{min(last_risks):.2f}–{max(last_risks):.2f}",
        "traj_attn": f"{at_landmark['self-attention']:.2f}",
        "traj_cox": f"{at_landmark['Cox, landmark']:.2f}",
        "traj_rsf": f"{at_landmark['random survival forest']:.2f}",
        "traj_spread": f"{min(everyone):.2f} to {max(everyone):.2f}",
    }


def longest_records(mask: np.ndarray, n: int = 10) -> np.ndarray:
    """Rows of the ``n`` people with the most visits (ties in row order)."""
    return np.argsort(-mask.sum(axis=1), kind="stable")[:n]


def attention_facts(weights: np.ndarray, test: LandmarkSet) -> dict[str, str]:
    """How the last visit of the people with the longest records spreads its attention:
    how many spread it nearly evenly (heaviest weight under 1.5 times an equal share),
    the heaviest single weight and where, and how many put their heaviest weight on one
    of their three latest visits."""
    lengths = test.mask.sum(axis=1)
    chosen = longest_records(test.mask)
    width = int(lengths[chosen].max())
    real_weights = [weights[i, lengths[i] - 1, : lengths[i]] for i in chosen]
    share_of_equal = np.array([w.max() * len(w) for w in real_weights])  # heaviest / equal
    heaviest = int(np.argmax([w.max() for w in real_weights]))
    heaviest_weights = real_weights[heaviest]
    return {
        "att_even": f"{int((share_of_equal < 1.5).sum())} of {len(chosen)}",
        "att_max": f"{heaviest_weights.max():.2f}",
        "att_max_patient": str(test.ids[chosen[heaviest]]),
        "att_max_visit": str(int(np.argmax(heaviest_weights)) + 1),
        "att_max_n": str(len(heaviest_weights)),
        "att_max_equal": f"{1 / len(heaviest_weights):.2f}",
        "att_width": str(width), "att_equal_full": f"{1 / width:.2f}",
        "att_recent": f"{sum(int(np.argmax(w)) >= len(w) - 3 for w in real_weights)} of "
                      f"{len(chosen)}",
    }
