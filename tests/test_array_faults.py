"""Faults: a corrupt chunk names the array, the chunk key and the fault;
writes to read-only arrays raise and change nothing; a write that fails
part-way leaves every chunk old or new. (Out-of-range selections are in
test_indexing.py; mode "r" and "w-" in test_api_arrays.py; the store
wrapper that fails on the n-th write is cpp/tests/test_array.cpp.)"""

from __future__ import annotations

import os
import pathlib

import numpy as np
import pytest

import zarrnative
from zarrnative import codecs as zc
from zarrnative.errors import CodecError, CorruptChunkError

numcodecs = pytest.importorskip("numcodecs")

pytestmark = pytest.mark.filterwarnings("ignore::UserWarning")


def tree(root: pathlib.Path) -> dict:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


# --- corrupt chunks -------------------------------------------------------------------------------
LAYOUTS = {
    # name: (create_array kwargs, the chunk file to corrupt, faults a codec can detect)
    "v3-zstd-checksum": (dict(compressors=zc.ZstdCodec(level=1, checksum=True)), "c/1/0",
                         ("truncate", "flip", "garbage", "empty")),
    "v3-zstd": (dict(), "c/1/0", ("truncate", "garbage", "empty")),
    "v3-gzip": (dict(compressors=zc.GzipCodec(level=1)), "c/1/0", ("truncate", "flip", "garbage", "empty")),
    "v3-blosc": (dict(compressors=zc.BloscCodec(cname="lz4")), "c/1/0", ("truncate", "garbage", "empty")),
    "v3-crc32c": (dict(compressors=zc.Crc32cCodec()), "c/1/0", ("truncate", "flip", "garbage", "empty")),
    "v3-uncompressed": (dict(compressors=None), "c/1/0", ("truncate", "empty")),
    "v3-dotted": (dict(chunk_key_encoding={"name": "default", "separator": "."}), "c.1.0",
                  ("truncate", "garbage")),
    "v3-sharded": (dict(shards=(4, 6)), "c/0/0", ("truncate", "flip", "garbage", "empty")),
    "v2-zstd": (dict(zarr_format=2), "1.0", ("truncate", "garbage", "empty")),
    "v2-gzip-F": (dict(zarr_format=2, order="F", compressors=numcodecs.GZip(level=1)), "1.0",
                  ("truncate", "flip", "garbage")),
    "v2-uncompressed": (dict(zarr_format=2, compressors=None), "1.0", ("truncate", "empty")),
}
CORRUPT_CASES = [(name, fault) for name, (_, _, faults) in LAYOUTS.items() for fault in faults]


