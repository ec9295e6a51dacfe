"""The convex test bed of the optimizers chapter: L2-regularised logistic regression.

``f(w) = mean_i [log(1 + exp(x_i.w)) - y_i x_i.w] + lam/2 ||w||^2`` is smooth and strongly
convex, so its minimiser is unique, Newton's method finds it to machine precision, and
gradient descent's linear rate can be predicted from two numbers of the data: the strong
convexity ``mu = lam`` and the smoothness ``L = lambda_max(X'X)/(4n) + lam`` (the logistic
curvature is at most 1/4). Chapter: ``optimizers``, which measures gradient descent
against that rate (:func:`gradient_descent_rate`), scores every rule over a grid of learning
rates (:func:`learning_rate_grid`) and reruns each at its best one
(:func:`runs_at_learning_rates`).
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.special import expit
from sklearn.datasets import load_breast_cancer
from sklearn.linear_model import LogisticRegression
from sklearn.preprocessing import StandardScaler

from medlib.optim.rules import SGD, UpdateRule


@dataclass(frozen=True)
class LogisticProblem:
    """Design matrix ``X`` (an intercept column included by the caller), labels ``y`` in
    {0, 1} and the L2 strength ``lam`` (applied to every coefficient)."""

    X: np.ndarray
    y: np.ndarray
    lam: float

    @property
    def n(self) -> int:
        return self.X.shape[0]

    def loss(self, w: np.ndarray) -> float:
        z = self.X @ w
        return float(np.mean(np.logaddexp(0.0, z) - self.y * z) + 0.5 * self.lam * w @ w)

    def gradient(self, w: np.ndarray, rows: np.ndarray | None = None) -> np.ndarray:
        """Full gradient, or the mini-batch gradient over ``rows`` (an unbiased estimate)."""
        X, y = (self.X, self.y) if rows is None else (self.X[rows], self.y[rows])
        return X.T @ (expit(X @ w) - y) / len(y) + self.lam * w

    def hessian(self, w: np.ndarray) -> np.ndarray:
        s = expit(self.X @ w)
        return (self.X.T * (s * (1 - s))) @ self.X / self.n + self.lam * np.eye(self.X.shape[1])

    def minimiser(self, tol: float = 1e-13, max_iter: int = 100) -> np.ndarray:
        """Newton's method from zero until the gradient norm is below ``tol``."""
        w = np.zeros(self.X.shape[1])
        for _ in range(max_iter):
            g = self.gradient(w)
            if np.linalg.norm(g) < tol:
                return w
            w = w - np.linalg.solve(self.hessian(w), g)
        raise RuntimeError(f"Newton's method did not reach gradient norm {tol}")

    def sklearn_minimiser(self) -> np.ndarray:
        """The minimiser as scikit-learn finds it, an independent check of :meth:`minimiser`:
        scikit-learn minimises ``C * sum(loss) + ||w||^2 / 2``, which is ``n * C`` times
        this objective when ``C = 1 / (lam * n)``, so both have the same minimiser. (The
        intercept is a column of ``X`` and penalised like the rest, as here.)"""
        fit = LogisticRegression(C=1 / (self.lam * self.n), fit_intercept=False, tol=1e-12,
                                 max_iter=10_000).fit(self.X, self.y)
        return fit.coef_.ravel()

    def strong_convexity_and_smoothness(self) -> tuple[float, float]:
        """Global constants ``(mu, L)``: every Hessian's eigenvalues lie in ``[mu, L]``."""
        top = np.linalg.eigvalsh(self.X.T @ self.X / self.n)[-1]
        return self.lam, top / 4 + self.lam


def breast_cancer_problem(lam: float) -> LogisticProblem:
    """The chapter's problem: the Wisconsin diagnostic breast cancer table (569 cases, 30
    features, scikit-learn's copy), features standardised, an intercept column appended,
    malignant = 0 and benign = 1 as scikit-learn codes them, L2 strength ``lam``."""
    features, labels = load_breast_cancer(return_X_y=True)
    design = np.hstack([StandardScaler().fit_transform(features), np.ones((len(features), 1))])
    return LogisticProblem(design, labels.astype(float), lam=lam)


