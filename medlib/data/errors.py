"""Errors raised by the data loaders.

Every message says what was wrong and what to do about it, because the reader who hits
one is usually re-running a chapter on a new machine, not debugging medlib.
"""


class DataError(Exception):
    """Base class: any problem finding, downloading or reading a data set."""


class UnknownDatasetError(DataError):
    """A data set name (or image size) that the registry does not know."""


class DataUnavailableError(DataError):
    """The file is not on disk and cannot be downloaded (offline, refused, interrupted)."""


class ChecksumError(DataError):
    """A file whose MD5 is neither the official one nor listed in its MANIFEST.tsv."""


class CorruptDataError(DataError):
    """A file that passed the checksum gate but cannot be read as the expected arrays."""
