"""Claims: the comparative sentences of the book, computed from numbers and re-derivable.

A page says "A is ahead of B", "cannot be told apart", "stands above the shuffled runs".
Each such verdict is made here, by one function per kind of comparison, from the estimate
and its interval (or from a null distribution), never from words typed beside the
numbers; the page glues the verb this module chose. Every verdict is also a
:class:`~medlib.claims.verdicts.Claim` that a chapter writes to its results file
(``extras["claims"]``), so that a test can re-derive each published verdict from the
published numbers (:func:`~medlib.claims.verdicts.rederive`).

- :mod:`.verdicts`: the comparison kinds, their outcomes and their verbs.
"""