def run_rule(
    problem: LogisticProblem,
    rule: UpdateRule,
    lr: float,
    iterations: int,
    w_star: np.ndarray,
    batch_size: int | None = None,
    seed: int = 0,
    divergence: float = 1e6,
    objective: LogisticProblem | None = None,
) -> pd.DataFrame:
    """Run ``rule`` from w = 0 and record, per iteration, f(w) - f*, ||w - w*|| and the
    elapsed seconds. ``batch_size=None`` uses the full gradient; otherwise mini-batches are
    drawn without replacement within each pass over the data. A run whose suboptimality
    exceeds ``divergence`` (f(0) - f* is below 1 here) is stopped and marked infinite.

    Gradients come from ``problem``; suboptimality is measured on ``objective`` (default:
    the same problem). AdamW needs both: its gradients are those of the unregularised loss,
    its decay is decoupled, and the question is how close it gets to the L2 optimum.
    """
    objective = objective or problem
    rng = np.random.default_rng(seed)
    f_star = objective.loss(w_star)
    w = np.zeros_like(w_star)
    state = rule.init(w)
    order, cursor = np.arange(problem.n), problem.n
    rows_out = np.empty((iterations, 3))
    start = time.perf_counter()
    for t in range(1, iterations + 1):
        rows = None
        if batch_size is not None:
            if cursor + batch_size > problem.n:
                order, cursor = rng.permutation(problem.n), 0
            rows, cursor = order[cursor : cursor + batch_size], cursor + batch_size
        with np.errstate(over="ignore", invalid="ignore"):
            w, state = rule.step(w, problem.gradient(w, rows), state, lr, t)
            rows_out[t - 1] = (
                objective.loss(w) - f_star,
                np.linalg.norm(w - w_star),
                time.perf_counter() - start,
            )
        if not rows_out[t - 1, 0] <= divergence:  # also catches NaN
            rows_out[t - 1 :] = (np.inf, np.inf, rows_out[t - 1, 2])
            break
    frame = pd.DataFrame(rows_out, columns=["suboptimality", "distance", "seconds"])
    frame.insert(0, "iteration", np.arange(1, iterations + 1))
    return frame


