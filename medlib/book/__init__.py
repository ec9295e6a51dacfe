"""The book's publishing machinery: run chapters, stamp them, verify them, write their boxes.

No chapter's kernel imports this package (chapters use :mod:`medlib.chapter`), so
changing it never makes a chapter stale.

- :mod:`.runner`, :mod:`.params`: run chapters in ``requires:`` order with their profiles.
- :mod:`.stamps`: each chapter's content stamp, and which chapters are stale and why.
- :mod:`.prose`: republish a page whose Markdown alone changed, keeping its outputs.
- :mod:`.verify`, :mod:`.verification`: the tolerance check of re-executed results, and the
  records of which stamp was verified where.
- :mod:`.claims_check`: whether a chapter's verdicts hold when it is re-run (another seed).
- :mod:`.ci_plan`: which chapters CI re-executes (unverified, plus a sample by commit).
- :mod:`.boxes`, :mod:`.checks`, :mod:`.reproduce`: the boxes that close every page,
  written after execution.
- :mod:`.machine`, :mod:`.readme_table`, :mod:`.browser`, :mod:`.sphinx_scripts`: run
  records, the README's table, the offline browser check, a Sphinx fix.
- :mod:`.repository`: the checked repository address that turns the pages' repository,
  issues and Binder buttons on (``REPOSITORY_URL``; none by default).

Command line: ``python -m medlib.book {list,status,prose,publish,run,boxes,ci-plan,verify,
claims,browse,table}`` (see ``__main__``). Used by every chapter's publication, by no
chapter's kernel.
"""
