"""Array.read_batch: many selections of one shape read in one request into
one array (a training batch of crops or rows), checked against numpy."""

from __future__ import annotations

import numpy as np
import pytest

import zarrnative
from zarrnative import errors
from zarrnative.storage import MemoryStore, ZipStore


def make(store, shards=None, **kw):
    data = np.random.default_rng(3).integers(0, 60000, size=(40, 36, 30)).astype("u2")
    a = zarrnative.create_array(store, shape=data.shape, chunks=(8, 12, 10), shards=shards, dtype="u2",
                                fill_value=5, compressors=zarrnative.codecs.ZstdCodec(level=1), **kw)
    a[...] = data
    return a, data


def crops(shape, edge, n, seed=0):
    rng = np.random.default_rng(seed)
    out = []
    for _ in range(n):
        corner = [int(rng.integers(0, s - e + 1)) for s, e in zip(shape, edge)]
        out.append(tuple(slice(c, c + e) for c, e in zip(corner, edge)))
    return out


@pytest.mark.parametrize("shards", [None, (16, 24, 20)], ids=["chunks", "shards"])
def test_random_crops_match_numpy(tmp_path, shards):
    a, data = make(tmp_path / "a", shards=shards)
    sels = crops(data.shape, (9, 13, 7), 25)
    got = a.read_batch(sels)
    assert got.shape == (25, 9, 13, 7) and got.dtype == data.dtype
    np.testing.assert_array_equal(got, np.stack([data[s] for s in sels]))
    # into a caller's buffer (here a strided view)
    buf = np.zeros((25, 9, 13, 14), "u2")
    assert a.read_batch(sels, out=buf[..., ::2]) is not None
    np.testing.assert_array_equal(buf[..., ::2], got)
    assert not buf[..., 1::2].any()


def test_rows_strides_and_index_arrays(tmp_path):
    a, data = make(tmp_path / "a")
    rows = [3, 39, 0, 17, 17]
    np.testing.assert_array_equal(a.read_batch(rows), data[rows])
    sels = [(slice(i, i + 10, 3), 4, [0, 29, 11]) for i in (0, 5, 30)]
    np.testing.assert_array_equal(a.read_batch(sels),
                                  np.stack([data[i:i + 10:3, 4][:, [0, 29, 11]] for i in (0, 5, 30)]))


def test_missing_chunks_read_as_fill(tmp_path):
    a = zarrnative.create_array(tmp_path / "a", shape=(20, 20), chunks=(5, 5), dtype="i4", fill_value=-3)
    a[0:5, 0:5] = 1
    got = a.read_batch([(slice(0, 10), slice(0, 10)), (slice(10, 20), slice(10, 20))])
    expect = np.full((2, 10, 10), -3, "i4")
    expect[0, :5, :5] = 1
    np.testing.assert_array_equal(got, expect)


def test_python_stores_and_memory(tmp_path):
    for store in (MemoryStore(), ZipStore(tmp_path / "a.zip", mode="w")):
        a, data = make(store)
        sels = crops(data.shape, (4, 4, 4), 6, seed=1)
        np.testing.assert_array_equal(a.read_batch(sels), np.stack([data[s] for s in sels]))
        if isinstance(store, ZipStore):
            store.close()


def test_bad_batches_are_refused(tmp_path):
    a, data = make(tmp_path / "a")
    with pytest.raises(ValueError, match="selection 1 has shape"):
        a.read_batch([(slice(0, 4),), (slice(0, 5),)])
    with pytest.raises(ValueError, match="no selections"):
        a.read_batch([])
    with pytest.raises(IndexError):
        a.read_batch([(slice(0, 4),), (45,)])
    with pytest.raises(ValueError):
        a.read_batch([(slice(0, 4),)], out=np.zeros((2, 4, 36, 30), "u2"))


def test_a_corrupt_chunk_names_its_key(tmp_path):
    a, data = make(tmp_path / "a")
    (tmp_path / "a" / "c" / "1" / "0" / "0").write_bytes(b"not zstd at all")
    with pytest.raises(errors.CorruptChunkError, match="c/1/0/0"):
        a.read_batch(crops(data.shape, (30, 30, 20), 4))


def test_cuda_without_a_gpu_is_a_clear_error(tmp_path):
    a, _ = make(tmp_path / "a")
    if zarrnative._gpu.features_cuda_reason() is None:
        pytest.skip("a GPU is present: tests/test_gpu_read.py covers device reads")
    with pytest.raises(errors.DeviceUnavailableError):
        a.read_batch([(slice(0, 4),)], device="cuda")
    np.testing.assert_array_equal(a.read_batch([(0,)], device="cpu")[0], a[0])


@pytest.mark.parametrize("checksum", [False, True])
@pytest.mark.parametrize("shards", [None, (16, 24, 20)], ids=["chunks", "shards"])
def test_partial_chunk_reads_stop_early_and_match_numpy(tmp_path, checksum, shards):
    """Reads of part of a zstd chunk decode up to the last element needed
    (unless the frame has a checksum); every position still reads right."""
    data = np.random.default_rng(4).integers(0, 1000, size=(40, 36, 30)).astype("<i4")
    a = zarrnative.create_array(tmp_path / "a", shape=data.shape, chunks=(8, 12, 10), shards=shards, dtype="<i4",
                                compressors=zarrnative.codecs.ZstdCodec(level=1, checksum=checksum))
    a[...] = data
    sels = [(0, slice(None), slice(None)), (7, slice(0, 12), slice(0, 10)), (slice(3, 5), 11, slice(2, 9)),
            (slice(None), slice(None), 0), (slice(1, 40, 7), [0, 35, 12], slice(9, 10)), (39, 35, 29), (0, 0, 0)]
    for sel in sels:
        np.testing.assert_array_equal(a[sel], data[sel], err_msg=str(sel))
    np.testing.assert_array_equal(a.oindex[[0, 9, 17], :, [3, 29]], data[np.ix_([0, 9, 17], range(36), [3, 29])])
