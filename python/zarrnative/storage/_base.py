"""What the stores written in Python share: zarr-python 3's Store API (async
and ``*_sync``) over a few async primitives, run on one background event
loop, and the hooks through which the C++ core reaches them.

The core reaches a Python store two ways:

- in batches, for chunks (``zarrnative.storage._batch``): the array plans the
  keys and byte ranges a read needs, :meth:`PythonStore.fetch_sync` fetches
  all of them concurrently (one ``asyncio`` task each, at most
  ``config["async.concurrency"]`` at once), a ``_core.PrefetchStore`` holds
  them, and one core call decodes; writes are staged by the core and applied
  by :meth:`PythonStore.apply_writes_sync` in one concurrent batch;
- one call at a time, for metadata and listing: ``_core.PythonStore`` calls
  the ``_core_*`` methods below with the GIL.

A subclass implements the primitives ``_get``, ``_set``, ``_delete``,
``_list_prefix`` (and may override ``_get_ranges``, ``_list_dir``,
``_getsize``, ``_delete_dir`` where its backend does better). Byte ranges are
``None`` (the whole object), ``(offset, length)``, ``(offset, None)`` (to the
end) or ``("suffix", n)``; results are clamped to the object. A missing key
reads as ``None``; a failed request raises :class:`StoreError` naming the
store, the operation and the key (and ``TimeoutError`` past
``config["async.timeout"]`` seconds), never a partial result.
"""

from __future__ import annotations

import asyncio
import atexit
import concurrent.futures
import threading
from collections.abc import AsyncIterator, Iterable
from typing import Any

from zarrnative import _core
from zarrnative.storage._common import StorePath, _bytes_like, _range, _wrap, _wrap_async

__all__ = ["PythonStore", "StoreError"]

Range = Any  # None | (offset, length | None) | ("suffix", n)


class StoreError(OSError):
    """A request to a store failed (network, server, permissions, timeout);
    the message names the store, the operation and the key."""


# --- the event loop all Python stores run on ------------------------------------------
_loop: asyncio.AbstractEventLoop | None = None
_loop_lock = threading.Lock()


def _get_loop() -> asyncio.AbstractEventLoop:
    global _loop
    with _loop_lock:
        if _loop is None or _loop.is_closed():
            loop = asyncio.new_event_loop()
            thread = threading.Thread(target=loop.run_forever, name="zarrnative-io", daemon=True)
            thread.start()
            atexit.register(_stop_loop, loop, thread)
            _loop = loop
        return _loop


def _stop_loop(loop: asyncio.AbstractEventLoop, thread: threading.Thread) -> None:
    """At exit: stops the I/O loop and drops what it holds, while the
    interpreter (and the stores the core still references) can be freed."""
    loop.call_soon_threadsafe(loop.stop)
    thread.join(timeout=5)
    if not thread.is_alive():
        loop.close()


def _config(key: str, default: Any) -> Any:
    from zarrnative._config import config
    value = config.get(key, default)
    return default if value is None else value


def sync(coro: Any) -> Any:
    """Runs a coroutine on the I/O loop and waits for it (at most
    ``config["async.timeout"]`` seconds when that is set)."""
    loop = _get_loop()
    try:
        running = asyncio.get_running_loop()
    except RuntimeError:
        running = None
    if running is loop:
        coro.close()
        raise RuntimeError("a zarrnative store's synchronous method was called from its own I/O loop")
    future = asyncio.run_coroutine_threadsafe(coro, loop)
    timeout = _config("async.timeout", None)
    try:
        return future.result(timeout)
    except concurrent.futures.TimeoutError:
        if future.done():  # the operation itself timed out: its own error
            raise
        future.cancel()
        raise TimeoutError(f"a store operation did not finish within {timeout} s "
                           "(config['async.timeout'])") from None


async def _on_loop(coro: Any) -> Any:
    """Awaits a coroutine on the I/O loop from whichever loop the caller runs
    (clients such as aiohttp sessions belong to the loop that made them)."""
    loop = _get_loop()
    if asyncio.get_running_loop() is loop:
        return await coro
    return await asyncio.wrap_future(asyncio.run_coroutine_threadsafe(coro, loop))


