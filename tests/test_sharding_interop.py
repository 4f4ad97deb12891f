"""Sharded arrays across implementations: shards written by zarr-python and by
tensorstore read correctly in zarrnative (whole and partial reads), and shards
written by zarrnative read correctly in both; for the same data and
configuration, zarrnative writes the same shard bytes as zarr-python.

The configurations cover the index at the start and at the end, index chains
with and without crc32c, inner chains with transpose, big-endian bytes and
compressors, nested sharding, ragged edge shards and missing inner chunks.
"""

from __future__ import annotations

import json
import pathlib

import numpy as np
import pytest
import tensorstore as ts
import zarr

import zarrnative
from zarrnative import errors

pytestmark = pytest.mark.filterwarnings("ignore::UserWarning", "ignore::FutureWarning")

LE = {"name": "bytes", "configuration": {"endian": "little"}}
BE = {"name": "bytes", "configuration": {"endian": "big"}}
CRC = {"name": "crc32c"}


def sharding(chunk_shape, codecs, index_codecs=(LE, CRC), index_location="end") -> dict:
    return {"name": "sharding_indexed",
            "configuration": {"chunk_shape": list(chunk_shape), "codecs": list(codecs),
                              "index_codecs": list(index_codecs), "index_location": index_location}}


# name: (shape, shard shape, dtype, the sharding codec, tensorstore supports it)
CASES = {
    "zstd-index-end": ((40, 36), (20, 18), "uint16",
                       sharding((5, 6), [LE, {"name": "zstd", "configuration": {"level": 1, "checksum": False}}])),
    "gzip-transpose-be-index-start": ((24, 20), (12, 10), "int32",
                                      sharding((4, 5), [{"name": "transpose", "configuration": {"order": [1, 0]}},
                                                        BE, {"name": "gzip", "configuration": {"level": 1}}],
                                               index_codecs=[LE], index_location="start")),
    "nested": ((32, 32), (16, 16), "float32",
               sharding((8, 8), [sharding((4, 4), [LE, {"name": "zstd", "configuration": {"level": 3,
                                                                                        "checksum": False}}])])),
    "ragged-raw-crc": ((30, 17), (10, 8), "int16", sharding((5, 4), [LE, CRC])),
    "3d-blosc": ((12, 10, 8), (6, 10, 4), "float64",
                 sharding((3, 5, 2), [LE, {"name": "blosc", "configuration": {
                     "cname": "lz4", "clevel": 5, "shuffle": "shuffle", "typesize": 8, "blocksize": 0}}])),
}


def values(shape, dtype) -> np.ndarray:
    rng = np.random.default_rng(sum(shape))
    grid = np.indices(shape).sum(axis=0)
    return (np.sin(grid / 5.0) * 1000 + rng.integers(0, 8, size=shape)).astype(dtype)


def metadata(case) -> dict:
    shape, shard, dtype, codec = CASES[case]
    return {"zarr_format": 3, "node_type": "array", "shape": list(shape), "data_type": dtype,
            "chunk_grid": {"name": "regular", "configuration": {"chunk_shape": list(shard)}},
            "chunk_key_encoding": {"name": "default", "configuration": {"separator": "/"}},
            "fill_value": 7, "codecs": [codec], "attributes": {}}


def write_metadata(root: pathlib.Path, case) -> None:
    root.mkdir(parents=True, exist_ok=True)
    (root / "zarr.json").write_text(json.dumps(metadata(case)))


def ts_open(root: pathlib.Path, case=None, create=False):
    spec = {"driver": "zarr3", "kvstore": {"driver": "file", "path": str(root)}}
    if create:
        m = metadata(case)
        spec["metadata"] = {k: m[k] for k in ("shape", "data_type", "chunk_grid", "chunk_key_encoding",
                                               "fill_value", "codecs")}
        spec["create"] = True
    return ts.open(spec).result()


