"""What a chapter calls while it runs: open it, seed it, record its results.

Every chapter's kernel imports this package and nothing of the publishing machinery
(:mod:`medlib.book`), so that a change to the machinery (the runner, the tolerances, the
boxes written after execution) never makes a chapter stale.

- :mod:`.opening`: :func:`~medlib.chapter.opening.open_chapter`, the one call that opens
  every chapter (seeding, plot style, results recorder).
- :mod:`.results`: the results recorder and the results-file schema.
- :mod:`.repro`: seeding and determinism.
- :mod:`.contract`: the environment the runner gives a chapter, and where a chapter run
  by hand writes its results.
"""
