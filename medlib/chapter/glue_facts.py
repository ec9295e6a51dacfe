"""Glue a report module's facts into a page in one call.

A chapter's report module (for example :mod:`medlib.trust.labelling_report`) turns results
into the short texts the page's Markdown shows, a dictionary from glue key to text. The
notebook hands that dictionary to :func:`glue_facts`, so that a hidden glue cell is one
line and every sentence it shows was built, and tested, in the report module.
"""

from __future__ import annotations

from collections.abc import Mapping

from myst_nb import glue


def glue_facts(facts: Mapping[str, object]) -> None:
    """Glue every ``key: value`` of ``facts`` for ``{glue:text}`key``` in the Markdown,
    without displaying anything in the cell."""
    for key, value in facts.items():
        if not isinstance(key, str) or not key.isidentifier():
            raise ValueError(f"glue key {key!r} must be an identifier; rename it in the "
                             "report module that returned it")
        glue(key, value, display=False)
