"""Exceptions raised by zarrnative.

Errors from the C++ core arrive as these types (or as the built-in
``ValueError``, ``TypeError``, ``BufferError`` and ``IndexError`` they
subclass), with a message naming the object and what was wrong.

zarr-python's names are here with zarr-python's hierarchy:
``BaseZarrError`` is a ``ValueError``; ``NodeNotFoundError`` (and its
``ArrayNotFoundError`` / ``GroupNotFoundError``) is also a
``FileNotFoundError``; ``ContainsArrayError``, ``ContainsGroupError``,
``MetadataValidationError`` (and ``NodeTypeValidationError``),
``UnknownCodecError`` and zarrnative's ``CodecError`` derive from
``BaseZarrError``. ``ContainsArrayAndGroupError``, the indexing errors and the
warning categories are zarr-python's, defined here in Python.
"""

from zarrnative._core import (
    ArrayNotFoundError,
    BaseZarrError,
    CodecConfigError,
    CodecError,
    ContainsArrayError,
    ContainsGroupError,
    CorruptChunkError,
    CudaError,
    DeviceUnavailableError,
    GroupNotFoundError,
    MetadataValidationError,
    NodeNotFoundError,
    NodeTypeValidationError,
    UnknownCodecError,
)
from zarrnative.storage._base import StoreError  # a failed store request (network, server, timeout): an OSError


class ContainsArrayAndGroupError(BaseZarrError):
    """Both array and group metadata (.zarray and .zgroup) at one path."""


class VindexInvalidSelectionError(IndexError):
    pass


class NegativeStepError(IndexError):
    pass


class BoundsCheckError(IndexError):
    pass


class ArrayIndexError(IndexError):
    pass


class ZarrFutureWarning(FutureWarning):
    """A deprecated feature, for end users."""


class UnstableSpecificationWarning(ZarrFutureWarning):
    """A feature outside the Zarr specification (v3 consolidated metadata)."""


class ZarrDeprecationWarning(DeprecationWarning):
    """A feature that will be removed."""


class ZarrUserWarning(UserWarning):
    """A problem with user code or data."""


class ZarrRuntimeWarning(RuntimeWarning):
    """Dubious runtime behaviour (an argument that is accepted and ignored)."""


__all__ = [
    "ArrayIndexError",
    "ArrayNotFoundError",
    "BaseZarrError",
    "BoundsCheckError",
    "CodecConfigError",
    "CodecError",
    "ContainsArrayAndGroupError",
    "ContainsArrayError",
    "ContainsGroupError",
    "CorruptChunkError",
    "CudaError",
    "DeviceUnavailableError",
    "GroupNotFoundError",
    "MetadataValidationError",
    "NegativeStepError",
    "NodeNotFoundError",
    "NodeTypeValidationError",
    "StoreError",
    "UnknownCodecError",
    "UnstableSpecificationWarning",
    "VindexInvalidSelectionError",
    "ZarrDeprecationWarning",
    "ZarrFutureWarning",
    "ZarrRuntimeWarning",
    "ZarrUserWarning",
]
