"""WrapperStore and LoggingStore: conformance over native and Python
stores, zarr-python 3.1's LoggingStore behaviour (log lines, ``counter``),
and the batching contract every Python store gives arrays, measured through
them: a read of N chunks is N concurrent gets from one fetch and one core
call; a sharded partial read is one index read per shard, then one
coalesced range read per shard; writes are one concurrent batch; failures
raise before anything is returned."""

from __future__ import annotations

import asyncio
import logging

import numpy as np
import pytest

import zarrnative
from zarrnative.storage import LocalStore, LoggingStore, MemoryStore, StoreError, WrapperStore, ZipStore
from zarrnative.storage import _batch

from test_storage import StoreTests


class TestWrapperOverMemory(StoreTests):
    @pytest.fixture
    def store(self):
        return WrapperStore(MemoryStore())

    def test_repr(self):
        s = WrapperStore(MemoryStore())
        assert str(s) == f"wrapping-{s._store}" and repr(s).startswith("WrapperStore(MemoryStore")


class TestLoggingOverLocal(StoreTests):
    @pytest.fixture
    def store(self, tmp_path):
        return LoggingStore(LocalStore(tmp_path / "root"), log_handler=logging.NullHandler())


class TestWrapperOverWrapper(StoreTests):
    @pytest.fixture
    def store(self):
        return WrapperStore(LoggingStore(MemoryStore(), log_handler=logging.NullHandler()))


class Tracking(WrapperStore):
    """Counts the gets in flight at once (each takes ``delay`` seconds)."""

    def __init__(self, store, delay: float = 0.02):
        super().__init__(store)
        self.delay = delay
        self.in_flight = 0
        self.max_in_flight = 0
        self.calls: list[tuple[str, object]] = []
        self.fail_key: str | None = None

    def _with_store(self, store):
        return type(self)(store, self.delay)

    async def _enter(self, what, key):
        self.calls.append((what, key))
        self.in_flight += 1
        self.max_in_flight = max(self.max_in_flight, self.in_flight)
        try:
            await asyncio.sleep(self.delay)
            if self.fail_key is not None and key.endswith(self.fail_key):
                raise ConnectionResetError(f"injected failure for {key}")
        finally:
            self.in_flight -= 1

    async def _get(self, key, byte_range=None):
        await self._enter("get", key)
        return await super()._get(key, byte_range)

    async def _get_ranges(self, key, ranges):
        await self._enter("get_ranges", key)
        return await super()._get_ranges(key, ranges)


@pytest.fixture
def batches(monkeypatch):
    """The fetch rounds of batched reads and their caches."""
    rounds, caches = [], []
    real_view, real_prefetch = _batch._view, _batch._prefetch

    def view(native):
        v, cache = real_view(native)
        caches.append(cache)
        return v, cache

    def prefetch(store, cache, plan):
        def counted():
            requests = plan()
            if requests:
                rounds.append(requests)
            return requests
        return real_prefetch(store, cache, counted)

    monkeypatch.setattr(_batch, "_view", view)
    monkeypatch.setattr(_batch, "_prefetch", prefetch)
    return rounds, caches


def test_logging_store_counts_and_logs():
    records = []

    class Collect(logging.Handler):
        def emit(self, record):
            records.append(record.getMessage())

    store = LoggingStore(MemoryStore(), log_level="INFO", log_handler=Collect())
    store.logger.handlers = [Collect()]  # a logger shared by name: keep only ours
    store.logger.handlers[0].emit = lambda r: records.append(r.getMessage())
    store.set_sync("a/zarr.json", b"{}")
    assert store.get_sync("a/zarr.json") == b"{}"
    assert store.exists_sync("a/zarr.json")
    assert store.list_dir_sync("a") == ["zarr.json"]
    assert dict(store.counter) == {"set": 1, "get": 1, "exists": 1, "list_dir": 1}
    assert any("Calling MemoryStore.get(a/zarr.json)" in r for r in records)
    assert any(r.startswith("Finished MemoryStore.set(a/zarr.json)") for r in records)
    assert str(store) == f"logging-{store._store}"
    assert repr(store) == f"LoggingStore(MemoryStore, '{store._store}')"
    ro = store.with_read_only(True)
    assert isinstance(ro, LoggingStore) and ro.read_only and ro.log_level == "INFO"


def test_full_read_is_one_batch_of_concurrent_gets(batches):
    rounds, caches = batches
    store = LoggingStore(Tracking(MemoryStore()), log_handler=logging.NullHandler())
    data = np.arange(48 * 48, dtype="f4").reshape(48, 48)
    arr = zarrnative.create_array(store, shape=data.shape, chunks=(12, 12), dtype="f4")
    arr[...] = data
    rounds.clear()
    caches.clear()
    store.counter.clear()
    with zarrnative.config.set({"async.concurrency": 16}):
        np.testing.assert_array_equal(arr[...], data)
    assert store.counter == {"get": 16}
    assert len(rounds) == 1 and len(rounds[0]) == 16 and all(r is None for _, r in rounds[0])
    assert len(caches) == 1 and caches[0].misses == 0
    assert store._store.max_in_flight == 16
    with zarrnative.config.set({"async.concurrency": 4}):  # the limit holds
        store._store.max_in_flight = 0
        arr[...]
        assert store._store.max_in_flight == 4


