"""The three learners this book runs on the aorsf benchmark's tasks, by name.

A ridge Cox model, a random survival forest and the tuned discrete-time network
(:mod:`medlib.survival.baseline_models`), each given as seed -> unfitted model, as
:func:`medlib.survival.benchmark.run_benchmark` expects, so that every model of a split
draws from the same seed. The Cox model and the network see standardised predictors.
Chapter: ``progression_benchmarks``.
"""

from __future__ import annotations

from medlib.survival.baseline_models import (
    Standardized,
    TunedNetwork,
    cox_ridge,
    survival_forest,
)
from medlib.survival.benchmark import ModelFactory

COX, FOREST, NETWORK = "Cox, ridge", "random survival forest", "neural, discrete-time (tuned)"
#: The declared ensemble's name (:mod:`medlib.survival.benchmark_ensemble`).
ENSEMBLE = "mean of the three learners"

#: The benchmark's "rsf-standard" forest (Jaeger et al. 2024): ``randomForestSRC::rfsrc``
#: with 500 trees, each grown on a bootstrap sample (with replacement) of every training
#: row, terminal nodes of at least 10 rows and round(sqrt(p)) candidate predictors per
#: split (``randomForestSRC_fit`` in ``R/model_fit.R`` of github.com/bcjaeger/aorsf-bench).
AORSF_RSF_TREES, AORSF_RSF_NODE_SIZE = 500, 10


def benchmark_models(forest_trees: int, network_max_epochs: int, tree_samples: int | None,
                     inner_folds: int, forest_min_leaf: int = 15) -> dict[str, ModelFactory]:
    """Cox, forest (``forest_trees`` trees of ``tree_samples`` people each, all when
    None, leaves of at least ``forest_min_leaf`` people) and network (at most
    ``network_max_epochs`` epochs, its search scored on ``inner_folds`` inner folds), by
    name."""
    return {COX: lambda s: Standardized(cox_ridge(s)),
            FOREST: lambda s: survival_forest(forest_trees, min_leaf=forest_min_leaf, seed=s,
                                              max_samples=tree_samples, n_jobs=2),
            NETWORK: lambda s: Standardized(TunedNetwork(max_epochs=network_max_epochs,
                                                         inner_folds=inner_folds, seed=s))}