async def _all(coros: list, what: Any) -> list:
    """Runs coroutines concurrently (at most config["async.concurrency"] at a
    time); the first failure cancels the rest and is raised, naming ``what(i)``."""
    limit = asyncio.Semaphore(max(1, int(_config("async.concurrency", 10))))

    async def one(coro: Any) -> Any:
        async with limit:
            return await coro

    tasks = [asyncio.ensure_future(one(c)) for c in coros]
    if not tasks:
        return []
    try:
        done, pending = await asyncio.wait(tasks, return_when=asyncio.FIRST_EXCEPTION)
    except BaseException:
        for t in tasks:
            t.cancel()
        raise
    for i, t in enumerate(tasks):
        if t.done() and not t.cancelled() and t.exception() is not None:
            for p in pending:
                p.cancel()
            if pending:
                await asyncio.wait(pending)
            exc = t.exception()
            if isinstance(exc, (StoreError, TimeoutError, ValueError, NotImplementedError)):
                raise exc
            raise StoreError(f"{what(i)} failed: {type(exc).__name__}: {exc}") from exc
    return [t.result() for t in tasks]


def _slice(data: bytes | None, r: Range) -> bytes | None:
    """A range of a whole object, clamped to it."""
    if data is None or r is None:
        return data
    if r[0] == "suffix":
        return data[max(0, len(data) - r[1]):] if r[1] else b""
    offset, length = r
    return data[offset:] if length is None else data[offset:offset + length]


def _children(keys: Iterable[str], prefix: str) -> list[str]:
    """zarr-python's list_dir over a key listing."""
    prefix = prefix.rstrip("/")
    start = len(prefix) + 1 if prefix else 0
    out = set()
    for k in keys:
        if prefix and not k.startswith(prefix + "/"):
            continue
        rest = k[start:]
        if rest:
            out.add(rest.split("/", 1)[0])
    return sorted(out)


