"""``python -m medlib.book``: list notebooks, run them with a profile, print the results table.

Examples::

    python -m medlib.book list
    python -m medlib.book run --profile book
    python -m medlib.book run cnn_diagnosis --profile book -p epochs=5
    python -m medlib.book table --update README.md
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from medlib.book.params import (
    ParameterError,
    notebook_names,
    parse_overrides,
    profile_names,
    resolve_parameters,
    source_notebook,
)
from medlib.book.paths import BOOK_DIR, RESULTS_DIR
from medlib.book.results import results_table, update_readme_table
from medlib.book.runner import NotebookError, remove_stale_staging, run_notebook


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m medlib.book", description=__doc__.split("\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("list", help="show the notebooks and their profiles")
    run = commands.add_parser("run", help="execute notebooks and publish them in book/")
    run.add_argument("names", nargs="*", metavar="NAME", help="notebooks to run (default: all)")
    run.add_argument("--profile", required=True, help="a profile of notebooks/params.yml")
    run.add_argument("-p", "--param", action="append", default=[], metavar="KEY=VALUE",
                     help="override one parameter (repeatable)")
    run.add_argument("--output-dir", type=Path, default=BOOK_DIR,
                     help="where executed notebooks and results/ go (default: book/)")
    run.add_argument("--no-progress", action="store_true", help="hide papermill's progress bar")
    table = commands.add_parser("table", help="print the results table of book/results/*.json")
    table.add_argument("--update", type=Path, metavar="README",
                       help="rewrite the table between the markers of this file instead")
    return parser


def _list() -> int:
    for name in notebook_names():
        source = source_notebook(name).stem
        shared = f" (source notebooks/{source}.ipynb)" if source != name else ""
        print(f"{name}: profiles {', '.join(profile_names(name)) or 'none'}{shared}")
    return 0


def _run(args: argparse.Namespace) -> int:
    names = args.names or notebook_names()
    overrides = parse_overrides(args.param)
    for name in names:  # check every request before the first (long) run starts
        resolve_parameters(name, args.profile, overrides)
    args.output_dir.mkdir(parents=True, exist_ok=True)
    remove_stale_staging(args.output_dir)
    for name in names:
        outcome = run_notebook(name, args.profile, overrides, output_dir=args.output_dir,
                               progress=not args.no_progress)
        print(f"{name}: {args.profile} profile finished in {outcome.runtime_s:.0f} s")
    return 0


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        if args.command == "list":
            return _list()
        if args.command == "run":
            return _run(args)
        if args.update:
            changed = update_readme_table(args.update, RESULTS_DIR)
            print(f"{args.update}: results table {'updated' if changed else 'already current'}")
        else:
            print(results_table(RESULTS_DIR), end="")
        return 0
    except (ParameterError, NotebookError) as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("error: interrupted; nothing was published", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
