"""No typed numbers in the book's prose.

A number typed into the prose goes stale when its chapter is re-run. Every Markdown cell of
``notebooks/*.ipynb`` and every page ``book/*.md`` is read; after the parts that are not
prose, or whose digits are not quantities, are blanked out (see :func:`prose`), every digit
run left is a finding unless an entry of ``tests/typed_numbers_allowed.yml`` covers it.
A number the notebook computes is shown with ``{glue:text}`key``` instead; a published or
external number is cited in the same sentence; a definition, a fact of an MD5-checked data
file, an ordinal or a code constant that a test checks is allow-listed with its reason.

The allow-list is a YAML list of ``{page, text, reason}``: ``page`` is the file stem
(``cnn_beyond`` for ``notebooks/cnn_beyond.ipynb``, ``intro`` for ``book/intro.md``),
``text`` the exact phrase around the number as it is written in the Markdown source, and
``reason`` why that number may be typed. An entry covers every finding of its page that lies
inside an occurrence of its phrase; an entry that covers nothing is stale and fails.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parents[1]
ALLOWED_FILE = Path(__file__).with_name("typed_numbers_allowed.yml")
HOW_TO_FIX = (
    "Glue it from the notebook ({glue:text}`key`), cite its source in the same sentence, "
    "or add it to tests/typed_numbers_allowed.yml with the exact phrase and the reason it "
    "may be typed (a definition, a fact of an MD5-checked data file, a cited published "
    "number, an ordinal, a code constant that a named test checks)."
)

# --- What is blanked out before scanning ---------------------------------------------------
# Removed spans are replaced by spaces (newlines kept), so offsets and line numbers of the
# stripped text are those of the source and a finding can be shown on its original line.

# Fenced blocks: ``` or ~~~ (or ::: colon fences) up to a closing fence of the same kind.
FENCE = re.compile(
    r"^(?P<fence>`{3,}|~{3,}|:{3,})[ \t]*(?P<info>[^\n]*)\n(?P<body>.*?)^(?P=fence)[ \t]*$",
    re.M | re.S)
DIRECTIVE = re.compile(r"\{(?P<name>[\w:-]+)\}")
# Directives whose body is prose (a glossary, an admonition, a figure's caption) are scanned,
# without their first line (name and argument); code, maths, file inclusions, glued outputs and
# the bibliography are not. A fence without a {directive} is code.
NOT_PROSE_DIRECTIVES = {
    "code", "code-block", "code-cell", "sourcecode", "math", "literalinclude", "bibliography",
    "raw", "glue", "glue:any", "glue:md", "glue:text", "glue:figure", "glue:math", "image",
    "mermaid", "eval-rst",
}
HTML_COMMENT = re.compile(r"<!--.*?-->", re.S)
# MyST roles: {glue:text}`key:fmt`, {cite}`key`, {doc}`page`, {numref}`label`, {term}`...`,
# {math}`...`. What a role shows is computed (glue), a key, a reference or a term's name.
ROLE = re.compile(r"\{[\w:+-]+\}(`+)(?:(?!\1).)+?\1", re.S)
INLINE_CODE = re.compile(r"(`+)(?:(?!\1).)+?\1", re.S)
MATH = re.compile(r"\$\$.+?\$\$|(?<![\\$])\$[^$\n]+?\$", re.S)
LINK_TARGET = re.compile(r"(?<=\])\([^)\s]*(?:\s+\"[^\"]*\")?\)")  # [text](target): text is kept
REFERENCE_LINK = re.compile(r"^\s*\[[^\]]+\]:\s*\S+.*$", re.M)  # [label]: https://...
URL = re.compile(r"<?(?:https?|ftp)://[^\s)>]+>?")
DOI = re.compile(r"\b10\.\d{4,9}/[^\s)]+")
LABEL = re.compile(r"^\s*\([\w:.-]+\)=\s*$", re.M)  # (label)=
OPTION = re.compile(r"^\s*:[\w-]+:(?:[ \t].*)?$", re.M)  # :key: value of a directive
LIST_MARKER = re.compile(r"^\s*\d{1,3}[.)](?=\s)", re.M)  # "1. ": Markdown syntax, not a number
# Years 1600-2099, alone or as a range (1974–1984, 2017-18), not part of a longer number. The
# book writes counts from a thousand up with a separator (1,214), so a bare four-digit number
# in that range is a year.
YEAR = re.compile(
    r"(?<![\d.,])(?:1[6-9]\d\d|20\d\d)(?:[–-](?:1[6-9]\d\d|20\d\d|\d\d))?(?!\d|[.,]\d)")
PAGES = re.compile(r"\bpp?\.\s*\d+(?:\s*[–-]\s*\d+)?")  # pp. 5998–6008 of a reference
ARXIV = re.compile(r"\barXiv:?\s*\d{4}\.\d{4,5}(?:v\d+)?", re.I)
LICENCE = re.compile(r"\bCC[ -]BY(?:-[A-Z]{2})*[ -]\d\.\d\b")  # CC BY 4.0, CC BY-NC 4.0

BLANKED = (HTML_COMMENT, ROLE, INLINE_CODE, MATH, REFERENCE_LINK, LINK_TARGET, URL, DOI, LABEL,
           OPTION, LIST_MARKER, ARXIV, LICENCE, PAGES, YEAR)

DIGITS = re.compile(r"\d+(?:[.,]\d+)*")
# Identifiers: a digit run glued to a letter is part of a name, not a quantity. Glued means
# (a) a letter right before the digits: v2, w32, float32, H100, F1, L2, Conv2d, ResNet50;
# (b) a hyphen or slash between the digits and a word with a capital letter: ResNet-50,
#     FIB-4, COVID-19, ViT-B/16 (a lower-case word before a hyphen, as in "top-1" or
#     "1e-4", is not a name, so those digits stay findings);
# (c) a dimension: 2D, 3D.
# Digits followed by letters (10x, 5k, 1st, 32-bit, 8GB) are quantities or ordinals: findings.
NAME_BEFORE = re.compile(r"(?:[A-Za-z]|\b[A-Za-z]*[A-Z][A-Za-z]*[-/])\Z")
DIMENSION_AFTER = re.compile(r"^D\b")


def blank_text(text: str) -> str:
    return re.sub(r"[^\n]", " ", text)


def blank(match: re.Match) -> str:
    return blank_text(match.group(0))


def strip_fences(text: str) -> str:
    """Blank code-like fenced blocks whole; of a prose directive keep only the body."""

    def replace(match: re.Match) -> str:
        directive = DIRECTIVE.match(match.group("info").strip())
        if directive is None or directive.group("name") in NOT_PROSE_DIRECTIVES:
            return blank(match)
        start, end = match.span("body")
        offset = match.start()
        head = blank_text(match.group(0)[: start - offset])
        tail = blank_text(match.group(0)[end - offset:])
        return head + match.group("body") + tail

    return FENCE.sub(replace, text)


def prose(text: str) -> str:
    """The Markdown with everything that is not prose blanked out (same length and lines)."""
    text = strip_fences(text)
    for pattern in BLANKED:
        text = pattern.sub(blank, text)
    return text


def is_identifier(text: str, start: int, end: int) -> bool:
    return bool(NAME_BEFORE.search(text[max(0, start - 40):start])
                or DIMENSION_AFTER.match(text[end:end + 2]))


@dataclass(frozen=True)
class Finding:
    page: str
    cell: int | None  # index of the notebook cell (None for a .md page)
    start: int  # offset in the cell's source
    number: str
    line: str  # the source line that holds the number

    def __str__(self) -> str:
        where = self.page if self.cell is None else f"{self.page} (cell {self.cell})"
        return f"{where}: {self.number!r} in: {self.line.strip()}"


def markdown_cells(path: Path) -> list[tuple[int | None, str]]:
    """(index of the cell in the notebook, its source) of every Markdown cell; a .md page
    is one cell without an index."""
    if path.suffix == ".md":
        return [(None, path.read_text(encoding="utf-8"))]
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    return [(i, "".join(c["source"]) if isinstance(c["source"], list) else c["source"])
            for i, c in enumerate(cells) if c["cell_type"] == "markdown"]


def findings_in(page: str, source: str, cell: int | None = None) -> list[Finding]:
    text = prose(source)
    found = []
    for match in DIGITS.finditer(text):
        if is_identifier(text, match.start(), match.end()):
            continue
        line_start = source.rfind("\n", 0, match.start()) + 1
        line_end = source.find("\n", match.start())
        line = source[line_start:line_end if line_end >= 0 else None]
        found.append(Finding(page, cell, match.start(), match.group(0), line))
    return found


def pages() -> dict[str, Path]:
    paths = sorted(REPO.glob("notebooks/*.ipynb")) + sorted(REPO.glob("book/*.md"))
    return {p.stem: p for p in paths}


PAGES_SCANNED = pages()


def allow_list() -> list[dict]:
    entries = yaml.safe_load(ALLOWED_FILE.read_text(encoding="utf-8")) or []
    assert isinstance(entries, list), f"{ALLOWED_FILE.name} must be a list of entries"
    return entries


def covered(finding: Finding, source: str, entry: dict) -> bool:
    """Whether an occurrence of the entry's phrase in the cell spans the finding's number."""
    phrase = entry["text"]
    for occurrence in re.finditer(re.escape(phrase), source):
        if occurrence.start() <= finding.start < occurrence.end():
            return True
    return False


def scan(page: str, entries: list[dict]) -> tuple[list[Finding], list[dict]]:
    """The findings of one page that no entry covers, and the page's entries that cover none."""
    own = [e for e in entries if e["page"] == page]
    used = [False] * len(own)
    left = []
    for index, source in markdown_cells(PAGES_SCANNED[page]):
        for finding in findings_in(page, source, cell=index):
            hits = [i for i, e in enumerate(own) if covered(finding, source, e)]
            for i in hits:
                used[i] = True
            if not hits:
                left.append(finding)
    return left, [e for e, u in zip(own, used, strict=True) if not u]