class PythonStore:
    """Base class of the stores written in Python (ZipStore, FsspecStore,
    ObjectStore, WrapperStore): zarr-python 3's Store API, batched fetches
    for the core. See the module docstring for the contract."""

    supports_writes = True
    supports_deletes = True
    supports_listing = True
    supports_partial_writes = False
    supports_consolidated_metadata = True
    _read_only = False

    # --- primitives (subclasses) ---------------------------------------------------------
    async def _get(self, key: str, byte_range: Range = None) -> bytes | None:
        raise NotImplementedError

    async def _get_ranges(self, key: str, ranges: list) -> list[bytes | None]:
        """Several ranges of one object; all None when it is missing."""
        parts = await asyncio.gather(*(self._get(key, r) for r in ranges))
        return [None] * len(parts) if any(p is None for p in parts) else list(parts)

    async def _set(self, key: str, value: bytes) -> None:
        raise NotImplementedError

    async def _delete(self, key: str) -> None:
        raise NotImplementedError

    async def _list_prefix(self, prefix: str) -> list[str]:
        """The keys that begin with ``prefix`` as a string ("" lists all)."""
        raise NotImplementedError

    async def _list_dir(self, prefix: str) -> list[str]:
        p = prefix.rstrip("/")
        return _children(await self._list_prefix(p + "/" if p else ""), p)

    async def _getsize(self, key: str) -> int | None:
        data = await self._get(key)
        return None if data is None else len(data)

    async def _exists(self, key: str) -> bool:
        return await self._getsize(key) is not None

    async def _delete_dir(self, prefix: str) -> None:
        p = prefix.rstrip("/")
        keys = await self._list_prefix(p + "/" if p else "")
        await _all([self._delete(k) for k in keys], lambda i: f"{self}: delete '{keys[i]}'")

    async def _clear(self) -> None:
        await self._delete_dir("")

    # --- batches for the core -------------------------------------------------------------
    async def _fetch(self, requests: list) -> list:
        """Fetches ``[(key, None or ranges)]`` concurrently:
        ``[(key, ranges, value, size or None)]``, value bytes/None (whole) or
        a list (ranges)."""
        async def one(key: str, ranges: Any) -> tuple:
            if ranges is None:
                return key, None, await self._get(key), None
            return key, ranges, await self._get_ranges(key, list(ranges)), None
        return await _all([one(k, r) for k, r in requests],
                          lambda i: f"{self}: reading '{requests[i][0]}'")

    def fetch_sync(self, requests: list) -> list:
        return sync(self._fetch(list(requests)))

    async def _apply_writes(self, writes: list) -> None:
        """Applies ``[(key, bytes or None for a delete)]`` concurrently."""
        self._check_writable()

        def op(k: str, v: Any) -> Any:
            return self._delete(k) if v is None else self._set(k, v)
        await _all([op(k, v) for k, v in writes], lambda i: f"{self}: writing '{writes[i][0]}'")

    def apply_writes_sync(self, writes: list) -> None:
        if writes:
            sync(self._apply_writes(list(writes)))

    # --- the hooks of _core.PythonStore (called with the GIL, one at a time) ---------------
    @property
    def _native(self) -> _core.Store:
        """The native face the core's arrays hold (metadata and listing
        through it; chunks in batches). A new one each time: it holds this
        store, and a store holding it back would make a cycle the garbage
        collector cannot see."""
        return _core.PythonStore(self)

    def _core_get(self, key: str) -> bytes | None:
        return sync(self._get(key))

    def _core_get_ranges(self, key: str, ranges: list) -> list:
        return sync(self._get_ranges(key, [tuple(r) for r in ranges]))

    def _core_size(self, key: str) -> int | None:
        return sync(self._getsize(key))

    def _core_set(self, key: str, value: bytes) -> None:
        sync(self._set(key, value))

    def _core_erase(self, key: str) -> bool:
        sync(self._delete(key))
        return True

    def _core_erase_many(self, keys: list[str]) -> None:
        self.apply_writes_sync([(k, None) for k in keys])  # one concurrent batch (a shrinking resize)

    def _core_erase_prefix(self, prefix: str) -> None:
        sync(self._delete_dir(prefix))

    def _core_list(self) -> list[str]:
        return sorted(sync(self._list_prefix("")))

    def _core_list_prefix(self, prefix: str) -> list[str]:
        return sorted(sync(self._list_prefix(prefix)))

    def _core_list_dir(self, prefix: str) -> list[str]:
        return sorted(sync(self._list_dir(prefix)))

    # --- common --------------------------------------------------------------------------
    @property
    def read_only(self) -> bool:
        return self._read_only

    @property
    def _is_open(self) -> bool:
        return True

    async def _open(self) -> None:
        pass

    async def _ensure_open(self) -> None:
        pass

    def _check_writable(self) -> None:
        if self.read_only:
            raise ValueError("store was opened in read-only mode and does not support writing")

    def close(self) -> None:
        pass

    def __enter__(self) -> Any:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __truediv__(self, path: str) -> StorePath:
        return StorePath(self, path)

    @staticmethod
    def _key(key: str) -> str:
        if not isinstance(key, str):
            raise TypeError(f"a store key must be a str, not {type(key).__name__}")
        _core.validate_key(key)
        return key

    @staticmethod
    def _prefix(prefix: str) -> str:
        p = prefix.rstrip("/")
        if p:
            _core.validate_key(p)
        return prefix

    # --- synchronous API (as NativeStore's) ---------------------------------------------
    def get_sync(self, key: str, *, prototype: Any = None, byte_range: Any = None) -> Any:
        return _wrap(sync(self._get(self._key(key), _range(byte_range))), prototype)

    def get_many_sync(self, keys: Iterable[str]) -> list[bytes | None]:
        keys = [self._key(k) for k in keys]
        return [r[2] for r in self.fetch_sync([(k, None) for k in keys])]

    def set_sync(self, key: str, value: Any) -> None:
        self._check_writable()
        sync(self._set(self._key(key), bytes(memoryview(_bytes_like(value)).cast("B"))))

    def set_many_sync(self, items: dict[str, Any]) -> None:
        self._check_writable()
        writes = [(self._key(k), bytes(memoryview(_bytes_like(v)).cast("B"))) for k, v in items.items()]
        self.apply_writes_sync(writes)

    def delete_sync(self, key: str) -> None:
        self._check_writable()
        sync(self._delete(self._key(key)))

    def delete_dir_sync(self, prefix: str) -> None:
        self._check_writable()
        sync(self._delete_dir(self._prefix(prefix)))

    def exists_sync(self, key: str) -> bool:
        return sync(self._exists(self._key(key)))

    def getsize_sync(self, key: str) -> int:
        size = sync(self._getsize(self._key(key)))
        if size is None:
            raise FileNotFoundError(key)
        return size

    def list_sync(self) -> list[str]:
        return sorted(sync(self._list_prefix("")))

    def list_prefix_sync(self, prefix: str) -> list[str]:
        return sorted(sync(self._list_prefix(prefix)))

    def list_dir_sync(self, prefix: str) -> list[str]:
        return sorted(sync(self._list_dir(self._prefix(prefix))))

    def clear_sync(self) -> None:
        self._check_writable()
        sync(self._clear())

    def is_empty_sync(self, prefix: str = "") -> bool:
        if prefix and not prefix.endswith("/"):
            prefix += "/"
        return not self.list_prefix_sync(prefix)

    # --- zarr-python 3's async API --------------------------------------------------------
    async def get(self, key: str, prototype: Any = None, byte_range: Any = None) -> Any:
        return _wrap_async(await _on_loop(self._get(self._key(key), _range(byte_range))), prototype)

    async def get_partial_values(self, prototype: Any, key_ranges: Iterable[tuple[str, Any]]) -> list[Any]:
        reqs = [(self._key(k), _range(r)) for k, r in key_ranges]
        got = await _on_loop(_all([self._get(k, r) for k, r in reqs], lambda i: f"{self}: reading '{reqs[i][0]}'"))
        return [_wrap_async(g, prototype) for g in got]

    async def set(self, key: str, value: Any) -> None:
        self._check_writable()
        await _on_loop(self._set(self._key(key), bytes(memoryview(_bytes_like(value)).cast("B"))))

    async def set_if_not_exists(self, key: str, value: Any) -> None:
        if not await self.exists(key):
            await self.set(key, value)

    async def _set_many(self, values: Iterable[tuple[str, Any]]) -> None:
        self._check_writable()
        writes = [(self._key(k), bytes(memoryview(_bytes_like(v)).cast("B"))) for k, v in values]
        await _on_loop(self._apply_writes(writes))

    async def delete(self, key: str) -> None:
        self._check_writable()
        await _on_loop(self._delete(self._key(key)))

    async def delete_dir(self, prefix: str) -> None:
        self._check_writable()
        await _on_loop(self._delete_dir(self._prefix(prefix)))

    async def exists(self, key: str) -> bool:
        return await _on_loop(self._exists(self._key(key)))

    async def getsize(self, key: str) -> int:
        size = await _on_loop(self._getsize(self._key(key)))
        if size is None:
            raise FileNotFoundError(key)
        return size

    async def getsize_prefix(self, prefix: str) -> int:
        keys = await _on_loop(self._list_prefix(prefix))
        sizes = await _on_loop(_all([self._getsize(k) for k in keys], lambda i: f"{self}: size of '{keys[i]}'"))
        return sum(s or 0 for s in sizes)

    async def is_empty(self, prefix: str = "") -> bool:
        if prefix and not prefix.endswith("/"):
            prefix += "/"
        return not await _on_loop(self._list_prefix(prefix))

    async def clear(self) -> None:
        self._check_writable()
        await _on_loop(self._clear())

    async def list(self) -> AsyncIterator[str]:
        for key in sorted(await _on_loop(self._list_prefix(""))):
            yield key

    async def list_prefix(self, prefix: str) -> AsyncIterator[str]:
        for key in sorted(await _on_loop(self._list_prefix(prefix))):
            yield key

    async def list_dir(self, prefix: str) -> AsyncIterator[str]:
        for key in sorted(await _on_loop(self._list_dir(self._prefix(prefix)))):
            yield key
