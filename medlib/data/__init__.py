"""Data sets of the book: registry, verified download, loaders.

See DESIGN.md, "Data". Image chapters call :func:`load_medmnist`.
"""

from medlib.data.download import download_verified, md5sum, urllib_transport
from medlib.data.errors import (
    ChecksumError,
    CorruptDataError,
    DataError,
    DataUnavailableError,
    UnknownDatasetError,
)
from medlib.data.medmnist import (
    MedMNISTData,
    VerifiedFile,
    load_medmnist,
    locate_medmnist,
    manifest_md5s,
    search_dirs,
    verify_local,
)
from medlib.data.registry import (
    IMAGE_SIZES,
    SPLITS,
    MedMNISTFile,
    MedMNISTInfo,
    dataset_names,
    medmnist_file,
    medmnist_info,
)

__all__ = [
    "IMAGE_SIZES",
    "SPLITS",
    "ChecksumError",
    "CorruptDataError",
    "DataError",
    "DataUnavailableError",
    "MedMNISTData",
    "MedMNISTFile",
    "MedMNISTInfo",
    "UnknownDatasetError",
    "VerifiedFile",
    "dataset_names",
    "download_verified",
    "load_medmnist",
    "locate_medmnist",
    "manifest_md5s",
    "md5sum",
    "medmnist_file",
    "medmnist_info",
    "search_dirs",
    "urllib_transport",
    "verify_local",
]
