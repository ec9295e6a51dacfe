"""What model size and data buy (chapter ``large_models``).

- :mod:`.ladders`: families of networks that differ only in size (the improved CNN at
  several widths, a small vision transformer at several widths and depths).
- :mod:`.power_law`: a power law fitted to error against size, and where it stops holding.
- :mod:`.cost`: what each size costs to train and run, at 28 pixels and at 224.
"""
