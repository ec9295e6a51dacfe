"""What a model costs, and how to make it cheaper or faster.

- :mod:`.cost`: weights, FLOPs, latency and throughput of a model (chapters ``cnn_beyond``,
  ``efficiency``).
- :mod:`.compression`: pruning, quantisation and distillation (chapter ``efficiency``).
- :mod:`.scaling`: the alpha-beta model of ring all-reduce, for projections (chapter
  ``scaling``).
- :mod:`.distributed`: data-parallel training with torch DDP under torchrun, resumable
  (chapter ``scaling``).
"""
