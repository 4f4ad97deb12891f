"""The coroutine API (AsyncArray, AsyncGroup, zarrnative.api.asynchronous)
and concurrent use from threads: the same script runs against zarr-python's
asynchronous API and ours and must give the same results; many concurrent
reads and writes of one array, from coroutines and from threads, give what
numpy gives."""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest

import zarrnative
import zarrnative.api.asynchronous as zna

zarr = pytest.importorskip("zarr")
import zarr.api.asynchronous as zpa  # noqa: E402


async def script(api, root: str) -> dict:
    """Ordinary zarr-python async code; returns what it saw."""
    seen = {}
    g = await api.open_group(root, mode="w")
    a = await g.create_array("a", shape=(10, 8), chunks=(3, 4), dtype="i4", fill_value=-1)
    await a.setitem((slice(0, 6), slice(None)), np.arange(48, dtype="i4").reshape(6, 8))
    seen["full"] = await a.getitem(...)
    seen["basic"] = await a.getitem((slice(1, 9, 2), 3))
    seen["oindex"] = await a.oindex.getitem(([0, 5, 9], [1, 7]))
    seen["vindex"] = await a.vindex.getitem(([0, 5, 9], [1, 7, 0]))
    seen["coords"] = await a.get_coordinate_selection(([2, 3], [4, 5]))
    seen["mask"] = await a.get_mask_selection(np.eye(10, 8, dtype=bool))
    await a.setitem((9, slice(0, 2)), 7)
    seen["after_oindex_set"] = await a.getitem((9, slice(0, 3)))
    seen["nchunks"] = await a.nchunks_initialized()
    await a.resize((12, 8))
    seen["shape"] = a.shape if api is zpa else (await api.open_array(root + "/a")).shape
    a2 = await a.update_attributes({"k": 1})
    seen["attrs"] = dict(a2.attrs)
    sub = await g.create_group("sub")
    await sub.create_array("b", shape=(3,), dtype="f8")
    seen["contains"] = (await g.contains("sub/b"), await g.contains("nope"))
    seen["getitem"] = type(await g.getitem("sub")).__name__, type(await g.getitem("a")).__name__
    seen["keys"] = sorted([k async for k in g.keys()])
    seen["members"] = sorted([(k, type(v).__name__) async for k, v in g.members()])
    seen["arrays"] = sorted([k async for k, _ in g.arrays()])
    seen["groups"] = sorted([k async for k, _ in g.groups()])
    seen["nmembers"] = await g.nmembers(max_depth=None)
    z = await api.zeros(shape=(4,), chunks=(2,), store=root + "/z", zarr_format=2)
    seen["zeros"] = await z.getitem(...)
    opened = await api.open_array(store=root + "/a", mode="r")
    seen["reopened"] = await opened.getitem((slice(0, 2), slice(0, 2)))
    return seen


def test_the_same_async_script_sees_the_same_as_zarr_python(tmp_path):
    ours = asyncio.run(script(zna, str(tmp_path / "zn")))
    theirs = asyncio.run(script(zpa, str(tmp_path / "zp")))
    assert ours.keys() == theirs.keys()
    for key in ours:
        mine, ref = ours[key], theirs[key]
        if isinstance(ref, np.ndarray):
            np.testing.assert_array_equal(mine, ref, err_msg=key)
        else:
            assert mine == ref, key
    # and the files are read identically by zarr-python
    np.testing.assert_array_equal(zarr.open_array(str(tmp_path / "zn" / "a"))[...],
                                  zarr.open_array(str(tmp_path / "zp" / "a"))[...])


def test_sync_and_async_faces_convert(tmp_path):
    a = zarrnative.create_array(str(tmp_path / "a"), shape=(4,), dtype="u2")
    aa = a._async_array
    assert isinstance(aa, zarrnative.AsyncArray) and aa.shape == (4,) and aa.dtype == np.dtype("u2")
    back = zarrnative.Array(aa)
    back[:] = 3
    np.testing.assert_array_equal(a[:], [3, 3, 3, 3])
    g = asyncio.run(zna.open_group(str(tmp_path / "g"), mode="w"))
    assert isinstance(g, zarrnative.AsyncGroup)
    assert isinstance(zarrnative.Group(g), zarrnative.Group)
    # a synchronous method with no coroutine form is not handed out as if it were one
    with pytest.raises(AttributeError, match="no coroutine 'set_basic_selection'"):
        aa.set_basic_selection  # noqa: B018
    with pytest.raises(AttributeError, match="has no attribute"):
        aa.no_such_thing  # noqa: B018


def test_gathered_reads_and_writes_are_right(tmp_path):
    rng = np.random.default_rng(1)
    data = rng.integers(0, 1000, size=(64, 64), dtype="i8")

    async def run():
        a = await zna.create_array(str(tmp_path / "c"), shape=data.shape, chunks=(8, 8), dtype="i8",
                                   compressors=zarrnative.codecs.ZstdCodec(level=1))
        # 64 concurrent writes, one per chunk, then 200 concurrent reads of random windows
        await asyncio.gather(*[a.setitem((slice(i, i + 8), slice(j, j + 8)), data[i:i + 8, j:j + 8])
                               for i in range(0, 64, 8) for j in range(0, 64, 8)])
        windows = [tuple(slice(s, s + n) for s, n in zip(rng.integers(0, 40, 2), rng.integers(1, 24, 2)))
                   for _ in range(200)]
        results = await asyncio.gather(*[a.getitem(w) for w in windows])
        return windows, results

    windows, results = asyncio.run(run())
    for w, r in zip(windows, results):
        np.testing.assert_array_equal(r, data[w])


@pytest.mark.parametrize("sharded", [False, True])
def test_threads_reading_and_writing_one_array(tmp_path, sharded):
    # what dask's threaded scheduler does: many threads, one Array object
    rng = np.random.default_rng(2)
    data = rng.random((96, 96)).astype("f4")
    a = zarrnative.create_array(str(tmp_path / "t"), shape=data.shape, chunks=(8, 8),
                                shards=(32, 32) if sharded else None, dtype="f4")
    blocks = [(slice(i, i + 32), slice(j, j + 32)) for i in range(0, 96, 32) for j in range(0, 96, 32)]
    with ThreadPoolExecutor(8) as ex:  # writes of disjoint shards / chunk groups
        list(ex.map(lambda b: a.__setitem__(b, data[b]), blocks))
    windows = [tuple(slice(s, s + n) for s, n in zip(rng.integers(0, 70, 2), rng.integers(1, 26, 2)))
               for _ in range(300)]
    with ThreadPoolExecutor(8) as ex:
        results = list(ex.map(lambda w: (a[w], a.oindex[w], a.vindex[(w[0].start, w[1].start)]), windows))
    for w, (r, o, v) in zip(windows, results):
        np.testing.assert_array_equal(r, data[w])
        np.testing.assert_array_equal(o, data[w])
        assert v == data[w[0].start, w[1].start]
