"""ZipStore: the store conformance suite (adapted where ZIP entries cannot
be deleted, as in zarr-python), zarr-python 3.1.6's semantics (modes,
read-only, close, duplicate entries), and interop: archives written by
zarr-python read here, and the reverse."""

from __future__ import annotations

import asyncio
import zipfile

import numpy as np
import pytest

import zarrnative
from zarrnative.storage import ZipStore

from test_storage import StoreTests, run

zarr = pytest.importorskip("zarr")


class TestZipStoreConformance(StoreTests):
    @pytest.fixture
    def store(self, tmp_path):
        s = ZipStore(tmp_path / "store.zip", mode="w")
        yield s
        s.close()

    # ZIP entries cannot be deleted and a key written twice is a second entry: the
    # base tests that delete or rewrite are replaced by these.
    def test_missing(self, store):
        assert store.get_sync("nope") is None
        assert not store.exists_sync("nope")
        assert store.list_sync() == [] and store.list_dir_sync("") == []
        store.delete_sync("nope")  # a missing key: nothing to do, as zarr-python
        with pytest.raises(FileNotFoundError):
            store.getsize_sync("nope")

    def test_set_get_delete(self, store):
        store.set_sync("a/b/c", b"hello")
        assert store.get_sync("a/b/c") == b"hello" and store.getsize_sync("a/b/c") == 5
        with pytest.warns(UserWarning, match="Duplicate name"):
            store.set_sync("a/b/c", b"bye")
        assert store.get_sync("a/b/c") == b"bye"  # the last entry wins
        assert store.list_sync() == ["a/b/c"]  # listed once
        with pytest.raises(NotImplementedError):
            store.delete_sync("a/b/c")

    def test_batches(self, store):
        items = {f"arr/c/{i // 8}/{i % 8}": bytes([i]) * i for i in range(64)}
        store.set_many_sync(items)
        assert store.get_many_sync(list(items) + ["arr/c/9/9"]) == list(items.values()) + [None]
        with pytest.raises(ValueError):
            store.set_many_sync({"ok": b"1", "../bad": b"2"})
        assert not store.exists_sync("ok")

    def test_delete_dir(self, store):
        self.fill(store)
        with pytest.raises(NotImplementedError):
            store.delete_dir_sync("a")
        store.delete_dir_sync("nothing/here")  # no keys: nothing to do
        run(store.clear())  # clear starts a new, empty archive
        assert store.list_sync() == []

    def test_async_api(self, store):
        async def go():
            await store.set("g/zarr.json", b"{}")
            await store.set_if_not_exists("g/zarr.json", b"other")
            await store.set_if_not_exists("g/new", b"n")
            assert (await store.get("g/zarr.json")).to_bytes() == b"{}"
            assert [k async for k in store.list_dir("g")] == ["new", "zarr.json"]
            assert await store.getsize_prefix("g") == 3
            got = await store.get_partial_values(None, [("g/new", None), ("nope", None)])
            assert [None if g is None else g.to_bytes() for g in got] == [b"n", None]

        run(go())

    def test_threads(self, store):
        import threading

        def writer(t):
            for i in range(50):
                store.set_sync(f"k{t}/{i}", bytes([t]) * i)

        threads = [threading.Thread(target=writer, args=(t,)) for t in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert len(store.list_sync()) == 200
        assert store.get_sync("k3/7") == bytes([3]) * 7

    def test_make_store_path(self, store):
        from zarrnative.storage import make_store_path
        store.set_sync("g/k", b"v")
        ro = make_store_path(store, path="g", mode="r")
        assert ro.read_only and ro.store.get_sync("g/k") == b"v"
        with pytest.raises(FileExistsError):
            make_store_path(store, path="g", mode="w-")

    def test_equality(self, store, tmp_path):
        assert store == ZipStore(tmp_path / "store.zip")
        assert store != ZipStore(tmp_path / "other.zip")


def test_modes(tmp_path):
    path = tmp_path / "m.zip"
    with pytest.raises(FileNotFoundError):
        ZipStore(path, mode="r").list_sync()
    with ZipStore(path, mode="w") as s:
        assert not s.read_only
        s.set_sync("a", b"1")
    with ZipStore(path, mode="a") as s:
        s.set_sync("b", b"2")
        assert s.list_sync() == ["a", "b"]
    r = ZipStore(path)  # mode 'r': read-only
    assert r.read_only and r.get_sync("b") == b"2"
    with pytest.raises(ValueError, match="read-only"):
        r.set_sync("c", b"3")
    r.close()
    with pytest.raises(FileExistsError):
        ZipStore(path, mode="x").list_sync()
    with ZipStore(path, mode="w") as s:  # 'w' truncates
        assert s.list_sync() == []
    with pytest.raises(ValueError):
        ZipStore(path, mode="q")
    assert str(ZipStore(path)) == f"zip://{path}" and repr(ZipStore(path)) == f"ZipStore('zip://{path}')"


def test_entries_as_zarr_python_writes_them(tmp_path):
    path = tmp_path / "e.zip"
    with ZipStore(path, mode="w", compression=zipfile.ZIP_DEFLATED) as s:
        s.set_sync("x/zarr.json", b"{}" * 100)
    with zipfile.ZipFile(path) as zf:
        info = zf.getinfo("x/zarr.json")
        assert info.compress_type == zipfile.ZIP_DEFLATED
        assert info.external_attr == 0o644 << 16
        assert zf.read("x/zarr.json") == b"{}" * 100


@pytest.mark.parametrize("sharded", [False, True])
def test_arrays_and_groups_in_a_zip(tmp_path, sharded):
    path = tmp_path / "data.zip"
    data = np.arange(30 * 30, dtype="u4").reshape(30, 30)
    with ZipStore(path, mode="w") as store:
        root = zarrnative.open_group(store, mode="w", attributes={"k": "v"})
        kw = dict(chunks=(5, 5), shards=(10, 10)) if sharded else dict(chunks=(10, 10))
        a = root.create_array("a", shape=data.shape, dtype="u4", **kw)
        a[...] = data
        np.testing.assert_array_equal(a[3:27, 4:9], data[3:27, 4:9])  # read back before closing
    with ZipStore(path) as store:
        g = zarrnative.open_group(store, mode="r")
        assert g.attrs["k"] == "v" and list(g.array_keys()) == ["a"]
        np.testing.assert_array_equal(g["a"][...], data)
        np.testing.assert_array_equal(g["a"][11:12, 3:29], data[11:12, 3:29])
        with pytest.raises(ValueError):
            g["a"][0, 0] = 1


def test_overwriting_chunks_appends_entries(tmp_path):
    path = tmp_path / "o.zip"
    with ZipStore(path, mode="w") as store:
        a = zarrnative.create_array(store, shape=(4,), chunks=(2,), dtype="i1")
        a[...] = [1, 2, 3, 4]
        with pytest.warns(UserWarning, match="Duplicate name"):
            a[0:2] = [9, 9]
        np.testing.assert_array_equal(a[...], [9, 9, 3, 4])
    with ZipStore(path) as store:
        np.testing.assert_array_equal(zarrnative.open_array(store, mode="r")[...], [9, 9, 3, 4])


@pytest.mark.parametrize("zarr_format", [2, 3])
def test_we_read_zips_zarr_python_writes(tmp_path, zarr_format):
    path = tmp_path / "zp.zip"
    data = np.linspace(0, 1, 24 * 24).reshape(24, 24)
    store = zarr.storage.ZipStore(path, mode="w")
    root = zarr.open_group(store, mode="w", zarr_format=zarr_format, attributes={"src": "zarr-python"})
    root.create_array("x", shape=data.shape, chunks=(7, 7), dtype="f8")[...] = data
    root.create_group("sub").create_array("y", shape=(5,), dtype="i8", fill_value=3)
    store.close()
    with ZipStore(path) as ours:
        g = zarrnative.open_group(ours, mode="r")
        assert g.attrs["src"] == "zarr-python"
        np.testing.assert_array_equal(g["x"][...], data)
        np.testing.assert_array_equal(g["sub/y"][...], np.full(5, 3))
        assert sorted(g.group_keys()) == ["sub"]


@pytest.mark.parametrize("zarr_format", [2, 3])
def test_zarr_python_reads_zips_we_write(tmp_path, zarr_format):
    path = tmp_path / "zn.zip"
    data = np.arange(50, dtype="i2")
    with ZipStore(path, mode="w") as ours:
        root = zarrnative.open_group(ours, mode="w", zarr_format=zarr_format, attributes={"src": "zarrnative"})
        root.create_array("x", shape=data.shape, chunks=(8,), dtype="i2")[...] = data
        if zarr_format == 3:
            root.create_array("s", shape=(16,), chunks=(2,), shards=(8,), dtype="u1")[...] = np.arange(16)
        zarrnative.consolidate_metadata(ours)
    store = zarr.storage.ZipStore(path, mode="r")
    g = zarr.open_group(store, mode="r")
    assert g.attrs["src"] == "zarrnative"
    np.testing.assert_array_equal(g["x"][...], data)
    if zarr_format == 3:
        np.testing.assert_array_equal(g["s"][...], np.arange(16))
    assert g.metadata.consolidated_metadata is not None
    store.close()


def test_async_open_and_move(tmp_path):
    store = asyncio.run(ZipStore.open(tmp_path / "a.zip", mode="w"))
    store.set_sync("k", b"v")
    asyncio.run(store.move(tmp_path / "moved" / "b.zip"))
    assert store.get_sync("k") == b"v"
    store.close()
    assert (tmp_path / "moved" / "b.zip").exists()
