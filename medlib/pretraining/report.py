"""The verdicts of chapter ``pretraining``, and the sentences built from them.

Every comparison of the chapter is a :class:`medlib.claims.verdicts.Claim` recorded in its
results file: the fine-tuned encoder and the linear probe against the network trained from
scratch on the same labels, the labels themselves (the most against the fewest), and the
chosen ensemble against the improved CNN alone, each from the paired difference of means
over seeds on the same test images (:func:`medlib.train.beyond_report.paired_claim`); the
ensemble against the chapter's declared target and against published results, from its
95% CI (:func:`medlib.train.beyond_report.target_claim`,
:func:`~medlib.train.beyond_report.published_claims`). Each seed pretrains its own encoder
and fine-tunes and probes that one (:mod:`medlib.pretraining.seed_pairs`), so the intervals
over seeds cover the pretraining's own variation as well as the fine-tuning's.

The chapter's notebook makes the claims with :func:`label_claims` and :func:`ensemble_claims`
and glues what :func:`setup_facts`, :func:`label_facts` and :func:`ensemble_facts` return
(``{glue key: text}``) with :func:`medlib.chapter.glue_facts.glue_facts`: every number and
sentence of its prose is built, and tested, here.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from medlib.claims.verdicts import AHEAD, BEHIND, TIED, Claim, verb
from medlib.metrics.multiclass import batched_accuracy
from medlib.train.beyond_report import (
    difference_text,
    listing,
    published_claims,
    published_side_text,
    target_claim,
    target_text,
    targets_met,
)

if TYPE_CHECKING:
    from medlib.pretraining.contrastive import PretrainResult

_BOUGHT = {AHEAD: "a gain", BEHIND: "a loss",
           TIED: "nothing that could be told apart from training from scratch"}
_BARE = {AHEAD: "is ahead", BEHIND: "is behind", TIED: "cannot be told apart"}
_CHANGE = {AHEAD: "gained", BEHIND: "lost", TIED: "changed nothing that could be told apart"}


def _by_outcome(phrases: Mapping[str, str], every: str) -> str:
    """Shares grouped by their phrase: "<phrase> with 1% and 10% of the labels, and
    <phrase> with 100%", or "<phrase> <every>" when all shares agree."""
    groups: dict[str, list[str]] = {}
    for share, phrase in phrases.items():
        groups.setdefault(phrase, []).append(share)
    if len(groups) == 1 and len(phrases) > 1:
        return f"{next(iter(groups))} {every}"
    return listing([f"{phrase} with {listing(shares)} of the labels"
                    for phrase, shares in groups.items()])


def pretraining_runs_text(pretraining_runs: int = 1) -> str:
    """What the seeds of the supervised runs vary: the pretraining too, or not."""
    if pretraining_runs == 1:
        return ("every seed fine-tunes the same, single pretraining run (one pretraining "
                "seed), so no interval covers how another pretraining run would do")
    return (f"each seed fine-tunes its own pretraining run ({pretraining_runs} runs), so the "
            "range over seeds covers another pretraining run too; the interval, over test "
            "cases, does not")


def transfer_verdict(claims: Mapping[str, Claim], detail: bool = False,
                     pretraining_runs: int = 1) -> str:
    """What pretraining bought, from the fine-tuned against from-scratch claims by share of
    the labels ("1%" -> claim): "a gain with 10% of the labels, and nothing that could be
    told apart from training from scratch with 1% and 100%". With ``detail``, each paired
    difference and its interval follow, and what the seeds do not cover."""
    if not claims:
        raise ValueError("no shares to state")
    every = "any" if all(c.outcome == TIED for c in claims.values()) else "every"
    text = _by_outcome({share: _BOUGHT[c.outcome] for share, c in claims.items()},
                       f"at {every} share of the labels")
    if not detail:
        return text
    differences = "; ".join(f"{share}: {difference_text(c)}" for share, c in claims.items())
    return (f"{text} (fine-tuned minus from scratch, mean over seeds, bootstrap over test "
            f"cases: {differences}; {pretraining_runs_text(pretraining_runs)})")


