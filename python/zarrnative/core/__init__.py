"""The parts of zarr-python 3's ``zarr.core`` that user code imports:
``core.buffer`` (Buffer, NDBuffer, BufferPrototype,
default_buffer_prototype: what stores hold and return), ``core.group``
(GroupMetadata, Group, AsyncGroup) and ``core.array`` (Array, AsyncArray).
``group`` and ``array`` load on first use (the stores import ``buffer``
while the package itself is still loading)."""

import importlib
from typing import Any

from zarrnative.core import buffer

__all__ = ["array", "buffer", "group"]


def __getattr__(name: str) -> Any:
    if name in ("array", "group"):
        return importlib.import_module(f"zarrnative.core.{name}")
    raise AttributeError(f"module 'zarrnative.core' has no attribute {name!r}")
