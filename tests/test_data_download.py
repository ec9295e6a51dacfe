"""medlib.data.download: verified downloads through a stubbed transport."""

import hashlib
import io
import urllib.error
from contextlib import contextmanager

import pytest

from medlib.data import ChecksumError, DataUnavailableError, download_verified, md5sum

PAYLOAD = bytes(range(256)) * 5000  # 1.28 MB: more than one chunk
PAYLOAD_MD5 = hashlib.md5(PAYLOAD).hexdigest()


def serve(payload: bytes, total: int | None = None):
    @contextmanager
    def transport(url):
        yield io.BytesIO(payload), len(payload) if total is None else total

    return transport


class BreaksAfter(io.BytesIO):
    """A stream that delivers some bytes, then loses the connection."""

    def __init__(self, payload: bytes, limit: int) -> None:
        super().__init__(payload)
        self.limit = limit

    def read(self, n=-1):
        if self.tell() >= self.limit:
            raise ConnectionResetError("connection reset by peer")
        return super().read(min(n, self.limit - self.tell()))


def offline(url):
    raise urllib.error.URLError("[Errno -3] Temporary failure in name resolution")


def leftovers(directory):
    return sorted(p.name for p in directory.iterdir())


def test_success_writes_the_file_with_its_checksum(tmp_path):
    target = tmp_path / "sub" / "x.npz"
    assert (
        download_verified(
            "https://example/x.npz", target, PAYLOAD_MD5, serve(PAYLOAD), progress=False
        )
        == target
    )
    assert target.read_bytes() == PAYLOAD and md5sum(target) == PAYLOAD_MD5
    assert leftovers(target.parent) == ["x.npz"]


def test_checksum_mismatch_reports_both_md5s_and_leaves_nothing(tmp_path):
    target = tmp_path / "x.npz"
    with pytest.raises(ChecksumError, match=f"has MD5 {PAYLOAD_MD5}, expected 0{{32}}"):
        download_verified("u", target, "0" * 32, serve(PAYLOAD), progress=False)
    assert leftovers(tmp_path) == []


def test_interrupted_download_leaves_nothing(tmp_path):
    @contextmanager
    def breaking(url):
        yield BreaksAfter(PAYLOAD, limit=300_000), len(PAYLOAD)

    with pytest.raises(DataUnavailableError, match="interrupted after 300000 bytes"):
        download_verified("u", tmp_path / "x.npz", PAYLOAD_MD5, breaking, progress=False)
    assert leftovers(tmp_path) == []


def test_short_transfer_is_detected_by_its_length(tmp_path):
    with pytest.raises(DataUnavailableError, match=f"stopped after 1000 of {len(PAYLOAD)} bytes"):
        download_verified(
            "u",
            tmp_path / "x.npz",
            PAYLOAD_MD5,
            serve(PAYLOAD[:1000], total=len(PAYLOAD)),
            progress=False,
        )
    assert leftovers(tmp_path) == []


def test_offline_says_where_to_put_the_file(tmp_path):
    with pytest.raises(DataUnavailableError, match=f"put it in {tmp_path}"):
        download_verified(
            "https://zenodo.org/x", tmp_path / "x.npz", PAYLOAD_MD5, offline, progress=False
        )
    assert leftovers(tmp_path) == []


def test_existing_file_survives_a_failed_download(tmp_path):
    target = tmp_path / "x.npz"
    target.write_bytes(b"previous good copy")
    with pytest.raises(ChecksumError):
        download_verified("u", target, "0" * 32, serve(PAYLOAD), progress=False)
    assert target.read_bytes() == b"previous good copy"
