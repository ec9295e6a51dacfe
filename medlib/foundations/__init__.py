"""The building blocks of the book's networks, written out in NumPy and checked against Keras and
torch. Chapter: ``foundations``."""
