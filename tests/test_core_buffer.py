"""zarrnative.core.buffer against zarr-python 3.1.6's zarr.core.buffer: the
same Buffer and NDBuffer behaviour, and each library's stores take the
other's buffer prototype."""

from __future__ import annotations

import asyncio

import numpy as np
import pytest

import zarrnative
from zarrnative.core import buffer as ours

zarr = pytest.importorskip("zarr")
theirs = pytest.importorskip("zarr.core.buffer")


@pytest.mark.parametrize("lib", [ours, theirs], ids=["zarrnative", "zarr"])
def test_buffer_behaviour(lib):
    B = lib.default_buffer_prototype().buffer
    b = B.from_bytes(b"abcdef")
    assert len(b) == 6 and b.to_bytes() == b"abcdef"
    assert b[1:4].to_bytes() == b"bcd" and isinstance(b[1:4], B)
    assert (b + B.from_bytes(b"gh")).to_bytes() == b"abcdefgh"
    assert b.combine([B.from_bytes(b"1"), B.from_bytes(b"2")]).to_bytes() == b"abcdef12"
    assert b == B.from_bytes(b"abcdef") and b != B.from_bytes(b"abcdeg") and b != b"abcdef"
    assert B.create_zero_length().to_bytes() == b""
    arr = np.frombuffer(b"xyz", dtype="B").copy()
    shared = B.from_array_like(arr)
    shared[0:1] = ord("q")
    assert arr.tobytes() == b"qyz"  # a view, not a copy
    assert bytes(shared.as_buffer_like()) == b"qyz" and shared.as_numpy_array().dtype == np.uint8
    with pytest.raises(ValueError):
        B(np.zeros((2, 2), dtype="B"))
    with pytest.raises(ValueError):
        B(np.zeros(3, dtype="i4"))
    with pytest.raises((TypeError, ValueError, AssertionError)):
        b[::2]
    with pytest.raises(TypeError):
        hash(b)


def test_buffers_cross_libraries():
    mine, theirs_b = ours.Buffer.from_bytes(b"hello"), theirs.default_buffer_prototype().buffer.from_bytes(b"hello")
    assert ours.Buffer.from_buffer(theirs_b).to_bytes() == b"hello"
    assert theirs.default_buffer_prototype().buffer.from_buffer(mine).to_bytes() == b"hello"


def test_nd_buffer():
    nd = ours.NDBuffer.create(shape=(2, 3), dtype="<i4", fill_value=7)
    ref = theirs.default_buffer_prototype().nd_buffer.create(shape=(2, 3), dtype=np.dtype("<i4"), fill_value=7)
    np.testing.assert_array_equal(nd.as_numpy_array(), ref.as_numpy_array())
    assert nd.shape == ref.shape and nd.dtype == ref.dtype and nd.byteorder == ref.byteorder.value
    assert nd.all_equal(7) and not nd[0:1].all_equal(8)
    nd[0, 0] = 1
    assert nd.as_numpy_array()[0, 0] == 1 and not nd.all_equal(7)
    assert nd.reshape((3, 2)).shape == (3, 2) and nd.transpose((1, 0)).shape == (3, 2)
    f = ours.NDBuffer.from_numpy_array(np.array([np.nan, np.nan]))
    assert f.all_equal(np.nan) and not f.all_equal(np.nan, equal_nan=False)
    assert ours.NDBuffer.create(shape=(0,), dtype="f8").all_equal(1.0)


def test_stores_take_either_prototype(tmp_path):
    a = zarrnative.create_array(str(tmp_path / "a"), shape=(4,), dtype="u1")
    a[:] = 3
    mine = zarrnative.storage.LocalStore(str(tmp_path / "a"))
    zs = zarr.storage.LocalStore(str(tmp_path / "a"))
    for store in (mine, zs):
        for proto in (ours.default_buffer_prototype(), theirs.default_buffer_prototype()):
            got = asyncio.run(store.get("c/0", prototype=proto))
            assert isinstance(got, proto.buffer) and len(got) > 0
    got = asyncio.run(mine.get("zarr.json"))
    assert isinstance(got, ours.Buffer) and b'"node_type"' in got.to_bytes()
