"""Store conformance (a StoreTests base class that every store's tests
subclass, as zarr-python's own suite does), the zarr-python 3 API faces, and
interop with zarr-python's LocalStore on the same directory."""

from __future__ import annotations

import asyncio
import pathlib
import pickle
import threading

import numpy as np
import pytest

import zarrnative
from zarrnative import _core
from zarrnative.core.buffer import Buffer
from zarrnative.storage import LocalStore, MemoryStore, StorePath, make_store_path

HOSTILE_KEYS = ["", "/etc/passwd", "../x", "a/../../x", "a/./b", ".", "..", "a//b", "a/", "a\\b", "a\0b"]


def run(coro):
    return asyncio.run(coro)


async def collect(aiter):
    return [x async for x in aiter]


class StoreTests:
    """Subclasses provide ``store`` (empty, writable) and ``read_only_view``."""

    @pytest.fixture
    def store(self):
        raise NotImplementedError

    def read_only_view(self, store):
        return store.with_read_only(True)

    def fill(self, store):
        for key in ["zarr.json", "a/zarr.json", "a/c/0/0", "a/c/0/1", "a/cat", "ab/x", "b"]:
            store.set_sync(key, f"value of {key}".encode())

    def test_missing(self, store):
        assert store.get_sync("nope") is None
        assert store.get_sync("a/b/c", byte_range=(0, 1)) is None
        assert not store.exists_sync("nope")
        assert store.list_sync() == []
        assert store.list_dir_sync("") == []
        assert store.list_prefix_sync("a/") == []
        store.delete_sync("nope")  # no error, as zarr-python
        with pytest.raises(FileNotFoundError):
            store.getsize_sync("nope")

    def test_set_get_delete(self, store):
        store.set_sync("a/b/c", b"hello")
        assert store.get_sync("a/b/c") == b"hello"
        assert store.exists_sync("a/b/c")
        assert not store.exists_sync("a/b")
        assert store.getsize_sync("a/b/c") == 5
        store.set_sync("a/b/c", bytearray(b"bye"))
        assert store.get_sync("a/b/c") == b"bye"
        store.set_sync("m", memoryview(b"view"))
        assert store.get_sync("m") == b"view"
        store.set_sync("empty", b"")
        assert store.get_sync("empty") == b""
        store.delete_sync("a/b/c")
        assert store.get_sync("a/b/c") is None
        assert store.list_sync() == ["empty", "m"]

    def test_numpy_values(self, store):
        np = pytest.importorskip("numpy")
        store.set_sync("arr", np.arange(4, dtype="<u2"))
        assert store.get_sync("arr") == bytes([0, 0, 1, 0, 2, 0, 3, 0])

    def test_listing(self, store):
        self.fill(store)
        assert store.list_sync() == ["a/c/0/0", "a/c/0/1", "a/cat", "a/zarr.json", "ab/x", "b", "zarr.json"]
        assert store.list_prefix_sync("a/") == ["a/c/0/0", "a/c/0/1", "a/cat", "a/zarr.json"]
        assert store.list_prefix_sync("a/c") == ["a/c/0/0", "a/c/0/1", "a/cat"]
        assert store.list_dir_sync("") == ["a", "ab", "b", "zarr.json"]
        assert store.list_dir_sync("a") == ["c", "cat", "zarr.json"]
        assert store.list_dir_sync("a/") == ["c", "cat", "zarr.json"]
        assert store.list_dir_sync("missing") == []

    def test_byte_ranges(self, store):
        store.set_sync("k", b"0123456789")
        native = store._native
        got = native.get_ranges("k", [(2, 3), ("suffix", 4), (8, 100), (50, 5), ("suffix", 100), (3, None)])
        assert got == [b"234", b"6789", b"89", b"", b"0123456789", b"3456789"]
        assert native.get_ranges("nope", [(0, 1), ("suffix", 1)]) == [None, None]
        assert store.get_sync("k", byte_range=(1, 2)) == b"12"
        with pytest.raises(ValueError):
            native.get_ranges("k", [(-1, 2)])
        with pytest.raises(ValueError):
            native.get_ranges("k", [("prefix", 2)])

    def test_zarr_byte_requests(self, store):
        zs = pytest.importorskip("zarr.abc.store")
        store.set_sync("k", b"0123456789")
        assert run(store.get("k", byte_range=zs.RangeByteRequest(2, 5))).to_bytes() == b"234"
        assert run(store.get("k", byte_range=zs.OffsetByteRequest(7))).to_bytes() == b"789"
        assert run(store.get("k", byte_range=zs.SuffixByteRequest(3))).to_bytes() == b"789"

    def test_batches(self, store):
        items = {f"arr/c/{i // 8}/{i % 8}": bytes([i]) * i for i in range(64)}
        store.set_many_sync(items)
        keys = list(items) + ["arr/c/9/9"]
        assert store.get_many_sync(keys) == list(items.values()) + [None]
        store._native.erase_many(keys[:8])
        assert len(store.list_prefix_sync("arr/")) == 56
        with pytest.raises(ValueError):
            store.set_many_sync({"ok": b"1", "../bad": b"2"})
        assert not store.exists_sync("ok")

    def test_delete_dir(self, store):
        self.fill(store)
        store.delete_dir_sync("a/c")
        assert store.list_sync() == ["a/cat", "a/zarr.json", "ab/x", "b", "zarr.json"]
        store.delete_dir_sync("a")
        assert store.list_sync() == ["ab/x", "b", "zarr.json"]
        run(store.clear())
        assert store.list_sync() == []
        assert run(store.is_empty(""))

    def test_async_api(self, store):
        async def go():
            await store.set("g/zarr.json", b"{}")
            await store.set_if_not_exists("g/zarr.json", b"other")
            await store.set_if_not_exists("g/new", b"n")
            assert (await store.get("g/zarr.json")).to_bytes() == b"{}"
            assert await store.exists("g/new")
            assert await collect(store.list()) == ["g/new", "g/zarr.json"]
            assert await collect(store.list_prefix("g/")) == ["g/new", "g/zarr.json"]
            assert await collect(store.list_dir("g")) == ["new", "zarr.json"]
            assert await store.getsize("g/new") == 1
            assert await store.getsize_prefix("g") == 3
            assert not await store.is_empty("g")
            assert await store.is_empty("h")
            got = await store.get_partial_values(None, [("g/new", None), ("nope", None)])
            assert [None if g is None else g.to_bytes() for g in got] == [b"n", None]
            await store.delete("g/new")
            await store.delete_dir("g")
            assert await store.is_empty("")

        run(go())

    def test_zarr_buffer_prototype(self, store):
        zb = pytest.importorskip("zarr.core.buffer")
        proto = zb.default_buffer_prototype()
        store.set_sync("k", proto.buffer.from_bytes(b"abc"))  # a zarr Buffer is accepted
        got = run(store.get("k", prototype=proto))
        assert isinstance(got, zb.Buffer)
        assert got.to_bytes() == b"abc"

    def test_read_only(self, store):
        store.set_sync("k", b"v")
        ro = self.read_only_view(store)
        assert ro.read_only and not store.read_only
        assert ro.get_sync("k") == b"v"
        for write in (
            lambda: ro.set_sync("k", b"w"),
            lambda: ro.delete_sync("k"),
            lambda: ro.delete_dir_sync(""),
            lambda: ro.set_many_sync({"k": b"w"}),
            lambda: run(ro.set("k", b"w")),
        ):
            with pytest.raises(ValueError, match="read-only"):
                write()
        assert store.get_sync("k") == b"v"
        assert ro.with_read_only(False).read_only is False

    @pytest.mark.parametrize("key", HOSTILE_KEYS)
    def test_hostile_keys(self, store, key):
        for call in (
            lambda: store.get_sync(key),
            lambda: store.set_sync(key, b"x"),
            lambda: store.delete_sync(key),
            lambda: store.exists_sync(key),
            lambda: store._native.get_ranges(key, [(0, 1)]),
            lambda: _core.validate_key(key),
        ):
            with pytest.raises(ValueError):
                call()
        assert store.list_sync() == []

    def test_threads(self, store):
        a, b = b"a" * 10000, b"b" * 20000
        store.set_sync("k", a)
        torn = []

        def writer(t):
            for i in range(100):
                store.set_sync("k", a if (i + t) % 2 else b)
                store.set_sync(f"k{t}/{i}", b"x")

        def reader():
            for _ in range(100):
                if store.get_sync("k") not in (a, b):
                    torn.append(True)

        threads = [threading.Thread(target=f, args=args) for f, args in
                   [(writer, (1,)), (writer, (3,)), (reader, ()), (reader, ())]]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert not torn
        assert len(store.list_sync()) == 201

    def test_store_paths(self, store):
        sp = store / "group/array"
        assert isinstance(sp, StorePath)
        assert sp.path == "group/array"
        assert (sp / "zarr.json").path == "group/array/zarr.json"
        assert (StorePath(store) / "x").path == "x"
        assert StorePath(store, "/a//b/") == StorePath(store, "a/b")
        (sp / "zarr.json").set_sync(b"{}")
        assert store.get_sync("group/array/zarr.json") == b"{}"
        assert run((sp / "zarr.json").get()).to_bytes() == b"{}"
        assert run((sp / "zarr.json").exists())
        assert str(sp) == f"{store}/group/array"
        assert repr(sp) == f"StorePath({type(store).__name__}, '{store}/group/array')"
        with pytest.raises(ValueError):
            sp / "../escape"

    def test_make_store_path(self, store):
        assert make_store_path(store).store is store
        assert make_store_path(store, path="x/y").path == "x/y"
        assert make_store_path(StorePath(store, "a"), path="b") == StorePath(store, "a/b")
        store.set_sync("g/k", b"v")
        ro = make_store_path(store, path="g", mode="r")
        assert ro.read_only and ro.store.get_sync("g/k") == b"v"
        with pytest.raises(FileExistsError):
            make_store_path(store, path="g", mode="w-")
        make_store_path(store, path="g", mode="w")
        assert store.list_sync() == []
        with pytest.raises(ValueError):
            make_store_path(self.read_only_view(store), mode="a")
        with pytest.raises(ValueError):
            make_store_path(store, mode="x")

    def test_equality(self, store):
        assert store == store
        assert store == store.with_read_only(False)


