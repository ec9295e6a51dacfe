"""``python -m medlib.book``: publish, check and verify the book's chapters.

Examples::

    python -m medlib.book status                 # every chapter current or stale, and why
    python -m medlib.book publish                # re-execute the stale chapters only
    python -m medlib.book prose                  # republish prose-only edits, no execution
    python -m medlib.book run --profile book     # re-execute every chapter
    python -m medlib.book run cnn_diagnosis --profile book -p epochs=5
    python -m medlib.book boxes                  # rewrite the pages' closing boxes
    python -m medlib.book ci-plan --commit HEAD_HASH
    python -m medlib.book verify _build/reexecuted --record
    python -m medlib.book claims _build/seed11/results treatment_benefit  # verdicts held?
    python -m medlib.book table --update README.md
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from medlib.book.boxes import render_published_boxes
from medlib.book.ci_plan import plan_reexecution
from medlib.book.claims_check import compare_claims, format_rows
from medlib.book.params import (
    ParameterError,
    notebook_names,
    parse_overrides,
    profile_names,
    requirements,
    resolve_parameters,
    run_order,
    source_notebook,
)
from medlib.book.paths import BOOK_DIR, RESULTS_DIR
from medlib.book.prose import republish_prose_edits
from medlib.book.publish import publish_stale
from medlib.book.readme_table import results_table, update_readme_table
from medlib.book.runner import (
    BookRun,
    NotebookError,
    check_requirements,
    remove_stale_staging,
    run_notebook,
)
from medlib.book.stamps import book_status, format_status
from medlib.book.verification import (
    append_records,
    load_records,
    passing_record,
    verification_record,
)
from medlib.book.verify import ToleranceError, format_table, verify
from medlib.chapter.results import load_results


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m medlib.book",
                                     description=__doc__.split("\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    listing = commands.add_parser("list", help="show the notebooks and their profiles")
    listing.add_argument("--names", action="store_true", help="only the names, one per line")
    run = commands.add_parser("run", help="execute notebooks and publish them in book/")
    run.add_argument("names", nargs="*", metavar="NAME", help="notebooks to run (default: all)")
    run.add_argument("--profile", required=True, help="a profile of notebooks/params.yml")
    run.add_argument("-p", "--param", action="append", default=[], metavar="KEY=VALUE",
                     help="override one parameter (repeatable)")
    run.add_argument("--output-dir", type=Path, default=BOOK_DIR,
                     help="where executed notebooks and results/ go (default: book/)")
    run.add_argument("--no-progress", action="store_true", help="hide papermill's progress bar")
    status = commands.add_parser(
        "status", help="every chapter current or stale (and which input changed)")
    status.add_argument("--check", action="store_true",
                        help="exit 1 if any chapter is stale or unpublished")
    publish = commands.add_parser(
        "publish", help="re-execute the stale chapters (book profile), in requires: order")
    publish.add_argument("--no-progress", action="store_true",
                         help="hide papermill's progress bar")
    prose = commands.add_parser(
        "prose", help="republish pages whose only change is their Markdown, without "
        "re-executing them (book/results/ untouched)")
    prose.add_argument("names", nargs="*", metavar="NAME",
                       help="chapters (default: every chapter whose only stale reason is "
                       "its prose)")
    commands.add_parser("boxes", help="rewrite the reproduce and checks boxes of every "
                        "published page (tolerances, verification records); runs nothing")
    plan = commands.add_parser(
        "ci-plan", help="print the chapters CI re-executes: unverified, then a sample")
    plan.add_argument("--commit", required=True, help="the commit hash the sample is drawn from")
    plan.add_argument("--slice-s", type=float, default=300.0,
                      help="seconds of published runtime the sample may take (default 300)")
    verify = commands.add_parser(
        "verify", help="compare re-executed results with book/results/ within tolerances")
    verify.add_argument("reexecuted", type=Path, metavar="DIR",
                        help="results written by re-executed chapters (e.g. nbval's)")
    verify.add_argument("--published", type=Path, default=RESULTS_DIR, metavar="DIR",
                        help="the published results (default: book/results)")
    verify.add_argument("--report", type=Path, metavar="FILE",
                        help="also write the full table (every number) to this file")
    verify.add_argument("--chapters", nargs="*", metavar="NAME",
                        help="only these chapters (default: every chapter)")
    verify.add_argument("--record", action="store_true",
                        help="append a verification record per chapter (current chapters only)")
    claims = commands.add_parser(
        "claims", help="compare the published verdicts with those of a re-run (another seed)")
    claims.add_argument("rerun", type=Path, metavar="DIR",
                        help="results of the re-run (python -m medlib.book run ... "
                        "--output-dir DIR writes them to DIR/results)")
    claims.add_argument("chapters", nargs="+", metavar="NAME", help="chapters to compare")
    claims.add_argument("--published", type=Path, default=RESULTS_DIR, metavar="DIR",
                        help="the published results (default: book/results)")
    browse = commands.add_parser(
        "browse", help="open every built page in headless Chromium, offline, and check it")
    browse.add_argument("html_dir", type=Path, nargs="?", default=Path("_build/html"),
                        metavar="DIR", help="the built HTML (default: _build/html)")
    browse.add_argument("--screenshots", type=Path, default=Path("_build/screenshots"),
                        metavar="DIR", help="where a screenshot of each page goes")
    table = commands.add_parser("table", help="print the results table of book/results/*.json")
    table.add_argument("--update", type=Path, metavar="README",
                       help="rewrite the table between the markers of this file instead")
    return parser


def _list(args: argparse.Namespace) -> int:
    if args.names:
        print("\n".join(run_order(notebook_names())))
        return 0
    for name in notebook_names():
        source = source_notebook(name).stem
        shared = f" (source notebooks/{source}.ipynb)" if source != name else ""
        print(f"{name}: profiles {', '.join(profile_names(name)) or 'none'}{shared}")
    return 0


def _run(args: argparse.Namespace) -> int:
    names = run_order(args.names or notebook_names())
    overrides = parse_overrides(args.param)
    for name in names:  # check every request before the first (long) run starts
        resolve_parameters(name, args.profile, overrides)
        if not set(requirements(name)) & set(names):  # else its requirement runs first
            check_requirements(name, args.profile, args.output_dir)
    args.output_dir.mkdir(parents=True, exist_ok=True)
    remove_stale_staging(args.output_dir)
    run = BookRun(args.profile)
    for name in names:
        outcome = run_notebook(name, args.profile, overrides, output_dir=args.output_dir,
                               progress=not args.no_progress, run=run)
        print(f"{name}: {args.profile} profile finished in {outcome.runtime_s:.0f} s")
    return 0


def _status(args: argparse.Namespace) -> int:
    statuses = book_status(notebook_names())
    print(format_status(statuses), end="")
    return 1 if args.check and not all(s.current for s in statuses.values()) else 0


def _publish(args: argparse.Namespace) -> int:
    published = publish_stale(notebook_names(), progress=not args.no_progress)
    print(f"published {len(published)} chapter(s): {', '.join(published) or 'none, all current'}")
    return 0


def _prose(args: argparse.Namespace) -> int:
    rewritten = republish_prose_edits(args.names or None)
    print(f"prose republished in {len(rewritten)} page(s): "
          f"{', '.join(rewritten) or 'none, no prose-only change'}")
    return 0


def _boxes(_: argparse.Namespace) -> int:
    changed = render_published_boxes(notebook_names())
    print(f"boxes rewritten in {len(changed)} page(s): {', '.join(changed) or 'none changed'}")
    return 0


def _ci_plan(args: argparse.Namespace) -> int:
    names = notebook_names()
    statuses = book_status(names)
    stale = [n for n, s in statuses.items() if not s.current]
    if stale:
        raise ParameterError(f"stale chapters: {', '.join(stale)}; publish them first "
                             "(make book), see python -m medlib.book status")
    records = load_records()
    verified = {n for n, s in statuses.items() if passing_record(n, s.digest, records)}
    runtimes = {n: r.get("runtime_s", 0.0) for n, r in load_results(RESULTS_DIR).items()}
    plan = plan_reexecution(list(statuses), verified, runtimes, args.commit, args.slice_s)
    print(f"# unverified at their stamp: {' '.join(plan.unverified) or 'none'}",
          file=sys.stderr)
    print(f"# sample of commit {args.commit[:12]} ({args.slice_s:.0f} s slice): "
          f"{' '.join(plan.sample) or 'none'}", file=sys.stderr)
    print("\n".join(plan.chapters))
    return 0


def _browse(args: argparse.Namespace) -> int:
    from medlib.book.browser import check_pages, format_reports

    reports = check_pages(args.html_dir, args.screenshots)
    print(format_reports(reports), end="")
    failed = [r for r in reports if r.problems]
    print(f"{len(reports)} pages opened offline in Chromium, {len(failed)} with problems; "
          f"screenshots in {args.screenshots}")
    return 1 if failed else 0


def _verify(args: argparse.Namespace) -> int:
    if not args.reexecuted.is_dir():
        raise ParameterError(f"{args.reexecuted} does not exist: re-execute the chapters "
                             "first (make verify-chapters)")
    chapters = notebook_names() if args.chapters is None else args.chapters
    rows = verify(args.reexecuted, args.published, chapters=chapters)
    print(format_table(rows), end="")
    if args.record:
        statuses = book_status(notebook_names())
        records = [verification_record(c, statuses[c].digest, [r for r in rows if r.chapter == c])
                   for c in chapters if statuses[c].current]
        append_records(records)
        render_published_boxes(chapters)
        print(f"verification recorded for {len(records)} chapter(s)")
    if args.report:
        args.report.parent.mkdir(parents=True, exist_ok=True)
        args.report.write_text(format_table(rows, everything=True))
        print(f"every number: {args.report}")
    return 1 if any(r.failed for r in rows) else 0


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        if args.command == "list":
            return _list(args)
        if args.command == "run":
            return _run(args)
        if args.command == "verify":
            return _verify(args)
        if args.command == "status":
            return _status(args)
        if args.command == "publish":
            return _publish(args)
        if args.command == "prose":
            return _prose(args)
        if args.command == "boxes":
            return _boxes(args)
        if args.command == "ci-plan":
            return _ci_plan(args)
        if args.command == "browse":
            return _browse(args)
        if args.command == "claims":
            rows = compare_claims(args.published, args.rerun, args.chapters)
            print(format_rows(rows))
            return 0 if all(r["held"] for r in rows) else 1
        if args.update:
            changed = update_readme_table(args.update, RESULTS_DIR)
            print(f"{args.update}: results table {'updated' if changed else 'already current'}")
        else:
            print(results_table(RESULTS_DIR), end="")
        return 0
    except (ParameterError, NotebookError, ToleranceError, FileNotFoundError) as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("error: interrupted; nothing was published", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
