"""Arrays, groups and stores pickle as zarr-python's do: local stores by
location, memory stores by value; what multiprocessing (spawn), dask and
torch DataLoader workers need."""

from __future__ import annotations

import multiprocessing
import pickle

import numpy as np
import pytest

import zarrnative
from zarrnative.storage import LocalStore, MemoryStore


def test_local_array_pickles_by_location(tmp_path):
    a = zarrnative.create_array(tmp_path / "a", shape=(20, 6), chunks=(4, 3), dtype="f4", fill_value=-1,
                                config={"write_empty_chunks": True})
    a[...] = np.arange(120, dtype="f4").reshape(20, 6)
    b = pickle.loads(pickle.dumps(a))
    assert b.shape == a.shape and b.dtype == a.dtype and not b.read_only
    assert b._config["write_empty_chunks"] is True
    np.testing.assert_array_equal(b[...], a[...])
    b[0, 0] = 99  # the same files: a sees the write
    assert a[0, 0] == 99
    ro = pickle.loads(pickle.dumps(zarrnative.open_array(tmp_path / "a", mode="r")))
    assert ro.read_only
    with pytest.raises(ValueError):
        ro[0, 0] = 1


def test_memory_array_pickles_by_value():
    store = MemoryStore()
    a = zarrnative.create_array(store, name="g/x", shape=(5,), dtype="i4", zarr_format=2)
    a[...] = [1, 2, 3, 4, 5]
    b = pickle.loads(pickle.dumps(a))
    assert b.path == "g/x" and b.zarr_format == 2
    np.testing.assert_array_equal(b[...], [1, 2, 3, 4, 5])
    b[0] = 7  # a copy: the original is untouched
    assert a[0] == 1 and b[0] == 7


def test_stores_and_groups_pickle(tmp_path):
    local = LocalStore(tmp_path / "s", read_only=True)
    again = pickle.loads(pickle.dumps(local))
    assert again == local and again.read_only
    mem = MemoryStore({"k": b"v"})
    assert pickle.loads(pickle.dumps(mem)).get_sync("k") is not None
    g = zarrnative.open_group(tmp_path / "g", mode="w")
    g.attrs["answer"] = 42
    g.create_array("x", shape=(3,), dtype="u1")[...] = 3
    g2 = pickle.loads(pickle.dumps(g))
    assert dict(g2.attrs) == {"answer": 42}
    np.testing.assert_array_equal(g2["x"][...], [3, 3, 3])


def _sum_rows(args):
    array, start, stop = args
    return float(array[start:stop].sum())


def test_arrays_cross_spawned_processes(tmp_path):
    a = zarrnative.create_array(tmp_path / "a", shape=(64, 8), chunks=(8, 8), dtype="f8")
    data = np.random.default_rng(0).standard_normal((64, 8))
    a[...] = data
    with multiprocessing.get_context("spawn").Pool(2) as pool:
        sums = pool.map(_sum_rows, [(a, i, i + 16) for i in range(0, 64, 16)])
    np.testing.assert_allclose(sums, [data[i:i + 16].sum() for i in range(0, 64, 16)])


class _Rows:
    def __init__(self, array):
        self.array = array

    def __len__(self):
        return self.array.shape[0]

    def __getitem__(self, i):
        return self.array[i]


@pytest.mark.parametrize("context", ["fork", "spawn"])
def test_torch_dataloader_workers(tmp_path, context):
    torch = pytest.importorskip("torch")
    a = zarrnative.create_array(tmp_path / "a", shape=(32, 5), chunks=(4, 5), dtype="f4")
    a[...] = np.arange(160, dtype="f4").reshape(32, 5)
    loader = torch.utils.data.DataLoader(_Rows(a), batch_size=8, num_workers=2,
                                         multiprocessing_context=context)
    got = torch.cat(list(loader)).numpy()
    np.testing.assert_array_equal(got, a[...])
