"""The claims check: every verdict a published chapter recorded re-derives from its numbers,
and where a claim names the metric it rests on, its numbers are that metric's published
value and interval. A verdict typed or edited by hand, or left over from an earlier run,
fails here."""

import pytest

from medlib.book.paths import RESULTS_DIR
from medlib.chapter.results import load_results
from medlib.claims.verdicts import OUTCOMES, rederive

PUBLISHED = load_results(RESULTS_DIR)
CLAIMS = [(name, index, claim) for name, result in PUBLISHED.items()
          for index, claim in enumerate(result.get("extras", {}).get("claims", []))]
#: Chapters whose verdicts the book states; each must record its claims.
CHAPTERS_WITH_VERDICTS = ("cnn_beyond", "cnn_frontier", "pretraining", "labelling", "robustness",
                          "interpretability", "efficiency", "progression_pbc",
                          "progression_nafld", "progression_benchmarks", "treatment_benefit",
                          "findings")


@pytest.mark.parametrize("name", CHAPTERS_WITH_VERDICTS)
def test_chapters_with_verdicts_record_them(name):
    assert PUBLISHED[name]["extras"].get("claims"), (
        f"{name} states verdicts but records no claims; republish it "
        f"(python -m medlib.book publish)")


@pytest.mark.parametrize("name", sorted({name for name, _, _ in CLAIMS}))
def test_claims_of_a_chapter_are_told_apart_by_their_subject_and_reference(name):
    keys = [(c["kind"], c["subject"], c["reference"]) for n, _, c in CLAIMS if n == name]
    assert len(keys) == len(set(keys)), f"{name}: two claims share a subject and reference"


@pytest.mark.parametrize(("name", "index", "claim"), CLAIMS,
                         ids=[f"{n}-{i}" for n, i, _ in CLAIMS])
def test_every_published_verdict_rederives(name, index, claim):
    assert claim["outcome"] in OUTCOMES[claim["kind"]]
    assert rederive(claim) == claim["outcome"], (
        f"{name}: claim {index} ({claim['subject']} against {claim['reference']}) says "
        f"{claim['outcome']!r} but its numbers give {rederive(claim)!r}")


@pytest.mark.parametrize(("name", "index", "claim"),
                         [c for c in CLAIMS if "metric" in c[2]],
                         ids=[f"{n}-{i}" for n, i, c in CLAIMS if "metric" in c])
def test_a_claim_rests_on_the_published_metric_it_names(name, index, claim):
    metric = PUBLISHED[name]["metrics"][claim["metric"]]
    shift = claim["numbers"].get("reference_value", 0.0)
    for key, published in (("estimate", metric["value"]), ("low", metric["low"]),
                           ("high", metric["high"])):
        assert claim["numbers"][key] + shift == pytest.approx(published, abs=1e-12), (
            f"{name}: claim {index}'s {key} is not the published {claim['metric']}")
