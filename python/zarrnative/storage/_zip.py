"""ZipStore: a Zarr hierarchy inside one ZIP file, as zarr-python 3.1's
``zarr.storage.ZipStore`` (same modes, same entries, same limits)."""

from __future__ import annotations

import os
import shutil
import threading
import time
import zipfile
from pathlib import Path
from typing import Any, Literal

from zarrnative.storage._base import PythonStore, Range, _children

ZipStoreAccessModeLiteral = Literal["r", "w", "a", "x"]


class _Zip:
    """The open archive and its lock, shared by read-only views."""

    def __init__(self, path: Path, mode: str, compression: int, allow_zip64: bool) -> None:
        self.path, self.mode, self.compression, self.allow_zip64 = path, mode, compression, allow_zip64
        self.lock = threading.RLock()
        self.zf: zipfile.ZipFile | None = None

    def open(self) -> zipfile.ZipFile:
        with self.lock:
            if self.zf is None:
                self.zf = zipfile.ZipFile(self.path, mode=self.mode, compression=self.compression,
                                          allowZip64=self.allow_zip64)
            return self.zf

    def close(self) -> None:
        with self.lock:
            if self.zf is not None:
                self.zf.close()
                self.zf = None


class ZipStore(PythonStore):
    """A store in a ZIP file.

    ``mode``: ``'r'`` reads an existing file, ``'w'`` truncates or creates
    it, ``'a'`` appends to it, ``'x'`` creates it and fails where it exists.
    ``read_only`` defaults to ``mode == 'r'``. The archive opens on first use;
    :meth:`close` (or leaving a ``with`` block) writes its central directory:
    a ZIP written without it is unreadable.

    As in zarr-python, entries cannot be deleted: deleting a key that exists
    raises NotImplementedError (deleting a missing one does nothing), and
    writing a key again appends a second entry (zipfile warns "Duplicate
    name"); reads see the last one.
    """

    supports_deletes = False

    def __init__(self, path: Path | str, *, mode: ZipStoreAccessModeLiteral = "r", read_only: bool | None = None,
                 compression: int = zipfile.ZIP_STORED, allowZip64: bool = True) -> None:
        if read_only is None:
            read_only = mode == "r"
        if isinstance(path, str):
            path = Path(path)
        if not isinstance(path, Path):
            raise TypeError(f"'path' must be a str or Path, got {type(path).__name__}")
        if mode not in ("r", "w", "a", "x"):
            raise ValueError(f"invalid mode {mode!r}: expected 'r', 'w', 'a' or 'x'")
        self.path = path
        self._zmode = mode
        self.compression = compression
        self.allowZip64 = allowZip64
        self._read_only = read_only
        self._zip = _Zip(path, mode, compression, allowZip64)

    @classmethod
    async def open(cls, *args: Any, **kwargs: Any) -> ZipStore:
        store = cls(*args, **kwargs)
        store._zip.open()
        return store

    def with_read_only(self, read_only: bool = False) -> ZipStore:
        """A view of the same open archive, read-only or not."""
        view = object.__new__(type(self))
        view.__dict__.update(self.__dict__)
        view._read_only = read_only
        return view

    @property
    def _is_open(self) -> bool:
        return self._zip.zf is not None

    async def _open(self) -> None:
        if self._zip.zf is not None:
            raise ValueError("store is already open")
        self._zip.open()

    def close(self) -> None:
        self._zip.close()

    def __getstate__(self) -> dict:
        state = self.__dict__.copy()
        state.pop("_zip")
        return state

    def __setstate__(self, state: dict) -> None:
        self.__dict__.update(state)
        self._zip = _Zip(self.path, self._zmode, self.compression, self.allowZip64)

    def __str__(self) -> str:
        return f"zip://{self.path}"

    def __repr__(self) -> str:
        return f"ZipStore('{self}')"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, ZipStore) and self.path == other.path

    def __hash__(self) -> int:
        return hash(self.path)

    # --- primitives (local file work, under the archive's lock) -------------------------
    def _read(self, key: str, r: Range) -> bytes | None:
        with self._zip.lock:
            zf = self._zip.open()
            try:
                info = zf.getinfo(key)
            except KeyError:
                return None
            with zf.open(info) as f:
                if r is None:
                    return f.read()
                if r[0] == "suffix":
                    f.seek(max(0, info.file_size - r[1]))
                    return f.read() if r[1] else b""
                offset, length = r
                f.seek(min(offset, info.file_size))
                return f.read() if length is None else f.read(length)

    async def _get(self, key: str, byte_range: Range = None) -> bytes | None:
        return self._read(key, byte_range)

    async def _get_ranges(self, key: str, ranges: list) -> list[bytes | None]:
        parts = [self._read(key, r) for r in ranges]
        return [None] * len(parts) if any(p is None for p in parts) else parts

    async def _fetch(self, requests: list) -> list:
        # A local file: one pass under the lock beats tasks on the loop.
        out = []
        for key, ranges in requests:
            if ranges is None:
                out.append((key, None, self._read(key, None), None))
            else:
                out.append((key, ranges, await self._get_ranges(key, list(ranges)), None))
        return out

    async def _set(self, key: str, value: bytes) -> None:
        self._check_writable()
        info = zipfile.ZipInfo(filename=key, date_time=time.localtime(time.time())[:6])
        info.compress_type = self.compression
        info.external_attr = 0o644 << 16  # ?rw-r--r--, as zarr-python writes entries
        with self._zip.lock:
            self._zip.open().writestr(info, value)

    async def _apply_writes(self, writes: list) -> None:
        self._check_writable()
        for key, value in writes:  # in order, under the lock: a ZIP is appended to serially
            if value is None:
                await self._delete(key)
            else:
                await self._set(key, value)

    async def _delete(self, key: str) -> None:
        if await self._exists(key):
            raise NotImplementedError(f"{self}: ZIP entries cannot be deleted ('{key}')")

    async def _delete_dir(self, prefix: str) -> None:
        p = prefix.rstrip("/")
        if await self._list_prefix(p + "/" if p else ""):
            raise NotImplementedError(f"{self}: ZIP entries cannot be deleted (under '{p}')")

    async def _exists(self, key: str) -> bool:
        with self._zip.lock:
            return key in self._zip.open().NameToInfo

    async def _getsize(self, key: str) -> int | None:
        with self._zip.lock:
            info = self._zip.open().NameToInfo.get(key)
        return None if info is None else info.file_size

    def _names(self) -> list[str]:
        with self._zip.lock:
            return list(self._zip.open().NameToInfo)  # one name per key, even when written twice

    async def _list_prefix(self, prefix: str) -> list[str]:
        return [k for k in self._names() if k.startswith(prefix) and not k.endswith("/")]

    async def _list_dir(self, prefix: str) -> list[str]:
        return _children(self._names(), prefix)

    async def _clear(self) -> None:
        self._check_writable()
        with self._zip.lock:
            self._zip.close()
            if self.path.exists():
                os.remove(self.path)
            self._zip.mode = "w"
            self._zip.open()

    async def move(self, path: Path | str) -> None:
        """Moves the ZIP file to ``path`` (reopened there)."""
        path = Path(path)
        self.close()
        os.makedirs(path.parent, exist_ok=True)
        shutil.move(self.path, path)
        self.path = path
        self._zip = _Zip(path, "a" if self._zmode in ("w", "x") else self._zmode, self.compression, self.allowZip64)
        self._zip.open()

