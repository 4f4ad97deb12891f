"""Array reads and writes on the stores written in Python, in batches.

One call of ``arr[...]`` on such a store:

1. ``plan``: the core lists the keys and byte ranges the read needs that a
   fresh ``_core.PrefetchStore`` lacks (``Array.plan_read``);
2. ``fetch``: the store fetches all of them concurrently
   (:meth:`PythonStore.fetch_sync`) and the cache is filled in one call;
3. steps 1-2 repeat while the plan is not empty: a shard read in part needs
   two rounds (its index, then the coalesced ranges of the inner chunks the
   index points to); everything else needs one;
4. ``read``: one core call decodes every chunk from the cache, in parallel,
   with the GIL released.

A write plans the chunks it must read to merge into (partial chunks), fetches
them in one batch, has the core encode every chunk into the cache's staging
area, and applies the staged writes (sets and deletes) in one concurrent
batch. A failed fetch raises before the core is called: no partial result is
returned; a failed write raises after the writes that succeeded (each chunk
is written whole or not at all).
"""

from __future__ import annotations

from typing import Any, Callable

from zarrnative import _core
from zarrnative.storage._common import python_face

_MAX_ROUNDS = 4  # plans converge in at most two rounds; more means a bug, not slowness


def is_batched(store: Any) -> bool:
    from zarrnative.storage._base import PythonStore
    return isinstance(python_face(store), PythonStore)


def _prefetch(store: Any, cache: _core.PrefetchStore, plan: Callable[[], list]) -> None:
    for _ in range(_MAX_ROUNDS):
        requests = plan()
        if not requests:
            return
        results = store.fetch_sync(requests)
        cache.fill([(key, ranges, value) for key, ranges, value, _ in results])
        for key, _, _, size in results:
            if size is not None:
                cache.put_size(key, size)
    raise RuntimeError(f"reading from {store}: the read plan did not converge in {_MAX_ROUNDS} rounds")


def _view(native: _core.Array) -> tuple[_core.Array, _core.PrefetchStore]:
    cache = _core.PrefetchStore(native.store)
    return native.with_store(cache), cache


def read(native: _core.Array, store: Any, dims: list, out: Any = None, validate: bool = True) -> Any:
    store = python_face(store)
    view, cache = _view(native)
    _prefetch(store, cache, lambda: view.plan_read(dims, cache, validate))
    return view.read(dims, out, validate)


def read_points(native: _core.Array, store: Any, points: Any) -> Any:
    store = python_face(store)
    view, cache = _view(native)
    _prefetch(store, cache, lambda: view.plan_read_points(points, cache))
    return view.read_points(points)


def write(native: _core.Array, store: Any, dims: list, value: Any, write_empty_chunks: bool) -> None:
    store = python_face(store)
    view, cache = _view(native)
    _prefetch(store, cache, lambda: view.plan_write(dims, cache))
    view.write(dims, value, write_empty_chunks)
    store.apply_writes_sync(cache.take_writes())


def write_points(native: _core.Array, store: Any, points: Any, value: Any, write_empty_chunks: bool) -> None:
    store = python_face(store)
    view, cache = _view(native)
    _prefetch(store, cache, lambda: view.plan_write_points(points, cache))
    view.write_points(points, value, write_empty_chunks)
    store.apply_writes_sync(cache.take_writes())


_DOCUMENTS = ("zarr.json", ".zarray", ".zattrs", ".zgroup")


def open_array(store: Any, path: str, zarr_format: int | None) -> _core.Array:
    """Opens an array with one concurrent fetch of the documents that may
    describe it (instead of one request after another)."""
    store = python_face(store)
    backing = store._native
    cache = _core.PrefetchStore(backing)
    keys = [f"{path}/{d}" if path else d for d in _DOCUMENTS]
    cache.fill([(k, None, v) for k, _, v, _ in store.fetch_sync([(k, None) for k in keys])])
    return _core.Array.open(cache, path, zarr_format).with_store(backing)