def probe_verdict(vs_scratch: Mapping[str, Claim], vs_finetuned: Mapping[str, Claim]) -> str:
    """The linear probe against both trained networks, share by share: "is behind both at
    every share", or per share "is behind the network from scratch and cannot be told apart
    from the fine-tuned one with 100% of the labels"."""
    if not vs_scratch or set(vs_scratch) != set(vs_finetuned):
        raise ValueError("give both comparisons for the same shares")
    phrases = {}
    for share, scratch in vs_scratch.items():
        tuned = vs_finetuned[share]
        phrases[share] = (f"{verb(scratch.outcome)} both" if scratch.outcome == tuned.outcome
                          else f"{verb(scratch.outcome)} the network from scratch and "
                               f"{verb(tuned.outcome)} the fine-tuned one")
    return _by_outcome(phrases, "at every share")


def probe_reading(vs_scratch: Mapping[str, Claim], vs_finetuned: Mapping[str, Claim]) -> str:
    """What the probe's claims say of the contrastive features."""
    claims = [*vs_scratch.values(), *vs_finetuned.values()]
    if claims and all(c.outcome == BEHIND for c in claims):
        return ("the contrastive features separate the classes, but less well than features "
                "learnt from the labels")
    return ("the contrastive features separate the classes, and not everywhere less well "
            "than features learnt from the labels")


def labels_text(claim: Claim) -> str:
    """The most labels against the fewest, for the network from scratch."""
    return f"{difference_text(claim)}: the larger label set {claim.verb} the smaller"


def ensemble_text(auroc: Claim, accuracy: Claim) -> str:
    """The chosen ensemble against the improved CNN alone: "is ahead in AUROC (…) and
    cannot be told apart in accuracy (…)"."""
    return (f"{_BARE[auroc.outcome]} in AUROC (paired difference {difference_text(auroc)}) "
            f"and {_BARE[accuracy.outcome]} in accuracy ({difference_text(accuracy)})")


def ensemble_reading(auroc: Claim, accuracy: Claim) -> str:
    """The conclusion's sentence on averaging networks, from the ensemble's claims against
    the improved CNN alone."""
    return (f"Against the improved CNN alone, averaging several networks "
            f"{_CHANGE[auroc.outcome]} in AUROC and {_CHANGE[accuracy.outcome]} in accuracy, "
            "at the cost of their training")


def target_lead(claims: Sequence[Claim]) -> str:
    """The first words of the paragraph on the target, from the target claims."""
    if not claims:
        raise ValueError("no target claims")
    if any(c.outcome == BEHIND for c in claims):
        return "Why the target is missed, as far as this book can measure it."
    if all(c.outcome == AHEAD for c in claims):
        return "What still limits the ensemble, as far as this book can measure it."
    return "Why the target is not shown to be met, as far as this book can measure it."


# --- The page's facts: what each section of the chapter glues, built from its results. ---

#: The published rows the ensemble is set against, by the prose's two groups: the strongest
#: published models, and the ImageNet-pretrained networks at this chapter's 28 pixels.
PUBLISHED_GROUPS = {
    "top": ("Google AutoML Vision", "DINO ViT-B/16, linear probe (224 px)"),
    "low": ("VGG16, ImageNet-pretrained (28 px)", "AlexNet, ImageNet-pretrained (28 px)"),
}
#: The candidate of chapter ``cnn_beyond`` that the chosen ensemble is compared with.
IMPROVED_CANDIDATE = "improved CNN (cnn_beyond)"
#: The arms of the label experiment, as the comparisons name them.
ARMS = ("fine-tuned", "from scratch", "linear probe")


def runs_from(frame: pd.DataFrame, prefix: str) -> list[dict[str, np.ndarray]]:
    """One ``{"val": scores, "test": scores}`` per column of a chapter's published
    predictions whose name starts with ``prefix`` (one column per seed, in column-name
    order), each split's rows ordered by case: how this chapter reuses the runs that other
    chapters trained as candidates of its ensemble."""
    columns = sorted(c for c in frame if c.startswith(prefix))
    by_split = {s: frame[frame["split"] == s].sort_values("case_id") for s in ("val", "test")}
    return [{s: by_split[s][c].to_numpy() for s in by_split} for c in columns]


@dataclass(frozen=True)
class LabelClaims:
    """The paired claims of the section on few labels, by share of the labels ("1%")."""

    tuned: dict[str, Claim]  # fine-tuned against from scratch
    probe_vs_scratch: dict[str, Claim]
    probe_vs_tuned: dict[str, Claim]
    labels: Claim  # from scratch: the most labels against the fewest