class TestMemoryStore(StoreTests):
    @pytest.fixture
    def store(self):
        return MemoryStore()

    def test_repr_and_identity(self):
        a, b = MemoryStore(), MemoryStore()
        assert str(a).startswith("memory://") and str(a) != str(b)
        assert repr(a) == f"MemoryStore('{a}')"
        assert a != b
        assert a.with_read_only(True) != a  # read_only differs, as zarr-python compares it

    def test_store_dict(self):
        zb = pytest.importorskip("zarr.core.buffer")
        buf = zb.default_buffer_prototype().buffer.from_bytes(b"z")
        d = {"a": b"1", "b/c": buf}
        s = MemoryStore(d, read_only=True)
        assert s.read_only
        assert s.list_sync() == ["a", "b/c"]
        assert s.get_sync("b/c") == b"z"
        assert s.with_read_only(False)._store_dict is d  # shared, as zarr-python's

    def test_get_returns_buffers_as_zarr_python(self, store):
        store.set_sync("k", b"abc")
        got = run(store.get("k"))
        assert isinstance(got, Buffer) and got.to_bytes() == b"abc"
        assert run(store.get("missing")) is None
        assert store.get_sync("k") == b"abc"  # the synchronous API stays bytes

    def test_native_base_class(self):
        assert isinstance(MemoryStore()._native, _core.Store)
        assert isinstance(MemoryStore()._native.with_read_only(True), _core.MemoryStore)

    def test_make_store_path_none_and_dict(self):
        assert isinstance(make_store_path(None).store, MemoryStore)
        d = {"k": b"v"}
        sp = make_store_path(d)
        assert sp.store.get_sync("k") == b"v"
        sp.store.set_sync("k2", b"w")
        assert d["k2"].to_bytes() == b"w"


