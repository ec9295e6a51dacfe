"""The training run that chapter ``labelling`` repeats for every label budget, active-learning
round and label-noise setting.

The chapter trains the tanh CNN (:class:`medlib.models.tanh_cnn.TanhCNN`) over a hundred
times, each time on a different subset of the training images and with different (possibly
wrong) labels, and publishes every run's test probabilities as one column of its
predictions file. :class:`LabelRuns` is that run written once: it reseeds, repeats a small
label set to a minimum number of images per epoch (:func:`medlib.trust.labels.repeat_to_minimum`)
so that a small budget is not also an under-trained model, trains for a fixed number of
epochs with the class-balanced recipe and scores the last epoch (no run may choose its epoch
on validation labels a small labelling team would not have), counts the runs and keeps the
probabilities it was asked to publish.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
import pandas as pd
import torch

from medlib.metrics.binary import youden_threshold
from medlib.metrics.multiclass import accuracy, auroc
from medlib.models.tanh_cnn import TanhCNN
from medlib.train.device import training_device
from medlib.train.torch_loop import TrainRecipe, fit_classifier, predict_logits, probabilities
from medlib.trust.labels import repeat_to_minimum


class LabelRuns:
    """Trains and scores the tanh CNN (or the network ``build`` makes) on chosen training
    rows with chosen labels.

    ``x`` and ``y`` hold the official splits (torch inputs and integer labels, as
    :func:`medlib.data.splits.load_image_splits` gives them). ``reseed(seed)`` is called
    before every run; the chapter passes :func:`medlib.chapter.repro.seed_everything` (the
    default, :func:`torch.manual_seed`, fixes the initial weights only).
    """

    def __init__(
        self,
        x: dict[str, torch.Tensor],
        y: dict[str, np.ndarray],
        epochs: int,
        min_images_per_epoch: int,
        reseed: Callable[[int], object] = torch.manual_seed,
        build: Callable[[int], torch.nn.Module] | None = None,
        device: torch.device | str | None = None,
    ) -> None:
        self.x, self.y = x, y
        self.epochs, self.min_images_per_epoch = epochs, min_images_per_epoch
        self.reseed = reseed
        #: the network, from the number of input channels; the tanh CNN unless given (chapter
        #: ``pretraining`` trains the improved CNN the same way)
        self.build = build or (lambda channels: TanhCNN(channels, 1))
        #: where the runs train (a GPU when present, unless given); networks come back on the CPU
        self.device = training_device() if device is None else device
        self.n_runs = 0
        #: published probabilities: column name -> split -> one probability per image
        self.columns: dict[str, dict[str, np.ndarray]] = {}

    def train(
        self,
        rows: np.ndarray,
        labels: np.ndarray,
        seed: int,
        gce_q: float = 0.0,
        start: Callable[[torch.nn.Module], torch.nn.Module] | None = None,
    ) -> torch.nn.Module:
        """The network trained on training images ``rows`` with ``labels`` (one per row,
        possibly noisy), with the generalised cross-entropy of exponent ``gce_q`` (0:
        cross-entropy); the last epoch is kept. ``start``, if given, sets the freshly built
        network's starting weights (fine-tuning from a pretrained encoder)."""
        rows, labels = np.asarray(rows), np.asarray(labels)
        if len(rows) != len(labels):
            raise ValueError(f"{len(labels)} labels for {len(rows)} training rows")
        self.n_runs += 1
        self.reseed(seed)
        repeated = repeat_to_minimum(np.arange(len(rows)), self.min_images_per_epoch, seed)
        x_train = self.x["train"]
        model = self.build(x_train.shape[1])
        if start is not None:
            model = start(model)
        model = model.to(memory_format=torch.channels_last)
        recipe = TrainRecipe(self.epochs, class_weighting=True, gce_q=gce_q)
        fit_classifier(model, x_train[rows[repeated]], labels[repeated], self.x["val"],
                       self.y["val"], 2, recipe, seed, keep_best=False, device=self.device)
        return model

    def probabilities(self, model: torch.nn.Module, split: str) -> np.ndarray:
        """P(class 1) of every image of ``split``, not published."""
        return probabilities(predict_logits(model, self.x[split]))

    def train_probabilities(self, model: torch.nn.Module, rows: np.ndarray) -> np.ndarray:
        """P(class 1) of training images ``rows`` (the unlabelled pool of active learning)."""
        return probabilities(predict_logits(model, self.x["train"][rows]))

    def score(self, model: torch.nn.Module, column: str, split: str = "test") -> np.ndarray:
        """P(class 1) of every image of ``split``, published as ``column`` of the
        predictions file."""
        scores = self.probabilities(model, split)
        self.columns.setdefault(column, {})[split] = scores
        return scores

    def threshold_report(self, model: torch.nn.Module, column: str) -> dict[str, float | str]:
        """Score ``model`` on the test and validation splits (both published as ``column``)
        and report what re-fitting the decision threshold buys: test AUROC, test accuracy at
        0.5, the threshold chosen on the validation labels (Youden's J; the label-noise
        section's small clean set) and the test accuracy at it."""
        p = self.score(model, column)
        threshold = youden_threshold(self.y["val"], self.score(model, column, "val"))
        y_test = self.y["test"]
        return {"test AUROC": auroc(y_test, p), "accuracy at 0.5": accuracy(y_test, p),
                "threshold (validation, Youden)": threshold,
                "accuracy, threshold re-fitted": accuracy(y_test, p, threshold),
                "predictions_column": column}

    def predictions(self, splits: Sequence[str] = ("test", "val")) -> pd.DataFrame:
        """The predictions file: one row per image of ``splits`` (``case_id``, ``split``,
        ``true_label``) and one column per published run, filled for the splits it scored."""
        return pd.concat([
            pd.DataFrame({"case_id": np.arange(len(self.y[split])), "split": split,
                          "true_label": self.y[split],
                          **{column: by_split[split] for column, by_split in self.columns.items()
                             if split in by_split}})
            for split in splits
        ], ignore_index=True)
