"""medlib.survival.landmark: only visits up to the landmark, statistics from training people
only."""

import numpy as np
import pandas as pd
import pytest

from medlib.data.cohorts import VisitCohort
from medlib.survival.landmark import LandmarkBuilder


def toy_cohort(future_bili: float = 1.0) -> VisitCohort:
    visits = pd.DataFrame(
        {
            "id": [1, 1, 1, 2, 2, 3, 3, 3],
            "time": [0.0, 1.0, 3.0, 0.0, 1.5, 0.0, 0.5, 2.5],
            "age": [50, 50, 50, 60, 60, 70, 70, 70],
            "bili": [1.0, np.nan, future_bili, 2.0, 3.0, 0.5, 0.7, 9.0],
        }
    )
    outcomes = pd.DataFrame(
        {"id": [1, 2, 3], "time": [5.0, 1.8, 4.0], "event": [True, False, True]}
    )
    return VisitCohort("toy", visits, outcomes, ("age",), ("bili",), "test")


def test_only_people_alive_at_the_landmark_and_their_past_visits():
    builder = LandmarkBuilder(toy_cohort(), landmark=2.0, max_visits=4).fit(np.array([1, 2, 3]))
    data = builder.transform(np.array([1, 2, 3]))
    assert list(data.ids) == [1, 3]  # person 2 left follow-up at 1.8 years
    assert list(data.mask.sum(axis=1)) == [2, 2]  # visits at or before 2 years
    np.testing.assert_allclose(data.time, [3.0, 2.0])
    np.testing.assert_allclose(data.visit_times[0, :2], [-2.0, -1.0])


def test_last_value_is_carried_forward_and_flagged_unmeasured():
    builder = LandmarkBuilder(toy_cohort(), landmark=2.0, max_visits=4).fit(np.array([1, 3]))
    data = builder.transform(np.array([1]))
    bili = data.covariate_names.index("bili")
    assert data.sequences[0, 0, bili] == data.sequences[0, 1, bili]  # carried forward
    measured = data.feature_names.index("measured:bili")
    assert list(data.sequences[0, :2, measured]) == [1.0, 0.0]


def test_future_visits_do_not_change_the_inputs_or_a_prediction():
    """The leakage test: a patient whose later visits differ gets the same inputs, and so
    the same prediction from a fitted model."""
    import torch

    from medlib.models.attention import VisitSelfAttention

    train = np.array([1, 2, 3])
    a = LandmarkBuilder(toy_cohort(future_bili=1.0), 2.0, 4).fit(train).transform(train)
    b = LandmarkBuilder(toy_cohort(future_bili=50.0), 2.0, 4).fit(train).transform(train)
    for field in ("sequences", "mask", "visit_times", "baseline", "at_landmark", "time"):
        np.testing.assert_array_equal(getattr(a, field), getattr(b, field))
    torch.manual_seed(0)
    model = VisitSelfAttention(a.sequences.shape[2], 3).eval()
    with torch.no_grad():
        outputs = [
            model(
                torch.from_numpy(d.sequences),
                torch.from_numpy(d.mask),
                torch.from_numpy(d.visit_times),
            )[0]
            for d in (a, b)
        ]
    assert torch.equal(outputs[0], outputs[1])


def test_scaling_uses_training_people_only():
    cohort = toy_cohort()
    fitted_on_1 = LandmarkBuilder(cohort, 2.0, 4).fit(np.array([1]))
    fitted_on_3 = LandmarkBuilder(cohort, 2.0, 4).fit(np.array([3]))
    assert fitted_on_1.means["bili"] != fitted_on_3.means["bili"]
    with pytest.raises(RuntimeError, match="fit"):
        LandmarkBuilder(cohort, 2.0, 4).transform(np.array([1]))


def test_split_people_keeps_every_person_on_one_side_and_repeats_from_its_seed():
    from medlib.survival.landmark import split_people

    ids = np.arange(100, 300)
    event = pd.Series(np.arange(200) % 4 == 0, index=ids).astype(int)
    split = split_people(ids, event, seed=3)
    assert set(split.fit) | set(split.val) == set(split.train)
    assert not set(split.train) & set(split.test)
    assert len(split.test) == 60 and len(split.val) == 28
    assert event.loc[split.test].mean() == pytest.approx(0.25, abs=0.02)  # stratified
    again = split_people(ids, event, seed=3)
    assert all(np.array_equal(getattr(split, k), getattr(again, k))
               for k in ("train", "fit", "val", "test"))
    small = split_people(ids, event, seed=3, subsample=80)
    assert len(small.train) + len(small.test) == 80