class TestDictMemoryStore(StoreTests):
    """A MemoryStore over a caller's dict: every generic store test, and the
    dict sharing zarr-python's MemoryStore has."""

    @pytest.fixture
    def store(self):
        return MemoryStore({})

    def test_is_a_memory_store_over_the_callers_dict(self):
        d = {}
        s = MemoryStore(d)
        assert isinstance(s, MemoryStore) and not s.read_only
        s.set_sync("a/b", b"xyz")
        assert list(d) == ["a/b"] and isinstance(d["a/b"], Buffer) and d["a/b"].to_bytes() == b"xyz"
        d["c"] = b"put by the caller"  # bytes-like values and any Buffer are read
        d["e"] = np.frombuffer(b"array", dtype="u1")
        assert s.get_sync("c") == b"put by the caller" and s.get_sync("e") == b"array"
        assert s.list_sync() == ["a/b", "c", "e"]
        ro = s.with_read_only(True)
        assert ro.read_only and ro.get_sync("a/b") == b"xyz"
        with pytest.raises(ValueError, match="read-only"):
            ro.set_sync("x", b"1")
        s.delete_sync("c")
        assert sorted(d) == ["a/b", "e"]
        assert str(s) == f"memory://{id(d)}" and repr(s) == f"MemoryStore('{s}')"
        assert s == MemoryStore(d) and s != MemoryStore() and s != ro

    def test_arrays_write_into_the_dict_and_zarr_python_reads_it(self):
        zarr = pytest.importorskip("zarr")
        for fmt, meta in ((3, "zarr.json"), (2, ".zarray")):
            d = {}
            a = zarrnative.create_array(store=d, shape=(10, 6), chunks=(4, 4), dtype="<i4", zarr_format=fmt)
            a[:] = np.arange(60).reshape(10, 6)
            assert meta in d and all(isinstance(v, Buffer) for v in d.values())
            assert len([k for k in d if "zarr.json" not in k and not k.startswith(".")]) == 6
            theirs = zarr.open_array(zarr.storage.MemoryStore(d), mode="r")
            np.testing.assert_array_equal(theirs[:], np.arange(60).reshape(10, 6))
            # and the other way: a dict zarr-python filled (its own Buffers)
            z = {}
            t = zarr.create_array(store=z, shape=(7,), chunks=(3,), dtype="f8", zarr_format=fmt, fill_value=1.5)
            t[:5] = np.arange(5)
            ours = zarrnative.open_array(MemoryStore(z), mode="r")
            np.testing.assert_array_equal(ours[:], [0, 1, 2, 3, 4, 1.5, 1.5])
            ours_rw = zarrnative.open_array(z)
            ours_rw[6] = 9
            np.testing.assert_array_equal(t[:], [0, 1, 2, 3, 4, 1.5, 9])

    def test_pickles_by_value(self):
        d = {}
        s = MemoryStore(d)
        s.set_sync("k", b"v")
        back = pickle.loads(pickle.dumps(s))
        assert back.get_sync("k") == b"v" and back._store_dict is not d
        back.set_sync("k2", b"w")
        assert "k2" not in d

    def test_only_mappings(self):
        with pytest.raises(TypeError, match="store_dict"):
            MemoryStore([("k", b"v")])

    def test_a_subclass_given_a_dict_copies_it(self):
        class Sub(MemoryStore):
            pass
        d = {"a": b"1"}
        s = Sub(d)
        assert type(s) is Sub and s.get_sync("a") == b"1"
        s.set_sync("b", b"2")
        assert list(d) == ["a"]  # copied in, not shared: the subclass keeps the native store

    def test_keys_the_caller_put_that_are_no_store_keys_are_not_listed(self):
        d = {}
        g = zarrnative.create_group(store=d)
        g.create_array("a", shape=(4,), dtype="i4")[:] = 1
        d.update({"../evil": b"x", "/abs": b"y", "a\\b": b"z", 5: b"w"})
        assert MemoryStore(d).list_sync() == ["a/c/0", "a/zarr.json", "zarr.json"]
        assert [k for k, _ in zarrnative.open_group(store=d).members()] == ["a"]
        for key in ("../evil", "/abs"):
            with pytest.raises(ValueError, match="invalid store key"):
                MemoryStore(d).get_sync(key)