def selections(shape):
    """A whole read, one element, a run inside one inner chunk, a slice that
    crosses inner chunks and shards, a strided slice and an edge corner."""
    full = tuple(slice(None) for _ in shape)
    one = tuple(s // 3 for s in shape)
    inner = tuple(slice(1, 3) for _ in shape)
    crossing = tuple(slice(s // 4, s - s // 5) for s in shape)
    strided = tuple(slice(None, None, 3) for _ in shape)
    corner = tuple(slice(s - 2, s) for s in shape)
    return [full, one, inner, crossing, strided, corner]


def check_reads(ours, expected: np.ndarray) -> None:
    for sel in selections(expected.shape):
        np.testing.assert_array_equal(ours[sel], expected[sel], err_msg=str(sel))
    idx = tuple(np.array([0, s - 1, s // 2]) for s in expected.shape)
    np.testing.assert_array_equal(ours.vindex[idx], expected[idx])
    np.testing.assert_array_equal(ours.oindex[idx], expected[np.ix_(*idx)])


def holes(data: np.ndarray) -> tuple[np.ndarray, list]:
    """Writes that leave some inner chunks (and whole shards) never written:
    the expected array and the regions to write."""
    expected = np.full_like(data, 7)
    regions = [tuple(slice(0, max(1, s // 3)) for s in data.shape),
               tuple(slice(s - max(1, s // 4), s) for s in data.shape)]
    for r in regions:
        expected[r] = data[r]
    return expected, regions


@pytest.mark.parametrize("case", sorted(CASES))
@pytest.mark.parametrize("partial", [False, True], ids=["full", "with-holes"])
def test_zarrnative_reads_zarr_python_shards(tmp_path, case, partial):
    shape, _, dtype, _ = CASES[case]
    data = values(shape, dtype)
    write_metadata(tmp_path, case)
    theirs = zarr.open_array(tmp_path, mode="r+")
    expected = data
    if partial:
        expected, regions = holes(data)
        for r in regions:
            theirs[r] = data[r]
    else:
        theirs[...] = data
    check_reads(zarrnative.open_array(tmp_path, mode="r"), expected)


@pytest.mark.parametrize("case", sorted(CASES))
@pytest.mark.parametrize("partial", [False, True], ids=["full", "with-holes"])
def test_zarrnative_reads_tensorstore_shards(tmp_path, case, partial):
    shape, _, dtype, _ = CASES[case]
    data = values(shape, dtype)
    t = ts_open(tmp_path, case, create=True)
    expected = data
    if partial:
        expected, regions = holes(data)
        for r in regions:
            t[r].write(data[r]).result()
    else:
        t.write(data).result()
    check_reads(zarrnative.open_array(tmp_path, mode="r"), expected)


@pytest.mark.parametrize("case", sorted(CASES))
@pytest.mark.parametrize("partial", [False, True], ids=["full", "with-holes"])
def test_zarr_python_and_tensorstore_read_zarrnative_shards(tmp_path, case, partial):
    shape, _, dtype, _ = CASES[case]
    data = values(shape, dtype)
    write_metadata(tmp_path, case)
    ours = zarrnative.open_array(tmp_path, mode="r+")
    expected = data
    if partial:
        expected, regions = holes(data)
        for r in regions:
            ours[r] = data[r]
    else:
        ours[...] = data
    np.testing.assert_array_equal(zarr.open_array(tmp_path, mode="r")[...], expected)
    np.testing.assert_array_equal(ts_open(tmp_path).read().result(), expected)
    check_reads(zarrnative.open_array(tmp_path, mode="r"), expected)


# zarr-python's gzip streams carry the writer's clock (the header's mtime), so
# only cases without gzip can be compared byte for byte.
@pytest.mark.parametrize("case", sorted(c for c in CASES if "gzip" not in json.dumps(CASES[c][3])))
def test_shards_are_byte_identical_to_zarr_pythons(tmp_path, case):
    shape, _, dtype, _ = CASES[case]
    data = values(shape, dtype)
    for who, lib in (("ours", zarrnative), ("theirs", zarr)):
        write_metadata(tmp_path / who, case)
        lib.open_array(tmp_path / who, mode="r+")[...] = data
    files = sorted(p.relative_to(tmp_path / "theirs") for p in (tmp_path / "theirs").rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(tmp_path / "ours") for p in (tmp_path / "ours").rglob("*") if p.is_file())
    for f in files:
        assert (tmp_path / "ours" / f).read_bytes() == (tmp_path / "theirs" / f).read_bytes(), f


def test_partial_reads_decode_only_the_inner_chunks_they_need(tmp_path):
    """Corrupting one inner chunk of a shard written by zarr-python breaks
    the reads that need it and no other: the core fetches and decodes only
    the requested inner chunks."""
    case = "zstd-index-end"
    shape, shard, dtype, codec = CASES[case]
    inner = codec["configuration"]["chunk_shape"]
    data = values(shape, dtype)
    write_metadata(tmp_path, case)
    zarr.open_array(tmp_path, mode="r+")[...] = data
    # The index of shard (0, 0) sits at its end: (offset, nbytes) per inner chunk, then a crc32c.
    path = tmp_path / "c" / "0" / "0"
    blob = bytearray(path.read_bytes())
    n_inner = (shard[0] // inner[0]) * (shard[1] // inner[1])
    index = np.frombuffer(bytes(blob[-(16 * n_inner + 4):-4]), dtype="<u8").reshape(-1, 2)
    offset, nbytes = (int(x) for x in index[1])  # inner chunk (0, 1) in C order
    blob[offset:offset + nbytes] = bytes(nbytes)  # zeros: not a zstd frame
    path.write_bytes(bytes(blob))

    ours = zarrnative.open_array(tmp_path, mode="r")
    np.testing.assert_array_equal(ours[0:5, 0:6], data[0:5, 0:6])          # inner chunk (0, 0)
    np.testing.assert_array_equal(ours[5:20, 0:18], data[5:20, 0:18])      # the rest of the shard's rows
    np.testing.assert_array_equal(ours[0:5, 12:18], data[0:5, 12:18])      # inner chunk (0, 2)
    np.testing.assert_array_equal(ours[:, 18:], data[:, 18:])             # other shards
    with pytest.raises(errors.CorruptChunkError, match="zstd") as info:
        ours[0:5, 6:12]
    assert "c/0/0" in str(info.value)
    with pytest.raises(errors.CorruptChunkError):
        ours[...]


def test_a_lying_shard_index_is_refused_and_loses_nothing(tmp_path):
    case = "ragged-raw-crc"
    shape, _, dtype, _ = CASES[case]
    data = values(shape, dtype)
    write_metadata(tmp_path, case)
    zarr.open_array(tmp_path, mode="r+")[...] = data
    path = tmp_path / "c" / "1" / "1"
    good = path.read_bytes()
    blob = bytearray(good)
    blob[-20:-12] = (1 << 40).to_bytes(8, "little")  # the last entry's offset, far past the end
    # fix the index checksum so that only the offset lies
    import numcodecs
    crc = numcodecs.CRC32C()
    index = bytes(blob[-(16 * 4 + 4):-4])
    blob[-4:] = bytes(crc.encode(index))[-4:]
    path.write_bytes(bytes(blob))
    ours = zarrnative.open_array(tmp_path, mode="r+")
    with pytest.raises(errors.CorruptChunkError, match="c/1/1"):
        ours[10:20, 8:16]
    # a write into the damaged shard needs its other inner chunks: it fails and leaves the file as it was
    damaged = path.read_bytes()
    with pytest.raises(errors.CorruptChunkError):
        ours[10, 8] = 1
    assert path.read_bytes() == damaged
    np.testing.assert_array_equal(ours[0:10, :], data[0:10, :])


@pytest.mark.parametrize("location", ["end", "start"])
def test_big_shards_written_in_batches_match_zarr_python(tmp_path, location):
    """Shards of 1 MiB inner chunks are encoded and written batch by batch
    (about 8 MiB each) when the index is at the end: the file is the same as
    zarr-python's, whole inner chunks of fill value left out, and both peers
    read it."""
    shape, shard = (4096, 3584), (4096, 3072)  # two shards, the second ragged
    meta = {"zarr_format": 3, "node_type": "array", "shape": list(shape), "data_type": "uint8",
            "chunk_grid": {"name": "regular", "configuration": {"chunk_shape": list(shard)}},
            "chunk_key_encoding": {"name": "default", "configuration": {"separator": "/"}},
            "fill_value": 7, "codecs": [sharding((1024, 1024), [LE], index_location=location)],
            "attributes": {}}
    data = (np.arange(np.prod(shape), dtype=np.uint32) % 251).astype(np.uint8).reshape(shape)
    data[1024:2048, :] = 7          # a row of inner chunks all fill (left out)
    data[3072:, 2048:3072] = 7      # and one more
    for who, lib in (("ours", zarrnative), ("theirs", zarr)):
        (tmp_path / who).mkdir()
        (tmp_path / who / "zarr.json").write_text(json.dumps(meta))
        lib.open_array(tmp_path / who, mode="r+")[...] = data
    for key in ("c/0/0", "c/0/1"):
        ours, theirs = (tmp_path / "ours" / key).read_bytes(), (tmp_path / "theirs" / key).read_bytes()
        assert len(ours) == len(theirs) and ours == theirs, key
    assert len((tmp_path / "ours" / "c/0/0").read_bytes()) < 12 * 2**20 - 3 * 2**20  # 4 + 1 chunks left out
    assert not [p for p in (tmp_path / "ours").rglob("*.partial")]
    np.testing.assert_array_equal(zarr.open_array(tmp_path / "ours", mode="r")[...], data)
    np.testing.assert_array_equal(ts_open(tmp_path / "ours").read().result(), data)
