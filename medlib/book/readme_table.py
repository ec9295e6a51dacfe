"""The README's results table, generated from ``book/results/*.json`` (``make readme``).

A test fails when the README's table and the results files disagree.
"""

from __future__ import annotations

from pathlib import Path

from medlib.chapter.results import format_metric, load_results


def results_table(results_dir: Path) -> str:
    """A Markdown table of every results file's headline metrics (README, "Results")."""
    lines = [
        "| chapter | profile | metric | value (interval) | data file official | runtime |",
        "|---|---|---|---|---|---|",
    ]
    for name, result in load_results(results_dir).items():
        official = ", ".join(
            f"{file}: {'yes' if rec.get('official') else 'no'}"
            for file, rec in result["data"].items()
        )
        for metric in result.get("headline", []):
            lines.append(
                f"| {name} | {result.get('profile', '?')} | {metric} | "
                f"{format_metric(result['metrics'][metric])} | {official} | "
                f"{result.get('runtime_s', float('nan')):.0f} s |"
            )
    return "\n".join(lines) + "\n"


TABLE_START, TABLE_END = "<!-- results-table:start -->", "<!-- results-table:end -->"


def update_readme_table(readme: Path, results_dir: Path) -> bool:
    """Replace the generated table between the markers in ``readme``; True if it changed."""
    text = readme.read_text()
    start, end = text.index(TABLE_START) + len(TABLE_START), text.index(TABLE_END)
    new = text[:start] + "\n" + results_table(results_dir) + text[end:]
    if new != text:
        readme.write_text(new)
    return new != text
