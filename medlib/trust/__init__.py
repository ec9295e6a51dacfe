"""Whether a model can be trusted: the open challenges of the book's last part.

- :mod:`.attributions`, :mod:`.faithfulness`, :mod:`.visit_attributions`: attribution maps,
  their sanity checks and deletion curves (chapter ``interpretability``).
- :mod:`.robustness`, :mod:`.privacy`, :mod:`.input_check`: adversarial examples and
  corruptions, membership inference and DP-SGD, out-of-distribution input checks (chapter
  ``robustness``).
- :mod:`.labels`: label noise and active learning (chapter ``labelling``).
- :mod:`.captum_quiet`: captum imported without its import-time warning.
"""
