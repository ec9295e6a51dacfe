"""The verification check: every published number, re-executed, within its tolerance.

CI re-executes the chapters :mod:`medlib.book.ci_plan` selects (nbval runs
``book/NAME.ipynb`` with ``MEDLIB_RESULTS_DIR`` pointing at a scratch folder, so each
chapter's results recorder writes a fresh ``NAME.json`` there). :func:`verify` then
compares every number of every published ``book/results/NAME.json`` with its re-executed
twin, under the tolerances that
``notebooks/tolerances.yml`` declares, and fails on any number out of tolerance, missing
or new. nbval keeps comparing the outputs that do not depend on training exactly; this
check covers what does, so that a CPU of another type (whose kernels sum floats in
another order) passes while a real change fails.

A number is addressed by its path in the results file, parts joined by ``::`` (a
separator that no metric name contains), e.g. ``metrics::test_AUROC::value`` or
``ablation::3::test AUROC``. A rule matches paths with shell-style wildcards; the first
matching rule decides, looked up in ``reported`` (timings and speeds, for every chapter),
then the chapter's own list, then ``all``:

- ``abs: x``: passes when |re-executed - published| <= x;
- ``rel: x``: passes when |re-executed - published| <= x |published| (for quantities that
  span orders of magnitude, such as sensitivities from 1e-11 to 1e-2);
- ``exact``: passes when equal (numbers within 1e-9 relative, for float formatting);
- ``reported``: shown, never checked (timings and speeds depend on the machine's load).

A number no rule matches is checked exactly. Runner metadata (profile, parameters,
runtime, run record, stamp, the artifacts' MD5s, the modules imported) is not a result
and is not compared.
"""

from __future__ import annotations

import fnmatch
import json
import math
from dataclasses import dataclass
from pathlib import Path

import yaml

from medlib.book.paths import NOTEBOOKS_DIR, RESULTS_DIR
from medlib.chapter.results import METRIC_ID_SEPARATOR, load_results

TOLERANCES_FILE = NOTEBOOKS_DIR / "tolerances.yml"
SEPARATOR = METRIC_ID_SEPARATOR  # paths read like metric identifiers: metrics::a::b::value
NOT_RESULTS = ("notebook", "profile", "params", "runtime_s", "run_id", "versions",
               "artifacts", "headline", "run", "stamp", "modules")
EXACT_RELATIVE = 1e-9
OK, REPORTED = "ok", "reported"
FAILED = ("OUT OF TOLERANCE", "MISSING", "NEW", "NOT RE-EXECUTED")


class ToleranceError(ValueError):
    """``tolerances.yml`` does not say what the check needs."""


@dataclass(frozen=True)
class Rule:
    """One line of ``tolerances.yml``: which numbers, how they are checked, and why."""

    match: str
    kind: str  # "abs", "rel", "exact" or "reported"
    tolerance: float = 0.0
    why: str = ""

    def describe(self) -> str:
        if self.kind == "abs":
            return f"±{self.tolerance:g}"
        return f"±{self.tolerance:g} relative" if self.kind == "rel" else self.kind

    @property
    def tolerated(self) -> bool:
        """A rule that allows a difference (abs or rel)."""
        return self.kind in ("abs", "rel")


EXACT = Rule("*", "exact", why="no rule matched: checked exactly")


@dataclass(frozen=True)
class Comparison:
    """One number of one chapter: published, re-executed, and the verdict."""

    chapter: str
    path: str
    published: object
    reexecuted: object
    rule: Rule
    verdict: str

    @property
    def difference(self) -> float | None:
        if _is_number(self.published) and _is_number(self.reexecuted):
            return float(self.reexecuted) - float(self.published)
        return None

    @property
    def failed(self) -> bool:
        return self.verdict in FAILED


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _parse_rule(entry: dict, where: str) -> Rule:
    if not isinstance(entry, dict) or "match" not in entry:
        raise ToleranceError(f"{where}: each rule needs 'match' (got {entry!r})")
    kinds = [k for k in ("abs", "rel", "exact", "reported") if k in entry]
    if len(kinds) != 1:
        raise ToleranceError(f"{where}, {entry['match']!r}: give exactly one of abs: "
                             "NUMBER, rel: NUMBER, exact: true or reported: true")
    kind = kinds[0]
    tolerance = float(entry[kind]) if kind in ("abs", "rel") else 0.0
    if tolerance < 0:
        raise ToleranceError(f"{where}, {entry['match']!r}: a tolerance cannot be negative")
    return Rule(str(entry["match"]), kind, tolerance, str(entry.get("why", "")).strip())


REPORTED_KEY, ALL_KEY = "reported", "all"


def load_tolerances(path: Path = TOLERANCES_FILE) -> dict[str, list[Rule]]:
    """``{"reported" | chapter | "all": [Rule, ...]}`` from ``tolerances.yml``, in file
    order; the entries under ``reported`` need only ``match`` and ``why``."""
    raw = yaml.safe_load(path.read_text()) or {}
    if not isinstance(raw, dict):
        raise ToleranceError(f"{path.name} must map chapter names, 'reported' and 'all' to "
                             "rule lists")
    rules = {}
    for key, entries in raw.items():
        if key == REPORTED_KEY:
            entries = [{"reported": True, **e} if isinstance(e, dict) else e
                       for e in (entries or [])]
        rules[key] = [_parse_rule(e, f"{path.name}, {key}") for e in (entries or [])]
    return rules


