"""medlib.summary.findings: the opening page's table reads the chapters' own numbers."""

import pytest

from medlib.book.paths import RESULTS_DIR
from medlib.chapter.results import load_results
from medlib.summary import findings

TOY = {
    "alpha": {"runtime_s": 12.4, "metrics": {
        "test_AUROC": {"value": 0.9123, "low": 0.9, "high": 0.925, "interval": "bootstrap_95"},
        "C Harrell::GRU": {"value": 0.81, "low": 0.7, "high": 0.85,
                           "interval": "splits_2.5_97.5"},
        "C Harrell::Cox": {"value": 0.8, "low": None, "high": None, "interval": None}},
        "extras": {findings.PRIMARY_PAIR: {"deep": "GRU", "baseline": "Cox"}}},
}


def test_entries_are_formatted_with_their_interval_named():
    assert findings.metric_text(TOY, "alpha", "test_AUROC") == "0.912 (95% CI 0.900–0.925)"
    assert findings.metric_text(TOY, "alpha", "C Harrell::{baseline}") == "0.800"
    assert findings.format_number(1481.2) == "1,481"
    assert findings.format_number(5.3e-15) == "5.3e-15"  # not "0.000", which would claim 0
    assert findings.format_number(0.0) == "0.000"


def test_declared_pair_fields_are_filled_from_the_chapter_s_declaration():
    finding = findings.Finding("alpha", "q?", "declared deep ({deep})", "C Harrell::{deep}",
                               (findings.Comparator("declared baseline ({baseline})", "alpha",
                                                    "C Harrell::{baseline}"),
                                findings.Comparator("paper", value=0.9, like_for_like=False)))
    row = findings.findings_table(TOY, (finding,)).iloc[0]
    assert row["result"] == "declared deep (GRU)"
    assert row["value"] == "0.810 (2.5–97.5th pct. over splits 0.700–0.850)"
    assert row["compared with"] == (
        "declared baseline (Cox): 0.800; paper: 0.900 (not like for like)")


def test_a_missing_chapter_or_metric_is_named():
    with pytest.raises(KeyError, match="beta.json is not in the results folder"):
        findings.metric_entry(TOY, "beta", "test_AUROC")
    with pytest.raises(KeyError, match="alpha publishes no metric 'test_Brier'"):
        findings.metric_entry(TOY, "alpha", "test_Brier")


def test_markdown_table_links_chapters_and_escapes_pipes():
    table = findings.findings_table(TOY, (findings.Finding("alpha", "a | b", "r", "test_AUROC"),))
    text = findings.markdown_table(table)
    assert "| {doc}`alpha <alpha>` | a \\| b |" in text


def test_every_declared_finding_is_published():
    """A chapter that renames a headline metric must update the findings page."""
    published = {n: r for n, r in load_results(RESULTS_DIR).items() if n != "findings"}
    table = findings.findings_table(published)
    assert len(table) == len(findings.FINDINGS) and table["value"].str.len().min() > 0


def test_chapter_map_follows_the_toc_and_the_requires_lists():
    published = {n: r for n, r in load_results(RESULTS_DIR).items() if n != "findings"}
    chapter_map = findings.chapter_map(published).set_index("chapter")
    assert list(chapter_map.index[:3]) == ["foundations", "cnn_diagnosis", "cnn_beyond"]
    assert chapter_map.loc["optimizers", "needs first"] == "cnn_diagnosis"
    assert chapter_map.loc["cnn_diagnosis", "needs first"] == "—"
    assert "findings" not in chapter_map.index


def test_headline_frame_names_each_interval_in_full():
    toy = {"alpha": {**TOY["alpha"], "headline": ["test_AUROC", "C Harrell::Cox"]}}
    frame = findings.headline_frame(toy)
    assert frame.loc[("alpha", "test_AUROC")].to_dict() == {
        "value": "0.912", "interval": "0.900–0.925",
        "what the interval is": "95% CI, bootstrap over test cases"}
    assert frame.loc[("alpha", "C Harrell::Cox"), "interval"] == "—"


def test_the_summary_pages_read_the_executed_chapters_of_the_toc():
    chapters = findings.executed_chapters()
    assert chapters[:2] == ["findings", "faq"] and "cnn_diagnosis" in chapters
    assert "data" not in chapters and "glossary" not in chapters  # Markdown pages
    assert set(findings.summarised_chapters(chapters)) == set(chapters) - {"findings", "faq"}
