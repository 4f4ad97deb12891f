"""Exceptions raised by zarrnative.

Errors from the C++ core arrive as these types (or as the built-in
``ValueError``, ``TypeError``, ``BufferError`` and ``IndexError`` they
subclass), with a message naming the object and what was wrong.
"""

from zarrnative._core import (
    CodecConfigError,
    CodecError,
    CorruptChunkError,
    CudaError,
    DeviceUnavailableError,
)

__all__ = ["CodecConfigError", "CodecError", "CorruptChunkError", "CudaError", "DeviceUnavailableError"]
