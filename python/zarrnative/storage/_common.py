"""What the native stores share: the zarr-python 3 store methods over a
``_core`` store, ``StorePath`` and ``make_store_path``.

zarr-python 3's store methods are ``async``; they are kept (same names, same
arguments) so that code written for zarr-python runs, and each has a
synchronous twin named ``*_sync`` (zarr-python 3.1 has ``get_sync``,
``set_sync`` and ``delete_sync``). Both call the C++ store directly: its
calls are short and release the GIL, so no thread hop is needed.

Keys are checked by the core (``_core.validate_key``): a hostile key raises
ValueError before anything touches the filesystem.
"""

from __future__ import annotations

import re
import weakref
from collections.abc import AsyncIterator, Iterable
from pathlib import Path
from typing import Any

from zarrnative import _core

_NO_LENGTH = None  # (offset, None): to the end


def _range(byte_range: Any) -> tuple[Any, Any] | None:
    """A zarr-python ByteRequest (Range/Offset/SuffixByteRequest), or a
    ``(offset, length)`` / ``("suffix", n)`` tuple, as a _core range."""
    if byte_range is None:
        return None
    if isinstance(byte_range, tuple):
        return byte_range
    if hasattr(byte_range, "suffix"):
        return ("suffix", byte_range.suffix)
    if hasattr(byte_range, "start") and hasattr(byte_range, "end"):
        if byte_range.end < byte_range.start:
            raise ValueError(f"invalid byte range {byte_range!r}: end < start")
        return (byte_range.start, byte_range.end - byte_range.start)
    if hasattr(byte_range, "offset"):
        return (byte_range.offset, _NO_LENGTH)
    raise TypeError(f"unsupported byte range {byte_range!r}")


def _bytes_like(value: Any) -> Any:
    """Anything with the buffer protocol, or a zarr-python Buffer."""
    try:
        memoryview(value)
        return value
    except TypeError:
        if hasattr(value, "to_bytes"):
            return value.to_bytes()
        raise TypeError(f"a store value must be bytes-like, not {type(value).__name__}") from None


def python_face(store: Any) -> Any:
    """The store arrays read and write: itself, or for a subclass of a native
    store that overrides zarr-python's methods a WrapperStore that calls
    those methods (so every chunk and document goes through them, as in
    zarr-python; such stores are read and written in batches)."""
    from zarrnative.storage._base import PythonStore
    if not isinstance(store, NativeStore) or isinstance(store, PythonStore) or not type(store)._overrides_api():
        return store
    from zarrnative.storage._wrapper import WrapperStore
    # The core may hold the wrapper for as long as an array lives, and the array
    # holds the store: a weak reference here leaves no cycle through the core (a
    # subclass defined in a script refers to the script's globals, which hold the array).
    return WrapperStore(weakref.proxy(store))


def _wrap(data: bytes | None, prototype: Any) -> Any:
    """bytes, or the prototype's Buffer when a zarr-python caller passed one."""
    if data is None or prototype is None:
        return data
    return prototype.buffer.from_bytes(data)


def _wrap_async(data: bytes | None, prototype: Any) -> Any:
    """What zarr-python's async ``get`` returns: a Buffer of the prototype's
    class, ``default_buffer_prototype()``'s when none is given."""
    if prototype is None:
        from zarrnative.core.buffer import default_buffer_prototype
        prototype = default_buffer_prototype()
    return _wrap(data, prototype)


def _to_bytes(value: Any) -> bytes | None:
    """A store's answer or a stored value (bytes, anything bytes-like, any
    library's Buffer) as bytes."""
    if value is None or isinstance(value, bytes):
        return value
    value = _bytes_like(value)
    return value if isinstance(value, bytes) else bytes(memoryview(value).cast("B"))


def normalize_path(path: str | bytes | Path | None) -> str:
    """zarr-python's path normalisation (backslashes to '/', outer and repeated
    slashes removed), then the core's key check."""
    if path is None:
        return ""
    if isinstance(path, bytes):
        path = str(path, "ascii")
    elif isinstance(path, Path):
        path = str(path)
    elif not isinstance(path, str):
        raise TypeError(f"a store path must be a str, not {type(path).__name__}")
    result = re.sub(r"//+", "/", path.replace("\\", "/").strip("/"))
    if result:
        _core.validate_key(result)
    return result


