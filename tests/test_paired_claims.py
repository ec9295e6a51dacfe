"""medlib.train.paired_claims: one call makes, records and collects a paired claim."""

import numpy as np

from medlib.claims.verdicts import AHEAD, rederive
from medlib.train.paired_claims import PairedClaims


def test_a_call_records_the_metric_and_appends_the_claim():
    rng = np.random.default_rng(0)
    y = np.repeat([0, 1], 60)
    good = [y + rng.normal(0, 0.3, y.size) for _ in range(2)]
    poor = [y + rng.normal(0, 2.0, y.size) for _ in range(2)]
    recorded = {}

    def add_metric(name, value, low, high, interval):
        recorded[name] = (value, low, high, interval)
        return name

    claims = []
    paired = PairedClaims(claims, add_metric, y, 200, 0)
    claim = paired("good", "poor", good, poor, "AUROC difference::good − poor")
    assert claims == [claim] and claim.outcome == AHEAD and rederive(claim.record()) == AHEAD
    value, low, high, interval = recorded["AUROC difference::good − poor"]
    assert (value, low, high) == (claim.numbers["estimate"], claim.numbers["low"],
                                  claim.numbers["high"])
    assert interval == "bootstrap_95" and claim.metric == "AUROC difference::good − poor"
