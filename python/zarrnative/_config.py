"""``zarrnative.config``: zarr-python 3's ``zarr.config`` (a donfig Config)
for the settings zarrnative honours.

- ``default_zarr_format`` (3): the format of new arrays and groups where none is given
- ``array.order`` ("C") and ``array.write_empty_chunks`` (False): defaults of new arrays
- ``json_indent`` (2): indentation of the group documents written
- ``threading.max_workers`` (None: one per core): the size of the C++ thread
  pool; ``threads`` is a shorthand for it
- ``device`` (None): ``"cuda"`` or ``"cuda:N"`` makes reads (``arr[...]``,
  ``get``, ``oindex``, ``blocks``) return CUDA device arrays (see ``_gpu.py``)

Dotted keys, as in zarr-python::

    zarrnative.config.get("default_zarr_format")
    zarrnative.config.set({"array.write_empty_chunks": True})   # for good
    with zarrnative.config.set({"threads": 4}):                 # for a block
        ...

Other zarr-python keys (``async.concurrency``, ``codecs.*``, ``buffer``...)
are kept, so code that sets them runs, but they change nothing here.
"""

from __future__ import annotations

import copy
import os
from typing import Any

from zarrnative import _core, _gpu

__all__ = ["ArrayConfig", "Config", "config"]

_DEFAULTS: dict[str, Any] = {
    "default_zarr_format": 3,
    "array": {"order": "C", "write_empty_chunks": False, "target_shard_size_bytes": None},
    "async": {"concurrency": 10, "timeout": None},
    "threading": {"max_workers": None},
    "json_indent": 2,
    "device": None,
}

_ALIASES = {"threads": "threading.max_workers"}


def _split(key: str) -> list[str]:
    key = _ALIASES.get(key, key)
    return key.replace("-", "_").split(".")


class _Restore:
    """What ``config.set`` returns: the change holds at once, and is undone
    when used as a context manager and the block ends."""

    def __init__(self, cfg: Config, saved: dict) -> None:
        self._cfg, self._saved = cfg, saved

    def __enter__(self) -> _Restore:
        return self

    def __exit__(self, *exc: object) -> None:
        self._cfg._data = self._saved
        self._cfg._apply()


class Config:
    def __init__(self) -> None:
        self._data = copy.deepcopy(_DEFAULTS)
        self._default_threads = _core.get_threads()
        self._read_environment()

    def _read_environment(self) -> None:
        """ZARR_FOO__BAR=value sets foo.bar (zarr-python's donfig convention);
        ZARRNATIVE_THREADS sets the thread count."""
        import ast
        for name, value in os.environ.items():
            if name.startswith("ZARR_") and not name.startswith("ZARRNATIVE_"):
                key = name[5:].lower().replace("__", ".")
                try:
                    parsed = ast.literal_eval(value)
                except (ValueError, SyntaxError):
                    parsed = value
                self._put(key, parsed)
        if "ZARRNATIVE_THREADS" in os.environ:
            self._put("threading.max_workers", int(os.environ["ZARRNATIVE_THREADS"]))
        self._apply()

    def _put(self, key: str, value: Any) -> None:
        parts = _split(key)
        d = self._data
        for p in parts[:-1]:
            d = d.setdefault(p, {})
            if not isinstance(d, dict):
                raise ValueError(f"config key {key!r}: {p!r} is not a section")
        d[parts[-1]] = value

    def _apply(self) -> None:
        threads = self._data["threading"].get("max_workers")
        if threads is not None and (not isinstance(threads, int) or threads < 1):
            raise ValueError(f"threading.max_workers must be a positive integer or None, got {threads!r}")
        _core.set_threads(threads or self._default_threads)
        fmt = self._data.get("default_zarr_format")
        if fmt not in (2, 3):
            raise ValueError(f"default_zarr_format must be 2 or 3, got {fmt!r}")
        order = self._data["array"].get("order")
        if order not in ("C", "F"):
            raise ValueError(f"array.order must be 'C' or 'F', got {order!r}")
        _gpu.parse_device(self._data.get("device"))  # the name only: a missing GPU shows on read

    def get(self, key: str, default: Any = ...) -> Any:
        d: Any = self._data
        for p in _split(key):
            if not isinstance(d, dict) or p not in d:
                if default is ...:
                    raise KeyError(key)
                return default
            d = d[p]
        return copy.deepcopy(d)

    def set(self, arg: dict | None = None, **kwargs: Any) -> _Restore:
        """Sets keys (dotted: ``{"array.order": "F"}``; keyword arguments
        with ``__`` for dots). Invalid values raise ValueError and change nothing."""
        saved = copy.deepcopy(self._data)
        items = dict(arg or {})
        items.update({k.replace("__", "."): v for k, v in kwargs.items()})
        try:
            for k, v in items.items():
                self._put(k, v)
            self._apply()
        except Exception:
            self._data = saved
            self._apply()
            raise
        return _Restore(self, saved)

    def reset(self) -> None:
        self._data = copy.deepcopy(_DEFAULTS)
        self._apply()

    def refresh(self) -> None:
        self.reset()
        self._read_environment()

    def to_dict(self) -> dict:
        return copy.deepcopy(self._data)

    @property
    def config(self) -> dict:
        """The settings as nested dicts (donfig's attribute; a copy here:
        changes go through ``set`` or ``update``, which check them)."""
        return self.to_dict()

    def update(self, new: dict, priority: str = "new") -> None:
        """Merges nested dicts into the settings (keys may be dotted); with
        ``priority="old"`` keys already set keep their values."""
        if priority not in ("new", "old"):
            raise ValueError(f"priority must be 'new' or 'old', got {priority!r}")
        merged = _merged(self._data, new) if priority == "new" else _merged(new, self._data)
        self.set(_flatten(merged))

    def update_defaults(self, new: dict) -> None:
        """Adds to the defaults (what ``reset`` returns to) and to the settings."""
        global _DEFAULTS
        _DEFAULTS = _merged(_DEFAULTS, new)
        self.update(new)

    def merge(self, *dicts: dict) -> None:
        """Merges nested dicts into the settings, later ones winning (donfig's
        ``merge``)."""
        self.update(_merged(*dicts))

    def pprint(self, **kwargs: Any) -> None:
        """Prints the settings with ``pprint.pprint`` (its keyword arguments:
        ``stream``, ``width``...)."""
        import pprint
        pprint.pprint(self._data, **kwargs)

    def enable_gpu(self) -> _Restore:
        """Reads return CUDA device arrays (``device="cuda"``): zarr-python's
        switch to GPU buffers. As ``set``, for good or for a ``with`` block."""
        return self.set({"device": "cuda"})

    def __repr__(self) -> str:
        return f"<zarrnative.Config {self._data}>"