def label_claims(paired: Callable[..., Claim],
                 scores_at: Mapping[tuple[str, float], Sequence[np.ndarray]],
                 shares: Sequence[float]) -> LabelClaims:
    """Every comparison of the few-labels section, made and recorded with ``paired`` (a
    :class:`medlib.train.paired_claims.PairedClaims`) in the order the results file lists
    them: at each share, fine-tuned − from scratch, probe − from scratch and probe −
    fine-tuned; then from scratch with the most labels − with the fewest. ``scores_at``
    maps (arm, share) to the test scores of each seed."""
    tuned, probe_vs_scratch, probe_vs_tuned = {}, {}, {}
    for share in shares:
        name = f"{share:.0%}"
        at = {arm: scores_at[(arm, share)] for arm in ARMS}
        for subject, reference, into in (("fine-tuned", "from scratch", tuned),
                                         ("linear probe", "from scratch", probe_vs_scratch),
                                         ("linear probe", "fine-tuned", probe_vs_tuned)):
            into[name] = paired(f"{subject}, {name} of labels", f"{reference}, {name} of labels",
                                at[subject], at[reference],
                                ("AUROC difference", f"{subject} − {reference}",
                                 f"{name} of labels"))
    small, full = shares[0], shares[-1]
    labels = paired(f"from scratch, {full:.0%} of labels", f"from scratch, {small:.0%} of labels",
                    scores_at[("from scratch", full)], scores_at[("from scratch", small)],
                    ("AUROC difference", "from scratch", f"{full:.0%} − {small:.0%} of labels"))
    return LabelClaims(tuned, probe_vs_scratch, probe_vs_tuned, labels)


@dataclass(frozen=True)
class EnsembleClaims:
    """The chosen ensemble's claims: against the improved CNN alone (paired), against the
    declared targets and against the published rows of :data:`PUBLISHED_GROUPS` (each group:
    its claims and the short names the prose uses)."""

    auroc: Claim
    accuracy: Claim
    targets: list[Claim]
    published: dict[str, tuple[list[Claim], list[str]]]

    def fixed_claims(self) -> list[Claim]:
        """The claims against fixed numbers (targets, then published rows), which the
        results file lists after the paired ones."""
        return self.targets + [c for group_claims, _ in self.published.values()
                               for c in group_claims]


def ensemble_claims(paired: Callable[..., Claim], ensembles: Sequence[Mapping[str, np.ndarray]],
                    improved: Sequence[Mapping[str, np.ndarray]], best: pd.DataFrame,
                    targets: Mapping[str, float], anchors: pd.DataFrame) -> EnsembleClaims:
    """The chosen ensemble (one ``{"val", "test"}`` scores per ensemble) against the improved
    CNN's runs (paired, AUROC then accuracy, recorded with ``paired``), against ``targets``
    (metric -> declared value) and against the published rows of ``anchors``
    (:func:`medlib.data.published.anchor_rows`), from ``best`` (the ensemble's
    :func:`medlib.metrics.seeds.seed_mean_bootstrap` table)."""
    ensemble_runs, improved_runs = [e["test"] for e in ensembles], [r["test"] for r in improved]
    reference = f"{IMPROVED_CANDIDATE}: test"
    auroc = paired("chosen ensemble: test AUROC", f"{reference} AUROC", ensemble_runs,
                   improved_runs, ("AUROC difference", f"chosen ensemble − {IMPROVED_CANDIDATE}"))
    accuracy = paired("chosen ensemble: test accuracy", f"{reference} accuracy", ensemble_runs,
                      improved_runs, ("accuracy difference",
                                      f"chosen ensemble − {IMPROVED_CANDIDATE}"),
                      batched_metric=batched_accuracy)
    target_claims = [target_claim("chosen ensemble", metric,
                                  *best.loc[metric, ["value", "ci_low", "ci_high"]], target,
                                  metric=f"best test {metric}")
                     for metric, target in targets.items()]
    numbers = anchors.set_index("model")["test AUROC"].dropna()
    published = {}
    for group, rows in PUBLISHED_GROUPS.items():
        rows = [row for row in rows if row in numbers.index]
        published[group] = (published_claims(
            "chosen ensemble", *best.loc["AUROC", ["value", "ci_low", "ci_high"]],
            {row: numbers[row] for row in rows}, metric="best test AUROC"),
            [row.split(",")[0] for row in rows])
    return EnsembleClaims(auroc, accuracy, target_claims, published)


