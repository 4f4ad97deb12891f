"""``AsyncArray``, ``AsyncGroup`` and ``zarrnative.api.asynchronous``: the
coroutine faces zarr-python 3 gives its arrays, groups and top-level
functions.

Each coroutine runs the synchronous call in a worker thread
(``asyncio.to_thread``). The work it does is C++ with the GIL released, so
concurrent awaits (``asyncio.gather`` over many reads) run in parallel on
the process's thread pool, and the event loop is never blocked by decoding
or file I/O. Arrays and groups that come back are wrapped again, so a
coroutine API stays a coroutine API all the way down.
"""

from __future__ import annotations

import asyncio
import functools
from typing import Any, AsyncIterator, Callable

from zarrnative.errors import GroupNotFoundError

__all__ = ["AsyncArray", "AsyncGroup", "wrap"]


def wrap(node: Any) -> Any:
    """An Array as an AsyncArray, a Group as an AsyncGroup (tuples and
    lists element by element); anything else as it is."""
    from zarrnative._array import Array
    from zarrnative._group import Group

    if isinstance(node, Array):
        return AsyncArray(node)
    if isinstance(node, Group):
        return AsyncGroup(node)
    if isinstance(node, tuple):
        return tuple(wrap(v) for v in node)
    if isinstance(node, list):
        return [wrap(v) for v in node]
    return node


def unwrap(node: Any) -> Any:
    return node._sync if isinstance(node, (AsyncArray, AsyncGroup)) else node


async def _call(fn: Callable, *args: Any, **kwargs: Any) -> Any:
    return wrap(await asyncio.to_thread(fn, *args, **kwargs))


async def _iterate(make: Callable[[], Any]) -> AsyncIterator[Any]:
    """Yields what the synchronous iterator ``make()`` gives, each step in a
    worker thread (listing a remote store may block)."""
    it = await asyncio.to_thread(lambda: iter(make()))
    done = object()
    while True:
        item = await asyncio.to_thread(next, it, done)
        if item is done:
            return
        yield wrap(item)


class _Node:
    """Attributes that are plain values (shape, dtype, attrs, metadata,
    path, store, ...) come from the synchronous node unchanged."""

    __slots__ = ("_sync",)

    def __init__(self, sync: Any):
        object.__setattr__(self, "_sync", sync)

    def __reduce__(self):
        # The synchronous node pickles (by store and path); the face is rebuilt around it.
        return (type(self), (self._sync,))

    @property
    def sync(self) -> Any:
        """The synchronous Array or Group behind this face."""
        return self._sync

    def __getattr__(self, name: str) -> Any:
        if name == "_sync":  # not set yet (copying, unpickling): no recursion through here
            raise AttributeError(name)
        value = getattr(self._sync, name)
        if callable(value) and not isinstance(value, type):
            raise AttributeError(f"{type(self).__name__} has no coroutine {name!r}; the synchronous node "
                                 f"(zarrnative.{type(self._sync).__name__}(this)) has the method")
        return value

    def __eq__(self, other: object) -> bool:
        return type(other) is type(self) and self._sync == other._sync

    def __hash__(self) -> int:
        return hash(self._sync)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self._sync!r}>"


class _AsyncIndexer:
    """``a.oindex`` / ``a.vindex`` of an AsyncArray: ``await a.oindex.getitem(sel)``."""

    def __init__(self, sync_indexer: Any):
        self._indexer = sync_indexer

    async def getitem(self, selection: Any) -> Any:
        return await _call(self._indexer.__getitem__, selection)

    async def setitem(self, selection: Any, value: Any) -> None:
        await _call(self._indexer.__setitem__, selection, value)