class TestLocalStore(StoreTests):
    @pytest.fixture
    def store(self, tmp_path):
        return LocalStore(tmp_path / "store.zarr")

    def test_root_and_repr(self, tmp_path):
        s = LocalStore(str(tmp_path / "x"))
        assert s.root == tmp_path / "x"
        assert str(s) == f"file://{(tmp_path / 'x').as_posix()}"
        assert repr(s) == f"LocalStore('file://{(tmp_path / 'x').as_posix()}')"
        assert s == LocalStore(tmp_path / "x")
        assert s != LocalStore(tmp_path / "y")
        assert s._native.describe() == f"file://{tmp_path / 'x'}"
        assert isinstance(s._native, _core.Store)
        with pytest.raises(TypeError):
            LocalStore(42)

    def test_files_on_disk(self, tmp_path):
        s = LocalStore(tmp_path / "r")
        s.set_sync("g/a/c/0/0", b"chunk")
        assert (tmp_path / "r/g/a/c/0/0").read_bytes() == b"chunk"
        assert not list((tmp_path / "r").rglob("*.partial"))
        (tmp_path / "r/g/zarr.json").write_bytes(b"{}")
        assert s.get_sync("g/zarr.json") == b"{}"

    def test_failed_write_keeps_old_file(self, tmp_path):
        s = LocalStore(tmp_path / "r")
        s.set_sync("file", b"old")
        with pytest.raises(OSError):
            s.set_sync("file/child", b"new")
        assert s.get_sync("file") == b"old"
        assert not list((tmp_path / "r").rglob("*.partial"))

    def test_symlink_out_of_root(self, tmp_path):
        outside = tmp_path / "outside"
        outside.mkdir()
        (outside / "secret").write_bytes(b"secret")
        s = LocalStore(tmp_path / "r")
        s.set_sync("k", b"v")
        (tmp_path / "r/out").symlink_to(outside)
        try:
            s.get_sync("out/secret")
        except OSError:
            pass
        else:
            pytest.skip("openat2(RESOLVE_BENEATH) unavailable: confinement is lexical only")
        with pytest.raises(OSError):
            s.set_sync("out/new", b"x")
        assert not (outside / "new").exists()

    def test_missing_root_read_only(self, tmp_path):
        s = LocalStore(tmp_path / "nothing", read_only=True)
        assert s.get_sync("k") is None and s.list_sync() == []
        with pytest.raises(FileNotFoundError):
            run(LocalStore.open(tmp_path / "nothing", read_only=True))

    def test_make_store_path_from_paths(self, tmp_path):
        sp = make_store_path(tmp_path / "p", path="a")
        assert isinstance(sp.store, LocalStore) and sp.path == "a"
        assert make_store_path(str(tmp_path / "p"), mode="r").read_only


