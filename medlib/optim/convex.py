"""The convex test bed of the optimizers chapter: L2-regularised logistic regression.

``f(w) = mean_i [log(1 + exp(x_i.w)) - y_i x_i.w] + lam/2 ||w||^2`` is smooth and strongly
convex, so its minimiser is unique, Newton's method finds it to machine precision, and
gradient descent's linear rate can be predicted from two numbers of the data: the strong
convexity ``mu = lam`` and the smoothness ``L = lambda_max(X'X)/(4n) + lam`` (the logistic
curvature is at most 1/4). Chapter: ``optimizers``.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.special import expit

from medlib.optim.rules import UpdateRule


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

    def strong_convexity_and_smoothness(self) -> tuple[float, float]:
        """Global constants ``(mu, L)``: every Hessian's eigenvalues lie in ``[mu, L]``."""
        top = np.linalg.eigvalsh(self.X.T @ self.X / self.n)[-1]
        return self.lam, top / 4 + self.lam


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
