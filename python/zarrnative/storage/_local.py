"""LocalStore: zarr-python 3's store of files under a directory, served by
the C++ FilesystemStore (atomic writes, parallel batches, keys confined to
the root)."""

from __future__ import annotations

from pathlib import Path

from zarrnative import _core
from zarrnative.storage._common import NativeStore


class LocalStore(NativeStore):
    """Files under ``root``: key ``"a/c/0"`` is the file ``root/a/c/0``, the
    layout zarr-python and tensorstore use.

    ``fsync=True`` makes each write durable before it is renamed into place
    (slow; zarr-python does not).
    """

    def __init__(self, root: str | Path, *, read_only: bool = False, fsync: bool = False) -> None:
        if isinstance(root, str):
            root = Path(root)
        if not isinstance(root, Path):
            raise TypeError(f"'root' must be a string or Path instance. Got an instance of {type(root)} instead.")
        self.root = root
        self._fsync = fsync
        self._native = _core.FilesystemStore(str(root), read_only, fsync)

    @classmethod
    async def open(cls, root: str | Path, *, read_only: bool = False, mode: str | None = None) -> LocalStore:
        store = cls(root, read_only=read_only)
        if read_only and not Path(root).is_dir():
            raise FileNotFoundError(f"{root} does not exist")
        if not read_only:
            Path(root).mkdir(parents=True, exist_ok=True)
        return store

    def with_read_only(self, read_only: bool = False) -> LocalStore:
        return type(self)(self.root, read_only=read_only, fsync=self._fsync)

    def __reduce__(self):
        # Pickles by its root (the files stay where they are), as zarr-python's does.
        return (_local_store, (str(self.root), self.read_only, self._fsync))

    def __str__(self) -> str:
        return f"file://{self.root.as_posix()}"

    def __repr__(self) -> str:
        return f"LocalStore('{self}')"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, LocalStore) and self.root == other.root

    def __hash__(self) -> int:
        return hash(self.root)


def _local_store(root: str, read_only: bool, fsync: bool) -> LocalStore:
    return LocalStore(root, read_only=read_only, fsync=fsync)