def target_record(claims: EnsembleClaims, best: pd.DataFrame,
                  targets: Mapping[str, float]) -> dict[str, object]:
    """The results file's ``extras["target"]``: the declared targets, whether both are met,
    and by how much the ensemble's mean falls short of each (0 when it does not)."""
    auroc_gap = targets["AUROC"] - best.loc["AUROC", "value"]
    accuracy_gap = targets["accuracy"] - best.loc["accuracy", "value"]
    return {"auroc_at_least": targets["AUROC"], "accuracy_at_least": targets["accuracy"],
            "met": targets_met(claims.targets),
            "auroc_short_by": float(max(auroc_gap, 0)),
            "accuracy_short_by": float(max(accuracy_gap, 0))}


def _texts(facts: Mapping[str, object]) -> dict[str, str]:
    """Every fact as the text the page shows."""
    return {key: str(value) for key, value in facts.items()}


def setup_facts(params: Mapping[str, object], encoder_weights: int, shares: Sequence[float],
                pretrained: Sequence[PretrainResult]) -> dict[str, str]:
    """The chapter's settings and the pretraining runs (one per seed), as the opening and
    the first section state them: the loss of the first and the last epoch and the
    seconds, each a mean over the runs. ``params`` holds the chapter's parameters by name."""
    if not pretrained:
        raise ValueError("no pretraining run to describe")
    batch = params["pretrain_batch"]
    first = np.mean([run.history["loss"].iloc[0] for run in pretrained])
    last = np.mean([run.history["loss"].iloc[-1] for run in pretrained])
    facts = {key: params[key] for key in ("n_seeds", "first_seed", "encoder_width",
                                          "pretrain_batch", "temperature", "epochs",
                                          "pretrain_epochs", "size")}
    facts.update({
        "encoder_weights": f"{encoder_weights:,}",
        "transfer_shares_text": ", ".join(f"{s:.0%}" for s in shares),
        "min_images": f"{params['min_images_per_epoch']:,}",
        "n_unlabelled": f"{pretrained[0].images:,}",
        "n_pretraining_runs": str(len(pretrained)),
        "loss_first": f"{first:.2f}", "loss_last": f"{last:.2f}",
        "loss_chance": f"{np.log(2 * batch - 1):.2f}",
        "pretrain_seconds": f"{np.mean([run.seconds for run in pretrained]):.0f}",
        "target_auroc": f"{params['target_auroc']:.3f}",
        "target_accuracy": f"{params['target_accuracy']:.3f}",
    })
    return _texts(facts)


def label_reading(law: pd.Series) -> str:
    """What the saturating law fitted to the from-scratch errors says of more labels: a
    floor below 0.005 is no floor within the labels measured."""
    if law["floor c"] < 0.005:
        return "within these labels the curve shows no floor yet, so more labels keep paying."
    return f"the law stops near {law['law stops near']:,.0f} labels."