def rule_for(chapter: str, path: str, rules: dict[str, list[Rule]]) -> Rule:
    """The first rule whose pattern matches ``path``: of ``reported``, of ``chapter``,
    then of ``all``; numbers no rule matches are checked exactly."""
    lists = (rules.get(REPORTED_KEY, ()), rules.get(chapter, ()), rules.get(ALL_KEY, ()))
    for rule in (rule for rules_list in lists for rule in rules_list):
        if fnmatch.fnmatchcase(path, rule.match):
            return rule
    return EXACT


def flatten(result: dict) -> dict[str, object]:
    """Every leaf of a results file (numbers, strings, booleans, nulls) by its path."""
    leaves: dict[str, object] = {}

    def walk(value: object, path: str) -> None:
        if isinstance(value, dict):
            for key, item in value.items():
                walk(item, f"{path}{SEPARATOR}{key}" if path else str(key))
        elif isinstance(value, list):
            for index, item in enumerate(value):
                walk(item, f"{path}{SEPARATOR}{index}")
        else:
            leaves[path] = value

    walk({k: v for k, v in result.items() if k not in NOT_RESULTS}, "")
    return leaves


def _verdict(published: object, reexecuted: object, rule: Rule) -> str:
    if rule.kind == "reported":
        return REPORTED
    if _is_number(published) and _is_number(reexecuted):
        a, b = float(published), float(reexecuted)
        if math.isclose(a, b, rel_tol=EXACT_RELATIVE, abs_tol=0.0):
            return OK
        if rule.kind == "abs" and abs(b - a) <= rule.tolerance + 1e-12:
            return OK
        if rule.kind == "rel" and abs(b - a) <= rule.tolerance * abs(a):
            return OK
        return "OUT OF TOLERANCE"
    return OK if published == reexecuted else "OUT OF TOLERANCE"


def compare_chapter(chapter: str, published: dict, reexecuted: dict,
                    rules: dict[str, list[Rule]]) -> list[Comparison]:
    """Every number of one chapter: published against re-executed."""
    old, new = flatten(published), flatten(reexecuted)
    rows = []
    for path in [*old, *(p for p in new if p not in old)]:
        rule = rule_for(chapter, path, rules)
        if path not in new:
            verdict = REPORTED if rule.kind == "reported" else "MISSING"
        elif path not in old:
            verdict = REPORTED if rule.kind == "reported" else "NEW"
        else:
            verdict = _verdict(old[path], new[path], rule)
        rows.append(Comparison(chapter, path, old.get(path), new.get(path), rule, verdict))
    return rows


def verify(reexecuted_dir: Path, published_dir: Path = RESULTS_DIR,
           rules: dict[str, list[Rule]] | None = None,
           chapters: list[str] | None = None) -> list[Comparison]:
    """Compare every published chapter (or ``chapters``) with its re-executed results.

    A chapter without re-executed results gives one ``NOT RE-EXECUTED`` row.
    """
    rules = load_tolerances() if rules is None else rules
    published = load_results(published_dir)
    reexecuted = load_results(reexecuted_dir)
    rows: list[Comparison] = []
    for chapter in chapters or sorted(published):
        if chapter not in published or chapter not in reexecuted:
            rows.append(Comparison(chapter, "(results file)", chapter in published,
                                   chapter in reexecuted, EXACT, "NOT RE-EXECUTED"))
            continue
        rows.extend(compare_chapter(chapter, published[chapter], reexecuted[chapter], rules))
    return rows


def _cell(value: object) -> str:
    if _is_number(value):
        return f"{value:.6g}"
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= 40 else text[:37] + "..."


def format_table(rows: list[Comparison], everything: bool = False) -> str:
    """The table CI prints: chapter, number, published, re-executed, difference,
    tolerance, verdict. By default the named metrics and every failure are listed, and
    the other numbers of each chapter are summed up in one line."""
    lines = ["| chapter | number | published | re-executed | difference | tolerance | verdict |",
             "|---|---|---|---|---|---|---|"]
    for chapter in dict.fromkeys(r.chapter for r in rows):
        mine = [r for r in rows if r.chapter == chapter]
        shown = [r for r in mine if everything or r.failed or (r.path.startswith("metrics::")
                 and r.path.endswith("::value"))]
        for r in shown:
            diff = "" if r.difference is None else f"{r.difference:+.2g}"
            lines.append(f"| {chapter} | {r.path} | {_cell(r.published)} | "
                         f"{_cell(r.reexecuted)} | {diff} | {r.rule.describe()} | {r.verdict} |")
        rest = [r for r in mine if r not in shown]
        if rest:
            checked = [r for r in rest if r.verdict != REPORTED]
            diffs = [abs(r.difference) for r in checked if r.difference is not None]
            largest = f"largest |difference| {max(diffs):.2g}" if diffs else "none numeric"
            lines.append(f"| {chapter} | {len(rest)} other numbers | | | {largest} | | "
                         f"{len(checked)} ok, {len(rest) - len(checked)} reported |")
    failed = [r for r in rows if r.failed]
    verdict = (f"FAILED: {len(failed)} of {len(rows)} numbers" if failed
               else f"passed: {len(rows)} numbers over {len({r.chapter for r in rows})} chapters")
    return "\n".join(lines) + f"\n\nverification {verdict}\n"


def checks_summary(chapter: str, rules: dict[str, list[Rule]] | None = None) -> list[Rule]:
    """The rules that apply to ``chapter``, its own first (for its "what CI checks" box)."""
    rules = load_tolerances() if rules is None else rules
    return [*rules.get(REPORTED_KEY, ()), *rules.get(chapter, ()), *rules.get(ALL_KEY, ())]
