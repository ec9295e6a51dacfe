"""The "reproduce this chapter" box, written into each published page by the runner.

It stands beside the "what CI checks" box and says how to get the same page yourself:
the command, the chapters it needs first, and how long the published run took. The
runner writes it because only the runner knows the run's profile and runtime.
"""

from __future__ import annotations

from pathlib import Path

import nbformat

from medlib.book.params import requirements, source_notebook
from medlib.book.paths import NOTEBOOKS_DIR, PARAMS_FILE, REPO_ROOT

REPRODUCE_TAG = "reproduce-box"
CHECKS_CALL = "checks_box("


def format_duration(seconds: float) -> str:
    """``95.2`` → ``"1 min 35 s"``; under a minute → ``"48 s"``."""
    whole = round(seconds)
    minutes, rest = divmod(whole, 60)
    return f"{minutes} min {rest} s" if minutes else f"{rest} s"


def reproduce_markdown(name: str, profile: str, runtime_s: float,
                       notebooks_dir: Path = NOTEBOOKS_DIR,
                       params_file: Path = PARAMS_FILE) -> str:
    """Markdown of the box: install, the chapters it needs, the command, the runtime."""
    source = source_notebook(name, notebooks_dir, params_file)
    try:
        source_path = source.relative_to(REPO_ROOT).as_posix()
    except ValueError:
        source_path = source.name
    needed = requirements(name, params_file)
    lines = [
        ":::{admonition} Reproduce this chapter",
        ":class: tip",
        f"This page is the executed notebook `{source_path}`, run with the `{profile}` "
        f"profile of `notebooks/params.yml`; that run took **{format_duration(runtime_s)}** "
        "on the machine named in the box below. From a clone of the repository:",
        "",
        "```bash",
        "make install    # once: creates .venv from requirements.txt",
    ]
    lines += [f"python -m medlib.book run {r} --profile {profile}    # needed first"
              for r in needed]
    lines += [
        f"python -m medlib.book run {name} --profile {profile}",
        "```",
        "",
        f"It rewrites `book/{name}.ipynb` and `book/results/{name}.json`. To check the "
        "published page without replacing it, `make nbval verify` re-executes the published "
        "chapters and compares their numbers with the published ones within the tolerances "
        "below. `--profile quick` gives a smoke run in seconds; `-p name=value` changes one "
        "parameter.",
        ":::",
    ]
    return "\n".join(lines)


def present_reproduce_box(notebook_path: Path, name: str, profile: str, runtime_s: float,
                          notebooks_dir: Path = NOTEBOOKS_DIR,
                          params_file: Path = PARAMS_FILE) -> None:
    """Insert the box as a Markdown cell just before the cell that shows the checks box
    (or at the end of a notebook that has none)."""
    nb = nbformat.read(notebook_path, as_version=4)
    nb.cells = [c for c in nb.cells if REPRODUCE_TAG not in c.metadata.get("tags", [])]
    position = next((i for i, c in enumerate(nb.cells)
                     if c.cell_type == "code" and CHECKS_CALL in c.source), len(nb.cells))
    text = reproduce_markdown(name, profile, runtime_s, notebooks_dir, params_file)
    box = nbformat.v4.new_markdown_cell(text)
    box.metadata["tags"] = [REPRODUCE_TAG]
    nb.cells.insert(position, box)
    nbformat.write(nb, notebook_path)
