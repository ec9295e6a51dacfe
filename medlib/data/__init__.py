"""Data sets of the book: registry, verified download, loaders, splits, augmentation.

- :mod:`.registry`, :mod:`.download`, :mod:`.medmnist`: MedMNIST v2 files, found or
  downloaded, checked by MD5, labels checked against the task (DESIGN.md, "Data").
- :mod:`.splits`: :func:`~medlib.data.splits.load_image_splits`, which every image chapter
  (``cnn_diagnosis``, ``cnn_beyond``, ``optimizers``, ``interpretability``, ``robustness``,
  ``labelling``, ``efficiency``) starts with; :mod:`.convert` turns images into inputs.
- :mod:`.cohorts`: the PBC and NAFLD visit cohorts (chapters ``progression_pbc``,
  ``progression_nafld``, ``interpretability``).
- :mod:`.augment`: the training augmentation and test-time views (chapter ``cnn_beyond``).
- :mod:`.aorsf_bench`: the aorsf benchmark's ``pbc_orsf`` and NAFLD sets, rebuilt row for
  row (chapter ``progression_benchmarks``).
- :mod:`.published`: published results the chapters compare with.
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
