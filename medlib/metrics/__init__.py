"""Metrics of the book, with their confidence intervals.

- :mod:`.binary`: diagnostic (binary) models: AUROC, AUPRC, operating-point metrics,
  Brier, calibration, stratified bootstrap intervals. Chapters ``cnn_diagnosis``,
  ``optimizers``.
- :mod:`.multiclass`: AUROC, accuracy, ECE and Brier for binary *and* multi-class image
  tasks, as MedMNIST reports them. Chapter ``cnn_beyond``.
- :mod:`.seeds`, :mod:`.seed_summary`: bootstrap intervals for a result averaged over
  training seeds, and the tables that label each spread. Chapters ``cnn_beyond``,
  ``cnn_diagnosis``, ``labelling``.
- :mod:`.split_gap`: the validation-to-test gap per class and the errors of the
  seed-averaged model. Chapter ``cnn_beyond``.
- :mod:`.repeated_splits`: means and 2.5th-97.5th percentiles over repeated splits, and
  the corrected resampled t interval of a mean over random splits. Chapters
  ``progression_pbc``, ``progression_nafld``, ``progression_benchmarks``.
- :mod:`.benchmark_scores`: the aorsf benchmark's time-dependent C and index of prediction
  accuracy at its evaluation times. Chapter ``progression_benchmarks``.
- :mod:`.survival`: progression (time-to-event) models: Harrell's and Uno's C-index,
  time-dependent AUC, integrated Brier score, calibration at a horizon. Chapter
  ``progression``.
"""

from medlib.metrics.binary import (
    METRIC_NAMES,
    binary_metrics,
    bootstrap_ci,
    calibration_intercept_slope,
    stratified_bootstrap_indices,
    youden_threshold,
)

__all__ = [
    "METRIC_NAMES",
    "binary_metrics",
    "bootstrap_ci",
    "calibration_intercept_slope",
    "stratified_bootstrap_indices",
    "youden_threshold",
]
