"""Networks of the book, one module per family.

- :mod:`.cnn`: the seed's convolutional network (Keras), chapter ``cnn_diagnosis``, and the
  improved residual CNN of chapter ``cnn_beyond``.
- :mod:`.cnn_torch`: the torch twins of both, and :mod:`.twins` to copy Keras weights into
  them (chapter ``cnn_beyond``).
- :mod:`.recurrent`: the seed's SimpleRNN design, GRU and LSTM (Keras), and
- :mod:`.attention`: the seed's self-attention, corrected (torch), chapter ``progression``.
- :mod:`.tanh_cnn`: a small CNN without batch normalisation, for DP-SGD (``robustness``,
  ``labelling``).

Nothing is imported here, so that a torch chapter does not load Keras and the reverse.
"""
