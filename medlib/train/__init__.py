"""Training, written once per framework.

- :mod:`.keras_loop`: the MedMNIST v2 protocol for Keras binary classifiers (``Model.fit``
  with callbacks). Chapters ``cnn_diagnosis``, ``optimizers``.
- :mod:`.torch_loop`: the torch loop with the ingredients of chapter ``cnn_beyond``
  (augmentation, label smoothing, one-cycle or step schedule, test-time augmentation), used
  again by ``interpretability``, ``robustness``, ``labelling`` and ``efficiency``.
- :mod:`.selection`: the one best-epoch rule every loop keeps its model by.
- :mod:`.seed_runs`: every variant trained with its seeds and scored; :mod:`.ablation`: each
  ingredient against the full recipe on the same seeds (chapter ``cnn_beyond``).
- :mod:`.calibration`: temperature scaling. :mod:`.checkpoints`: the improved CNN's weights,
  saved by ``cnn_beyond`` and loaded, checked, by the chapters that need them.
"""
