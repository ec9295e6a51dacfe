"""Whether a model can be trusted: the open challenges of the book's last part.

- :mod:`.attributions`, :mod:`.faithfulness`, :mod:`.visit_attributions`: attribution maps,
  their sanity checks and deletion curves (chapter ``interpretability``).
- :mod:`.robustness`, :mod:`.privacy`, :mod:`.input_check`: adversarial examples and
  corruptions, membership inference and DP-SGD, out-of-distribution input checks (chapter
  ``robustness``); :mod:`.privacy_audit`: the membership audit and the privacy table;
  :mod:`.scoring`: test scores kept for the predictions file.
- :mod:`.labels`: label budgets, label noise and uncertainty sampling; :mod:`.label_runs`
  (the chapter's training run), :mod:`.active_learning` (acquisition rounds, labels needed)
  and :mod:`.label_noise` (noise settings, GCE search, the label-noise table) build on it
  (chapter ``labelling``); :mod:`.labelling_report`: that chapter's verdicts as claims.
- :mod:`.captum_quiet`: captum imported without its import-time warning.
"""
