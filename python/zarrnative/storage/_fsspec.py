"""FsspecStore: any fsspec filesystem (s3://, gs://, az://, http://,
memory://, ...), as zarr-python 3.1's ``zarr.storage.FsspecStore``; chunks
fetched in concurrent batches on zarrnative's I/O loop."""

from __future__ import annotations

import json
import warnings
from typing import Any

from zarrnative.storage._base import PythonStore, Range

ALLOWED_EXCEPTIONS: tuple[type[Exception], ...] = (FileNotFoundError, IsADirectoryError, NotADirectoryError)


def _make_async(fs: Any) -> Any:
    """An async instance of ``fs`` (zarr-python's conversion)."""
    import fsspec

    if fs.async_impl and fs.asynchronous:
        return fs
    if fs.async_impl:
        d = json.loads(fs.to_json())
        d["asynchronous"] = True
        return fsspec.AbstractFileSystem.from_json(json.dumps(d))
    from fsspec.implementations.asyn_wrapper import AsyncFileSystemWrapper
    return AsyncFileSystemWrapper(fs, asynchronous=True)


def _dereference_path(root: str, path: str) -> str:
    root = root.rstrip("/")
    path = f"{root}/{path}" if root else path
    return path.rstrip("/")


def _not_satisfiable(e: BaseException) -> bool:
    return isinstance(e, OSError) and "not satisfiable" in str(e)


