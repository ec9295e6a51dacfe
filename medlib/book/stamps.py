"""A chapter's content stamp: a hash of everything its numbers were computed from.

The runner writes the stamp into the chapter's results file (``stamp``) after the run.
Its parts are kept beside the digest, so that :func:`chapter_status` can say which input
changed since the chapter was published:

- ``code``: the source notebook's code cells (papermill's injected cell excluded); its
  prose is checked against the published page itself (:func:`changed_parts`);
- ``params``: the resolved parameters of the run;
- ``modules``: each medlib module the kernel had imported when it saved (read from
  ``sys.modules`` by the recorder), by the hash of its source file;
- ``data``: the MD5 of each data file the chapter loaded;
- ``inputs``: the MD5 of each file it read from another chapter (weights, results) or
  from the repository (``_toc.yml``);
- ``requirements``: the hash of ``requirements.txt``;
- ``python``: the Python version.

Tolerances, the runner, the boxes and the browser check are not inputs: the kernel never
imports them (:mod:`medlib.chapter`), so changing them never makes a chapter stale.
"""

from __future__ import annotations

import hashlib
import json
import platform
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from medlib.book.page_cells import markdown_cells, page_prose
from medlib.book.params import requirements, resolve_parameters, run_order, source_notebook
from medlib.book.paths import NOTEBOOKS_DIR, PARAMS_FILE, REPO_ROOT, RESULTS_DIR
from medlib.data.download import md5sum
from medlib.data.medmnist import search_dirs

REQUIREMENTS_FILE = REPO_ROOT / "requirements.txt"
PUBLISHED_PROFILE = "book"
MISSING = "missing"