class AsyncArray(_Node):
    """An array whose reads, writes and metadata changes are coroutines.
    ``zarrnative.Array(async_array)`` (or ``.sync``) gives the synchronous array."""

    __slots__ = ()

    @classmethod
    async def open(cls, store: Any = None, zarr_format: int | None = None, **kwargs: Any) -> AsyncArray:
        from zarrnative._api import open_array
        return await _call(open_array, store, zarr_format=zarr_format, **kwargs)

    @classmethod
    async def create(cls, store: Any = None, **kwargs: Any) -> AsyncArray:
        from zarrnative._create import create_array
        return await _call(create_array, store, **kwargs)

    @classmethod
    def from_dict(cls, store_path: Any, data: dict) -> AsyncArray:
        from zarrnative._array import Array
        return cls(Array.from_dict(store_path, data))

    def with_config(self, config: Any) -> AsyncArray:
        """The same array with other runtime settings (see ``Array.with_config``)."""
        return AsyncArray(self._sync.with_config(config))

    async def getitem(self, selection: Any, *, prototype: Any = None) -> Any:
        return await _call(self._sync.__getitem__, selection)

    async def setitem(self, selection: Any, value: Any, prototype: Any = None) -> None:
        await _call(self._sync.__setitem__, selection, value)

    async def get_basic_selection(self, selection: Any = Ellipsis, *, out: Any = None, fields: Any = None,
                                  prototype: Any = None) -> Any:
        return await _call(self._sync.get_basic_selection, selection, out=out, fields=fields)

    async def get_orthogonal_selection(self, selection: Any, *, out: Any = None, fields: Any = None,
                                       prototype: Any = None) -> Any:
        return await _call(self._sync.get_orthogonal_selection, selection, out=out, fields=fields)

    async def get_coordinate_selection(self, selection: Any, *, out: Any = None, fields: Any = None,
                                       prototype: Any = None) -> Any:
        return await _call(self._sync.get_coordinate_selection, selection, out=out, fields=fields)

    async def get_mask_selection(self, mask: Any, *, out: Any = None, fields: Any = None,
                                 prototype: Any = None) -> Any:
        return await _call(self._sync.get_mask_selection, mask, out=out, fields=fields)

    async def get_block_selection(self, selection: Any, *, out: Any = None, fields: Any = None,
                                  prototype: Any = None) -> Any:
        return await _call(self._sync.get_block_selection, selection, out=out, fields=fields)

    async def get(self, selection: Any = Ellipsis, **kwargs: Any) -> Any:
        return await _call(self._sync.get, selection, **kwargs)

    async def read_batch(self, selections: Any, **kwargs: Any) -> Any:
        return await _call(self._sync.read_batch, selections, **kwargs)

    @property
    def oindex(self) -> _AsyncIndexer:
        return _AsyncIndexer(self._sync.oindex)

    @property
    def vindex(self) -> _AsyncIndexer:
        return _AsyncIndexer(self._sync.vindex)

    async def resize(self, new_shape: Any, delete_outside_chunks: bool = True) -> None:
        await _call(self._sync.resize, new_shape)

    async def append(self, data: Any, axis: int = 0) -> tuple[int, ...]:
        return await _call(self._sync.append, data, axis=axis)

    async def update_attributes(self, new_attributes: dict) -> AsyncArray:
        await _call(self._sync.update_attributes, new_attributes)
        return self

    async def nchunks_initialized(self) -> int:
        return await _call(lambda: self._sync.nchunks_initialized)

    async def nbytes_stored(self) -> int:
        return await _call(self._sync.nbytes_stored)

    async def info_complete(self) -> Any:
        return await _call(self._sync.info_complete)