class FsspecStore(PythonStore):
    """A store over an async fsspec filesystem ``fs`` under ``path`` (no
    scheme). Use :meth:`from_url` for URLs: ``FsspecStore.from_url("s3://bucket/data.zarr",
    storage_options={"endpoint_url": ...})``.

    ``allowed_exceptions``: the errors that mean "missing key". Other errors
    (network, permissions, server) raise StoreError naming the key. For
    bounded waits, give the client its timeouts (s3fs:
    ``storage_options={"config_kwargs": {"connect_timeout": 2, "read_timeout": 5,
    "retries": {"max_attempts": 2}}}``) and/or set ``config["async.timeout"]``.
    """

    def __init__(self, fs: Any, read_only: bool = False, path: str = "/",
                 allowed_exceptions: tuple[type[Exception], ...] = ALLOWED_EXCEPTIONS) -> None:
        if not getattr(fs, "async_impl", False):
            raise TypeError("Filesystem needs to support async operations.")
        if not fs.asynchronous:
            warnings.warn(f"fs ({fs}) was not created with `asynchronous=True`, this may lead to surprising "
                          "behavior", UserWarning, stacklevel=2)
        if "://" in path and not path.startswith("http"):
            scheme, _ = path.split("://", 1)
            raise ValueError(f"path argument to FsspecStore must not include scheme ({scheme}://)")
        self.fs = fs
        self.path = path
        self.allowed_exceptions = allowed_exceptions
        self._read_only = read_only

    @classmethod
    def from_url(cls, url: str, storage_options: dict[str, Any] | None = None, read_only: bool = False,
                 allowed_exceptions: tuple[type[Exception], ...] = ALLOWED_EXCEPTIONS) -> FsspecStore:
        """The store at ``url``; ``storage_options`` go to the filesystem.

        Unless ``storage_options`` says otherwise, the filesystem instance is
        not shared with other code (``skip_instance_cache``): its client
        belongs to zarrnative's I/O loop."""
        from fsspec import url_to_fs

        opts = {"asynchronous": True, "skip_instance_cache": True, **(storage_options or {})}
        fs, path = url_to_fs(url, **opts)
        if not fs.async_impl:
            fs = _make_async(fs)
        return cls(fs=fs, path=path, read_only=read_only, allowed_exceptions=allowed_exceptions)

    @classmethod
    def from_mapper(cls, fs_map: Any, read_only: bool = False,
                    allowed_exceptions: tuple[type[Exception], ...] = ALLOWED_EXCEPTIONS) -> FsspecStore:
        return cls(fs=_make_async(fs_map.fs), path=fs_map.root, read_only=read_only,
                   allowed_exceptions=allowed_exceptions)

    @classmethod
    def from_upath(cls, upath: Any, read_only: bool = False,
                   allowed_exceptions: tuple[type[Exception], ...] = ALLOWED_EXCEPTIONS) -> FsspecStore:
        return cls(fs=upath.fs, path=upath.path.rstrip("/"), read_only=read_only,
                   allowed_exceptions=allowed_exceptions)

    def with_read_only(self, read_only: bool = False) -> FsspecStore:
        return type(self)(fs=self.fs, path=self.path, read_only=read_only,
                          allowed_exceptions=self.allowed_exceptions)

    def __repr__(self) -> str:
        return f"<FsspecStore({type(self.fs).__name__}, {self.path})>"

    __str__ = __repr__  # zarr-python's FsspecStore prints its repr

    def __eq__(self, other: object) -> bool:
        return (isinstance(other, FsspecStore) and self.path == other.path and self.read_only == other.read_only
                and self.fs == other.fs)

    def __hash__(self) -> int:
        return hash((self.path, self.read_only))

    # --- primitives ----------------------------------------------------------------------
    def _full(self, key: str) -> str:
        return _dereference_path(self.path, key)

    @staticmethod
    def _bounds(r: Range) -> tuple[int | None, int | None]:
        if r is None:
            return None, None
        if r[0] == "suffix":
            return -r[1], None
        offset, length = r
        return offset, None if length is None else offset + length

    async def _get(self, key: str, byte_range: Range = None) -> bytes | None:
        if byte_range is not None and byte_range[0] == "suffix" and byte_range[1] == 0:
            return b"" if await self._exists(key) else None
        start, end = self._bounds(byte_range)
        try:
            return await self.fs._cat_file(self._full(key), start=start, end=end)
        except self.allowed_exceptions:
            return None
        except OSError as e:
            if _not_satisfiable(e):  # a range past the end of the object (S3's 416)
                return b""
            raise

    async def _get_ranges(self, key: str, ranges: list) -> list[bytes | None]:
        if any(r is not None and r[0] == "suffix" and r[1] == 0 for r in ranges):
            return await super()._get_ranges(key, ranges)
        bounds = [self._bounds(r) for r in ranges]
        path = self._full(key)
        got = await self.fs._cat_ranges([path] * len(ranges), [b[0] for b in bounds], [b[1] for b in bounds],
                                        on_error="return")
        got = [b"" if _not_satisfiable(g) else g for g in got]
        for g in got:
            if isinstance(g, BaseException) and not isinstance(g, self.allowed_exceptions):
                raise g
        if any(isinstance(g, BaseException) for g in got):
            return [None] * len(got)
        return list(got)

    async def _set(self, key: str, value: bytes) -> None:
        self._check_writable()
        await self.fs._pipe_file(self._full(key), value)

    async def _delete(self, key: str) -> None:
        try:
            await self.fs._rm(self._full(key))
        except self.allowed_exceptions:
            pass

    async def _delete_dir(self, prefix: str) -> None:
        p = prefix.rstrip("/")
        keys = await self._list_prefix(p + "/" if p else "")
        if keys:
            try:
                await self.fs._rm([self._full(k) for k in keys])
            except self.allowed_exceptions:
                pass

    async def _exists(self, key: str) -> bool:
        return await self._getsize(key) is not None

    async def _getsize(self, key: str) -> int | None:
        try:
            info = await self.fs._info(self._full(key))
        except self.allowed_exceptions:
            return None
        if info.get("type") == "directory":
            return None
        size = info.get("size")
        return int(size) if size is not None else len(await self._get(key) or b"")

    def _relative(self, full: str) -> str:
        root = self.path.rstrip("/")
        full = full.lstrip("/") if not root.startswith("/") else full
        return full[len(root) + 1:] if root and full.startswith(root + "/") else full.lstrip("/")

    async def _list_prefix(self, prefix: str) -> list[str]:
        # fsspec lists directories; the string prefix is filtered here ("a/c" lists "a/cat" too)
        directory = prefix.rsplit("/", 1)[0] if "/" in prefix else ""
        try:
            found = await self.fs._find(self._full(directory) if directory else self.path.rstrip("/") or "/",
                                        withdirs=False, detail=False)
        except self.allowed_exceptions:
            return []
        keys = [self._relative(f) for f in found]
        return [k for k in keys if k.startswith(prefix) and k]

    async def _list_dir(self, prefix: str) -> list[str]:
        p = prefix.rstrip("/")
        try:
            entries = await self.fs._ls(self._full(p) if p else self.path.rstrip("/") or "/", detail=False)
        except self.allowed_exceptions:
            return []
        base = p + "/" if p else ""
        out = set()
        for full in entries:
            rel = self._relative(full.rstrip("/"))
            if rel.startswith(base) and rel != p:
                out.add(rel[len(base):].split("/", 1)[0])
        return sorted(n for n in out if n)
