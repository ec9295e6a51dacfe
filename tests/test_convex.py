"""medlib.optim.convex: the logistic test bed's derivatives, optimum and rate helpers."""

import numpy as np
import pytest
from scipy.optimize import check_grad
from sklearn.datasets import load_breast_cancer
from sklearn.linear_model import LogisticRegression
from sklearn.preprocessing import StandardScaler

from medlib.optim import SGD, Adam
from medlib.optim.convex import LogisticProblem, fitted_linear_rate, run_rule


@pytest.fixture(scope="module")
def problem():
    X, y = load_breast_cancer(return_X_y=True)
    X = StandardScaler().fit_transform(X)
    return LogisticProblem(np.hstack([X, np.ones((len(X), 1))]), y.astype(float), lam=0.01)


@pytest.fixture(scope="module")
def w_star(problem):
    return problem.minimiser()


def test_gradient_matches_finite_differences(problem):
    w = np.random.default_rng(0).standard_normal(problem.X.shape[1]) * 0.1
    assert check_grad(problem.loss, problem.gradient, w) < 1e-5


def test_minimiser_agrees_with_scikit_learn(problem, w_star):
    # scikit-learn minimises C * sum(loss) + ||w||^2 / 2, i.e. ours with C = 1 / (lam * n)
    sk = LogisticRegression(
        C=1 / (problem.lam * problem.n), fit_intercept=False, tol=1e-12, max_iter=10_000
    ).fit(problem.X, problem.y)
    assert np.linalg.norm(problem.gradient(w_star)) < 1e-13
    np.testing.assert_allclose(sk.coef_.ravel(), w_star, atol=1e-5)


def test_hessian_eigenvalues_lie_between_mu_and_l(problem, w_star):
    mu, L = problem.strong_convexity_and_smoothness()
    for w in (np.zeros_like(w_star), w_star):
        eigenvalues = np.linalg.eigvalsh(problem.hessian(w))
        assert mu - 1e-12 <= eigenvalues.min() and eigenvalues.max() <= L + 1e-12


def test_gradient_descent_obeys_its_linear_bound(problem, w_star):
    mu, L = problem.strong_convexity_and_smoothness()
    path = run_rule(problem, SGD(), 1 / L, 400, w_star)
    bound = (1 - mu / L) ** path["iteration"] * np.linalg.norm(w_star)
    assert np.all(path["distance"] <= bound * (1 + 1e-9))


def test_minibatches_cover_the_data_and_diverging_runs_are_marked(problem, w_star):
    noisy = run_rule(problem, SGD(), 0.1, 200, w_star, batch_size=32, seed=0)
    assert np.isfinite(noisy["suboptimality"]).all()
    diverged = run_rule(problem, SGD(), 1e4, 50, w_star)
    assert np.isinf(diverged["suboptimality"].iloc[-1])
    assert run_rule(problem, Adam(), 0.01, 5, w_star)["suboptimality"].is_monotonic_decreasing


def test_fitted_linear_rate_recovers_a_geometric_sequence():
    assert fitted_linear_rate(0.97 ** np.arange(500)) == pytest.approx(0.97)
    with pytest.raises(ValueError, match="too few"):
        fitted_linear_rate(np.array([1.0, 1e-20]))