# --- The scanner itself ---------------------------------------------------------------------

@pytest.mark.parametrize("source, expected", [
    ("The AUROC is 0.945 on the test set.", ["0.945"]),
    ("The AUROC is {glue:text}`auroc:.3f` on the test set.", []),
    ("Trained for `epochs=30` with $\\eta = 0.1$ and $$x^2$$.", []),
    ("```{math}\nx = 2\n```\nand ```python\ny = 3\n```", []),
    ("```{glossary}\nAUROC\n  0.5 is chance.\n```", ["0.5"]),
    ("```{figure} fig2.png\n:width: 80%\nAUROC 0.9 at 28 × 28.\n```", ["0.9", "28", "28"]),
    ("Kermany et al. (2018), pp. 1122–1131 {cite}`kermany2018identifying`, 1974–1984.", []),
    ("ResNet-50, FIB-4, COVID-19, ViT-B/16, v2, w32, float32, H100, 2D, F1 and L2.", []),
    ("arXiv:1511.06434, CC BY 4.0, CC BY-NC 4.0, [10.5281](https://doi.org/10.5281/x).",
     ["10.5281"]),
    ("(sec-data)=\n# Data\n:width: 80%\n1. first\n2. second", []),
    ("top-1, 1e-4, 10x, 32-bit, 1,214 images and 95% CI", ["1", "1", "4", "10", "32", "1,214",
                                                             "95"]),
    ("Seen 2,000 times in 2019 and 2017–18, at 1e4.", ["2,000", "1"]),
    ("with Adam\n10⁻³ and SGD\n0.01", ["10", "0.01"]),  # a number that starts a line
])
def test_the_scanner_keeps_prose_numbers_only(source, expected):
    assert [f.number for f in findings_in("page", source)] == expected


