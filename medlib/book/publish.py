"""Incremental publishing: re-execute the stale chapters only (``make book``).

A chapter is re-executed when its stamp no longer matches its inputs
(:mod:`medlib.book.stamps`). Chapters are judged in ``requires:`` order, each one only
after the chapters it requires have been republished: a requirement whose files came out
identical leaves its dependants current, one whose files changed makes them stale.
"""

from __future__ import annotations

from pathlib import Path

from medlib.book.params import requirements
from medlib.book.paths import BOOK_DIR, NOTEBOOKS_DIR, PARAMS_FILE, REPO_ROOT
from medlib.book.runner import BookRun, remove_stale_staging, run_notebook
from medlib.book.stamps import REQUIREMENTS_FILE, book_status


def required_closure(name: str, params_file: Path = PARAMS_FILE) -> list[str]:
    """Every chapter ``name`` requires, directly or through another, requirements first."""
    closure: list[str] = []
    for required in requirements(name, params_file):
        for chapter in [*required_closure(required, params_file), required]:
            if chapter not in closure:
                closure.append(chapter)
    return closure


def publish_stale(
    names: list[str], notebooks_dir: Path = NOTEBOOKS_DIR, params_file: Path = PARAMS_FILE,
    output_dir: Path = BOOK_DIR, progress: bool = True, root: Path = REPO_ROOT,
    requirements_file: Path = REQUIREMENTS_FILE,
) -> list[str]:
    """Re-execute (``book`` profile) each chapter of ``names`` that is stale when its turn
    comes; returns the chapters published, in order."""
    run, published = BookRun("book"), []
    remove_stale_staging(output_dir)
    settings = dict(notebooks_dir=notebooks_dir, params_file=params_file,
                    results_dir=output_dir / "results", root=root,
                    requirements_file=requirements_file)
    for name in book_status(names, **settings):
        status = book_status([*required_closure(name, params_file), name], **settings)[name]
        if status.current:
            continue
        print(f"{name}: {status.state} ({'; '.join(status.reasons)}); re-executing")
        outcome = run_notebook(name, "book", output_dir=output_dir, notebooks_dir=notebooks_dir,
                               params_file=params_file, progress=progress, run=run)
        published.append(name)
        print(f"{name}: book profile finished in {outcome.runtime_s:.0f} s")
    return published
