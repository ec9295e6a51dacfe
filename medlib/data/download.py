"""Verified downloads: temp file in the target directory, MD5 check, atomic rename.

A half-downloaded or tampered file must never be mistaken for data, so bytes go to a
temporary file next to the destination and only an intact, checksummed file is renamed
into place (``os.replace`` is atomic on one file system). The network is reached through
a *transport*, a callable, so that tests can stub it: this book's machines cannot reach
Zenodo, and the download path still has to be exercised.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from pathlib import Path
from typing import BinaryIO

from tqdm import tqdm

from medlib.data.errors import ChecksumError, DataUnavailableError

CHUNK_BYTES = 1 << 20


# A transport opens a URL and yields (readable binary stream, total bytes or None).
Transport = Callable[[str], AbstractContextManager[tuple[BinaryIO, int | None]]]


class _UrllibResponse(AbstractContextManager):
    def __init__(self, url: str, timeout: float) -> None:
        self.url, self.timeout = url, timeout

    def __enter__(self) -> tuple[BinaryIO, int | None]:
        request = urllib.request.Request(self.url, headers={"User-Agent": "medlib"})
        self._response = urllib.request.urlopen(request, timeout=self.timeout)
        length = self._response.headers.get("Content-Length")
        return self._response, int(length) if length else None

    def __exit__(self, *exc) -> None:
        self._response.close()


def urllib_transport(url: str, timeout: float = 60.0) -> _UrllibResponse:
    """The real transport: an HTTP(S) GET through urllib."""
    return _UrllibResponse(url, timeout)


def md5sum(path: Path) -> str:
    """MD5 of a file, read in chunks (the MedMNIST 224 px files are gigabytes)."""
    digest = hashlib.md5(usedforsecurity=False)
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(CHUNK_BYTES), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _chunks(stream: BinaryIO) -> Iterator[bytes]:
    while chunk := stream.read(CHUNK_BYTES):
        yield chunk


def download_verified(
    url: str,
    destination: Path,
    expected_md5: str,
    transport: Transport = urllib_transport,
    progress: bool = True,
) -> Path:
    """Download ``url`` to ``destination`` and return it, or raise and leave nothing behind.

    Raises ``DataUnavailableError`` when the network cannot be reached or the transfer
    stops early, and ``ChecksumError`` when the bytes are not the expected file.
    """
    destination = Path(destination)
    destination.parent.mkdir(parents=True, exist_ok=True)
    handle = tempfile.NamedTemporaryFile(  # noqa: SIM115 - closed below, renamed or deleted
        dir=destination.parent, prefix=f".{destination.name}.", suffix=".part", delete=False
    )
    temp_path = Path(handle.name)
    received = 0
    try:
        with handle:
            try:
                with transport(url) as (stream, total):
                    bar = tqdm(
                        total=total,
                        unit="B",
                        unit_scale=True,
                        unit_divisor=1024,
                        desc=destination.name,
                        disable=not progress,
                    )
                    with bar:
                        for chunk in _chunks(stream):
                            handle.write(chunk)
                            received += len(chunk)
                            bar.update(len(chunk))
            except (urllib.error.URLError, TimeoutError, ConnectionError, OSError) as err:
                if received:
                    raise DataUnavailableError(
                        f"download of {destination.name} was interrupted after {received} bytes "
                        f"({err}); nothing was saved, run again to retry"
                    ) from err
                raise DataUnavailableError(
                    f"cannot download {destination.name} from {url} ({err}). If this machine "
                    f"is offline, fetch the file elsewhere and put it in {destination.parent} "
                    f"(or point MEDLIB_DATA_DIR at the folder that holds it)"
                ) from err
            if total is not None and received != total:
                raise DataUnavailableError(
                    f"download of {destination.name} stopped after {received} of {total} "
                    f"bytes; nothing was saved, run again to retry"
                )
        got = md5sum(temp_path)
        if got != expected_md5:
            raise ChecksumError(
                f"downloaded {destination.name} has MD5 {got}, expected {expected_md5}; "
                f"the file was discarded. Retry; if it persists the source has changed"
            )
        os.replace(temp_path, destination)
        return destination
    finally:
        temp_path.unlink(missing_ok=True)