def corrupt(path: pathlib.Path, fault: str) -> None:
    data = bytearray(path.read_bytes())
    if fault == "truncate":
        data = data[: len(data) // 2]
    elif fault == "flip":
        for i in range(len(data) // 3, len(data) // 3 + 4):
            data[i] ^= 0x5A
    elif fault == "garbage":
        data = bytearray(np.random.default_rng(1).integers(0, 256, len(data), dtype=np.uint8).tobytes())
    elif fault == "empty":
        data = bytearray()
    path.write_bytes(bytes(data))


def make(tmp_path, name):
    kwargs, key, _ = LAYOUTS[name]
    a = zarrnative.create_array(tmp_path, name="grp/temperature", shape=(8, 6), chunks=(2, 3), dtype="f8",
                                fill_value=-1.0, **kwargs)
    values = np.arange(48, dtype="f8").reshape(8, 6) / 7
    a[...] = values
    return a, values, tmp_path / "grp" / "temperature" / key, key


def check_message(err: Exception, key: str) -> None:
    msg = str(err)
    assert "grp/temperature" in msg, msg            # the array
    assert f"grp/temperature/{key}" in msg, msg     # the chunk key
    fault = msg.split(key, 1)[1]
    assert len(fault.strip(" :'\"")) > 5, msg       # what was wrong


@pytest.mark.parametrize("name,fault", CORRUPT_CASES)
def test_corrupt_chunk_names_array_key_and_fault(tmp_path, name, fault):
    a, values, path, key = make(tmp_path, name)
    corrupt(path, fault)
    r = zarrnative.open_array(tmp_path, path="grp/temperature", mode="r")
    reads = {
        "full": lambda: r[...],
        "partial": lambda: r[2:4, 1],  # part of the corrupt chunk
        "oindex": lambda: r.oindex[[3, 0], [0, 2]],
        "vindex": lambda: r.vindex[[2, 7], [0, 5]],
        "blocks": lambda: r.blocks[1 if not a.shards else 0],
    }
    for what, read in reads.items():
        with pytest.raises(CorruptChunkError) as info:
            read()
        assert isinstance(info.value, (ValueError, CodecError)), what
        check_message(info.value, key)
    # chunks elsewhere still read
    np.testing.assert_array_equal(r[6:8, :], values[6:8, :])


@pytest.mark.parametrize("name", ["v3-zstd", "v3-sharded", "v2-zstd"])
def test_partial_write_to_a_corrupt_chunk_raises_and_keeps_it(tmp_path, name):
    a, values, path, key = make(tmp_path, name)
    corrupt(path, "truncate")
    broken = path.read_bytes()
    with pytest.raises(CorruptChunkError) as info:
        a[2, 0] = 5.0  # a read-merge-write of the corrupt chunk
    check_message(info.value, key)
    assert path.read_bytes() == broken
    if a.shards:
        # a whole inner chunk is still part of the shard: the rest must be read, and cannot be
        with pytest.raises(CorruptChunkError):
            a[2:4, 0:3] = 1.0
        assert path.read_bytes() == broken
        a[0:4, :] = 1.0  # the whole shard: written without reading the corrupt one
        np.testing.assert_array_equal(a[0:4, :], 1.0)
    else:
        a[2:4, 0:3] = 1.0  # the whole chunk: replaces it without reading it
        np.testing.assert_array_equal(a[2:4, 0:3], 1.0)
    np.testing.assert_array_equal(a[4:8, :], values[4:8, :])


def test_corrupt_chunk_error_is_a_value_error():
    assert issubclass(CorruptChunkError, ValueError)
    assert issubclass(CorruptChunkError, zarrnative.errors.BaseZarrError)


def test_lying_uncompressed_chunk_of_the_wrong_size(tmp_path):
    a, values, path, key = make(tmp_path, "v3-uncompressed")
    path.write_bytes(path.read_bytes() + b"\0" * 8)  # too long
    with pytest.raises(CorruptChunkError) as info:
        zarrnative.open_array(tmp_path, path="grp/temperature", mode="r")[...]
    check_message(info.value, key)


# --- read-only arrays ---------------------------------------------------------------------------------
def test_every_write_to_a_read_only_array_raises_and_changes_nothing(tmp_path):
    a = zarrnative.create_array(tmp_path, shape=(6, 4), chunks=(3, 2), dtype="i4", attributes={"k": 1})
    a[...] = np.arange(24).reshape(6, 4)
    before = tree(tmp_path)
    r = zarrnative.open_array(tmp_path, mode="r")
    writes = [
        lambda: r.__setitem__((slice(None), 0), 1),
        lambda: r.set_basic_selection(Ellipsis, 0),
        lambda: r.oindex.__setitem__(([0, 5], [1]), 2),
        lambda: r.set_orthogonal_selection(([1], slice(None)), 2),
        lambda: r.vindex.__setitem__(([0, 5], [1, 3]), 3),
        lambda: r.set_coordinate_selection(([0], [0]), 3),
        lambda: r.vindex.__setitem__(np.ones((6, 4), dtype=bool), 4),
        lambda: r.set_mask_selection(np.ones((6, 4), dtype=bool), 4),
        lambda: r.blocks.__setitem__((0, 0), 5),
        lambda: r.set_block_selection((1, 1), 5),
        lambda: r.resize((10, 4)),
        lambda: r.append(np.zeros((1, 4), dtype="i4")),
        lambda: r.update_attributes({"x": 1}),
        lambda: r.attrs.__setitem__("x", 1),
    ]
    for i, write in enumerate(writes):
        with pytest.raises(ValueError, match="read-only"):
            write()
        assert tree(tmp_path) == before, i
    assert r.shape == (6, 4) and dict(r.attrs) == {"k": 1}


# --- interrupted writes -------------------------------------------------------------------------------------
@pytest.mark.parametrize("layout", [dict(), dict(shards=(4, 4), chunks=(2, 2)), dict(zarr_format=2)])
def test_a_failed_write_leaves_each_chunk_old_or_new(tmp_path, layout):
    """A directory squats on one chunk's file name, so that chunk's write
    fails; every other chunk holds its old or its new values, whole, and no
    temporary file is left behind."""
    kwargs = dict(shape=(8, 8), dtype="i4", **({"chunks": (4, 4)} | layout))
    a = zarrnative.create_array(tmp_path, **kwargs)
    old = np.arange(64, dtype="i4").reshape(8, 8)
    a[...] = old
    grid = a.shards or a.chunks
    sep = "." if a.metadata.zarr_format == 2 else "/"
    prefix = "" if a.metadata.zarr_format == 2 else "c/"
    blocked = tmp_path / f"{prefix}1{sep}0"
    blocked.unlink()
    blocked.mkdir()
    (blocked / "x").write_bytes(b"squatter")
    new = old + 1000
    with pytest.raises(OSError):
        a[...] = new
    got = zarrnative.open_array(tmp_path, mode="r")
    for i in range(0, 8, grid[0]):
        for j in range(0, 8, grid[1]):
            if (i // grid[0], j // grid[1]) == (1, 0):
                continue
            block = got[i:i + grid[0], j:j + grid[1]]
            was = old[i:i + grid[0], j:j + grid[1]]
            now = new[i:i + grid[0], j:j + grid[1]]
            assert (block == was).all() or (block == now).all(), (i, j)
    leftovers = [p for p in tmp_path.rglob("*") if p.is_file() and p.parent != blocked
                 and p.name not in ("zarr.json", ".zarray", ".zattrs") and not p.name[0].isdigit()]
    assert leftovers == []
    os.remove(blocked / "x")
