"""``copy``, ``copy_all`` and ``copy_store``: zarr-python 2's copying
functions (zarr-python 3.1 names them but raises NotImplementedError).

Each returns ``(n_copied, n_skipped, n_bytes_copied)``. ``if_exists`` is
"raise" (CopyError), "replace", "skip" or (arrays, ``copy``) "skip_initialized".
A progress bar is drawn on stderr for long copies when stderr is a terminal.
"""

from __future__ import annotations

import re
import sys
import time
from typing import Any, Callable

__all__ = ["CopyError", "copy", "copy_all", "copy_store"]

_IF_EXISTS = ("raise", "replace", "skip", "skip_initialized")


class CopyError(RuntimeError):
    """A copy that would overwrite an existing node (``if_exists="raise"``)."""


class _Log:
    """``log``: None, a callable, a file name or a file-like object."""

    def __init__(self, log: Any) -> None:
        self._file = None
        if log is None:
            self._write: Callable[[str], Any] = lambda _msg: None
        elif callable(log):
            self._write = log
        elif isinstance(log, str):
            self._file = open(log, mode="w")  # noqa: SIM115 (closed in close())
            self._write = lambda msg: print(msg, file=self._file)
        elif hasattr(log, "write"):
            self._write = lambda msg: print(msg, file=log)
        else:
            raise TypeError(f"log must be a callable function, file path or file-like object, found {log!r}")

    def __call__(self, msg: str) -> None:
        self._write(msg)

    def close(self) -> None:
        if self._file is not None:
            self._file.close()


class _Progress:
    """A one-line progress bar on stderr, drawn only when stderr is a
    terminal and the work takes more than half a second."""

    def __init__(self, total: int, label: str) -> None:
        self._total, self._label, self._done = total, label, 0
        self._start = time.monotonic()
        self._shown = False
        self._enabled = total > 1 and hasattr(sys.stderr, "isatty") and sys.stderr.isatty()

    def update(self, n: int = 1) -> None:
        self._done += n
        if not self._enabled or time.monotonic() - self._start < 0.5:
            return
        width = 30
        filled = int(width * self._done / self._total)
        sys.stderr.write(f"\r{self._label} [{'#' * filled}{'.' * (width - filled)}] {self._done}/{self._total}")
        sys.stderr.flush()
        self._shown = True

    def close(self) -> None:
        if self._shown:
            sys.stderr.write("\n")
            sys.stderr.flush()


def _check_if_exists(if_exists: str, allowed: tuple[str, ...] = _IF_EXISTS) -> None:
    if if_exists not in allowed:
        raise ValueError(f"if_exists must be one of {allowed!r}; found {if_exists!r}")


def copy_store(source: Any, dest: Any, source_path: str = "", dest_path: str = "", excludes: Any = None,
               includes: Any = None, flags: int = 0, if_exists: str = "raise", dry_run: bool = False,
               log: Any = None) -> tuple[int, int, int]:
    """Copies the stored objects (metadata and chunks, bytes as they are)
    under ``source_path`` of ``source`` to ``dest_path`` of ``dest``. Keys
    matching a regex in ``excludes`` are left out unless one in ``includes``
    matches too."""
    from zarrnative import _hierarchy as h
    from zarrnative.storage import make_store_path
    _check_if_exists(if_exists, ("raise", "replace", "skip"))
    src = make_store_path(source, path=source_path)
    dst = make_store_path(dest, path=dest_path)
    excludes = [re.compile(e, flags) for e in ([excludes] if isinstance(excludes, str) else excludes or [])]
    includes = [re.compile(e, flags) for e in ([includes] if isinstance(includes, str) else includes or [])]
    prefix = src.path + "/" if src.path else ""
    keys = [k for k in src.store.list_prefix_sync(prefix)]
    keys = [k for k in keys if not (any(e.search(k) for e in excludes) and not any(i.search(k) for i in includes))]
    n_copied = n_skipped = n_bytes = 0
    say = _Log(log)
    progress = _Progress(len(keys), "copy_store")
    try:
        existing = set()
        targets = {k: h.join(dst.path, k[len(prefix):]) for k in keys}
        if if_exists != "replace" and targets:
            present = h.get_many(dst.store, list(targets.values())) if not dry_run or if_exists != "replace" else []
            existing = {t for t, v in zip(targets.values(), present) if v is not None}
        batch: dict[str, bytes] = {}
        todo = [k for k in keys if targets[k] not in existing or if_exists == "replace"]
        for k in keys:
            if targets[k] in existing and if_exists == "raise":
                raise CopyError(f"key {targets[k]!r} exists in destination")
        values = h.get_many(src.store, todo) if not dry_run else [b""] * len(todo)
        for k, v in zip(todo, values):
            say(f"copy {k} -> {targets[k]}")
            batch[targets[k]] = v
            n_copied += 1
            n_bytes += len(v) if v is not None else 0
            progress.update()
        for k in keys:
            if targets[k] in existing and if_exists == "skip":
                say(f"skip {k}")
                n_skipped += 1
                progress.update()
        if batch and not dry_run:
            h.set_many(dst.store, {k: v for k, v in batch.items() if v is not None})
    finally:
        progress.close()
        say.close()
    return n_copied, n_skipped, n_bytes


