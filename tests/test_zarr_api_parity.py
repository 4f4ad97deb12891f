"""Public-API behaviours checked against zarr-python 3.1.6 itself: how
``arr[...]`` chooses its kind of selection, what is refused, which errors and
warnings come, and that subclasses of the built-in stores are called."""

from __future__ import annotations

import asyncio
import collections
import pickle
import warnings

import numpy as np
import pytest

import zarrnative
from zarrnative.storage import LocalStore, MemoryStore

zarr = pytest.importorskip("zarr")


def _outcome(fn):
    try:
        r = fn()
    except Exception as e:  # the kind of failure is what is compared
        return type(e).__name__ if isinstance(e, IndexError) else "error"
    return ("ok", np.shape(r), np.asarray(r).tolist()) if r is not None else ("ok",)


SELECTIONS = [
    ([1, 2, 3], [1, 2, 3]),            # lists on two of three axes: basic indexing refuses them
    (Ellipsis, [1, 2, 3]),             # a list after an Ellipsis: likewise
    ([1, 2], slice(None), [0, 4]),     # two lists with a slice
    ([1, 2, 3],),                      # one list: orthogonal
    ([1, 2], 0, slice(1, 3)),          # one list with ints and slices: orthogonal
    ([0, 1], [2, 3], [4, 0]),          # ndim lists: coordinates
    (1, [2, 3], 4),                    # ints and a list, no slice: coordinates
    (np.int64(1), slice(None), 2),     # a numpy integer with slices: basic
    ([True, False, True, False, True], slice(None)),
    (np.array([True, False, True, False, True]), slice(1, 3)),  # a mask with a slice: orthogonal
    (np.array([True, False, True, False, True]),),               # a 1-d mask in a 1-tuple: orthogonal
    (np.array([[True, False] * 2 + [True]] * 5),),              # a 2-d mask on 3 axes: orthogonal
]


@pytest.mark.parametrize("sel", SELECTIONS, ids=[str(i) for i in range(len(SELECTIONS))])
def test_getitem_and_setitem_choose_as_zarr_python(sel):
    data = np.arange(125, dtype="f8").reshape(5, 5, 5)
    got = {}
    for name, lib in (("zarr", zarr), ("zn", zarrnative)):
        z = lib.create_array(store={}, shape=data.shape, dtype="f8", chunks=(2, 3, 5))
        z[...] = data
        read = _outcome(lambda: z[sel])
        wrote = _outcome(lambda: z.__setitem__(sel, -1.0))
        got[name] = (read, wrote, np.asarray(z[...]).tolist())
    assert got["zn"] == got["zarr"]


def test_masks_zarr_arrays_and_0d_arrays_as_selections_and_values():
    a = np.arange(10000).reshape(1000, 10)
    mask = np.tile([True, False], (1000, 5))
    for lib in (zarr, zarrnative):
        z = lib.create_array(store={}, shape=a.shape, dtype=a.dtype, chunks=(300, 3))
        z[:] = a
        np.testing.assert_array_equal(z[(mask,)], a[mask])
        za = lib.array(np.arange(10), chunks=2)
        which = lib.array(np.array([False, True] * 5), chunks=2)
        where = lib.array(np.array([0, 2, 4, 5], dtype="i4"), chunks=2)
        np.testing.assert_array_equal(za[which], np.arange(1, 10, 2))
        np.testing.assert_array_equal(za[where], [0, 2, 4, 5])
        zero = lib.create_array(store={}, shape=(), dtype="uint8")
        zero[()] = 42
        assert np.asarray(zero).shape == () and int(np.asarray(zero)) == 42
        assert np.array(zero, dtype="i4").dtype == np.int32


def test_float_shapes_are_refused():
    for lib in (zarr, zarrnative):
        with pytest.raises(TypeError):
            lib.create(store={}, shape=(400.5, 100))
        with pytest.raises(TypeError):
            lib.create_array(store={}, shape=(4.0,), dtype="i4")
    assert zarrnative.create(store={}, shape=(np.int64(4), 2)).shape == (4, 2)


@pytest.mark.parametrize("base", [MemoryStore, LocalStore])
def test_subclasses_of_builtin_stores_are_called(tmp_path, base):
    """A subclass that overrides zarr-python's store methods sees every chunk and document call."""
    calls = collections.Counter()

    class Counting(base):
        async def get(self, key, prototype=None, byte_range=None):
            calls["get", key] += 1
            return await super().get(key, prototype, byte_range)

        async def set(self, key, value):
            calls["set", key] += 1
            return await super().set(key, value)

    store = Counting() if base is MemoryStore else Counting(str(tmp_path))
    z = zarrnative.create_array(store=store, shape=(100,), chunks=(10,), dtype="f8")
    z[:] = 1.0
    np.testing.assert_array_equal(z[20:40], np.ones(20))
    assert {k for k in calls if k[0] == "set"} == {("set", "zarr.json")} | {("set", f"c/{i}") for i in range(10)}
    assert ("get", "c/2") in calls and ("get", "c/3") in calls and ("get", "c/5") not in calls
    np.testing.assert_array_equal(zarrnative.open_array(store=store, mode="r")[:], np.ones(100))


