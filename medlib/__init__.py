"""medlib: the thin shared package behind medlib-book, one package per part of the book.

Imports point downward only, in this order (``tests/test_architecture.py`` checks it):
``data`` < ``models`` < ``foundations`` < ``metrics`` < ``optim`` < ``train`` <
``survival`` < ``trust`` < ``pretraining`` < ``efficiency`` < ``scale`` < ``treatment`` <
``chapter`` < ``summary`` < ``book``; ``plots`` stands beside them and imports none of
them. Library code never imports the publishing machinery (``medlib.book``), and neither
does a chapter's kernel.

- :mod:`medlib.data`: data sets, verified downloads, splits, augmentation, published rows.
- :mod:`medlib.models`: the networks (Keras and torch twins, recurrent, attention).
- :mod:`medlib.metrics`: scores with their intervals (binary, multi-class, survival, seeds).
- :mod:`medlib.optim`: update rules written once, adapters, schedules, the convex test bed.
- :mod:`medlib.train`: the Keras and torch training loops, model selection, calibration,
  checkpoints.
- :mod:`medlib.survival`: the discrete-time survival model, landmarking, progression models.
- :mod:`medlib.trust`: attributions, faithfulness, robustness, privacy, input checks, labels.
- :mod:`medlib.efficiency`: cost, compression, the scaling model, distributed training.
- :mod:`medlib.chapter`: what a chapter calls while it runs (open it, seed it, record its
  results).
- :mod:`medlib.summary`: the content of the summary pages (findings, FAQ).
- :mod:`medlib.book`: the publishing machinery: runner, stamps, verification, boxes,
  browser check (``python -m medlib.book``).
- :mod:`medlib.plots`: the figure helpers several chapters share.
"""

__version__ = "0.1.0"