def sha256_text(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def canonical(value: object) -> str:
    """JSON with sorted keys: the same value always hashes the same."""
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def code_sources(notebook: Path) -> list[str]:
    """The code of ``notebook``'s cells, without papermill's injected-parameters cell."""
    return [
        c.source
        for c in nbformat.read(notebook, as_version=4).cells
        if c.cell_type == "code" and "injected-parameters" not in c.metadata.get("tags", [])
    ]


def code_digest(notebook: Path) -> str:
    return sha256_text(canonical(code_sources(notebook)))


def module_file(name: str, root: Path = REPO_ROOT) -> Path | None:
    """The source file of medlib module ``name`` in the repository, if it exists."""
    base = root.joinpath(*name.split("."))
    for candidate in (base.with_suffix(".py"), base / "__init__.py"):
        if candidate.is_file():
            return candidate
    return None


PACKAGE_DATA = ("*.json", "*.txt", "*.tsv", "*.yml")  # files a package reads beside its code


def module_digests(modules: list[str], root: Path = REPO_ROOT) -> dict[str, str]:
    """``{module: sha256 of its source}`` (``missing`` for a module that is gone). A
    package's digest also covers the data files beside its ``__init__.py`` (the MedMNIST
    registry, the source post's code), which its modules read."""
    digests = {}
    for name in modules:
        path = module_file(name, root)
        if path is None:
            digests[name] = MISSING
            continue
        digest = hashlib.sha256(path.read_bytes())
        if path.name == "__init__.py":
            for data in sorted(f for pattern in PACKAGE_DATA for f in path.parent.glob(pattern)):
                digest.update(data.name.encode() + b"\0" + data.read_bytes())
        digests[name] = digest.hexdigest()
    return digests


def file_digest(path: Path) -> str:
    return md5sum(path) if path.is_file() else MISSING


def python_version() -> str:
    return platform.python_version()


def compute_parts(
    source: Path, params: dict, record: dict, requirements_file: Path = REQUIREMENTS_FILE,
    root: Path = REPO_ROOT,
) -> dict:
    """The stamp's parts for a run of ``source`` with ``params`` that saved ``record``
    (the results the kernel wrote: its ``modules``, ``data`` and ``inputs``)."""
    return {
        "code": code_digest(source),
        "params": sha256_text(canonical(params)),
        "modules": module_digests(record.get("modules") or [], root),
        "data": {name: entry.get("md5") for name, entry in (record.get("data") or {}).items()},
        "inputs": {name: entry.get("md5")
                   for name, entry in (record.get("inputs") or {}).items()},
        "requirements": file_digest(requirements_file),
        "python": python_version(),
    }


def stamp_of(parts: dict) -> dict:
    """``{"digest", "parts"}``: the digest is the hash of the canonical parts."""
    return {"digest": sha256_text(canonical(parts)), "parts": parts}


# --- status -------------------------------------------------------------------------------

CURRENT, STALE, UNPUBLISHED = "current", "stale", "unpublished"


@dataclass
class ChapterStatus:
    """Whether a chapter's published results still match its inputs, and if not, why."""

    name: str
    state: str
    reasons: list[str] = field(default_factory=list)
    digest: str | None = None

    @property
    def current(self) -> bool:
        return self.state == CURRENT


def _input_path(file_name: str, results_dir: Path, root: Path) -> Path:
    """Where an input recorded as ``file_name`` lives now: a repository path (``_toc.yml``)
    or a file of the results folder (another chapter's weights or results)."""
    in_repo = root / file_name
    return in_repo if "/" in file_name or in_repo.is_file() else results_dir / file_name


def _data_path(file_name: str) -> Path | None:
    return next((d / file_name for d in search_dirs() if (d / file_name).is_file()), None)


def changed_parts(
    name: str, result: dict, notebooks_dir: Path = NOTEBOOKS_DIR,
    params_file: Path = PARAMS_FILE, results_dir: Path = RESULTS_DIR, root: Path = REPO_ROOT,
    requirements_file: Path = REQUIREMENTS_FILE,
) -> list[str]:
    """Why ``name``'s published ``result`` no longer matches its inputs (empty: current)."""
    stamp = result.get("stamp")
    if not stamp or "parts" not in stamp:
        return ["no stamp: published before stamps were recorded"]
    parts = stamp["parts"]
    if stamp.get("digest") != stamp_of(parts)["digest"]:
        return ["the stamp does not match its parts (the results file was edited)"]
    reasons = []
    if result.get("profile") != PUBLISHED_PROFILE:
        reasons.append(f"published with the {result.get('profile')!r} profile, not 'book'")
    source = source_notebook(name, notebooks_dir, params_file)
    if not source.is_file() or code_digest(source) != parts["code"]:
        reasons.append(f"code of {_relative(source, root)} changed")
    params = resolve_parameters(name, PUBLISHED_PROFILE, None, notebooks_dir, params_file)
    if sha256_text(canonical(params)) != parts["params"]:
        old = result.get("params") or {}
        moved = sorted(k for k in {*old, *params} if old.get(k) != params.get(k))
        reasons.append("parameters changed in params.yml: " + ", ".join(
            f"{k} {old.get(k, '(default)')!r} → {params.get(k, '(default)')!r}" for k in moved))
    published_page = results_dir.parent / f"{name}.ipynb"
    if source.is_file() and published_page.is_file() and markdown_cells(
            nbformat.read(published_page, as_version=4)) != page_prose(source, name, params):
        reasons.append(f"prose of {_relative(source, root)} changed since it was published")
    now = module_digests(list(parts["modules"]), root)
    reasons += [f"medlib module {m} changed" if now[m] != MISSING else
                f"medlib module {m} is gone" for m in parts["modules"]
                if now[m] != parts["modules"][m]]
    for file_name, md5 in parts["data"].items():
        path = _data_path(file_name)
        if path is not None and md5sum(path) != md5:
            reasons.append(f"data file {file_name} changed")
    for file_name, md5 in parts["inputs"].items():
        if file_digest(_input_path(file_name, results_dir, root)) != md5:
            reasons.append(f"input {file_name} changed since this chapter read it")
    if file_digest(requirements_file) != parts["requirements"]:
        reasons.append("requirements.txt changed")
    if python_version() != parts["python"]:
        reasons.append(f"Python {parts['python']} → {python_version()}")
    return reasons


def _relative(path: Path, root: Path) -> str:
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return path.name


def book_status(
    names: list[str], notebooks_dir: Path = NOTEBOOKS_DIR, params_file: Path = PARAMS_FILE,
    results_dir: Path = RESULTS_DIR, root: Path = REPO_ROOT,
    requirements_file: Path = REQUIREMENTS_FILE,
) -> dict[str, ChapterStatus]:
    """The status of every chapter of ``names``, in ``requires:`` order; a chapter whose
    required chapter is stale or unpublished is stale too (it would read changed files)."""
    statuses: dict[str, ChapterStatus] = {}
    for name in run_order(names, params_file):
        path = results_dir / f"{name}.json"
        if not path.is_file():
            statuses[name] = ChapterStatus(name, UNPUBLISHED, ["not published"])
            continue
        result = json.loads(path.read_text())
        reasons = changed_parts(name, result, notebooks_dir, params_file, results_dir, root,
                                requirements_file)
        reasons += [f"requires {r}, which is {statuses[r].state}"
                    for r in requirements(name, params_file)
                    if r in statuses and not statuses[r].current]
        digest = (result.get("stamp") or {}).get("digest")
        statuses[name] = ChapterStatus(name, STALE if reasons else CURRENT, reasons, digest)
    return statuses


def format_status(statuses: dict[str, ChapterStatus]) -> str:
    """One line per chapter: its state, then why, for ``python -m medlib.book status``."""
    width = max((len(n) for n in statuses), default=0)
    lines = []
    for name, status in statuses.items():
        digest = f" {status.digest[:12]}" if status.digest and status.current else ""
        lines.append(f"{name:<{width}}  {status.state}{digest}")
        lines += [f"{'':<{width}}    - {reason}" for reason in status.reasons]
    stale = [s.name for s in statuses.values() if not s.current]
    lines.append(f"{len(statuses) - len(stale)} of {len(statuses)} chapters current"
                 + (f"; to publish: {', '.join(stale)} (make book)" if stale else ""))
    return "\n".join(lines) + "\n"
