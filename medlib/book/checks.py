"""The "what CI checks here" box that closes every chapter.

Generated from the same declarations the checks use (the cells marked
``# NBVAL_CHECK_OUTPUT`` in the chapter's source and the chapter's rules in
``notebooks/tolerances.yml``), so the page cannot claim more than CI does.
"""

from __future__ import annotations

from datetime import UTC, datetime

import nbformat
from IPython.display import Markdown

from medlib.book.params import source_notebook
from medlib.book.results import environment_versions
from medlib.book.verify import checks_summary

NBVAL_MARKER = "# NBVAL_CHECK_OUTPUT"


def exactly_checked_cells(chapter: str) -> int:
    """How many code cells of ``chapter``'s source nbval compares exactly."""
    notebook = nbformat.read(source_notebook(chapter), as_version=4)
    return sum(1 for c in notebook.cells
               if c.cell_type == "code" and NBVAL_MARKER in c.source.splitlines())


def checks_markdown(chapter: str) -> str:
    """Markdown of the box: exact checks, tolerances, reported-only numbers, machine."""
    rules = checks_summary(chapter)
    tolerated = [r for r in rules if r.kind == "abs"]
    exact = [r for r in rules if r.kind == "exact"]
    reported = [r for r in rules if r.kind == "reported"]
    versions = environment_versions()
    lines = [
        "**What CI checks in this chapter.** CI re-executes this notebook on every change "
        "and compares it with the published run:",
        "",
        f"- **exactly:** the outputs of the code cells that do not depend on training "
        f"({exactly_checked_cells(chapter)} marked `NBVAL_CHECK_OUTPUT`), and every number of the "
        "results file that no tolerance below names"
        + (": " + "; ".join(f"`{r.match}`" for r in exact) if exact else "") + ";",
    ]
    if tolerated:
        lines.append("- **within a tolerance** (numbers that come out of training and move "
                     "in their last digits on another CPU type):")
        lines += [f"  - `{r.match}`: ±{r.tolerance:g}" + (f" ({r.why})" if r.why else "")
                  for r in tolerated]
    if reported:
        lines.append("- **reported only, never checked**, because they depend on the machine "
                     "and its load: " + ", ".join(dict.fromkeys(r.why for r in reported)) + ".")
    lines += [
        "",
        f"Numbers on this page: {versions['platform']}, {versions['cpu_model']}, "
        f"{versions['cpu_count']} CPUs, Python {versions['python']}, torch "
        f"{versions.get('torch', '?')}, TensorFlow {versions.get('tensorflow-cpu', '?')}; "
        f"executed {datetime.now(UTC):%Y-%m-%d}. Tolerances: `notebooks/tolerances.yml`.",
    ]
    return "\n".join(lines)


def checks_box(chapter: str) -> Markdown:
    """The box, for a chapter's last (input-hidden) cell."""
    return Markdown(checks_markdown(chapter))
