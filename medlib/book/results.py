"""Results files: what a notebook measured, in a form that tests and readers can parse.

Inside a notebook, :class:`ResultsRecorder` collects metrics, data-file checksums and
test-set predictions and writes them to the staging directory the runner names in
``MEDLIB_RESULTS_DIR``; the runner then adds what only it knows (profile, parameters,
runtime, versions) and moves the files into ``book/results/`` once the notebook finished.
Run by hand or by nbval (no ``MEDLIB_RESULTS_DIR``), a notebook writes nothing, so the
published results change only through the runner. Schema: DESIGN.md, "Results files".
"""

from __future__ import annotations

import json
import math
import os
import platform
from importlib import metadata
from pathlib import Path

import pandas as pd

RESULTS_DIR_ENV = "MEDLIB_RESULTS_DIR"
CHAPTER_ENV = "MEDLIB_CHAPTER"  # the published name, when one source serves two chapters
VERSIONED_PACKAGES = (
    "numpy", "pandas", "scikit-learn", "tensorflow-cpu", "keras", "torch", "seaborn",
    "papermill", "medlib",
)


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


class ResultsRecorder:
    """Collects one notebook's results; ``save()`` writes them where the runner asked."""

    def __init__(self, notebook: str) -> None:
        self.notebook = os.environ.get(CHAPTER_ENV) or notebook
        self.data: dict[str, dict] = {}
        self.metrics: dict[str, dict[str, float | None]] = {}
        self.headline: list[str] = []
        self.extra: dict[str, object] = {}

    def add_data_file(self, file_name: str, record: dict) -> None:
        """Record a data file by name with its MD5 and whether it is the official file."""
        self.data[file_name] = dict(record)

    def add_metric(
        self, name: str, value: float, ci_low: float | None = None,
        ci_high: float | None = None, headline: bool = False,
    ) -> None:
        """Record one metric and, where computed, its 95% interval."""
        def clean(x: float | None) -> float | None:
            return None if x is None or pd.isna(x) else float(x)

        self.metrics[name] = {"value": clean(value), "ci_low": clean(ci_low),
                              "ci_high": clean(ci_high)}
        if headline and name not in self.headline:
            self.headline.append(name)

    def add_metric_table(self, table: pd.DataFrame, prefix: str = "", headline=()) -> None:
        """Record every row of a ``value``/``ci_low``/``ci_high`` frame, names prefixed."""
        for name, row in table.iterrows():
            self.add_metric(f"{prefix}{name}", row["value"], row.get("ci_low"),
                            row.get("ci_high"), headline=name in headline)

    def add_extra(self, key: str, value: object) -> None:
        """Any other JSON-serialisable fact worth keeping (thresholds, counts, timings)."""
        self.extra[key] = value

    def artifact_path(self, file_name: str) -> Path | None:
        """Where to write a file that belongs with the results (for example trained weights
        a later chapter loads): ``$MEDLIB_RESULTS_DIR/NAME_file_name``, or None when the
        run is not a runner's (then nothing should be written)."""
        target = os.environ.get(RESULTS_DIR_ENV)
        return Path(target) / f"{self.notebook}_{file_name}" if target else None

    def record(self) -> dict:
        return {"notebook": self.notebook, "data": self.data, "metrics": self.metrics,
                "headline": self.headline, **self.extra}

    def save(self, predictions: pd.DataFrame | None = None) -> None:
        """Write ``NAME.json`` (and ``NAME_predictions.csv``) to ``$MEDLIB_RESULTS_DIR``.

        Without that variable (a run by hand or by nbval) nothing is written. Returns
        nothing, so that a notebook's last line does not display a path of the machine.
        """
        target = os.environ.get(RESULTS_DIR_ENV)
        if not target:
            return
        directory = Path(target)
        if predictions is not None:
            predictions.to_csv(directory / f"{self.notebook}_predictions.csv", index=False,
                               float_format="%.6f")
        path = directory / f"{self.notebook}.json"
        path.write_text(json.dumps(json_safe(self.record()), indent=1, allow_nan=False) + "\n")


def environment_versions() -> dict[str, str]:
    """Python, platform and package versions, for the results file."""
    versions = {"python": platform.python_version(), "platform": platform.platform(terse=True),
                "machine": platform.machine(), "cpu_count": str(os.cpu_count())}
    for package in VERSIONED_PACKAGES:
        try:
            versions[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            continue
    return versions


def load_results(results_dir: Path) -> dict[str, dict]:
    """Every ``NAME.json`` in ``results_dir``, by notebook name."""
    return {p.stem: json.loads(p.read_text()) for p in sorted(results_dir.glob("*.json"))}


def _format_metric(metric: dict) -> str:
    text = f"{metric['value']:.3f}"
    if metric.get("ci_low") is not None and metric.get("ci_high") is not None:
        text += f" ({metric['ci_low']:.3f}–{metric['ci_high']:.3f})"
    return text


def results_table(results_dir: Path) -> str:
    """A Markdown table of every results file's headline metrics (README, "Results")."""
    lines = [
        "| chapter | profile | metric | value (95% CI) | data file official | runtime |",
        "|---|---|---|---|---|---|",
    ]
    for name, result in load_results(results_dir).items():
        official = ", ".join(
            f"{file}: {'yes' if rec.get('official') else 'no'}" for file, rec in result["data"].items()
        )
        for metric in result.get("headline", []):
            lines.append(
                f"| {name} | {result.get('profile', '?')} | {metric} | "
                f"{_format_metric(result['metrics'][metric])} | {official} | "
                f"{result.get('runtime_s', float('nan')):.0f} s |"
            )
    return "\n".join(lines) + "\n"


TABLE_START, TABLE_END = "<!-- results-table:start -->", "<!-- results-table:end -->"


def update_readme_table(readme: Path, results_dir: Path) -> bool:
    """Replace the generated table between the markers in ``readme``; True if it changed."""
    text = readme.read_text()
    start, end = text.index(TABLE_START) + len(TABLE_START), text.index(TABLE_END)
    new = text[:start] + "\n" + results_table(results_dir) + text[end:]
    if new != text:
        readme.write_text(new)
    return new != text
