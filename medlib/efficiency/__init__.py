"""What a model costs, and how to make it cheaper or faster.

- :mod:`.cost`: weights, FLOPs, latency and throughput of a model (chapters ``cnn_beyond``,
  ``efficiency``).
- :mod:`.compression`: pruning, quantisation and distillation; :mod:`.profiling`: where
  inference time goes, operator by operator; :mod:`.tradeoff`: compressed variants against
  their original (chapter ``efficiency``).
- :mod:`.comparison`: Keras-vs-torch training speed and the cost row of a trained model
  (chapter ``cnn_beyond``).
- :mod:`.scaling`: the alpha-beta model of ring all-reduce, for projections (chapter
  ``scaling``).
- :mod:`.distributed`: data-parallel training with torch DDP under torchrun, resumable
  (chapter ``scaling``); :mod:`.launch`: its torchrun command, built and run (chapter
  ``scaling``, ``tests/test_distributed.py``).
"""