class AsyncGroup(_Node):
    """A group whose member access, creation and listing are coroutines
    (listings are async iterators). ``.sync`` gives the synchronous group."""

    __slots__ = ()

    @classmethod
    async def open(cls, store: Any = None, zarr_format: int | None = 3, use_consolidated: bool | str | None = None
                   ) -> AsyncGroup:
        """Opens the group that is there (in ``zarr_format``, or either
        with None); creates nothing, as zarr-python's AsyncGroup.open."""
        from zarrnative._group import Group
        try:
            return await _call(Group.open, store, zarr_format=zarr_format, use_consolidated=use_consolidated)
        except GroupNotFoundError as e:  # zarr-python raises FileNotFoundError here
            raise FileNotFoundError(str(e)) from None

    @classmethod
    async def from_store(cls, store: Any = None, **kwargs: Any) -> AsyncGroup:
        from zarrnative._api import create_group
        return await _call(create_group, store, **kwargs)

    @classmethod
    def from_dict(cls, store_path: Any, data: dict) -> AsyncGroup:
        from zarrnative._group import Group
        return cls(Group.from_dict(store_path, data))

    async def getitem(self, key: str) -> AsyncArray | AsyncGroup:
        return await _call(self._sync.__getitem__, key)

    async def get(self, key: str, default: Any = None) -> Any:
        return await _call(self._sync.get, key, default)

    async def setitem(self, key: str, value: Any) -> None:
        await _call(self._sync.__setitem__, key, unwrap(value))

    async def delitem(self, key: str) -> None:
        await _call(self._sync.__delitem__, key)

    async def contains(self, member: str) -> bool:
        return await _call(self._sync.__contains__, member)

    async def nmembers(self, max_depth: int | None = 0) -> int:
        return await _call(self._sync.nmembers, max_depth)

    async def update_attributes(self, new_attributes: dict) -> AsyncGroup:
        await _call(self._sync.update_attributes, new_attributes)
        return self

    async def info_complete(self) -> Any:
        return await _call(self._sync.info_complete)

    async def tree(self, expand: bool | None = None, level: int | None = None) -> Any:
        return await _call(self._sync.tree, expand, level)

    async def move(self, source: str, dest: str) -> None:
        await _call(self._sync.move, source, dest)

    # listings: async iterators, as zarr-python's
    def members(self, max_depth: int | None = 0, **kwargs: Any) -> AsyncIterator[tuple[str, Any]]:
        return _iterate(lambda: self._sync.members(max_depth, **kwargs))

    def keys(self) -> AsyncIterator[str]:
        return _iterate(self._sync.keys)

    def groups(self) -> AsyncIterator[tuple[str, AsyncGroup]]:
        return _iterate(self._sync.groups)

    def group_keys(self) -> AsyncIterator[str]:
        return _iterate(self._sync.group_keys)

    def group_values(self) -> AsyncIterator[AsyncGroup]:
        return _iterate(self._sync.group_values)

    def arrays(self) -> AsyncIterator[tuple[str, AsyncArray]]:
        return _iterate(self._sync.arrays)

    def array_keys(self) -> AsyncIterator[str]:
        return _iterate(self._sync.array_keys)

    def array_values(self) -> AsyncIterator[AsyncArray]:
        return _iterate(self._sync.array_values)

    def create_hierarchy(self, nodes: dict, *, overwrite: bool = False) -> AsyncIterator[tuple[str, Any]]:
        return _iterate(lambda: self._sync.create_hierarchy(nodes, overwrite=overwrite))


def _group_coroutine(name: str) -> Callable:
    async def method(self: AsyncGroup, *args: Any, **kwargs: Any) -> Any:
        return await _call(getattr(self._sync, name), *args, **kwargs)

    method.__name__ = method.__qualname__ = name
    method.__doc__ = f"The coroutine of ``Group.{name}``."
    return method


for _name in ("create_group", "require_group", "require_groups", "create_array", "create_dataset",
              "require_array", "require_dataset", "empty", "zeros", "ones", "full", "empty_like",
              "zeros_like", "ones_like", "full_like"):
    setattr(AsyncGroup, _name, _group_coroutine(_name))


def coroutine_of(fn: Callable) -> Callable:
    """The coroutine form of a top-level function (``zarrnative.api.asynchronous``)."""

    @functools.wraps(fn)
    async def run(*args: Any, **kwargs: Any) -> Any:
        return await _call(fn, *(unwrap(a) for a in args), **{k: unwrap(v) for k, v in kwargs.items()})

    run.__doc__ = f"The coroutine of ``zarrnative.{fn.__name__}``: the same arguments; arrays and groups come " \
                  "back as AsyncArray and AsyncGroup."
    return run
