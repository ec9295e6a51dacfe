"""Notebook parameters: profiles from ``notebooks/params.yml``, checked against the types
declared in each notebook's ``parameters`` cell.

A typo in a parameter name or a value of the wrong type must fail before a five-minute
notebook starts, with one line that says what was wrong; this module is that check.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import papermill
import yaml

from medlib.book.paths import NOTEBOOKS_DIR, PARAMS_FILE

TYPES: dict[str, type] = {"int": int, "float": float, "str": str, "bool": bool}
_INT = re.compile(r"^[+-]?\d+$")
_TRUE, _FALSE = {"true", "yes", "1"}, {"false", "no", "0"}


class ParameterError(ValueError):
    """A notebook, profile, parameter name or parameter value that cannot be used."""


@dataclass(frozen=True)
class Parameter:
    """One entry of a notebook's ``parameters`` cell."""

    name: str
    type_name: str
    default: str


SOURCE_KEY = "notebook"  # in params.yml: run another source notebook under this name
REQUIRES_KEY = "requires"  # in params.yml: chapters whose published files this one loads
ENTRY_KEYS = (SOURCE_KEY, REQUIRES_KEY)  # the keys of an entry that are not profiles


def notebook_names(notebooks_dir: Path = NOTEBOOKS_DIR,
                   params_file: Path = PARAMS_FILE) -> list[str]:
    """The chapters the runner knows: the entries of params.yml, sorted.

    An entry is a source notebook's name, or any name with a ``notebook:`` key naming its
    source, so that one notebook can be published twice with different parameters (the
    progression chapter runs once per cohort).
    """
    return sorted(load_profiles(params_file))


def source_notebook(name: str, notebooks_dir: Path = NOTEBOOKS_DIR,
                    params_file: Path = PARAMS_FILE) -> Path:
    """The source notebook of chapter ``name``."""
    entry = load_profiles(params_file).get(name) or {}
    return notebooks_dir / f"{entry.get(SOURCE_KEY, name)}.ipynb"


def profile_names(name: str, params_file: Path = PARAMS_FILE) -> list[str]:
    """The profiles of chapter ``name`` (every key of its entry but ``notebook`` and
    ``requires``)."""
    return [k for k in (load_profiles(params_file).get(name) or {}) if k not in ENTRY_KEYS]


def requirements(name: str, params_file: Path = PARAMS_FILE) -> list[str]:
    """The chapters that chapter ``name`` requires (its ``requires:`` list)."""
    profiles = load_profiles(params_file)
    required = (profiles.get(name) or {}).get(REQUIRES_KEY) or []
    if isinstance(required, str):
        required = [required]
    unknown = [r for r in required if r not in profiles]
    if unknown:
        raise ParameterError(
            f"{name} requires {', '.join(unknown)}, which {params_file.name} does not list"
        )
    return list(required)


def run_order(names: list[str], params_file: Path = PARAMS_FILE) -> list[str]:
    """``names`` ordered so that every chapter runs after the chapters it requires.

    Requirements not among ``names`` are not added: the runner checks that their
    published files are there and current instead. Ties keep alphabetical order.
    """
    requested, ordered, visiting = set(names), [], set()

    def visit(name: str) -> None:
        if name in ordered:
            return
        if name in visiting:
            raise ParameterError(f"the requires: lists of {params_file.name} form a cycle "
                                 f"through {name}")
        visiting.add(name)
        for required in requirements(name, params_file):
            if required in requested:
                visit(required)
        visiting.discard(name)
        ordered.append(name)

    for name in sorted(requested):
        visit(name)
    return ordered


def load_profiles(params_file: Path = PARAMS_FILE) -> dict[str, dict[str, dict]]:
    """``{notebook: {profile: {parameter: value}}}`` from params.yml."""
    with open(params_file) as handle:
        profiles = yaml.safe_load(handle) or {}
    if not isinstance(profiles, dict):
        raise ParameterError(f"{params_file.name} must map notebook names to profiles")
    return profiles


def declared_parameters(notebook: Path) -> dict[str, Parameter]:
    """The typed parameters of ``notebook``'s cell tagged ``parameters``."""
    inspected = papermill.inspect_notebook(str(notebook))
    declared = {}
    for name, entry in inspected.items():
        type_name = entry["inferred_type_name"]
        if type_name not in TYPES:
            raise ParameterError(
                f"{notebook.name}: parameter {name!r} needs a type annotation "
                f"(one of {', '.join(TYPES)}), e.g. '{name}: int = 3'"
            )
        declared[name] = Parameter(name, type_name, entry["default"])
    return declared


def coerce(parameter: Parameter, raw: object) -> object:
    """Convert ``raw`` (a string from the command line, or a YAML value) to the declared
    type of ``parameter``, or raise ``ParameterError`` saying what was expected."""
    expected = parameter.type_name
    problem = ParameterError(
        f"parameter {parameter.name!r} expects {expected}, got {raw!r} ({type(raw).__name__})"
    )
    if isinstance(raw, str):
        text = raw.strip()
        if expected == "str":
            return raw
        if expected == "int" and _INT.match(text):
            return int(text)
        if expected == "float":
            try:
                return float(text)
            except ValueError:
                raise problem from None
        if expected == "bool" and text.lower() in _TRUE | _FALSE:
            return text.lower() in _TRUE
        raise problem
    if expected == "float" and isinstance(raw, int | float) and not isinstance(raw, bool):
        return float(raw)
    if (expected in ("int", "str") and isinstance(raw, TYPES[expected])
            and not isinstance(raw, bool)):
        return raw
    if expected == "bool" and isinstance(raw, bool):
        return raw
    raise problem


def parse_overrides(pairs: list[str]) -> dict[str, str]:
    """``["epochs=5", "seed=1"]`` to ``{"epochs": "5", "seed": "1"}``."""
    overrides = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name.strip():
            raise ParameterError(f"cannot read -p {pair!r}: write it as -p name=value")
        overrides[name.strip()] = value
    return overrides


def resolve_parameters(
    name: str, profile: str, overrides: dict[str, str] | None = None,
    notebooks_dir: Path = NOTEBOOKS_DIR, params_file: Path = PARAMS_FILE,
) -> dict[str, object]:
    """The checked parameter values for one run: profile values, then command-line overrides."""
    known = notebook_names(notebooks_dir, params_file)
    if name not in known:
        raise ParameterError(f"unknown notebook {name!r}; known notebooks: {', '.join(known)}")
    profiles = profile_names(name, params_file)
    if profile not in profiles:
        raise ParameterError(
            f"unknown profile {profile!r} for {name}; its profiles: {', '.join(profiles) or 'none'}"
        )
    source = source_notebook(name, notebooks_dir, params_file)
    if not source.is_file():
        raise ParameterError(f"{name}: its source notebook {source.name} does not exist")
    declared = declared_parameters(source)
    entries = load_profiles(params_file)[name][profile] or {}
    values = {}
    for origin, values_in in (("params.yml", entries), ("-p", overrides or {})):
        for key, raw in values_in.items():
            if key not in declared:
                raise ParameterError(
                    f"unknown parameter {key!r} ({origin}) for {name}; "
                    f"its parameters: {', '.join(declared)}"
                )
            values[key] = coerce(declared[key], raw)
    return values
