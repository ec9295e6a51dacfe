"""Train every variant of a recipe with its seeds, and score each run (chapter ``cnn_beyond``).

An ablation compares a full recipe with variants that remove one ingredient each. Read
honestly, it needs the same footing for every row: each run reseeded before its model is
built, trained on the same splits, its validation and test logits taken once, with and
without test-time augmentation, so that the post-hoc ingredients (test-time augmentation,
temperature scaling) can be switched off afterwards without retraining.
:func:`train_variants` does the training; :class:`SeedRuns` scores the runs, always fitting
the temperature on validation logits, never on test ones.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
import torch

from medlib.metrics.seeds import seed_mean_bootstrap
from medlib.train.calibration import fit_temperature
from medlib.train.device import training_device
from medlib.train.torch_loop import (
    FitResult,
    TrainRecipe,
    fit_classifier,
    predict_logits,
    predict_view_logits,
    probabilities,
)

#: The splits a run is scored on; the training split is never scored.
SCORED_SPLITS = ("val", "test")


@dataclass(frozen=True)
class Variant:
    """One row of an ablation: a network (``build`` returns a fresh one), how it is trained,
    the seeds it is trained with, and whether its predictions use the post-hoc ingredients
    (test-time augmentation and temperature scaling; False for a published protocol that
    predicts plainly)."""

    label: str
    build: Callable[[], torch.nn.Module]
    recipe: TrainRecipe
    seeds: Sequence[int]
    post_hoc: bool = True


@dataclass
class TrainedRun:
    """One trained model. ``logits[(split, tta)]`` holds its logits on ``split`` without
    (``tta`` False) and, for a post-hoc variant, with test-time augmentation."""

    variant: str
    seed: int
    model: torch.nn.Module
    fit: FitResult
    logits: dict[tuple[str, bool], np.ndarray]
    post_hoc: bool = True


@dataclass
class SeedRuns:
    """Every trained run, with the validation and test labels they are scored against."""

    runs: list[TrainedRun]
    y: Mapping[str, np.ndarray]

    def of(self, variant: str) -> list[TrainedRun]:
        """The runs of ``variant``, in the order of its seeds."""
        return [r for r in self.runs if r.variant == variant]

    def scores(
        self, run: TrainedRun, tta: bool = True, temperature: bool = True
    ) -> tuple[dict[str, np.ndarray], float]:
        """Probabilities of ``run`` on validation and test, and the temperature used: fitted
        on the validation logits when ``temperature``, else 1."""
        t = fit_temperature(run.logits[("val", tta)], self.y["val"]) if temperature else 1.0
        return {split: probabilities(run.logits[(split, tta)], t) for split in SCORED_SPLITS}, t

    def final(self, run: TrainedRun) -> dict[str, np.ndarray]:
        """The probabilities a run reports: with its variant's post-hoc ingredients or
        without, as the variant says."""
        return self.scores(run, tta=run.post_hoc, temperature=run.post_hoc)[0]

    def final_scores(self, variant: str, split: str = "test") -> list[np.ndarray]:
        """:meth:`final` probabilities on ``split`` of every run of ``variant``."""
        return [self.final(r)[split] for r in self.of(variant)]

    def per_seed(
        self,
        variant: str,
        metric_fn: Callable[[np.ndarray, np.ndarray], dict[str, float]],
        split: str = "test",
    ) -> pd.DataFrame:
        """``metric_fn`` of each run of ``variant`` on ``split``: one row per seed."""
        runs = self.of(variant)
        return pd.DataFrame(
            [metric_fn(self.y[split], self.final(r)[split]) for r in runs],
            index=pd.Index([r.seed for r in runs], name="seed"),
        )

    def summary(
        self,
        variant: str,
        metric_fn: Callable[[np.ndarray, np.ndarray], dict[str, float]],
        n_resamples: int,
        seed: int,
        split: str = "test",
    ) -> pd.DataFrame:
        """The mean over the runs of ``variant`` of each metric on ``split``, with its
        seed-to-seed SD and 95% CI, bootstrap over cases
        (:func:`~medlib.metrics.seeds.seed_mean_bootstrap`: every seed scored on the same
        resample), and the range over seeds in ``seed_min`` and ``seed_max``."""
        table = seed_mean_bootstrap(self.y[split], self.final_scores(variant, split), metric_fn,
                                    n_resamples=n_resamples, seed=seed)
        per_seed = self.per_seed(variant, metric_fn, split)
        table["seed_min"], table["seed_max"] = per_seed.min(), per_seed.max()
        return table

    def training_log(self) -> pd.DataFrame:
        """One row per run: kept epoch, its validation AUROC and the training time."""
        return pd.DataFrame([
            {"variant": r.variant, "seed": r.seed, "kept epoch": r.fit.best_epoch,
             "val AUROC": r.fit.best_val_auroc, "training (s)": r.fit.train_seconds}
            for r in self.runs
        ])

    def predictions(self, columns: Mapping[str, str]) -> pd.DataFrame:
        """The predictions file: one row per validation and test case (``case_id``,
        ``split``, ``true_label``) and, for each variant in ``columns`` (variant -> column
        name) and each of its runs, the :meth:`final` probabilities in
        ``score_<name>_seed<seed>`` (binary: P(class 1)) or ``score_<name>_seed<seed>_class<k>``
        (one column per class)."""
        frames = []
        for split in SCORED_SPLITS:
            n = len(self.y[split])
            scores = {}
            for variant, name in columns.items():
                for run in self.of(variant):
                    p = self.final(run)[split]
                    if p.ndim == 1:
                        scores[f"score_{name}_seed{run.seed}"] = p
                    else:
                        scores.update({f"score_{name}_seed{run.seed}_class{k}": p[:, k]
                                       for k in range(p.shape[1])})
            frames.append(pd.DataFrame({"case_id": np.arange(n), "split": split,
                                        "true_label": self.y[split], **scores}))
        return pd.concat(frames, ignore_index=True)

    def learning_curves(self, seed: int) -> pd.DataFrame:
        """Every variant's per-epoch history for ``seed``, with a ``variant`` column."""
        return pd.concat(
            [r.fit.history.assign(variant=r.variant) for r in self.runs if r.seed == seed]
        )