def test_a_finding_shows_its_source_line_and_an_entry_covers_only_its_phrase():
    source = "Intro.\nThe test set has 624 images and 2 classes.\n"
    found = findings_in("data", source)
    assert [str(f) for f in found] == [
        "data: '624' in: The test set has 624 images and 2 classes.",
        "data: '2' in: The test set has 624 images and 2 classes."]
    entry = {"page": "data", "text": "624 images", "reason": "r"}
    assert [covered(f, source, entry) for f in found] == [True, False]


# --- The book --------------------------------------------------------------------------------

def test_every_allow_list_entry_names_a_page_a_phrase_and_a_reason():
    problems = []
    seen = set()
    for entry in allow_list():
        if not isinstance(entry, dict) or set(entry) != {"page", "text", "reason"}:
            problems.append(f"{entry!r}: needs exactly the keys page, text and reason")
            continue
        if entry["page"] not in PAGES_SCANNED:
            problems.append(f"{entry!r}: no page {entry['page']!r} in notebooks/ or book/*.md")
        if not str(entry["text"]).strip() or not re.search(r"\d", str(entry["text"])):
            problems.append(f"{entry!r}: the phrase must contain the number it allows")
        if not str(entry.get("reason") or "").strip():
            problems.append(f"{entry!r}: give the reason this number may be typed")
        key = (entry["page"], entry["text"])
        if key in seen:
            problems.append(f"{entry!r}: listed twice")
        seen.add(key)
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("page", sorted(PAGES_SCANNED))
def test_the_prose_types_no_number_that_is_not_glued_cited_or_allowed(page):
    left, stale = scan(page, allow_list())
    message = []
    if left:
        message.append(f"{len(left)} typed number(s) in {page}:")
        message += [f"  {f}" for f in left]
        message.append(HOW_TO_FIX)
    if stale:
        message.append(f"Stale entries of {ALLOWED_FILE.name} (their phrase covers no number "
                       f"of {page} any more; remove or update them):")
        message += [f"  {e['text']!r}" for e in stale]
    assert not message, "\n".join(message)
