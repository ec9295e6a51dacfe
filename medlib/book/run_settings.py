"""The "Run settings" section that closes every published page.

A page is read before it is run: its first screen is the chapter's question and answer, so
the plumbing a re-runner needs (the parameters of the run, with their defaults and
meanings, and the setup code that opens the notebook) is gathered at the end, collapsed,
under a "Run settings" heading, beside the reproduce and checks boxes. The kernel still
runs the setup cells where they stand; on the page their code is hidden
(``remove-input``) and shown once in the collapsed section instead. Everything here is
written after execution, so it changes no number and re-executes nothing.
"""

from __future__ import annotations

import json
import re

import nbformat

RUN_SETTINGS_TAG = "run-settings"
#: Marks a setup cell whose code the Run settings section shows (the page hides it).
SETUP_TAG = "setup-in-run-settings"
LEGACY_TABLE_TAG = "parameters-table"  # where pages before the section kept the table

_PARAMETER_LINE = re.compile(r"^(\w+)\s*:\s*\w+\s*=\s*(.+?)\s*(?:#\s*(.*))?$")


def _as_source(value: object) -> str:
    """A parameter value written as the notebook's source writes it (strings in double
    quotes), so that value and default read alike in the table."""
    return json.dumps(value) if isinstance(value, str) else repr(value)


def parameters_markdown(parameters_source: str, values: dict, profile: str) -> str:
    """Every parameter of the run as one list item: its value and the comment that explains
    it, read from the source's ``parameters`` cell, with the notebook's default where the
    run used another value. A list, not a table: long values (comma-separated grids) would
    push a table's last column off the page."""
    lines = [f"**Parameters of this run** (profile `{profile}` of `notebooks/params.yml`; "
             "a value the profile does not set is the notebook's default):", ""]
    for line in parameters_source.splitlines():
        match = _PARAMETER_LINE.match(line.strip())
        if not match:
            continue
        name, default, comment = match.groups()
        value = _as_source(values[name]) if name in values else default
        meaning = comment or ""
        if value != default:
            meaning = f"{meaning} (default `{default}`)".lstrip()
        lines.append(f"- `{name} = {value}`" + (f": {meaning}" if meaning else ""))
    return "\n".join(lines)


def _tags(cell: nbformat.NotebookNode) -> list[str]:
    return cell.metadata.setdefault("tags", [])


def _is_section_heading(cell: nbformat.NotebookNode) -> bool:
    return cell.cell_type == "markdown" and any(
        line.startswith("## ") for line in cell.source.splitlines())


def setup_cells(nb: nbformat.NotebookNode) -> list[nbformat.NotebookNode]:
    """The code cells that set the page up before its first section: those with a code
    toggle (``hide-input``) ahead of the first ``##`` heading, or already moved."""
    found = []
    for cell in nb.cells:
        if _is_section_heading(cell):
            break
        if cell.cell_type == "code" and ("hide-input" in _tags(cell) or SETUP_TAG in _tags(cell)):
            found.append(cell)
    return found


def hide_setup_code(nb: nbformat.NotebookNode) -> list[nbformat.NotebookNode]:
    """Hide the setup cells' code on the page (their outputs stay); the setup cells."""
    cells = setup_cells(nb)
    for cell in cells:
        tags = _tags(cell)
        tags[:] = [t for t in tags if t != "hide-input"]
        for tag in ("remove-input", SETUP_TAG):
            if tag not in tags:
                tags.append(tag)
    return cells


def run_settings_markdown(parameters_source: str, values: dict, profile: str,
                          setup_sources: list[str]) -> str:
    """The section: a heading, then one collapsed box with the parameters table and the
    setup code."""
    parts = ["## Run settings", "",
             ":::{admonition} Parameters of this run and the code that sets the page up",
             ":class: dropdown", parameters_markdown(parameters_source, values, profile)]
    if setup_sources:
        parts += ["", "**Setup** (the notebook's opening code, run before everything above):",
                  "", "```python", "\n\n".join(s.strip("\n") for s in setup_sources), "```"]
    parts.append(":::")
    return "\n".join(parts)


def run_settings_cell_text(nb: nbformat.NotebookNode, result: dict) -> str:
    """The Run settings text of a published page ``nb`` whose results file is ``result``
    (its parameters and profile); hides the setup code on the page as a side effect."""
    parameters = next((c.source for c in nb.cells if c.cell_type == "code"
                       and "parameters" in c.metadata.get("tags", [])), "")
    setup = hide_setup_code(nb)
    return run_settings_markdown(parameters, result.get("params", {}),
                                 result.get("profile", "book"), [c.source for c in setup])
