"""Open every page of the built book in a real, headless browser, with the network off.

A strict Sphinx build proves that references resolve, not that a reader sees the page:
a figure whose file is missing, a script that throws, formulas left as raw TeX, or a page
that quietly fetches something from the network pass the build. This check loads each
page in the system's Chromium (driven by Playwright), refuses every request that leaves
the build folder, and reports, per page:

- a JavaScript error (an uncaught exception; messages a theme logs are not errors);
- a request that needs the network (the book must read offline);
- a file of the build that does not load (script, style sheet, image, font);
- an image that does not decode;
- math that MathJax did not typeset, or typeset as an error;
- an internal link to a page or an anchor that does not exist.

It saves a full-page screenshot of each page, so a person can look at what was checked.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urldefrag, urlparse

SKIPPED_FOLDERS = {"_static", "_sources", "_images", "_sphinx_design_static", "_downloads"}
CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome")
MATH_TIMEOUT_MS = 20_000

_COLLECT_PAGE = """async () => {
  for (const img of document.images) { img.loading = "eager"; }
  const images = await Promise.all([...document.images].map(
    img => img.decode().then(() => null, () => img.getAttribute("src"))));
  if (window.MathJax && MathJax.startup && MathJax.startup.promise) {
    await MathJax.startup.promise;
  }
  const math = [...document.querySelectorAll(".math")];
  return {
    brokenImages: images.filter(src => src !== null),
    mathTotal: math.length,
    untypeset: math.filter(m => !m.querySelector("mjx-container") && !m.closest("mjx-container"))
                   .map(m => m.textContent.trim().slice(0, 60)),
    mathErrors: [...document.querySelectorAll("mjx-merror")]
                   .map(m => m.getAttribute("data-mjx-error") || m.textContent.slice(0, 60)),
    links: [...document.querySelectorAll("a[href]")].map(a => a.href),
  };
}"""


@dataclass
class PageReport:
    """What went wrong on one page (``problems`` empty when it is fine)."""

    page: str
    problems: list[str] = field(default_factory=list)
    math_typeset: int = 0
    screenshot: Path | None = None


class _Anchors(HTMLParser):
    """The ``id`` and ``name`` attributes of an HTML file (the anchors a link may target),
    and the target of a ``<meta http-equiv="refresh">`` redirect, if the page is one."""

    def __init__(self) -> None:
        super().__init__()
        self.anchors: set[str] = set()
        self.redirect: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        for key in ("id", "name"):
            if values.get(key):
                self.anchors.add(values[key])
        if tag == "meta" and (values.get("http-equiv") or "").lower() == "refresh":
            self.redirect = (values.get("content") or "").partition("url=")[2].strip() or None


def redirect_target(path: Path) -> str | None:
    """Where a redirect page (Sphinx's ``index.html`` to the root page) sends the reader."""
    parser = _Anchors()
    parser.feed(path.read_text(errors="replace"))
    return parser.redirect


def find_chromium() -> str:
    """The system's Chromium; a clear error if there is none."""
    for name in CHROMIUM_NAMES:
        found = shutil.which(name)
        if found:
            return found
    raise FileNotFoundError(
        "no Chromium found (looked for " + ", ".join(CHROMIUM_NAMES) + "); install it, "
        "e.g. `apt-get install chromium` (.ci/run does this), or put it on the PATH")


def book_pages(html_dir: Path) -> list[Path]:
    """Every HTML page of the build, without Sphinx's static and source folders."""
    if not (html_dir / "index.html").is_file():
        raise FileNotFoundError(f"{html_dir} has no index.html: build the book first "
                                "(make html)")
    return sorted(p for p in html_dir.rglob("*.html")
                  if not SKIPPED_FOLDERS & set(p.relative_to(html_dir).parts[:-1]))


def _anchors(path: Path, cache: dict[Path, set[str]]) -> set[str]:
    if path not in cache:
        parser = _Anchors()
        parser.feed(path.read_text(errors="replace"))
        cache[path] = parser.anchors
    return cache[path]


def broken_links(links: list[str], html_dir: Path, cache: dict[Path, set[str]]) -> list[str]:
    """The links among ``links`` that point into ``html_dir`` at a missing file or anchor
    (links to other sites are not followed: the check runs offline)."""
    root = html_dir.resolve()
    broken = []
    for link in dict.fromkeys(links):
        url, fragment = urldefrag(link)
        parsed = urlparse(url)
        if parsed.scheme != "file":
            continue
        target = Path(unquote(parsed.path))
        if target.is_dir():
            target = target / "index.html"
        if not target.is_relative_to(root):
            broken.append(f"{link} (outside the build)")
        elif not target.is_file():
            broken.append(f"{link} (no such file)")
        elif fragment and target.suffix == ".html" and \
                unquote(fragment) not in _anchors(target, cache):
            broken.append(f"{link} (no anchor #{fragment})")
    return broken


def _offline_router(report: PageReport):
    """A Playwright route handler: files of the build load, anything else is refused and
    reported."""
    def route(route) -> None:
        url = route.request.url
        if url.startswith(("file:", "data:", "blob:")):
            route.continue_()
        else:
            report.problems.append(f"needs the network: {url}")
            route.abort()
    return route


def check_pages(html_dir: Path, screenshot_dir: Path | None = None,
                pages: list[Path] | None = None) -> list[PageReport]:
    """Load every page (or ``pages``) offline in headless Chromium and report its problems;
    a screenshot of each goes to ``screenshot_dir`` when given."""
    from playwright.sync_api import sync_playwright

    html_dir = html_dir.resolve()
    pages = [p.resolve() for p in (pages or book_pages(html_dir))]
    if screenshot_dir is not None:
        screenshot_dir.mkdir(parents=True, exist_ok=True)
    anchor_cache: dict[Path, set[str]] = {}
    reports = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=find_chromium(),
                                             args=["--no-sandbox", "--disable-gpu"])
        context = browser.new_context(viewport={"width": 1280, "height": 900},
                                      service_workers="block")
        for path in pages:
            report = PageReport(path.relative_to(html_dir).as_posix())
            target = redirect_target(path)
            if target is not None:  # a redirect: its target must exist, nothing to render
                report.problems += [f"broken redirect: {link}" for link in broken_links(
                    [(path.parent / target).resolve().as_uri()], html_dir, anchor_cache)]
                reports.append(report)
                continue
            page = context.new_page()

            page.route("**/*", _offline_router(report))
            page.on("pageerror", lambda error, r=report: r.problems.append(
                f"JavaScript error: {error}"))
            page.on("requestfailed", lambda request, r=report: r.problems.append(
                f"did not load: {request.url}") if request.url.startswith("file:") else None)
            page.goto(path.as_uri(), wait_until="load")
            found = page.evaluate(_COLLECT_PAGE)
            report.problems += [f"image does not load: {src}" for src in found["brokenImages"]]
            report.problems += [f"math not typeset: {text}" for text in found["untypeset"]]
            report.problems += [f"MathJax error: {text}" for text in found["mathErrors"]]
            report.problems += [f"broken link: {link}"
                                for link in broken_links(found["links"], html_dir, anchor_cache)]
            report.math_typeset = found["mathTotal"] - len(found["untypeset"])
            if screenshot_dir is not None:
                shot = screenshot_dir / (report.page.replace("/", "__")[:-5] + ".png")
                page.screenshot(path=str(shot), full_page=True)
                report.screenshot = shot
            page.close()
            reports.append(report)
        browser.close()
    return reports


def format_reports(reports: list[PageReport]) -> str:
    """One line per page, then every problem indented under its page."""
    lines = []
    for report in reports:
        verdict = "ok" if not report.problems else f"{len(report.problems)} problem(s)"
        lines.append(f"{report.page}: {verdict} ({report.math_typeset} formulas typeset)")
        lines += [f"    {problem}" for problem in report.problems]
    return "\n".join(lines) + "\n"