class NativeStore:
    """The zarr-python 3 Store API over a native store (``self._native``)."""

    # zarr-python's store methods. A user's subclass of a native store that
    # overrides any of them (to count, cache or change calls) is read and
    # written through them: see python_face.
    _API = ("get", "get_partial_values", "set", "set_if_not_exists", "delete", "delete_dir", "exists", "getsize",
            "list", "list_prefix", "list_dir", "clear")
    _overrides: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()  # weak: never keeps a user's class alive

    @classmethod
    def _overrides_api(cls) -> bool:
        known = NativeStore._overrides.get(cls)
        if known is None:
            base = next(c for c in cls.__mro__ if c.__module__.startswith("zarrnative."))
            known = any(getattr(cls, m, None) is not getattr(base, m, None) for m in NativeStore._API)
            NativeStore._overrides[cls] = known
        return known

    _native: _core.Store
    supports_writes = True
    supports_deletes = True
    supports_listing = True
    supports_partial_writes = False
    supports_consolidated_metadata = True

    @property
    def read_only(self) -> bool:
        return self._native.read_only

    _is_open = True

    def __truediv__(self, path: str) -> StorePath:
        return StorePath(self, path)

    def __enter__(self):
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        pass

    async def _ensure_open(self) -> None:
        pass

    # --- synchronous ---------------------------------------------------------
    def get_sync(self, key: str, *, prototype: Any = None, byte_range: Any = None) -> Any:
        r = _range(byte_range)
        data = self._native.get(key) if r is None else self._native.get_ranges(key, [r])[0]
        return _wrap(data, prototype)

    def get_many_sync(self, keys: Iterable[str]) -> list[bytes | None]:
        return self._native.get_many(list(keys))

    def set_sync(self, key: str, value: Any) -> None:
        self._native.set(key, _bytes_like(value))

    def set_many_sync(self, items: dict[str, Any]) -> None:
        self._native.set_many({k: _bytes_like(v) for k, v in items.items()})

    def delete_sync(self, key: str) -> None:
        self._native.erase(key)

    def delete_dir_sync(self, prefix: str) -> None:
        self._native.erase_prefix(prefix)

    def exists_sync(self, key: str) -> bool:
        return self._native.exists(key)

    def getsize_sync(self, key: str) -> int:
        size = self._native.size(key)
        if size is None:
            raise FileNotFoundError(key)
        return size

    def list_sync(self) -> list[str]:
        return self._native.list()

    def list_prefix_sync(self, prefix: str) -> list[str]:
        return self._native.list_prefix(prefix)

    def list_dir_sync(self, prefix: str) -> list[str]:
        return self._native.list_dir(prefix)

    def clear_sync(self) -> None:
        self._native.erase_prefix("")

    # --- zarr-python 3's async API --------------------------------------------
    async def get(self, key: str, prototype: Any = None, byte_range: Any = None) -> Any:
        return _wrap_async(self.get_sync(key, byte_range=byte_range), prototype)

    async def get_partial_values(self, prototype: Any, key_ranges: Iterable[tuple[str, Any]]) -> list[Any]:
        return [_wrap_async(self.get_sync(k, byte_range=r), prototype) for k, r in key_ranges]

    async def set(self, key: str, value: Any) -> None:
        self.set_sync(key, value)

    async def set_if_not_exists(self, key: str, value: Any) -> None:
        if not self._native.exists(key):
            self.set_sync(key, value)

    async def delete(self, key: str) -> None:
        self.delete_sync(key)

    async def delete_dir(self, prefix: str) -> None:
        self.delete_dir_sync(prefix)

    async def exists(self, key: str) -> bool:
        return self.exists_sync(key)

    async def getsize(self, key: str) -> int:
        return self.getsize_sync(key)

    async def getsize_prefix(self, prefix: str) -> int:
        return sum(self._native.size(k) or 0 for k in self._native.list_prefix(prefix))

    def is_empty_sync(self, prefix: str = "") -> bool:
        if prefix and not prefix.endswith("/"):
            prefix += "/"
        return not self._native.list_prefix(prefix)

    async def is_empty(self, prefix: str = "") -> bool:
        return self.is_empty_sync(prefix)

    async def clear(self) -> None:
        self.clear_sync()

    async def list(self) -> AsyncIterator[str]:
        for key in self._native.list():
            yield key

    async def list_prefix(self, prefix: str) -> AsyncIterator[str]:
        for key in self._native.list_prefix(prefix):
            yield key

    async def list_dir(self, prefix: str) -> AsyncIterator[str]:
        for key in self._native.list_dir(prefix):
            yield key