def _merged(*dicts: dict) -> dict:
    """Nested dicts (keys may be dotted) merged into a new one, later ones winning."""
    out: dict = {}
    for d in dicts:
        _merge_into(out, _nest(d))
    return out


def _nest(d: dict) -> dict:
    """Dotted keys ("array.order") as nested dicts."""
    out: dict = {}
    for k, v in d.items():
        parts = _split(k)
        node = out
        for p in parts[:-1]:
            node = node.setdefault(p, {})
        if isinstance(v, dict):
            v = _nest(v)
        if isinstance(node.get(parts[-1]), dict) and isinstance(v, dict):
            _merge_into(node[parts[-1]], v)
        else:
            node[parts[-1]] = v
    return out


def _merge_into(out: dict, d: dict) -> None:
    for k, v in d.items():
        if isinstance(v, dict) and isinstance(out.get(k), dict):
            _merge_into(out[k], v)
        else:
            out[k] = copy.deepcopy(v)


def _flatten(d: dict, prefix: str = "") -> dict:
    out: dict = {}
    for k, v in d.items():
        key = f"{prefix}{k}"
        if isinstance(v, dict) and v:
            out.update(_flatten(v, key + "."))
        else:
            out[key] = v
    return out


config = Config()


class ArrayConfig:
    """An array's runtime settings (zarr-python's ``ArrayConfig``): the
    memory order of what reads return, and whether chunks equal to the fill
    value are written. ``Array.config`` gives it; ``Array.with_config``
    makes an array with other settings."""

    __slots__ = ("order", "write_empty_chunks")

    def __init__(self, order: str, write_empty_chunks: bool) -> None:
        if order not in ("C", "F"):
            raise ValueError(f"order must be 'C' or 'F', got {order!r}")
        if not isinstance(write_empty_chunks, bool):
            raise ValueError(f"write_empty_chunks must be a bool, got {write_empty_chunks!r}")
        object.__setattr__(self, "order", order)
        object.__setattr__(self, "write_empty_chunks", write_empty_chunks)

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError("ArrayConfig is immutable: Array.with_config makes an array with other settings")

    @classmethod
    def from_dict(cls, data: dict) -> ArrayConfig:
        """Keys left out take ``zarrnative.config``'s ``array.*`` values."""
        unknown = set(data) - {"order", "write_empty_chunks"}
        if unknown:
            raise ValueError(f"unknown array config keys {sorted(unknown)}; expected 'order' or 'write_empty_chunks'")
        return cls(**{k: data.get(k, config.get(f"array.{k}")) for k in ("order", "write_empty_chunks")})

    def to_dict(self) -> dict:
        return {"order": self.order, "write_empty_chunks": self.write_empty_chunks}

    def __eq__(self, other: object) -> bool:
        return isinstance(other, ArrayConfig) and self.to_dict() == other.to_dict()

    def __hash__(self) -> int:
        return hash((self.order, self.write_empty_chunks))

    def __repr__(self) -> str:
        return f"ArrayConfig(order={self.order!r}, write_empty_chunks={self.write_empty_chunks!r})"


def default_zarr_format() -> int:
    return int(config.get("default_zarr_format"))
