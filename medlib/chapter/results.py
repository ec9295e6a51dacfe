"""Results files: what a notebook measured, in a form that tests and readers can parse.

Inside a notebook, :class:`ResultsRecorder` collects metrics, data-file checksums,
test-set predictions and the files it read from other chapters, and writes them to the
folder the runner names (:mod:`medlib.chapter.contract`); the runner then adds what only
it knows (profile, parameters, runtime, machine, the chapter's stamp) and moves the files
into ``book/results/`` once the notebook finished. Run by hand, a chapter writes to
``_build/unpublished/`` and says so. Schema: DESIGN.md, "Results files".
"""

from __future__ import annotations

import json
import math
import os
import sys
from pathlib import Path

import pandas as pd

from medlib.chapter.contract import (
    CHAPTER_ENV,
    REPO_ROOT,
    published_dir,
    relative_to_repo,
    results_target,
)
from medlib.data.download import md5sum


def json_safe(value: object) -> object:
    """``value`` with NumPy scalars made Python numbers and NaN/inf made ``None``.

    Results files are strict JSON (no NaN), and a missing number, such as "never reached
    the target", is ``null`` there.
    """
    if isinstance(value, dict):
        return {str(k): json_safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [json_safe(v) for v in value]
    if hasattr(value, "item") and callable(value.item):  # NumPy scalar
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


#: Version of the results-file layout (DESIGN.md, "Results files"). Schema 2: the notebook's
#: own facts under ``extras``, structured metric identifiers, labelled intervals.
SCHEMA_VERSION = 2
#: Joins the parts of a metric identifier; refused inside a part, so an identifier splits
#: back into its parts unambiguously (a part may contain "/", as in "eps 4/255").
METRIC_ID_SEPARATOR = "::"
#: What an interval is, by the name a results file stores, and how tables label it.
INTERVAL_KINDS = {
    "bootstrap_95": "95% CI, bootstrap over test cases",
    "splits_2.5_97.5": "2.5th–97.5th percentile over splits",
    "seeds_min_max": "range over seeds (min–max)",
    "wald_95": "Wald 95% CI of a fitted model",
    "corrected_t_95": "95% CI of a mean over random splits, corrected resampled t",
}


def metric_id(name: str | tuple[str, ...] | list[str]) -> str:
    """The identifier of a metric named by one part or a sequence of parts (a group, then a
    name): parts joined by :data:`METRIC_ID_SEPARATOR`, which no part may contain."""
    parts = (name,) if isinstance(name, str) else tuple(name)
    for part in parts:
        if not isinstance(part, str) or not part or METRIC_ID_SEPARATOR in part:
            raise ValueError(
                f"metric name part {part!r} of {parts!r} must be a non-empty string without "
                f"{METRIC_ID_SEPARATOR!r}; pass the parts as a tuple instead"
            )
    return METRIC_ID_SEPARATOR.join(parts)


def _clean(x: float | None) -> float | None:
    return None if x is None or pd.isna(x) else float(x)


class ResultsRecorder:
    """Collects one notebook's results; ``save()`` writes them where the runner asked."""

    def __init__(self, notebook: str) -> None:
        self.notebook = os.environ.get(CHAPTER_ENV) or notebook
        self.data: dict[str, dict] = {}
        self.metrics: dict[str, dict[str, float | str | None]] = {}
        self.headline: list[str] = []
        self.extras: dict[str, object] = {}
        self.inputs: dict[str, dict] = {}
        self.saved_to: Path | None = None

    def add_data_file(self, file_name: str, record: dict) -> None:
        """Record a data file by name with its MD5 and whether it is the official file."""
        self.data[file_name] = dict(record)

    def add_metric(
        self,
        name: str | tuple[str, ...],
        value: float,
        low: float | None = None,
        high: float | None = None,
        interval: str | None = None,
        headline: bool = False,
    ) -> str:
        """Record one metric and, where computed, its interval ``low``-``high``, which must say
        what it is: one of :data:`INTERVAL_KINDS`. Returns the metric's identifier."""
        key = metric_id(name)
        low, high = _clean(low), _clean(high)
        if (low is None) != (high is None):
            raise ValueError(f"metric {key!r}: give both ends of the interval or neither")
        if low is not None and interval not in INTERVAL_KINDS:
            raise ValueError(
                f"metric {key!r}: say what the interval is, interval= one of "
                f"{', '.join(INTERVAL_KINDS)} (got {interval!r})"
            )
        self.metrics[key] = {"value": _clean(value), "low": low, "high": high,
                             "interval": interval if low is not None else None}
        if headline and key not in self.headline:
            self.headline.append(key)
        return key

    def add_metric_table(
        self,
        table: pd.DataFrame,
        group: str | tuple[str, ...] = (),
        interval: str | None = None,
        headline: tuple[str, ...] = (),
    ) -> None:
        """Record every row of a frame with a ``value`` column and, where computed, the
        interval columns ``ci_low``/``ci_high`` (as :mod:`medlib.metrics` returns them), of
        kind ``interval``; each row's identifier is ``group`` followed by its index."""
        prefix = (group,) if isinstance(group, str) else tuple(group)
        for name, row in table.iterrows():
            self.add_metric((*prefix, str(name)), row["value"], row.get("ci_low"),
                            row.get("ci_high"), interval=interval, headline=name in headline)

    def add_extra(self, key: str, value: object) -> None:
        """Any other JSON-serialisable fact worth keeping (thresholds, counts, tables); kept
        under ``extras`` in the results file, apart from the runner's own keys."""
        self.extras[key] = value

    def artifact_path(self, file_name: str) -> Path | None:
        """Where to write a file that belongs with the results (for example trained weights
        a later chapter loads): ``$MEDLIB_RESULTS_DIR/NAME_file_name``, or None when the
        run is not a runner's (then nothing should be written)."""
        directory, named = results_target()
        return directory / f"{self.notebook}_{file_name}" if named else None

    def use_artifact(self, chapter: str, file_name: str) -> Path:
        """The file ``file_name`` that chapter ``chapter`` published beside its results
        (for example cnn_beyond's trained weights), with its MD5 recorded under ``inputs``.

        The runner checks before the run that the file exists and matches the MD5 the
        producing chapter recorded (``requires:`` in params.yml); the MD5 recorded here
        lets anyone check afterwards which weights this chapter's numbers come from.
        """
        return self._use(chapter, f"{chapter}_{file_name}")

    def use_results(self, chapter: str) -> dict:
        """The published results of chapter ``chapter`` (for a number measured there),
        with the results file's MD5 recorded under ``inputs`` as for :meth:`use_artifact`."""
        path = self._use(chapter, f"{chapter}.json")
        if not path.is_file():
            raise FileNotFoundError(f"{path.name} is not published; run: python -m "
                                    f"medlib.book run {chapter} --profile book")
        return json.loads(path.read_text())

    def _use(self, chapter: str, file_name: str) -> Path:
        path = published_dir() / file_name
        self.inputs[file_name] = {"chapter": chapter,
                                  "md5": md5sum(path) if path.is_file() else None}
        return path

    def use_repository_file(self, relative_path: str) -> Path:
        """A file of the repository that the chapter reads (for example ``_toc.yml``),
        with its MD5 recorded under ``inputs``, so that a change to it makes the chapter
        stale (``python -m medlib.book status``)."""
        path = REPO_ROOT / relative_path
        self.inputs[relative_path] = {"chapter": None, "md5": md5sum(path)}
        return path

    def record(self) -> dict:
        return {"schema": SCHEMA_VERSION, "notebook": self.notebook, "data": self.data,
                "inputs": self.inputs, "modules": imported_medlib_modules(),
                "metrics": self.metrics, "headline": self.headline, "extras": self.extras}

    def save(self, predictions: pd.DataFrame | None = None) -> None:
        """Write ``NAME.json`` (and ``NAME_predictions.csv``) where the runner asked.

        The record lists the medlib modules this kernel imported, which the runner hashes
        into the chapter's stamp. Outside the runner (no ``MEDLIB_RESULTS_DIR``) the files
        go to ``_build/unpublished/`` and a line says so: the published book changes only
        through the runner. Returns nothing, so that a notebook's last line does not
        display a path.
        """
        directory, named = results_target()
        directory.mkdir(parents=True, exist_ok=True)
        if predictions is not None:
            # 10 significant digits: enough that scores tied in the file are tied in the
            # notebook, so a metric recomputed from the file equals the reported one
            predictions.to_csv(directory / f"{self.notebook}_predictions.csv", index=False,
                               float_format="%.10g")
        path = directory / f"{self.notebook}.json"
        path.write_text(json.dumps(json_safe(self.record()), indent=1, allow_nan=False) + "\n")
        self.saved_to = path
        if not named:
            print(f"results of this run: {relative_to_repo(path)} (not published; "
                  f"python -m medlib.book run {self.notebook} --profile book publishes it)")


def imported_medlib_modules() -> list[str]:
    """The medlib modules this process has imported, sorted: what a chapter's numbers can
    depend on, read when it saves (its stamp hashes their source files)."""
    return sorted(name for name, module in sys.modules.items()
                  if (name == "medlib" or name.startswith("medlib."))
                  and getattr(module, "__file__", None))


def load_results(results_dir: Path) -> dict[str, dict]:
    """Every chapter's ``NAME.json`` in ``results_dir``, by notebook name (files whose name
    starts with ``_``, such as the verification records, are not chapters)."""
    return {p.stem: json.loads(p.read_text()) for p in sorted(results_dir.glob("[!_]*.json"))}


def format_number(value: float) -> str:
    """Three decimals below 10, thousands separators and no decimals above, and scientific
    notation for a non-zero value under 0.001 (a float64 rounding error of 5e-15 printed as
    0.000 would claim an exact zero)."""
    if value != 0 and abs(value) < 1e-3:
        return f"{value:.1e}"
    return f"{value:.3f}" if abs(value) < 10 else f"{value:,.0f}"


def format_metric(metric: dict) -> str:
    """``0.945 (95% CI, bootstrap over test cases: 0.926–0.963)``: value and labelled interval."""
    text = format_number(metric["value"])
    if metric.get("low") is not None and metric.get("high") is not None:
        text += (f" ({INTERVAL_KINDS[metric['interval']]}: "
                 f"{format_number(metric['low'])}–{format_number(metric['high'])})")
    return text
