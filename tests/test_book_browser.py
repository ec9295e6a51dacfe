"""medlib.book.browser: a page that would look broken to a reader fails the check.

Each test writes a small site and opens it in the system's headless Chromium, offline.
"""

import io
import shutil

import matplotlib
import pytest

from medlib.book.browser import book_pages, broken_links, check_pages, format_reports

matplotlib.use("Agg")
import matplotlib.pyplot as plt

if not any(shutil.which(n) for n in ("chromium", "chromium-browser", "google-chrome")):
    pytest.fail("the browser check needs Chromium: apt-get install chromium (.ci/run does)",
                pytrace=False)

PAGE = """<!DOCTYPE html><html><head><meta charset="utf-8"><title>t</title>{head}</head>
<body><h1 id="top">A page</h1>{body}</body></html>"""


def png_bytes() -> bytes:
    figure = plt.figure(figsize=(0.5, 0.5))
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=20)
    plt.close(figure)
    return buffer.getvalue()


@pytest.fixture
def site(tmp_path):
    html = tmp_path / "html"
    (html / "_images").mkdir(parents=True)
    (html / "_images" / "figure.png").write_bytes(png_bytes())
    (html / "index.html").write_text(
        '<html><head><meta http-equiv="refresh" content="0; url=good.html" /></head></html>')
    (html / "good.html").write_text(PAGE.format(head="", body=(
        '<img src="_images/figure.png" alt="a figure">'
        '<a href="good.html#top">up</a> <a href="https://example.org/">elsewhere</a>')))
    return html


def problems(html, name):
    (report,) = check_pages(html, pages=[html / name])
    return report.problems


def test_a_sound_page_and_the_redirect_pass(site, tmp_path):
    reports = check_pages(site, tmp_path / "shots")
    assert [r.page for r in reports] == ["good.html", "index.html"]
    assert all(not r.problems for r in reports), format_reports(reports)
    assert (tmp_path / "shots" / "good.png").stat().st_size > 1000  # a screenshot


def test_a_deliberately_broken_image_fails(site):
    (site / "broken.html").write_text(PAGE.format(head="", body=(
        '<img src="_images/figure.png" alt="fine"><img src="_images/missing.png" alt="gone">')))
    found = problems(site, "broken.html")
    assert any("image does not load: _images/missing.png" in p for p in found)
    assert any(p.startswith("did not load:") and "missing.png" in p for p in found)


def test_a_javascript_error_fails(site):
    (site / "script.html").write_text(PAGE.format(
        head="<script>const x = 1;</script><script>const x = 2;</script>", body=""))
    assert any("JavaScript error" in p and "already been declared" in p
               for p in problems(site, "script.html"))


def test_a_page_that_needs_the_network_fails(site):
    (site / "cdn.html").write_text(PAGE.format(
        head='<script src="https://cdn.example.org/mathjax.js"></script>', body=""))
    assert "needs the network: https://cdn.example.org/mathjax.js" in problems(site, "cdn.html")


def test_untypeset_math_fails(site):
    (site / "math.html").write_text(PAGE.format(
        head="", body=r'<span class="math notranslate nohighlight">\(e^{i\pi} + 1 = 0\)</span>'))
    assert any(p.startswith("math not typeset: \\(e^{i\\pi}") for p in problems(site, "math.html"))


def test_broken_internal_links_fail_and_external_ones_are_not_followed(site):
    (site / "links.html").write_text(PAGE.format(head="", body=(
        '<a href="good.html#top">ok</a><a href="good.html#nowhere">bad anchor</a>'
        '<a href="gone.html">bad page</a><a href="https://example.org/x">not followed</a>')))
    found = problems(site, "links.html")
    assert len(found) == 2
    assert any("good.html#nowhere (no anchor #nowhere)" in p for p in found)
    assert any("gone.html (no such file)" in p for p in found)


def test_pages_skip_sphinx_folders_and_need_a_build(site, tmp_path):
    (site / "_static").mkdir()
    (site / "_static" / "x.html").write_text(PAGE.format(head="", body=""))
    assert [p.name for p in book_pages(site)] == ["good.html", "index.html"]
    with pytest.raises(FileNotFoundError, match="build the book first"):
        book_pages(tmp_path / "nothing")


def test_broken_links_resolves_folders_to_their_index(site):
    assert broken_links([site.resolve().as_uri() + "/"], site, {}) == []