def fitted_linear_rate(values: np.ndarray, floor: float = 1e-12) -> float:
    """Per-iteration contraction factor of a linearly converging sequence: exp of the
    least-squares slope of log(values) over the second half of the values above ``floor``."""
    values = np.asarray(values, dtype=float)
    keep = np.flatnonzero(values > floor)
    keep = keep[len(keep) // 2 :]
    if len(keep) < 10:
        raise ValueError("too few iterations above the floor to fit a rate")
    slope = np.polyfit(keep, np.log(values[keep]), 1)[0]
    return float(np.exp(slope))


@dataclass(frozen=True)
class RateCheck:
    """Gradient descent at step 1/L from w = 0 against its linear rate ``1 - mu/L``.

    ``path`` is :func:`run_rule`'s table with the two theoretical bounds added:
    ``distance bound`` = (1 - mu/L)^t ||w* - w_0|| and
    ``suboptimality bound`` = L/2 (1 - mu/L)^(2t) ||w* - w_0||^2.
    """

    path: pd.DataFrame
    mu: float
    L: float
    theory: float
    measured: float

    @property
    def exponent_ratio(self) -> float:
        """log(measured) / log(theory): 1 when the bound is tight, above 1 when faster."""
        return float(np.log(self.measured) / np.log(self.theory))

    def table(self) -> pd.DataFrame:
        """Both rates, per iteration and as iterations per factor e."""
        return pd.DataFrame(
            {
                "contraction per iteration": [self.theory, self.measured],
                "iterations per factor e": [-1 / np.log(self.theory), -1 / np.log(self.measured)],
            },
            index=["theory, 1 - mu/L", "measured, gradient descent"],
        )


def gradient_descent_rate(
    problem: LogisticProblem, w_star: np.ndarray, iterations: int
) -> RateCheck:
    """Run gradient descent with step 1/L for ``iterations`` steps and fit its contraction
    (:func:`fitted_linear_rate` of the distance to ``w_star``) beside the predicted one."""
    mu, L = problem.strong_convexity_and_smoothness()
    path = run_rule(problem, SGD(), 1 / L, iterations, w_star)
    theory = 1 - mu / L
    measured = fitted_linear_rate(path["distance"].to_numpy())
    distance0 = np.linalg.norm(w_star)  # w_0 = 0
    path["distance bound"] = theory ** path["iteration"] * distance0
    path["suboptimality bound"] = L / 2 * theory ** (2 * path["iteration"]) * distance0**2
    return RateCheck(path, mu, L, theory, measured)


@dataclass(frozen=True)
class Contender:
    """One entry of the comparison of rules: an update rule, its mini-batch size (None: the
    full gradient), and the problem whose gradients it follows when that is not the scored
    objective (AdamW follows the unregularised loss and decays the weights itself)."""

    rule: UpdateRule
    batch_size: int | None = None
    gradients_of: LogisticProblem | None = None


def run_contender(
    objective: LogisticProblem,
    contender: Contender,
    lr: float,
    iterations: int,
    w_star: np.ndarray,
    seed: int = 0,
) -> pd.DataFrame:
    """:func:`run_rule` for ``contender``, scored on ``objective`` (minimiser ``w_star``)."""
    gradients_of = objective if contender.gradients_of is None else contender.gradients_of
    return run_rule(gradients_of, contender.rule, lr, iterations, w_star,
                    batch_size=contender.batch_size, seed=seed, objective=objective)


#: The suboptimality a run must reach to count as converged when rates are compared:
#: five orders of magnitude above float64 round-off (about 1e-16 here), so that whether and
#: when a run gets there does not depend on the last bits of floating point.
TARGET_SUBOPTIMALITY = 1e-10


@dataclass(frozen=True)
class LearningRateGrid:
    """Every contender (rows) at every learning rate (columns, labelled like "1e-04"):
    ``final``, the suboptimality after the last iteration (infinite where the run
    diverged), and ``iterations_to_target``, the first iteration at or below ``target``
    (NaN where the run never got there)."""

    final: pd.DataFrame
    iterations_to_target: pd.DataFrame
    target: float


def learning_rate_grid(
    objective: LogisticProblem,
    contenders: dict[str, Contender],
    learning_rates: np.ndarray,
    iterations: int,
    w_star: np.ndarray,
    seed: int = 0,
    target: float = TARGET_SUBOPTIMALITY,
) -> LearningRateGrid:
    """Run every contender at every learning rate for ``iterations`` steps."""
    final: dict[str, list[float]] = {}
    reached: dict[str, list[float]] = {}
    for name, contender in contenders.items():
        final[name], reached[name] = [], []
        for lr in learning_rates:
            path = run_contender(objective, contender, lr, iterations, w_star, seed)
            below = path.loc[path["suboptimality"] <= target, "iteration"]
            final[name].append(path["suboptimality"].iloc[-1])
            reached[name].append(float(below.iloc[0]) if len(below) else np.nan)
    labels = [f"{lr:.0e}" for lr in learning_rates]
    return LearningRateGrid(pd.DataFrame(final, index=labels).T,
                            pd.DataFrame(reached, index=labels).T, target)


def runs_at_learning_rates(
    objective: LogisticProblem,
    contenders: dict[str, Contender],
    learning_rates: dict[str, float],
    iterations: int,
    w_star: np.ndarray,
    seed: int = 0,
) -> pd.DataFrame:
    """Every contender run at its own learning rate (for example its
    :func:`best_learning_rates`), stacked, with a ``rule`` column "name (η=1e-02)"."""
    return pd.concat(
        [
            run_contender(objective, contenders[name], lr, iterations, w_star, seed).assign(
                rule=f"{name} (η={lr:.0e})"
            )
            for name, lr in learning_rates.items()
        ],
        ignore_index=True,
    )


def best_learning_rates(grid: LearningRateGrid,
                        learning_rates: np.ndarray) -> dict[str, float]:
    """Per contender, the learning rate that reaches ``grid.target`` in the fewest
    iterations, the smallest such rate on ties; a contender that reaches it at no rate
    gets the rate of its lowest final suboptimality, compared to a tenth of a decade and
    again the smallest rate on ties.

    Well-posed by design: the last iterations of several rates often all sit at float64
    round-off, and the plain argmin among them is decided by the last bits, which differ
    between CPU types (Adam's choice flipped 100-fold between two machines). An iteration
    count and a rounded logarithm do not move with those bits.
    """
    best = {}
    for name in grid.final.index:
        reached = grid.iterations_to_target.loc[name].to_numpy(dtype=float)
        if np.isfinite(reached).any():
            key = np.where(np.isfinite(reached), reached, np.inf)
        else:
            final = grid.final.loc[name].to_numpy(dtype=float)
            with np.errstate(divide="ignore", invalid="ignore"):
                key = np.where(np.isfinite(final), np.round(np.log10(final), 1), np.inf)
        candidates = np.flatnonzero(key == key.min())
        best[name] = float(min(learning_rates[candidates]))
    return best


def diverged_rules(final: pd.DataFrame) -> list[str]:
    """Contenders that diverged at some learning rate (``LearningRateGrid.final``)."""
    return [name for name, row in final.iterrows() if np.isinf(row).any()]
