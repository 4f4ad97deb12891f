"""MemoryStore: zarr-python 3's store in memory. Without a dict it is served
by the C++ MemoryStore (thread-safe; the array engine reads it without
Python); over a caller's dict it keeps its keys and Buffers in that dict, as
zarr-python's does, and arrays read and write it in batches."""

from __future__ import annotations

from collections.abc import MutableMapping
from typing import Any

from zarrnative import _core
from zarrnative.storage._base import PythonStore, Range, _slice
from zarrnative.storage._common import NativeStore, _bytes_like, _to_bytes


class MemoryStore(NativeStore):
    """Keys and values in memory.

    ``store_dict``, when given, is the store's contents: writes land in it
    as :class:`zarrnative.core.buffer.Buffer` values and the store reads
    what the caller puts there (bytes-like values or Buffers of any
    library), as zarr-python's MemoryStore shares its dict. Without one
    the contents live in the native store (faster, not a dict).
    """

    def __new__(cls, store_dict: MutableMapping[str, Any] | None = None, *, read_only: bool = False) -> MemoryStore:
        if store_dict is not None and cls is MemoryStore:
            return object.__new__(_DictMemoryStore)
        return object.__new__(cls)

    def __init__(self, store_dict: MutableMapping[str, Any] | None = None, *, read_only: bool = False) -> None:
        native = _core.MemoryStore(False)
        if store_dict:  # a subclass given a dict: its contents are copied in (not shared)
            native.set_many({k: _bytes_like(v) for k, v in store_dict.items()})
        self._native = native.with_read_only(True) if read_only else native

    @classmethod
    def _from_native(cls, native: _core.Store) -> MemoryStore:
        self = object.__new__(cls)
        self._native = native
        return self

    @classmethod
    async def open(cls, store_dict: MutableMapping[str, Any] | None = None, *,
                   read_only: bool = False) -> MemoryStore:
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
            and not isinstance(other, _DictMemoryStore)
            and self._native.describe() == other._native.describe()
            and self.read_only == other.read_only
        )

    def __hash__(self) -> int:
        return hash(self._native.describe())


class _DictMemoryStore(PythonStore, MemoryStore):
    """A MemoryStore over a caller's dict (``MemoryStore(d)``, ``store=d``)."""

    def __init__(self, store_dict: MutableMapping[str, Any], *, read_only: bool = False) -> None:
        if not isinstance(store_dict, MutableMapping):
            raise TypeError(f"store_dict must be a dict (a mutable mapping), not {type(store_dict).__name__}")
        self._store_dict = store_dict
        self._read_only = read_only

    async def _get(self, key: str, byte_range: Range = None) -> bytes | None:
        value = self._store_dict.get(key)
        return None if value is None else _slice(_to_bytes(value), byte_range)

    async def _set(self, key: str, value: bytes) -> None:
        from zarrnative.core.buffer import Buffer
        self._store_dict[key] = Buffer.from_bytes(value)

    async def _delete(self, key: str) -> None:
        self._store_dict.pop(key, None)

    async def _list_prefix(self, prefix: str) -> list[str]:
        # Keys the caller put in the dict that are no store keys ("../x",
        # "/x", non-strings) are not listed: nothing can read them.
        return [k for k in list(self._store_dict) if isinstance(k, str) and k.startswith(prefix) and _valid(k)]

    def with_read_only(self, read_only: bool = False) -> MemoryStore:
        return _DictMemoryStore(self._store_dict, read_only=read_only)

    def __reduce__(self):
        contents = {k: _to_bytes(v) for k, v in self._store_dict.items()}
        return (_dict_memory_store, (contents, self.read_only))

    def __str__(self) -> str:
        return f"memory://{id(self._store_dict)}"

    def __repr__(self) -> str:
        return f"MemoryStore('{self}')"

    def __eq__(self, other: object) -> bool:
        return (
            isinstance(other, _DictMemoryStore)
            and self._store_dict == other._store_dict
            and self.read_only == other.read_only
        )

    def __hash__(self) -> int:
        return hash(id(self._store_dict))


def _valid(key: str) -> bool:
    try:
        _core.validate_key(key)
    except ValueError:
        return False
    return True


# Users see one class, as in zarr-python: infos and messages that name the
# store's type say "MemoryStore" for both kinds.
_DictMemoryStore.__name__ = _DictMemoryStore.__qualname__ = "MemoryStore"


def _memory_store(contents: dict, read_only: bool) -> MemoryStore:
    store = MemoryStore()
    if contents:
        store._native.set_many(contents)
    return store.with_read_only(True) if read_only else store


def _dict_memory_store(contents: dict, read_only: bool) -> MemoryStore:
    from zarrnative.core.buffer import Buffer
    return MemoryStore({k: Buffer.from_bytes(v) for k, v in contents.items()}, read_only=read_only)
