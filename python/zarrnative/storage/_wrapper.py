"""WrapperStore and LoggingStore, as zarr-python 3.1's: a store that passes
every call to another (native or Python) store, and one that also logs and
counts the calls. Arrays over them read and write in batches like any Python
store: a read of N chunks is N concurrent ``get`` calls from one core call."""

from __future__ import annotations

import inspect
import logging
import sys
import time
from collections import defaultdict
from contextlib import contextmanager
from typing import Any, Generator

from zarrnative.storage._base import PythonStore, Range
from zarrnative.core.buffer import default_buffer_prototype
from zarrnative.storage._common import _to_bytes


async def _await(value: Any) -> Any:
    return await value if inspect.isawaitable(value) else value


class WrapperStore(PythonStore):
    """Passes every call to ``store`` (``._store``). Subclass it to change
    or extend a store's behaviour: override the primitives ``_get``,
    ``_get_ranges``, ``_set``, ``_delete``, ``_list_prefix``, ``_list_dir``..."""

    def __init__(self, store: Any) -> None:
        self._store = store

    def _with_store(self, store: Any) -> WrapperStore:
        return type(self)(store=store)

    @classmethod
    async def open(cls, store_cls: type, *args: Any, **kwargs: Any) -> WrapperStore:
        store = store_cls(*args, **kwargs)
        if hasattr(store, "_open"):
            await _await(store._open())
        return cls(store=store)

    def with_read_only(self, read_only: bool = False) -> WrapperStore:
        return self._with_store(self._store.with_read_only(read_only))

    @property
    def read_only(self) -> bool:
        return self._store.read_only

    @property
    def supports_writes(self) -> bool:  # type: ignore[override]
        return getattr(self._store, "supports_writes", True)

    @property
    def supports_deletes(self) -> bool:  # type: ignore[override]
        return getattr(self._store, "supports_deletes", True)

    @property
    def supports_listing(self) -> bool:  # type: ignore[override]
        return getattr(self._store, "supports_listing", True)

    def close(self) -> None:
        self._store.close()

    def __eq__(self, other: object) -> bool:
        return type(self) is type(other) and self._store == other._store  # type: ignore[attr-defined]

    def __hash__(self) -> int:
        return hash((type(self), hash(self._store)))

    def __str__(self) -> str:
        return f"wrapping-{self._store}"

    def __repr__(self) -> str:
        return f"WrapperStore({type(self._store).__name__}, '{self._store}')"

    # --- primitives: the wrapped store's own (Python stores) or its zarr-python API ---------
    def _inner(self) -> PythonStore | None:
        return self._store if isinstance(self._store, PythonStore) else None

    async def _get(self, key: str, byte_range: Range = None) -> bytes | None:
        if (inner := self._inner()) is not None:
            return await inner._get(key, byte_range)
        return _to_bytes(await self._store.get(key, default_buffer_prototype(), byte_range))

    async def _get_ranges(self, key: str, ranges: list) -> list[bytes | None]:
        if (inner := self._inner()) is not None:
            return await inner._get_ranges(key, ranges)
        parts = await self._store.get_partial_values(default_buffer_prototype(), [(key, r) for r in ranges])
        return [None] * len(parts) if any(p is None for p in parts) else [_to_bytes(p) for p in parts]

    async def _set(self, key: str, value: bytes) -> None:
        if (inner := self._inner()) is not None:
            return await inner._set(key, value)
        await self._store.set(key, value)

    async def _delete(self, key: str) -> None:
        if (inner := self._inner()) is not None:
            return await inner._delete(key)
        await self._store.delete(key)

    async def _delete_dir(self, prefix: str) -> None:
        if (inner := self._inner()) is not None:
            return await inner._delete_dir(prefix)
        await self._store.delete_dir(prefix)

    async def _list_prefix(self, prefix: str) -> list[str]:
        if (inner := self._inner()) is not None:
            return await inner._list_prefix(prefix)
        return [k async for k in self._store.list_prefix(prefix)]

    async def _list_dir(self, prefix: str) -> list[str]:
        if (inner := self._inner()) is not None:
            return await inner._list_dir(prefix)
        return [k async for k in self._store.list_dir(prefix)]

    async def _getsize(self, key: str) -> int | None:
        if (inner := self._inner()) is not None:
            return await inner._getsize(key)
        try:
            return await self._store.getsize(key)
        except FileNotFoundError:
            return None

    async def _exists(self, key: str) -> bool:
        if (inner := self._inner()) is not None:
            return await inner._exists(key)
        return await self._store.exists(key)

    async def _clear(self) -> None:
        if (inner := self._inner()) is not None:
            return await inner._clear()
        await self._store.clear()

    async def _apply_writes(self, writes: list) -> None:
        if (inner := self._inner()) is not None and type(self)._set is WrapperStore._set \
                and type(self)._delete is WrapperStore._delete:
            return await inner._apply_writes(writes)  # the wrapped store's own batching (a ZIP appends serially)
        await super()._apply_writes(writes)


