"""medlib.optim.convex: the logistic test bed's derivatives, optimum and rate helpers."""

import numpy as np
import pandas as pd
import pytest
from scipy.optimize import check_grad
from sklearn.datasets import load_breast_cancer
from sklearn.linear_model import LogisticRegression
from sklearn.preprocessing import StandardScaler

from medlib.optim import SGD, Adam
from medlib.optim.convex import (
    Contender,
    LearningRateGrid,
    LogisticProblem,
    best_learning_rates,
    breast_cancer_problem,
    diverged_rules,
    fitted_linear_rate,
    gradient_descent_rate,
    learning_rate_grid,
    run_contender,
    run_rule,
    runs_at_learning_rates,
)


@pytest.fixture(scope="module")
def problem():
    return breast_cancer_problem(lam=0.01)


def test_breast_cancer_problem_is_the_standardised_table_with_an_intercept(problem):
    X, y = load_breast_cancer(return_X_y=True)
    assert problem.X.shape == (569, 31) and problem.lam == 0.01
    np.testing.assert_allclose(problem.X[:, :30], StandardScaler().fit_transform(X))
    np.testing.assert_array_equal(problem.X[:, 30], 1.0)
    np.testing.assert_array_equal(problem.y, y)


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
    np.testing.assert_array_equal(problem.sklearn_minimiser(), sk.coef_.ravel())


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


def test_gradient_descent_rate_is_at_least_the_theoretical_one(problem, w_star):
    check = gradient_descent_rate(problem, w_star, 400)
    mu, L = problem.strong_convexity_and_smoothness()
    assert (check.mu, check.L) == (mu, L) and check.theory == pytest.approx(1 - mu / L)
    assert np.all(check.path["distance"] <= check.path["distance bound"] * (1 + 1e-9))
    assert np.all(check.path["suboptimality"] <= check.path["suboptimality bound"] * (1 + 1e-9))
    # the measured contraction is at least as fast as the bound promises
    assert check.measured <= check.theory + 1e-12 and check.exponent_ratio >= 1
    table = check.table()
    assert table.loc["measured, gradient descent", "contraction per iteration"] == check.measured
    assert table.loc["theory, 1 - mu/L", "iterations per factor e"] == pytest.approx(
        -1 / np.log(1 - mu / L))


def test_contender_follows_its_own_gradients_but_is_scored_on_the_objective(problem, w_star):
    unregularised = LogisticProblem(problem.X, problem.y, lam=0.0)
    adamw = Contender(Adam(weight_decay=problem.lam), gradients_of=unregularised)
    ours = run_contender(problem, adamw, 0.01, 30, w_star, seed=3)
    direct = run_rule(unregularised, Adam(weight_decay=problem.lam), 0.01, 30, w_star,
                      seed=3, objective=problem)
    pd.testing.assert_frame_equal(ours.drop(columns="seconds"), direct.drop(columns="seconds"))
    minibatch = run_contender(problem, Contender(SGD(), batch_size=32), 0.1, 30, w_star, seed=3)
    same = run_rule(problem, SGD(), 0.1, 30, w_star, batch_size=32, seed=3)
    np.testing.assert_array_equal(minibatch["suboptimality"], same["suboptimality"])


def test_learning_rate_grid_finds_divergence_and_the_best_rate(problem, w_star):
    contenders = {"GD": Contender(SGD()), "Adam": Contender(Adam())}
    rates = np.array([1e-2, 1.0, 1e3])
    grid = learning_rate_grid(problem, contenders, rates, 40, w_star, target=5e-3)
    final = grid.final
    assert list(final.index) == ["GD", "Adam"]
    assert list(final.columns) == ["1e-02", "1e+00", "1e+03"]
    assert np.isinf(final.loc["GD", "1e+03"]) and np.isfinite(final.loc["Adam"]).all()
    assert diverged_rules(final) == ["GD"]
    # the first iteration at or below the target, from the run itself
    path = run_contender(problem, contenders["GD"], 1.0, 40, w_star)
    first = path.loc[path["suboptimality"] <= 5e-3, "iteration"].iloc[0]
    assert grid.iterations_to_target.loc["GD", "1e+00"] == first
    assert np.isnan(grid.iterations_to_target.loc["GD", "1e+03"])
    best = best_learning_rates(grid, rates)
    assert best["GD"] == 1.0  # step 1 < 2/L converges; 0.01 is slower, 1000 diverges
    runs = runs_at_learning_rates(problem, contenders, best, 40, w_star)
    assert list(runs["rule"].unique()) == ["GD (η=1e+00)", f"Adam (η={best['Adam']:.0e})"]
    last = runs.groupby("rule", sort=False)["suboptimality"].last().to_numpy()
    assert last[0] == final.loc["GD", "1e+00"]


def hand_grid(final: list[list[float]], reached: list[list[float]]) -> LearningRateGrid:
    labels = ["1e-02", "1e-01", "1e+00"]
    return LearningRateGrid(pd.DataFrame(final, index=["a", "b"], columns=labels),
                            pd.DataFrame(reached, index=["a", "b"], columns=labels), 1e-10)


RATES = np.array([1e-2, 1e-1, 1.0])


def test_best_rate_is_the_fewest_iterations_to_the_target_smallest_rate_on_ties():
    grid = hand_grid([[1e-16, 2e-16, 1e-17], [1e-3, 1e-4, np.inf]],
                     [[50, 20, 20], [np.nan, np.nan, np.nan]])
    best = best_learning_rates(grid, RATES)
    assert best["a"] == 0.1  # 20 iterations at 0.1 and at 1: the smaller rate
    assert best["b"] == 0.1  # never reached: lowest final suboptimality, diverged excluded


def test_best_rate_does_not_move_with_the_last_bits():
    """Round-off-level suboptimalities (the argmin that flipped Adam's rate between machine
    types) and perturbations of 1e-9 relative leave the choice where it was."""
    rng = np.random.default_rng(0)
    grid = hand_grid([[3e-16, 1e-16, 2e-16], [2.0e-5, 2.1e-5, 5e-3]],
                     [[40, 12, 12], [np.nan, np.nan, np.nan]])
    chosen = best_learning_rates(grid, RATES)
    for _ in range(200):
        noisy = LearningRateGrid(
            grid.final * (1 + 1e-9 * rng.standard_normal(grid.final.shape)),
            grid.iterations_to_target, grid.target)
        assert best_learning_rates(noisy, RATES) == chosen
    assert chosen == {"a": 0.1, "b": 0.01}