# --- interop with zarr-python's LocalStore on the same directory ---------------


@pytest.fixture
def zarr_storage():
    return pytest.importorskip("zarr.storage")


def test_zarr_python_reads_what_we_write(tmp_path, zarr_storage):
    from zarr.core.buffer import default_buffer_prototype

    ours = LocalStore(tmp_path)
    items = {"zarr.json": b'{"zarr_format": 3}', "a/c/0/0": bytes(range(256)), "a/c/1/0": b""}
    ours.set_many_sync(items)
    theirs = zarr_storage.LocalStore(tmp_path, read_only=True)
    proto = default_buffer_prototype()
    for key, value in items.items():
        assert run(theirs.get(key, prototype=proto)).to_bytes() == value
    assert sorted(run(collect(theirs.list()))) == sorted(items)
    assert sorted(run(collect(theirs.list_dir("a/c")))) == ["0", "1"]


def test_we_read_what_zarr_python_writes(tmp_path, zarr_storage):
    from zarr.core.buffer import default_buffer_prototype

    theirs = zarr_storage.LocalStore(tmp_path)
    proto = default_buffer_prototype()
    items = {"g/zarr.json": b"{}", "g/arr/c/0": b"\x00\x01\x02", "g/arr/c/1": b"x" * 1000}
    for key, value in items.items():
        run(theirs.set(key, proto.buffer.from_bytes(value)))
    ours = LocalStore(tmp_path, read_only=True)
    for key, value in items.items():
        assert ours.get_sync(key) == value
    assert ours.list_sync() == sorted(items)
    assert ours.list_dir_sync("g") == ["arr", "zarr.json"]
    assert ours._native.get_ranges("g/arr/c/1", [("suffix", 10)]) == [b"x" * 10]


def test_zarr_python_array_through_our_files(tmp_path, zarr_storage):
    zarr = pytest.importorskip("zarr")
    np = pytest.importorskip("numpy")
    arr = zarr.create_array(zarr_storage.LocalStore(tmp_path), name="a", shape=(10,), chunks=(5,), dtype="i4")
    arr[:] = np.arange(10, dtype="i4")
    ours = LocalStore(tmp_path)
    assert ours.list_dir_sync("a") == ["c", "zarr.json"]
    chunk = ours.get_sync("a/c/1")
    ours.set_sync("a/c/0", chunk)  # rewrite chunk 0 with chunk 1's bytes
    assert zarr.open_array(zarr_storage.LocalStore(tmp_path), path="a")[:5].tolist() == [5, 6, 7, 8, 9]


def test_pathlib_and_str_roots_agree(tmp_path):
    assert LocalStore(str(tmp_path)) == LocalStore(pathlib.Path(tmp_path))