def label_facts(arm_table: pd.DataFrame, per_run: pd.DataFrame, shares: Sequence[float],
                claims: LabelClaims, law: pd.DataFrame,
                pretraining_runs: int = 1) -> dict[str, str]:
    """The few-labels section: each arm at the fewest, middle and most labels, the paired
    differences over seeds (each seed its own pretraining run when ``pretraining_runs`` is
    the number of seeds), the verdicts, and the label power law (first row of ``law``)."""
    by = arm_table.set_index(["arm", "share"])
    runs_by = per_run.pivot_table(index=["share", "seed"], columns="arm", values="test AUROC")
    small, mid, full = shares[0], shares[len(shares) // 2], shares[-1]
    facts: dict[str, object] = {}
    for key, share in (("small", small), ("mid", mid), ("full", full)):
        d = runs_by.loc[share, "fine-tuned"] - runs_by.loc[share, "from scratch"]
        facts.update({f"labels_{key}": f"{int(by.loc[('from scratch', share), 'labels']):,}",
                      f"ft_{key}": f"{by.loc[('fine-tuned', share), 'test AUROC']:.3f}",
                      f"scratch_{key}": f"{by.loc[('from scratch', share), 'test AUROC']:.3f}",
                      f"probe_{key}": f"{by.loc[('linear probe', share), 'test AUROC']:.3f}",
                      f"diff_{key}": f"{d.mean():+.3f}",
                      f"diff_{key}_range": f"{d.min():+.3f} to {d.max():+.3f}",
                      f"error_{key}": f"{by.loc[('from scratch', share), 'error']:.3f}"})
    row = law.iloc[0]
    gain = (by.loc[("from scratch", full), "test AUROC"]
            - by.loc[("from scratch", small), "test AUROC"])
    facts.update({
        "verdict": transfer_verdict(claims.tuned),
        "verdict_detail": transfer_verdict(claims.tuned, detail=True,
                                           pretraining_runs=pretraining_runs),
        "probe_verdict": probe_verdict(claims.probe_vs_scratch, claims.probe_vs_tuned),
        "probe_reading": probe_reading(claims.probe_vs_scratch, claims.probe_vs_tuned),
        "label_verdict": labels_text(claims.labels),
        "label_b": f"{row['exponent b']:.2f}", "label_floor": f"{row['floor c']:.3f}",
        "label_r2": f"{row['R² (log error)']:.2f}", "label_reading": label_reading(row),
        "labels_for_half": f"{2 ** (1 / row['exponent b']):,.0f}",
        "label_gain": f"{gain:+.3f}",
    })
    return _texts(facts)


def best_on_test_text(every_subset: pd.DataFrame, chosen: str, best_auroc: float) -> str:
    """Whether validation passed over a subset that scores better on test, and by how much."""
    top = every_subset.sort_values("test AUROC", ascending=False).iloc[0]
    if top["members"] == chosen:
        return ("Its choice is also the best of all subsets on test, so validation did not "
                "pass over a better one.")
    return (f"The best subset on test ({top['members']}) scores {top['test AUROC']:.3f}, "
            f"{top['test AUROC'] - best_auroc:+.3f} against the chosen one.")


def published_verdicts(claims: EnsembleClaims) -> dict[str, str]:
    """``published_top_verdict`` and ``published_low_verdict``: each group of published rows
    against the ensemble's 95% CI, or that the data set has none."""
    return {f"published_{group}_verdict":
            published_side_text(group_claims, names, "the ensemble's") if group_claims
            else "are not published for this data set"
            for group, (group_claims, names) in claims.published.items()}


def ensemble_facts(choice: pd.DataFrame, every_subset: pd.DataFrame, best: pd.DataFrame,
                   n_runs: int, claims: EnsembleClaims, beyond: Mapping[str, Mapping],
                   ladder_cost: Sequence[Mapping[str, object]]) -> dict[str, str]:
    """The section on the best diagnosis: the ensemble validation chose (``choice``, best
    first), its test numbers (``best``), the verdicts against the improved CNN (whose
    published metrics are ``beyond``), the targets and published rows, and the projected
    cost of a CNN at 224 pixels (``ladder_cost``: the records of chapter ``large_models``'s
    ``extras["cost"]``)."""
    chosen = choice.loc[0, "members"]
    with_cnn = choice[~choice["members"].str.fullmatch(r"ViT[^+]*")]
    value = best["value"]
    cost = pd.DataFrame(ladder_cost)
    cnn_cost = cost[cost["family"] == "CNN"]
    facts = {
        "n_subsets": len(choice), "n_runs": n_runs, "chosen": chosen,
        "chosen_val": f"{choice.loc[0, 'val AUROC']:.4f}",
        "best_auroc": f"{value['AUROC']:.3f}",
        "best_auroc_ci": f"{best.loc['AUROC', 'ci_low']:.3f}–{best.loc['AUROC', 'ci_high']:.3f}",
        "best_acc": f"{value['accuracy']:.3f}",
        "best_acc_ci": (f"{best.loc['accuracy', 'ci_low']:.3f}–"
                        f"{best.loc['accuracy', 'ci_high']:.3f}"),
        "beyond_auroc": f"{beyond['test_AUROC']['value']:.3f}",
        "beyond_acc": f"{beyond['test_accuracy']['value']:.3f}",
        "beyond_gain": f"{value['AUROC'] - beyond['test_AUROC']['value']:+.3f}",
        "beyond_gain_acc": f"{value['accuracy'] - beyond['test_accuracy']['value']:+.3f}",
        "beyond_verdict": ensemble_text(claims.auroc, claims.accuracy),
        "ensemble_reading": ensemble_reading(claims.auroc, claims.accuracy),
        "target_auroc_verdict": target_text(claims.targets[0]),
        "target_accuracy_verdict": target_text(claims.targets[1]),
        "target_lead": target_lead(claims.targets),
        **published_verdicts(claims),
        "best_on_test": best_on_test_text(every_subset, chosen, value["AUROC"]),
        "val_low": f"{with_cnn['val AUROC'].min():.3f}",
        "val_high": f"{with_cnn['val AUROC'].max():.3f}",
        "val_test_gap": f"{choice.loc[0, 'val AUROC'] - value['AUROC']:.3f}",
        "cnn_224_hours": f"{cnn_cost['projected hours, 100 epochs at 224 px'].max():.0f}",
    }
    return _texts(facts)
