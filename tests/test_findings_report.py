"""medlib.summary.findings_report: the findings page's facts, table and figure."""

import matplotlib
import pytest

from medlib.book.paths import RESULTS_DIR
from medlib.chapter.results import load_results
from medlib.summary import findings, findings_report

matplotlib.use("Agg")

PUBLISHED = {n: r for n, r in load_results(RESULTS_DIR).items()
             if n not in findings.SUMMARY_PAGES}


def test_page_facts_glue_every_value_the_page_shows_and_its_claims():
    facts, claims = findings_report.page_facts(PUBLISHED)
    assert facts["pbc_sentence"].startswith("In PBC, the declared deep model")
    assert facts["improved_vs_automl"].endswith("Google AutoML Vision (0.991)")
    assert {c.reference.split(" (")[0] for c in claims} == {"ResNet-18", "Google AutoML Vision"}
    assert all(isinstance(v, str) and v for v in facts.values())


def test_answers_table_fits_three_columns_and_leaves_machinery_out():
    text = findings_report.answers_table(PUBLISHED)
    lines = text.splitlines()
    assert lines[0] == "| question | answer | read against |"
    assert all(line.count(" | ") == 2 for line in lines[2:])
    assert "<foundations>" not in text and "<cnn_diagnosis>" in text


def test_a_pipe_in_a_question_is_escaped():
    declared = (findings.Finding("cnn_diagnosis", "a | b", "r", "test_AUROC"),)
    assert "a \\| b" in findings_report.answers_table(PUBLISHED, declared)


def test_self_check_facts_read_the_parity_check():
    facts = findings_report.self_check_facts(PUBLISHED)
    assert float(facts["parity_error"]) < 1e-12 and int(facts["parity_equalities"]) > 0


@pytest.mark.parametrize(("label", "short"), [
    ("Google AutoML Vision, Yang et al. 2023", "Google AutoML Vision"),
    ("declared baseline (Cox, landmark)", "declared baseline (Cox, landmark)"),
    ("plain SGD", "plain SGD"),
])
def test_short_labels_cut_at_the_first_comma_outside_parentheses(label, short):
    assert findings_report._short(label) == short


def row(value, low, high, *anchors):
    return findings_report.ForestRow("p", "r", "c", value, low, high, tuple(
        findings_report.Anchor(f"a{v}", v, False) for v in anchors))


def test_panel_limits_keep_near_anchors_and_leave_a_distant_one_at_the_edge():
    low, high = findings_report.panel_limits([row(0.9, 0.88, 0.92, 0.95, 0.61)])
    assert low == pytest.approx(0.86) and high == pytest.approx(0.97)


def test_forest_rows_follow_the_panels_and_skip_other_scales():
    rows = findings_report.forest_rows(PUBLISHED)
    assert len(rows) == sum(len(m) for m in findings_report.FOREST_PANELS.values())
    benefit = next(r for r in rows if r.chapter == "treatment_benefit")
    assert [a.label for a in benefit.anchors] == ["T-learner on a random survival forest"]
    ensemble = next(r for r in rows if r.label == "ensemble chosen on validation")
    assert any(a.label.endswith("(not like for like)") for a in ensemble.anchors)
    figure = findings_report.plot_forest(rows)
    assert len(figure.axes) == len(findings_report.FOREST_PANELS)


def test_an_undeclared_finding_in_a_panel_is_named():
    with pytest.raises(KeyError, match="not one finding"):
        findings_report.forest_rows(PUBLISHED, {"p": (("cnn_diagnosis", "nope", "x"),)})
