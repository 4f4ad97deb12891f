"""ObjectStore: an obstore store (S3, GCS, Azure, HTTP, local, memory), as
zarr-python 3.1's ``zarr.storage.ObjectStore``; chunks fetched in
concurrent batches, the ranges of one object in one ``get_ranges`` call
(which obstore coalesces)."""

from __future__ import annotations

import contextlib
import pickle
from typing import Any

from zarrnative.storage._base import PythonStore, Range, _children

_ALLOWED_EXCEPTIONS: tuple[type[Exception], ...] = (FileNotFoundError, IsADirectoryError, NotADirectoryError)


class ObjectStore(PythonStore):
    """A store over ``store``, an ``obstore.store`` instance set up with its
    credentials, e.g. ``S3Store("bucket", prefix="data.zarr", endpoint=...)``.

    For bounded waits give the client its limits: ``client_options={"timeout":
    "5s", "connect_timeout": "2s"}``, ``retry_config={"max_retries": 1, ...}``.
    """

    def __init__(self, store: Any, *, read_only: bool = False) -> None:
        if not type(store).__module__.startswith("obstore"):
            raise TypeError(f"expected ObjectStore class, got {store!r}")
        self.store = store
        self._read_only = read_only

    def with_read_only(self, read_only: bool = False) -> ObjectStore:
        return type(self)(store=self.store, read_only=read_only)

    def __str__(self) -> str:
        return f"object_store://{self.store}"

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, ObjectStore) and self.read_only == other.read_only and self.store == other.store

    def __hash__(self) -> int:
        return hash(str(self))

    def __getstate__(self) -> dict:
        state = self.__dict__.copy()
        state["store"] = pickle.dumps(self.store)
        return state

    def __setstate__(self, state: dict) -> None:
        state["store"] = pickle.loads(state["store"])
        self.__dict__.update(state)

    # --- primitives ----------------------------------------------------------------------
    async def _get_with_size(self, key: str, r: Range) -> tuple[bytes | None, int | None]:
        import obstore as obs

        try:
            if r is None:
                resp = await obs.get_async(self.store, key)
                data = bytes(await resp.bytes_async())
                return data, len(data)
            if r[0] == "suffix":
                if r[1] == 0:
                    meta = await obs.head_async(self.store, key)
                    return b"", meta["size"]
                try:
                    resp = await obs.get_async(self.store, key, options={"range": {"suffix": r[1]}})
                except obs.exceptions.NotSupportedError:  # Azure: no suffix requests
                    meta = await obs.head_async(self.store, key)
                    start = max(0, meta["size"] - r[1])
                    data = await obs.get_range_async(self.store, key, start=start, end=meta["size"])
                    return bytes(data), meta["size"]
                return bytes(await resp.bytes_async()), resp.meta["size"]
            offset, length = r
            options: dict = {"range": {"offset": offset}} if length is None else \
                {"range": (offset, offset + length)}
            if length == 0:
                return b"", None
            resp = await obs.get_async(self.store, key, options=options)
            return bytes(await resp.bytes_async()), resp.meta["size"]
        except _ALLOWED_EXCEPTIONS:
            return None, None
        except Exception as e:
            if "not satisfiable" in str(e).lower() or "InvalidRange" in str(e):
                return b"", None  # a range that starts past the end of the object
            raise

    async def _get(self, key: str, byte_range: Range = None) -> bytes | None:
        return (await self._get_with_size(key, byte_range))[0]

    async def _get_ranges(self, key: str, ranges: list) -> list[bytes | None]:
        return (await self._ranges_with_size(key, ranges))[0]

    async def _ranges_with_size(self, key: str, ranges: list) -> tuple[list, int | None]:
        import obstore as obs

        absolute = [r for r in ranges if r is not None and r[0] != "suffix" and r[1] is not None and r[1] > 0]
        if len(absolute) != len(ranges) or len(ranges) == 1:
            # suffixes, to-the-end and empty ranges: one request each (they teach the object's size)
            got = [await self._get_with_size(key, r) for r in ranges] if len(ranges) == 1 else \
                list(await _gather([self._get_with_size(key, r) for r in ranges]))
            parts = [g[0] for g in got]
            size = next((g[1] for g in got if g[1] is not None), None)
            return ([None] * len(parts) if any(p is None for p in parts) else parts), size
        try:
            got = await obs.get_ranges_async(self.store, key, starts=[r[0] for r in ranges],
                                             ends=[r[0] + r[1] for r in ranges])
        except _ALLOWED_EXCEPTIONS:
            return [None] * len(ranges), None
        except Exception:
            # a range past the end (a truncated object): fetch one by one, clamped
            got_one = await _gather([self._get_with_size(key, r) for r in ranges])
            parts = [g[0] for g in got_one]
            return ([None] * len(parts) if any(p is None for p in parts) else parts), None
        return [bytes(g) for g in got], None

    async def _fetch(self, requests: list) -> list:
        from zarrnative.storage._base import _all

        async def one(key: str, ranges: Any) -> tuple:
            if ranges is None:
                return key, None, await self._get(key), None
            parts, size = await self._ranges_with_size(key, list(ranges))
            return key, ranges, parts, size
        return await _all([one(k, r) for k, r in requests], lambda i: f"{self}: reading '{requests[i][0]}'")

    async def _set(self, key: str, value: bytes) -> None:
        import obstore as obs

        self._check_writable()
        await obs.put_async(self.store, key, value)

    async def _delete(self, key: str) -> None:
        import obstore as obs

        with contextlib.suppress(FileNotFoundError):
            await obs.delete_async(self.store, key)

    async def _exists(self, key: str) -> bool:
        return await self._getsize(key) is not None

    async def _getsize(self, key: str) -> int | None:
        import obstore as obs

        try:
            return (await obs.head_async(self.store, key))["size"]
        except FileNotFoundError:
            return None

    async def _list_prefix(self, prefix: str) -> list[str]:
        import obstore as obs

        # object_store lists whole path segments: list the directory, filter by the string prefix
        directory = prefix.rsplit("/", 1)[0] if "/" in prefix else None
        metas = await obs.list(self.store, prefix=directory).collect_async()
        return [m["path"] for m in metas if m["path"].startswith(prefix)]

    async def _list_dir(self, prefix: str) -> list[str]:
        import obstore as obs

        p = prefix.rstrip("/")
        result = await obs.list_with_delimiter_async(self.store, prefix=p or None)
        names = [m["path"] for m in result["objects"]] + [c.rstrip("/") for c in result["common_prefixes"]]
        return _children(names, p)


async def _gather(coros: list) -> list:
    import asyncio
    return await asyncio.gather(*coros)