def test_async_nodes_pickle_and_open_only_their_format(tmp_path):
    async def go():
        a = await zarrnative.api.asynchronous.create_array(store=LocalStore(str(tmp_path / "a")), shape=(10,),
                                                           chunks=(5,), dtype="i4")
        assert pickle.loads(pickle.dumps(a)) == a
        g = await zarrnative.api.asynchronous.open_group(store=LocalStore(str(tmp_path / "g")))
        assert pickle.loads(pickle.dumps(g)) == g
        for fmt, wrong in ((3, 2), (2, 3)):
            s = MemoryStore()
            await zarrnative.AsyncGroup.from_store(store=s, zarr_format=fmt)
            with pytest.raises(FileNotFoundError):
                await zarrnative.AsyncGroup.open(store=s, zarr_format=wrong)
            assert s.list_sync() == (["zarr.json"] if fmt == 3 else [".zattrs", ".zgroup"])  # nothing created
            assert (await zarrnative.AsyncGroup.open(store=s, zarr_format=fmt)).metadata.zarr_format == fmt
        with pytest.raises(zarrnative.errors.MetadataValidationError, match="zarr_format"):
            await zarrnative.api.asynchronous.open_array(store={}, shape=(1,), zarr_format="3.0")
    asyncio.run(go())


def test_values_outputs_and_root_deletes_as_zarr_python(tmp_path):
    from zarrnative.core.buffer import NDBuffer
    for lib in (zarr, zarrnative):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            b = lib.create_array({}, shape=(5,), chunks=(5,), dtype=lib.dtype.VariableLengthBytes())
        assert b.fill_value == b"" and isinstance(b.fill_value, bytes)
    z = zarrnative.create_array({}, shape=(4,), dtype="i4")
    z[:] = np.arange(4)
    out = NDBuffer.from_numpy_array(np.zeros(4, dtype="i4"))
    z.get_basic_selection(slice(None), out=out)
    np.testing.assert_array_equal(out.as_numpy_array(), np.arange(4))
    g = zarrnative.open(store=str(tmp_path / "root"), mode="a")
    g.create_array("x", shape=(2,), dtype="u1")[:] = 1
    asyncio.run(g.store_path.delete())  # the root: everything goes
    assert g.store.list_sync() == []


def test_warning_and_error_kinds_as_zarr_python(tmp_path):
    from zarrnative.errors import ZarrRuntimeWarning, ZarrUserWarning
    with pytest.warns(ZarrRuntimeWarning, match="order"):
        zarrnative.create_array({}, shape=(2,), dtype="u1", order="F")
    src = zarrnative.create_array({}, shape=(2, 2), dtype="u1", order="F", zarr_format=2)
    with pytest.warns(ZarrUserWarning, match="order"):
        zarrnative.from_array({}, data=src, zarr_format=3)
    for lib in (zarr, zarrnative):
        with pytest.raises(ValueError):  # a v3 codec as a v2 compressor
            lib.create_array({}, shape=(2,), dtype="u1", compressors=lib.codecs.BloscCodec(), zarr_format=2)


def test_small_public_names_as_zarr_python():
    from typing import Any

    from zarrnative.core.buffer import NDArrayLike
    for lib in (zarr, zarrnative):
        assert lib.dtype.Int8().dtype_cls is np.dtypes.Int8DType
        assert lib.dtype.ZDType[Any, Any] is not None
        v2 = lib.create_array({}, shape=(10,), chunks=(4,), dtype="u1", zarr_format=2)
        assert v2.metadata.chunk_grid.chunk_shape == (4,)
    assert isinstance(np.zeros(3), NDArrayLike) and not isinstance(b"x", NDArrayLike)


def test_field_names_in_brackets_select_record_fields():
    """arr["a"], arr[1:3, "b"], arr["a", "b"]: the fields split from the selection as zarr-python
    splits them (its own reads of them fail with a numpy cast error in 3.1.6; these follow numpy)."""
    dt = np.dtype([("a", "<i4"), ("b", "<f8")])
    data = np.array([(i, i / 2) for i in range(6)], dtype=dt)
    for fmt in (2, 3):
        z = zarrnative.create_array({}, shape=(6,), chunks=(4,), dtype=dt, zarr_format=fmt)
        z[:] = data
        np.testing.assert_array_equal(z["a"], data["a"])
        np.testing.assert_array_equal(z[1:5, "b"], data["b"][1:5])
        np.testing.assert_array_equal(z[[0, 5], "a"], data["a"][[0, 5]])
        np.testing.assert_array_equal(z["a", "b"], data[["a", "b"]])
        z["a"] = np.arange(6) * 10
        z[2:4, "b"] = -1.0
        expected = data.copy()
        expected["a"] = np.arange(6) * 10
        expected["b"][2:4] = -1.0
        np.testing.assert_array_equal(z[:], expected)