def _basename(node: Any) -> str:
    return node.name.rstrip("/").split("/")[-1]


def copy(source: Any, dest: Any, name: str | None = None, shallow: bool = False, without_attrs: bool = False,
         log: Any = None, if_exists: str = "raise", dry_run: bool = False, **create_kws: Any) -> tuple[int, int, int]:
    """Copies an Array or Group (with everything below it, unless
    ``shallow``: then only its immediate children) into the group ``dest``,
    as ``name`` (default: the source's name). Arrays keep their chunks,
    codecs and fill value unless ``create_kws`` say otherwise; data is
    copied a slab of chunks at a time."""
    _check_if_exists(if_exists)
    say = _Log(log)
    try:
        return _copy(source, dest, name or _basename(source), not shallow, without_attrs, say, if_exists,
                     dry_run, create_kws, top=True)
    finally:
        say.close()


def copy_all(source: Any, dest: Any, shallow: bool = False, without_attrs: bool = False, log: Any = None,
             if_exists: str = "raise", dry_run: bool = False, **create_kws: Any) -> tuple[int, int, int]:
    """Copies every member of the group ``source`` into the group ``dest``
    (and, unless ``without_attrs``, the group's attributes)."""
    _check_if_exists(if_exists)
    say = _Log(log)
    totals = [0, 0, 0]
    try:
        members = list(source.keys())
        progress = _Progress(len(members), "copy_all")
        for k in members:
            counts = _copy(source[k], dest, k, not shallow, without_attrs, say, if_exists, dry_run, create_kws,
                           top=True)
            totals = [a + b for a, b in zip(totals, counts)]
            progress.update()
        progress.close()
        if not without_attrs and not dry_run:
            dest.attrs.update(dict(source.attrs))
    finally:
        say.close()
    return totals[0], totals[1], totals[2]


def _is_group(node: Any) -> bool:
    return hasattr(node, "members") and hasattr(node, "create_group")


def _copy(source: Any, dest: Any, name: str, deep: bool, without_attrs: bool, say: _Log, if_exists: str,
          dry_run: bool, create_kws: dict, top: bool = False) -> tuple[int, int, int]:
    exists = name in dest if not dry_run or hasattr(dest, "__contains__") else False
    path = f"{dest.name.rstrip('/')}/{name}"
    if _is_group(source):
        if exists and if_exists == "raise":
            raise CopyError(f"an object {name!r} already exists in destination {dest.name!r}")
        if exists and if_exists in ("skip", "skip_initialized") and not _is_group(dest[name]):
            say(f"skip {source.name} -> {path}")
            return 0, 1, 0
        say(f"copy {source.name} -> {path}")
        n_copied, n_skipped, n_bytes = 1, 0, 0
        if dry_run:
            grp = None
        elif exists and if_exists == "replace":
            grp = dest.create_group(name, overwrite=True)
        else:
            grp = dest.require_group(name)
        if grp is not None and not without_attrs:
            grp.attrs.update(dict(source.attrs))
        if deep or top:
            for k in list(source.keys()):
                child = source[k]
                if _is_group(child) and not deep:
                    continue
                c = _copy(child, grp if grp is not None else dest, k, deep, without_attrs, say, if_exists,
                          dry_run, create_kws)
                n_copied, n_skipped, n_bytes = n_copied + c[0], n_skipped + c[1], n_bytes + c[2]
        return n_copied, n_skipped, n_bytes
    # an array
    if exists:
        if if_exists == "raise":
            raise CopyError(f"an object {name!r} already exists in destination {dest.name!r}")
        if if_exists == "skip":
            say(f"skip {source.name} -> {path}")
            return 0, 1, 0
        if if_exists == "skip_initialized":
            existing = dest[name]
            if getattr(existing, "nchunks_initialized", -1) == getattr(existing, "nchunks", -2):
                say(f"skip {source.name} -> {path}")
                return 0, 1, 0
    say(f"copy {source.name} {tuple(source.shape)} {source.dtype} -> {path}")
    if dry_run:
        return 1, 0, 0
    from zarrnative._create import from_array
    attrs = None if without_attrs else dict(source.attrs)
    kws = dict(create_kws)
    if getattr(dest, "metadata", None) is not None:
        kws.setdefault("zarr_format", dest.metadata.zarr_format)
    from_array(dest.store_path, data=source, name=name, attributes=attrs, overwrite=exists, **kws)
    return 1, 0, int(source.nbytes)
