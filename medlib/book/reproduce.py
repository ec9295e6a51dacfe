"""The "reproduce this chapter" box, written into each published page by the runner.

It stands beside the "what CI checks" box and says how to get the same page yourself:
the command, the chapters it needs first, and how long the published run took. The
runner writes it because only the runner knows the run's profile and runtime.
"""

from __future__ import annotations

from pathlib import Path

from medlib.book.params import requirements, source_notebook
from medlib.book.paths import NOTEBOOKS_DIR, PARAMS_FILE, REPO_ROOT


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
        "export MEDLIB_DATA_DIR=/path/to/medmnist    # where the image files are (README, Data)",
    ]
    lines += [f"python -m medlib.book run {r} --profile {profile}    # needed first"
              for r in needed]
    lines += [
        f"python -m medlib.book run {name} --profile {profile}",
        "```",
        "",
        f"It rewrites `book/{name}.ipynb` and `book/results/{name}.json`. To check the "
        f"published page without replacing it, `make verify-chapters CHAPTERS={name}` "
        "re-executes it and compares its numbers with the published ones within the "
        "tolerances below. `python -m medlib.book status` says whether it is current; "
        "`--profile quick` gives a smoke run in seconds; `-p name=value` changes one "
        "parameter.",
        ":::",
    ]
    return "\n".join(lines)