class StorePath:
    """A path inside a store: ``StorePath(store, "group/array")``, joined with
    ``/`` (``StorePath(store) / "a" / "zarr.json"``)."""

    def __init__(self, store: Any, path: str = "") -> None:
        self.store = store
        self.path = normalize_path(path)

    @property
    def read_only(self) -> bool:
        return self.store.read_only

    def __truediv__(self, other: str) -> StorePath:
        other = normalize_path(other)
        joined = f"{self.path}/{other}" if self.path and other else (self.path or other)
        return type(self)(self.store, joined)

    def __str__(self) -> str:
        base = str(self.store)
        return f"{base.rstrip('/')}/{self.path}" if self.path else base

    def __repr__(self) -> str:
        return f"StorePath({type(self.store).__name__}, '{self}')"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, StorePath) and self.store == other.store and self.path == other.path

    def __hash__(self) -> int:
        return hash((str(self.store), self.path))

    def get_sync(self, *, prototype: Any = None, byte_range: Any = None) -> Any:
        return self.store.get_sync(self.path, prototype=prototype, byte_range=byte_range)

    def set_sync(self, value: Any) -> None:
        self.store.set_sync(self.path, value)

    def delete_sync(self) -> None:
        if self.path == "":  # the root: everything (see delete)
            self.store.delete_dir_sync("")
        else:
            self.store.delete_sync(self.path)

    async def get(self, prototype: Any = None, byte_range: Any = None) -> Any:
        return await self.store.get(self.path, prototype=prototype, byte_range=byte_range)

    async def set(self, value: Any) -> None:
        await self.store.set(self.path, value)

    async def delete(self) -> None:
        # At the root (path ""), everything in the store goes, as a filesystem store deletes its root.
        if self.path == "":
            await self.store.delete_dir("")
        else:
            await self.store.delete(self.path)

    async def delete_dir(self) -> None:
        await self.store.delete_dir(self.path)

    async def exists(self) -> bool:
        return await self.store.exists(self.path)

    async def is_empty(self) -> bool:
        return await self.store.is_empty(self.path)


_MODES = ("r", "r+", "a", "w", "w-")


def _is_fsspec_uri(uri: str) -> bool:
    """zarr-python's test: "s3://bucket", "file:///x", "simplecache::s3://..." (not "local://")."""
    return "://" in uri or ("::" in uri and "local://" not in uri)


def make_store_path(store_like: Any, path: str | None = "", mode: str | None = None,
                    storage_options: dict | None = None) -> StorePath:
    """A StorePath from what zarr-python calls a StoreLike.

    - a URL ``str`` (``"s3://bucket/x.zarr"``, anything with ``://``): an
      FsspecStore, built with ``storage_options`` (read-only for mode ``'r'``)
    - another ``str`` or a ``pathlib.Path``: a LocalStore at that directory
      (read-only for mode ``'r'``)
    - an fsspec ``FSMap``: an FsspecStore over it
    - ``None``: a new MemoryStore; a ``dict``: a MemoryStore filled from it
    - a store: that store; a StorePath: it, joined with ``path``

    ``mode`` works as in zarr-python's ``StorePath.open``: ``'r'`` makes a
    read-only view of a writable store, other modes on a read-only store raise
    ValueError, ``'w-'`` raises FileExistsError where the path holds data, and
    ``'w'`` deletes everything under the path.
    """
    from zarrnative.storage._local import LocalStore
    from zarrnative.storage._memory import MemoryStore

    if mode is not None and mode not in _MODES:
        raise ValueError(f"invalid mode {mode!r}, expected one of {_MODES}")
    is_url = isinstance(store_like, str) and _is_fsspec_uri(store_like)
    if storage_options is not None and not is_url:
        raise TypeError("'storage_options' was provided but unused. 'storage_options' is only used when the "
                        "store is passed as an FSSpec URI string.")
    if isinstance(store_like, StorePath):
        return store_like / normalize_path(path)
    if is_url:
        from zarrnative.storage._fsspec import FsspecStore
        store = FsspecStore.from_url(store_like, storage_options=storage_options, read_only=mode == "r")
    elif type(store_like).__name__ == "FSMap" and hasattr(store_like, "fs"):
        from zarrnative.storage._fsspec import FsspecStore
        store = FsspecStore.from_mapper(store_like, read_only=mode == "r")
    elif isinstance(store_like, (str, Path)):
        store = LocalStore(store_like, read_only=mode == "r")
    elif store_like is None:
        store = MemoryStore()
    elif isinstance(store_like, dict):
        store = MemoryStore(store_like, read_only=mode == "r")
    elif isinstance(store_like, NativeStore) or hasattr(store_like, "get"):
        store = store_like
    else:
        raise TypeError(f"unsupported type for store_like: {type(store_like).__name__}")
    if mode is not None:
        if store.read_only and mode != "r":
            raise ValueError(f"store is read-only but mode is {mode!r}; use mode 'r' or a writable store")
        if not store.read_only and mode == "r":
            store = store.with_read_only(True)
    store_path = StorePath(store, normalize_path(path))
    if mode == "w-" and not store.is_empty_sync(store_path.path):
        raise FileExistsError(f"cannot create {str(store_path)!r} with mode 'w-': it already holds data")
    if mode == "w":
        store.delete_dir_sync(store_path.path)
    return store_path