def test_sharded_partial_read_plan(batches):
    rounds, caches = batches
    store = LoggingStore(MemoryStore(), log_handler=logging.NullHandler())
    data = np.arange(64 * 64, dtype="i8").reshape(64, 64)
    arr = zarrnative.create_array(store, shape=data.shape, chunks=(4, 4), shards=(32, 32), dtype="i8")
    arr[...] = data
    rounds.clear()
    caches.clear()
    store.counter.clear()
    np.testing.assert_array_equal(arr[30:34, 1:63], data[30:34, 1:63])  # a strip across all 4 shards
    assert store.counter == {"get_partial_values": 8}  # 4 index reads, then 4 coalesced data reads
    assert len(rounds) == 2 and caches[0].misses == 0
    index_size = 64 * 16 + 4
    assert sorted(rounds[0]) == sorted((f"c/{i}/{j}", [("suffix", index_size)]) for i in (0, 1) for j in (0, 1))
    for key, ranges in rounds[1]:
        assert len(ranges) == 1, (key, ranges)  # the inner chunks of one shard: one coalesced range
    # points and whole shards: whole objects in one round
    rounds.clear()
    store.counter.clear()
    np.testing.assert_array_equal(arr.vindex[[0, 63], [0, 63]], [data[0, 0], data[63, 63]])
    assert store.counter == {"get": 2} and len(rounds) == 1
    # a missing shard: one index read finds nothing, the fill value is returned
    store = LoggingStore(MemoryStore(), log_handler=logging.NullHandler())
    arr2 = zarrnative.create_array(store, shape=(64,), chunks=(4,), shards=(32,), dtype="i8", fill_value=-1)
    store.counter.clear()
    np.testing.assert_array_equal(arr2[3:9], np.full(6, -1))
    assert store.counter == {"get_partial_values": 1}


def test_writes_are_one_batch(batches):
    rounds, _ = batches
    store = Tracking(MemoryStore())
    arr = zarrnative.create_array(store, shape=(40, 40), chunks=(10, 10), dtype="u1")
    store.calls.clear()
    arr[...] = 1
    assert store.calls == []  # whole chunks: nothing read
    assert len(store._store.list_prefix_sync("c/")) == 16
    arr[5:15, 5:15] = 2  # four partial chunks: one round of 4 reads, then 4 writes
    assert sorted(k for _, k in store.calls) == ["c/0/0", "c/0/1", "c/1/0", "c/1/1"]
    assert len(rounds) == 1
    expected = np.ones((40, 40), "u1")
    expected[5:15, 5:15] = 2
    np.testing.assert_array_equal(arr[...], expected)
    arr.vindex[[0, 39], [0, 39]] = 0  # points: the chunks they touch are read, merged and rewritten
    expected[[0, 39], [0, 39]] = 0
    np.testing.assert_array_equal(arr[...], expected)


def test_a_failed_get_raises_and_returns_nothing():
    store = Tracking(MemoryStore(), delay=0)
    arr = zarrnative.create_array(store, shape=(20, 20), chunks=(5, 5), dtype="i4")
    arr[...] = 7
    store.fail_key = "c/2/3"
    out = np.zeros((20, 20), "i4")
    with pytest.raises(StoreError, match="c/2/3") as info:
        arr.get_basic_selection(..., out=out)
    assert isinstance(info.value, OSError) and "ConnectionResetError" in str(info.value)
    assert (out == 0).all()
    with pytest.raises(OSError):
        zarrnative.open_array(store, mode="r+")[...]
    store.fail_key = None
    assert (arr[...] == 7).all()


def test_wrapping_a_zip_store(tmp_path):
    with ZipStore(tmp_path / "w.zip", mode="w") as z:
        store = LoggingStore(z, log_handler=logging.NullHandler())
        a = zarrnative.create_array(store, shape=(9,), chunks=(3,), dtype="i2")
        a[...] = np.arange(9)
        assert store.counter["set"] >= 3
    with ZipStore(tmp_path / "w.zip") as z:
        np.testing.assert_array_equal(zarrnative.open_array(WrapperStore(z), mode="r")[...], np.arange(9))


def test_prefetch_store_directly():
    """The core piece: answers from fetched ranges, counts what it cannot."""
    from zarrnative import _core
    backing = MemoryStore({"k": b"0123456789"})
    cache = _core.PrefetchStore(backing._native)
    cache.fill([("k", [(2, 3), ("suffix", 4)], [b"234", b"6789"]), ("gone", None, None)])
    assert cache.get_ranges("k", [(2, 2), (3, 2), ("suffix", 2)]) == [b"23", b"34", b"89"]
    assert cache.get("gone") is None and cache.misses == 0
    assert cache.get_ranges("k", [(0, 2)]) == [b"01"] and cache.misses == 1  # not fetched: the backing store
    cache.put_size("k", 10)
    assert cache.get_ranges("k", [(7, 3)]) == [b"789"]  # the suffix piece, placed by the known size
    cache.set("new", b"x")
    cache.erase("k")
    assert cache.take_writes() == [("k", None), ("new", b"x")]
    assert backing.get_sync("k") == b"0123456789" and backing.get_sync("new") is None
    with pytest.raises(ValueError):
        cache.fill([("k", [(0, 1), (1, 1)], [b"0", None])])
