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
``BaseZarrError``.
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

__all__ = [
    "ArrayNotFoundError",
    "BaseZarrError",
    "CodecConfigError",
    "CodecError",
    "ContainsArrayError",
    "ContainsGroupError",
    "CorruptChunkError",
    "CudaError",
    "DeviceUnavailableError",
    "GroupNotFoundError",
    "MetadataValidationError",
    "NodeNotFoundError",
    "NodeTypeValidationError",
    "UnknownCodecError",
]
