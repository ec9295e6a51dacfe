"""Training, written once per framework.

- :mod:`.keras_loop`: the MedMNIST v2 protocol for Keras binary classifiers (``Model.fit``
  with callbacks). Chapters ``cnn_diagnosis``, ``optimizers``.
- :mod:`.torch_loop`: the torch loop with the ingredients of chapter ``cnn_beyond``
  (augmentation, label smoothing, one-cycle or step schedule, test-time augmentation), used
  again by ``interpretability``, ``robustness``, ``labelling`` and ``efficiency``.
- :mod:`.selection`: the one best-epoch rule every loop keeps its model by.
- :mod:`.calibration`: temperature scaling. :mod:`.checkpoints`: the improved CNN's weights,
  saved by ``cnn_beyond`` and loaded, checked, by the chapters that need them.
"""
