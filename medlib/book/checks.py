"""The "what CI checks" box that closes every chapter, written by the runner.

Generated after execution from the same declarations the checks use (the cells marked
``# NBVAL_CHECK_OUTPUT`` in the chapter's source, the chapter's rules in
``notebooks/tolerances.yml``), the chapter's run record and its verification records, so
the page cannot claim more than CI does. The kernel never computes it: a change to
``tolerances.yml`` re-renders the box (``python -m medlib.book boxes``) without
re-executing anything.
"""

from __future__ import annotations

from pathlib import Path

import nbformat

from medlib.book.params import source_notebook
from medlib.book.paths import NOTEBOOKS_DIR, PARAMS_FILE
from medlib.book.verification import load_records, passing_record
from medlib.book.verify import checks_summary

NBVAL_MARKER = "# NBVAL_CHECK_OUTPUT"


def exactly_checked_cells(chapter: str, notebooks_dir: Path = NOTEBOOKS_DIR,
                          params_file: Path = PARAMS_FILE) -> int:
    """How many code cells of ``chapter``'s source nbval compares exactly."""
    notebook = nbformat.read(source_notebook(chapter, notebooks_dir, params_file),
                             as_version=4)
    return sum(1 for c in notebook.cells
               if c.cell_type == "code" and NBVAL_MARKER in c.source.splitlines())


def machine_line(run: dict) -> str:
    """Where and when the page's numbers were computed, from its run record."""
    machine = run.get("machine") or {}
    return (f"Numbers on this page: {machine.get('platform', '?')}, "
            f"{machine.get('cpu_model', '?')}, {machine.get('cpu_count', '?')} CPUs, Python "
            f"{machine.get('python', '?')}, torch {machine.get('torch', '?')}, TensorFlow "
            f"{machine.get('tensorflow-cpu', '?')}; executed {run.get('finished', '?')[:10]}.")


def verification_line(chapter: str, digest: str | None, records: list[dict]) -> str:
    """The last passing re-execution of this stamp, or that none has happened yet."""
    record = passing_record(chapter, digest, records)
    if record is None:
        return ("Not yet re-executed at this stamp: CI re-executes and compares it on its "
                "next run.")
    return (f"Re-executed and compared at this stamp on {record['date'][:10]} "
            f"({record['platform']}): {record['numbers']} numbers, verdict "
            f"{record['verdict']}, largest difference {record['largest_difference']:.2g}.")


def checks_markdown(chapter: str, result: dict, records: list[dict] | None = None,
                    notebooks_dir: Path = NOTEBOOKS_DIR, params_file: Path = PARAMS_FILE,
                    ) -> str:
    """Markdown of the box: exact checks, tolerances, reported-only numbers, machine,
    last verification."""
    rules = checks_summary(chapter)
    tolerated = [r for r in rules if r.tolerated]
    exact = [r for r in rules if r.kind == "exact"]
    reported = [r for r in rules if r.kind == "reported"]
    records = load_records() if records is None else records
    digest = (result.get("stamp") or {}).get("digest")
    lines = [
        ":::{admonition} What CI checks in this chapter",
        ":class: note",
        "CI re-executes this notebook whenever one of its inputs changes (and now and then "
        "when none did) and compares it with the published run:",
        "",
        f"- **exactly:** the outputs of the code cells that do not depend on training "
        f"({exactly_checked_cells(chapter, notebooks_dir, params_file)} marked "
        "`NBVAL_CHECK_OUTPUT`), and every number of the results file that no tolerance below "
        "names" + (": " + "; ".join(f"`{r.match}`" for r in exact) if exact else "") + ";",
    ]
    if tolerated:
        lines.append("- **within a tolerance** (numbers from iterative floating-point "
                     "arithmetic, which move in their last digits on another CPU type):")
        lines += [f"  - `{r.match}`: {r.describe()}" + (f" ({r.why})" if r.why else "")
                  for r in tolerated]
    if reported:
        lines.append("- **reported only, never checked**, because they depend on the machine "
                     "and its load: " + ", ".join(dict.fromkeys(r.why for r in reported)) + ".")
    lines += [
        "",
        machine_line(result.get("run") or {}) + " " + verification_line(chapter, digest, records)
        + f" Stamp `{(digest or '?')[:12]}`; tolerances: `notebooks/tolerances.yml`.",
        ":::",
    ]
    return "\n".join(lines)
