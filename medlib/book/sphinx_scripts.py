"""A Sphinx extension that drops a script a page would load twice.

sphinx-thebe 0.3.1 and sphinx-togglebutton (which Jupyter Book 1.x always loads) register
their inline configuration scripts twice in this build (once with file name ``None``, once
with ``""``), so every page declared ``const THEBE_JS_URL`` twice and the
browser threw "Identifier 'THEBE_JS_URL' has already been declared" on every page (the
browser check, ``medlib.book.browser``, found it). Removing exact duplicates, keeping the
first, changes nothing else on the page.
"""

from __future__ import annotations

from typing import Any


def unique_scripts(scripts: list[Any]) -> list[Any]:
    """``scripts`` without repeats of the same file or the same inline body, in order."""
    seen: set[tuple[str, str]] = set()
    kept = []
    for script in scripts:
        key = (str(getattr(script, "filename", script) or ""),  # inline: None or ""
               str(getattr(script, "attributes", {}).get("body", "")))
        if key not in seen:
            seen.add(key)
            kept.append(script)
    return kept


def _deduplicate(app, pagename, templatename, context, doctree) -> None:
    if "script_files" in context:
        context["script_files"] = unique_scripts(context["script_files"])


def setup(app) -> dict:
    app.connect("html-page-context", _deduplicate, priority=999)  # after the theme's
    return {"parallel_read_safe": True, "parallel_write_safe": True}