class LoggingStore(WrapperStore):
    """Logs every call to the wrapped store (``log_level``, ``log_handler``:
    a stdout handler by default) and counts them in ``counter``, keyed by
    zarr-python's method names (``get``, ``get_partial_values``, ``set``,
    ``delete``, ``exists``, ``list``, ``list_prefix``, ``list_dir``, ...)."""

    def __init__(self, store: Any, log_level: str = "DEBUG", log_handler: logging.Handler | None = None) -> None:
        super().__init__(store)
        self.counter: defaultdict[str, int] = defaultdict(int)
        self.log_level = log_level
        self.log_handler = log_handler
        self._configure_logger(log_level, log_handler)

    def _configure_logger(self, log_level: str = "DEBUG", log_handler: logging.Handler | None = None) -> None:
        self.log_level = log_level
        self.logger = logging.getLogger(f"LoggingStore({self._store})")
        self.logger.setLevel(log_level)
        if not self.logger.hasHandlers():
            self.logger.addHandler(log_handler or self._default_handler())

    def _default_handler(self) -> logging.Handler:
        handler = logging.StreamHandler(stream=sys.stdout)
        handler.setLevel(self.log_level)
        handler.setFormatter(logging.Formatter("%(asctime)s - %(name)s - %(levelname)s - %(message)s"))
        return handler

    def _with_store(self, store: Any) -> LoggingStore:
        return type(self)(store=store, log_level=self.log_level, log_handler=self.log_handler)

    @classmethod
    async def open(cls, store_cls: type, *args: Any, **kwargs: Any) -> LoggingStore:
        log_level = kwargs.pop("log_level", "DEBUG")
        log_handler = kwargs.pop("log_handler", None)
        store = store_cls(*args, **kwargs)
        if hasattr(store, "_open"):
            await _await(store._open())
        return cls(store=store, log_level=log_level, log_handler=log_handler)

    @contextmanager
    def log(self, method: str, hint: Any = "") -> Generator[None, None, None]:
        op = f"{type(self._store).__name__}.{method}"
        if hint:
            op = f"{op}({hint})"
        self.logger.info(" Calling %s", op)
        start = time.time()
        try:
            self.counter[method] += 1
            yield
        finally:
            self.logger.info("Finished %s [%.2f s]", op, time.time() - start)

    def __str__(self) -> str:
        return f"logging-{self._store}"

    def __repr__(self) -> str:
        return f"LoggingStore({type(self._store).__name__}, '{self._store}')"

    async def _get(self, key: str, byte_range: Range = None) -> bytes | None:
        with self.log("get", key):
            return await super()._get(key, byte_range)

    async def _get_ranges(self, key: str, ranges: list) -> list[bytes | None]:
        with self.log("get_partial_values", key):
            return await super()._get_ranges(key, ranges)

    async def _set(self, key: str, value: bytes) -> None:
        with self.log("set", key):
            return await super()._set(key, value)

    async def _delete(self, key: str) -> None:
        with self.log("delete", key):
            return await super()._delete(key)

    async def _delete_dir(self, prefix: str) -> None:
        with self.log("delete_dir", prefix):
            return await super()._delete_dir(prefix)

    async def _list_prefix(self, prefix: str) -> list[str]:
        with self.log("list" if prefix == "" else "list_prefix", prefix):
            return await super()._list_prefix(prefix)

    async def _list_dir(self, prefix: str) -> list[str]:
        with self.log("list_dir", prefix):
            return await super()._list_dir(prefix)

    async def _getsize(self, key: str) -> int | None:
        with self.log("getsize", key):
            return await super()._getsize(key)

    async def _exists(self, key: str) -> bool:
        with self.log("exists", key):
            return await super()._exists(key)

    async def _clear(self) -> None:
        with self.log("clear"):
            return await super()._clear()

