"""MemoryStore: zarr-python 3's store in memory, served by the C++
MemoryStore (thread-safe; the array engine reads it without Python)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from zarrnative import _core
from zarrnative.storage._common import NativeStore, _bytes_like


class MemoryStore(NativeStore):
    """Keys and values in memory.

    ``store_dict`` fills the store at creation (values bytes-like or
    zarr-python Buffers). Unlike zarr-python, the dict is copied, not shared:
    later writes to the store do not show in it.
    """

    def __init__(self, store_dict: Mapping[str, Any] | None = None, *, read_only: bool = False) -> None:
        native = _core.MemoryStore(False)
        if store_dict:
            native.set_many({k: _bytes_like(v) for k, v in store_dict.items()})
        self._native = native.with_read_only(True) if read_only else native

    @classmethod
    def _from_native(cls, native: _core.Store) -> MemoryStore:
        self = cls.__new__(cls)
        self._native = native
        return self

    @classmethod
    async def open(cls, store_dict: Mapping[str, Any] | None = None, *, read_only: bool = False) -> MemoryStore:
        return cls(store_dict, read_only=read_only)

    def with_read_only(self, read_only: bool = False) -> MemoryStore:
        """A view of the same contents, read-only or not."""
        return type(self)._from_native(self._native.with_read_only(read_only))

    def __reduce__(self):
        # Pickles by value: the copy is a new store with the same keys and
        # bytes, independent of this one (as zarr-python's MemoryStore).
        keys = self._native.list()
        contents = dict(zip(keys, self._native.get_many(keys)))
        return (_memory_store, (contents, self.read_only))

    def __str__(self) -> str:
        return self._native.describe()

    def __repr__(self) -> str:
        return f"MemoryStore('{self}')"

    def __eq__(self, other: object) -> bool:
        return (
            isinstance(other, MemoryStore)
            and self._native.describe() == other._native.describe()
            and self.read_only == other.read_only
        )

    def __hash__(self) -> int:
        return hash(self._native.describe())


def _memory_store(contents: dict, read_only: bool) -> MemoryStore:
    return MemoryStore(contents, read_only=read_only)
