"""The book's machinery: run notebooks with papermill, write, read and verify results files.

- :mod:`.runner`, :mod:`.params`: run chapters in dependency order with their profiles.
- :mod:`.chapter`: the one call that opens a chapter (seeding, plot style, recorder).
- :mod:`.results`: results files (schema 2) and the README table.
- :mod:`.verify`, :mod:`.checks`: the tolerance check of re-executed results, and each
  chapter's checks box.
- :mod:`.repro`: seeding and determinism.

Command line: ``python -m medlib.book {list,run,table,verify}`` (see ``__main__``). Every
chapter uses this package; no other medlib package imports it.
"""