def train_variants(
    variants: Sequence[Variant],
    x: Mapping[str, torch.Tensor],
    y: Mapping[str, np.ndarray],
    n_classes: int,
    reseed: Callable[[int], None],
    device: torch.device | str | None = None,
) -> SeedRuns:
    """Train every variant with each of its seeds, in order, and take its logits.

    Before each run ``reseed(seed)`` seeds every generator (the book passes
    :func:`medlib.chapter.repro.seed_everything`), then the network is built, made
    channels-last and trained by :func:`~medlib.train.torch_loop.fit_classifier` with the
    same seed, keeping its best-validation epoch. A post-hoc variant's logits are taken for
    every test-time-augmentation view (view 0 plain, the mean augmented), the others' plainly.
    Training runs on ``device`` (default :func:`~medlib.train.device.training_device`: a GPU
    when present); the trained networks come back on the CPU.
    """
    device = training_device() if device is None else device
    runs = []
    for variant in variants:
        for seed in variant.seeds:
            reseed(seed)
            model = variant.build().to(memory_format=torch.channels_last)
            fit = fit_classifier(model, x["train"], y["train"], x["val"], y["val"], n_classes,
                                 variant.recipe, seed=seed, device=device)
            logits = {}
            for split in SCORED_SPLITS:
                if not variant.post_hoc:
                    logits[(split, False)] = predict_logits(model, x[split])
                    continue
                views = predict_view_logits(model, x[split])
                logits[(split, False)], logits[(split, True)] = views[0], views.mean(axis=0)
            runs.append(TrainedRun(variant.label, seed, model, fit, logits, variant.post_hoc))
    return SeedRuns(runs, {split: y[split] for split in SCORED_SPLITS})
