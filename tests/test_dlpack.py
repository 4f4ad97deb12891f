"""DLPack: NDArray as producer (__dlpack__, __dlpack_device__) and as consumer
(as_array of an object offering __dlpack__), with numpy, PyTorch and JAX on
the CPU. The capsules' contents are read through the DLPack ABI with ctypes.
"""

from __future__ import annotations

import ctypes
import gc
import weakref

import numpy as np
import pytest

import zarrnative
from zarrnative import _core
from zarrnative.ndarray import as_array

NO_CUDA = not zarrnative.features()["cuda"]

# --- the DLPack ABI (https://dmlc.github.io/dlpack/latest/c_api.html) ----------


class DLDevice(ctypes.Structure):
    _fields_ = [("device_type", ctypes.c_int32), ("device_id", ctypes.c_int32)]


class DLDataType(ctypes.Structure):
    _fields_ = [("code", ctypes.c_uint8), ("bits", ctypes.c_uint8), ("lanes", ctypes.c_uint16)]


class DLTensor(ctypes.Structure):
    _fields_ = [
        ("data", ctypes.c_void_p), ("device", DLDevice), ("ndim", ctypes.c_int32), ("dtype", DLDataType),
        ("shape", ctypes.POINTER(ctypes.c_int64)), ("strides", ctypes.POINTER(ctypes.c_int64)),
        ("byte_offset", ctypes.c_uint64),
    ]


class DLManagedTensorVersioned(ctypes.Structure):
    _fields_ = [
        ("major", ctypes.c_uint32), ("minor", ctypes.c_uint32), ("manager_ctx", ctypes.c_void_p),
        ("deleter", ctypes.c_void_p), ("flags", ctypes.c_uint64), ("dl_tensor", DLTensor),
    ]


class DLManagedTensor(ctypes.Structure):
    _fields_ = [("dl_tensor", DLTensor), ("manager_ctx", ctypes.c_void_p), ("deleter", ctypes.c_void_p)]


FLAG_READ_ONLY, FLAG_IS_COPIED = 1, 2

_is_valid = ctypes.pythonapi.PyCapsule_IsValid
_is_valid.argtypes = [ctypes.py_object, ctypes.c_char_p]
_is_valid.restype = ctypes.c_int
_get_pointer = ctypes.pythonapi.PyCapsule_GetPointer
_get_pointer.argtypes = [ctypes.py_object, ctypes.c_char_p]
_get_pointer.restype = ctypes.c_void_p


def capsule_is(capsule, name: bytes) -> bool:
    return bool(_is_valid(capsule, name))


def read_capsule(capsule) -> dict:
    """The fields of an unconsumed capsule (it stays unconsumed)."""
    if capsule_is(capsule, b"dltensor_versioned"):
        m = DLManagedTensorVersioned.from_address(_get_pointer(capsule, b"dltensor_versioned"))
        info = {"version": (m.major, m.minor), "flags": m.flags}
    else:
        m = DLManagedTensor.from_address(_get_pointer(capsule, b"dltensor"))
        info = {"version": None, "flags": None}
    t = m.dl_tensor
    info.update(
        data=t.data, device=(t.device.device_type, t.device.device_id), byte_offset=t.byte_offset,
        dtype=(t.dtype.code, t.dtype.bits, t.dtype.lanes),
        shape=tuple(t.shape[i] for i in range(t.ndim)),
        strides=None if not t.strides else tuple(t.strides[i] for i in range(t.ndim)),
    )
    return info


class Tracked(np.ndarray):
    """A numpy array that can be weakly referenced."""


class DLPackOnly:
    """Offers an array through __dlpack__ / __dlpack_device__ only."""

    def __init__(self, arr):
        self._arr = arr
        self.calls: list[dict] = []

    def __dlpack__(self, **kwargs):
        self.calls.append(kwargs)
        return self._arr.__dlpack__(**kwargs)

    def __dlpack_device__(self):
        return self._arr.__dlpack_device__()


class LegacyDLPackOnly(DLPackOnly):
    """A producer from before DLPack 1.0: no max_version keyword."""

    def __dlpack__(self, stream=None):
        self.calls.append({"stream": stream})
        return self._arr.__dlpack__()


NATIVE_DTYPES = ["bool", "int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64",
                 "float16", "float32", "float64", "complex64", "complex128"]
DL_CODES = {"b": 6, "i": 0, "u": 1, "f": 2, "c": 5}


# --- capsules ---------------------------------------------------------------------------


def test_versioned_capsule():
    src = np.arange(12, dtype=np.float32).reshape(3, 4)[:, 1::2]
    nd = as_array(src)
    capsule = nd.__dlpack__(max_version=(1, 0))
    assert capsule_is(capsule, b"dltensor_versioned")
    assert not capsule_is(capsule, b"dltensor")
    info = read_capsule(capsule)
    assert info["version"][0] == 1
    assert info["flags"] & FLAG_READ_ONLY == 0 and info["flags"] & FLAG_IS_COPIED == 0
    assert info["data"] + info["byte_offset"] == src.ctypes.data
    assert info["device"] == (1, 0)
    assert info["dtype"] == (2, 32, 1)
    assert info["shape"] == (3, 2)
    assert info["strides"] == (4, 2)  # in elements


def test_legacy_capsule_without_max_version():
    nd = as_array(np.arange(6, dtype=np.int16))
    for capsule in (nd.__dlpack__(), nd.__dlpack__(max_version=(0, 8))):
        assert capsule_is(capsule, b"dltensor")
        assert not capsule_is(capsule, b"dltensor_versioned")
        info = read_capsule(capsule)
        assert (info["shape"], info["dtype"], info["data"]) == ((6,), (0, 16, 1), nd.data_ptr)


def test_read_only_flag_and_copied_flag():
    ro = as_array(b"abcdef")
    assert read_capsule(ro.__dlpack__(max_version=(1, 0)))["flags"] & FLAG_READ_ONLY
    copied = read_capsule(ro.__dlpack__(max_version=(1, 0), copy=True))
    assert copied["flags"] & FLAG_IS_COPIED
    assert not copied["flags"] & FLAG_READ_ONLY  # a copy is the consumer's own
    assert copied["data"] != ro.data_ptr


def test_capsule_is_consumed_once():
    nd = as_array(np.arange(4.0))
    capsule = nd.__dlpack__(max_version=(1, 0))
    wrapped = _core.from_dlpack_capsule(capsule)
    assert capsule_is(capsule, b"used_dltensor_versioned")
    assert wrapped.data_ptr == nd.data_ptr
    with pytest.raises(TypeError, match="unconsumed DLPack capsule"):
        _core.from_dlpack_capsule(capsule)
    with pytest.raises(TypeError):
        _core.from_dlpack_capsule(object())


def test_unconsumed_capsule_releases_the_array():
    src = np.arange(10).view(Tracked)
    alive = weakref.ref(src)
    capsules = [as_array(src).__dlpack__(max_version=(1, 0)), as_array(src).__dlpack__()]
    del src
    gc.collect()
    assert alive() is not None
    del capsules
    gc.collect()
    assert alive() is None


def test_capsule_freed_while_an_exception_is_raised_keeps_it():
    # Capsules are often freed while an exception propagates; their
    # destructor must leave that exception alone.
    nd = as_array(np.arange(4.0))
    keep = []

    def key(i):
        if i == 0:
            capsule = nd.__dlpack__(max_version=(1, 0))
            keep.append(_core.from_dlpack_capsule(capsule))  # consumed: renamed "used_..."
            return capsule
        raise KeyError("the real error")

    with pytest.raises(KeyError, match="the real error"):
        sorted([0, 1], key=key)  # drops the first key (the capsule) with the KeyError set


# --- numpy as consumer ------------------------------------------------------------------------


@pytest.mark.parametrize("name", NATIVE_DTYPES)
def test_numpy_from_dlpack_is_zero_copy(name):
    dtype = np.dtype(name)
    src = (np.arange(24) % 5).astype(dtype).reshape(4, 6)
    nd = as_array(src)
    info = read_capsule(nd.__dlpack__(max_version=(1, 0)))
    assert info["dtype"] == (DL_CODES[dtype.kind], 8 * dtype.itemsize, 1)
    back = np.from_dlpack(nd)
    assert back.dtype == dtype
    assert np.shares_memory(back, src)
    assert np.array_equal(back, src)


@pytest.mark.parametrize(
    "view",
    [lambda a: a[::2, 1::3], lambda a: a.T, lambda a: a[::-1, ::-2], lambda a: a[2], lambda a: a[1, 1, ...]],
    ids=["strided", "transposed", "negative", "row", "scalar"],
)
def test_numpy_from_dlpack_of_views(view):
    base = np.arange(60, dtype=np.int32).reshape(6, 10)
    src = view(base)
    back = np.from_dlpack(as_array(src))
    assert back.shape == src.shape and back.strides == src.strides
    assert np.array_equal(back, src)
    assert np.shares_memory(back, base)


def test_numpy_from_dlpack_zero_size():
    back = np.from_dlpack(as_array(np.zeros((3, 0, 2), dtype=np.float64)))
    assert back.shape == (3, 0, 2) and back.dtype == np.float64


def test_numpy_gets_read_only_through_versioned_capsule():
    back = np.from_dlpack(as_array(b"abcd"))
    assert not back.flags.writeable
    assert back.tobytes() == b"abcd"


def test_numpy_writes_show_through():
    src = np.zeros(5, dtype=np.int64)
    back = np.from_dlpack(as_array(src))
    back[2] = 7
    assert src[2] == 7


def test_numpy_copy_true_does_not_share():
    src = np.arange(5.0)
    back = np.from_dlpack(as_array(src), copy=True)
    assert not np.shares_memory(back, src)
    assert np.array_equal(back, src)


def test_numpy_view_keeps_source_alive():
    src = np.arange(10, dtype=np.float64).view(Tracked)
    alive = weakref.ref(src)
    nd = as_array(src)
    back = np.from_dlpack(nd)
    del src, nd
    gc.collect()
    assert alive() is not None and back[3] == 3.0
    del back
    gc.collect()
    assert alive() is None


def test_strides_that_are_not_whole_items():
    record = np.zeros(4, dtype=[("a", "<i4"), ("b", "u1")])
    record["a"] = [1, 2, 3, 4]
    nd = as_array(record["a"])  # byte stride 5, itemsize 4
    assert nd.strides == (5,)
    assert np.asarray(nd).tolist() == [1, 2, 3, 4]
    with pytest.raises(BufferError, match="multiples of its itemsize"):
        nd.__dlpack__()  # a legacy capsule cannot say it is a copy
    with pytest.raises(BufferError, match="multiples of its itemsize"):
        nd.__dlpack__(max_version=(1, 0), copy=False)
    info = read_capsule(nd.__dlpack__(max_version=(1, 0)))
    assert info["flags"] & FLAG_IS_COPIED and info["strides"] == (1,)
    assert np.from_dlpack(nd).tolist() == [1, 2, 3, 4]


# --- dl_device, copy and stream arguments -------------------------------------------------------


def test_dl_device_cpu_on_host_array():
    src = np.arange(6, dtype=np.int32)
    nd = as_array(src)
    assert nd.__dlpack_device__() == (1, 0)
    info = read_capsule(nd.__dlpack__(max_version=(1, 0), dl_device=(1, 0)))
    assert info["data"] == src.ctypes.data and info["flags"] & FLAG_IS_COPIED == 0
    assert np.shares_memory(np.from_dlpack(nd, device="cpu"), src)


def test_dl_device_elsewhere_without_copy_is_a_buffer_error():
    nd = as_array(np.arange(6, dtype=np.int32))
    with pytest.raises(BufferError, match="dl_device"):
        nd.__dlpack__(max_version=(1, 0), dl_device=(2, 0), copy=False)
    with pytest.raises(BufferError, match="dl_device type 7"):
        nd.__dlpack__(max_version=(1, 0), dl_device=(7, 0))


@pytest.mark.skipif(not NO_CUDA, reason="checks the error of a machine without a usable GPU")
def test_dl_device_cuda_without_gpu_says_why():
    nd = as_array(np.arange(6, dtype=np.int32))
    with pytest.raises(zarrnative.errors.DeviceUnavailableError, match="CUDA"):
        nd.__dlpack__(max_version=(1, 0), dl_device=(2, 0))


def test_stream_on_host_array_must_be_none():
    nd = as_array(np.arange(6, dtype=np.int32))
    with pytest.raises(BufferError, match="stream must be None"):
        nd.__dlpack__(stream=5)
    with pytest.raises(BufferError, match="stream must be None"):
        nd.__dlpack__(stream=5, max_version=(1, 0))
    assert capsule_is(nd.__dlpack__(stream=None), b"dltensor")


def test_copy_true_gives_a_new_buffer():
    src = np.arange(12, dtype=np.float64).reshape(3, 4)[:, ::2]
    info = read_capsule(as_array(src).__dlpack__(max_version=(1, 0), copy=True))
    assert info["flags"] & FLAG_IS_COPIED
    assert info["data"] != src.ctypes.data
    assert info["strides"] in (None, (2, 1))


# --- NDArray as consumer of __dlpack__ ---------------------------------------------------------


def test_as_array_of_dlpack_only_object_is_zero_copy():
    base = np.arange(20, dtype=np.float32).reshape(4, 5)
    src = base[:, ::2]
    producer = DLPackOnly(src)
    nd = as_array(producer)
    assert producer.calls, "as_array did not go through __dlpack__"
    assert producer.calls[0].get("max_version", (0, 0)) >= (1, 0)
    assert producer.calls[0].get("stream") is None  # host memory: no stream
    assert nd.data_ptr == src.ctypes.data
    assert (nd.shape, nd.strides, nd.readonly) == (src.shape, src.strides, False)
    np.asarray(nd)[0, 0] = 100.0
    assert base[0, 0] == 100.0


def test_as_array_of_dlpack_only_object_keeps_source_alive():
    src = np.arange(10, dtype=np.int64).view(Tracked)
    alive = weakref.ref(src)
    nd = as_array(DLPackOnly(src))
    del src
    gc.collect()
    assert alive() is not None
    assert np.asarray(nd).tolist() == list(range(10))
    del nd
    gc.collect()
    assert alive() is None


def test_as_array_of_dlpack_only_read_only():
    src = np.arange(5.0)
    src.flags.writeable = False
    nd = as_array(DLPackOnly(src))
    assert nd.readonly
    assert not np.asarray(nd).flags.writeable


def test_as_array_of_legacy_dlpack_producer():
    src = np.arange(8, dtype=np.uint16)
    producer = LegacyDLPackOnly(src)
    nd = as_array(producer)
    assert nd.data_ptr == src.ctypes.data
    assert np.array_equal(np.asarray(nd), src)


@pytest.mark.parametrize("src", [np.array(2.5), np.zeros((3, 0, 2), dtype=np.int8)], ids=["0d", "empty"])
def test_as_array_of_dlpack_only_edge_shapes(src):
    nd = as_array(DLPackOnly(src))
    assert nd.shape == src.shape and nd.dtype == src.dtype
    assert np.array_equal(np.asarray(nd), src)


def test_as_array_round_trip_through_our_own_capsules():
    src = np.arange(12, dtype=np.complex64).reshape(3, 4).T
    nd = as_array(DLPackOnly(as_array(src)))
    assert nd.data_ptr == src.ctypes.data and nd.strides == src.strides
    assert np.array_equal(np.asarray(nd), src)


# --- PyTorch on the CPU --------------------------------------------------------------------------------


def test_torch_from_dlpack_shares_memory(needs_torch):
    torch = needs_torch
    src = np.arange(12, dtype=np.float32).reshape(3, 4)
    nd = as_array(src)
    t = torch.from_dlpack(nd)
    assert t.data_ptr() == nd.data_ptr
    assert t.shape == (3, 4) and t.dtype == torch.float32
    t[1, 2] = -1.0
    assert src[1, 2] == -1.0
    src[0, 0] = 50.0
    assert t[0, 0].item() == 50.0


def test_torch_from_dlpack_of_strided_view(needs_torch):
    torch = needs_torch
    src = np.arange(20, dtype=np.int64).reshape(4, 5)[:, ::2]
    t = torch.from_dlpack(as_array(src))
    assert t.data_ptr() == src.ctypes.data
    assert t.stride() == (5, 2)
    assert np.array_equal(t.numpy(), src)


def test_as_array_of_torch_tensor_is_zero_copy(needs_torch):
    torch = needs_torch
    t = torch.arange(20, dtype=torch.float64).reshape(4, 5)
    nd = as_array(t)
    assert nd.data_ptr == t.data_ptr()
    assert (nd.shape, nd.strides, nd.device) == ((4, 5), (40, 8), "cpu")
    np.asarray(nd)[3, 4] = -7.0
    assert t[3, 4].item() == -7.0


@pytest.mark.parametrize("view", [lambda t: t.T, lambda t: t[:, ::2], lambda t: t[1:, 2:]],
                         ids=["transposed", "strided", "offset"])
def test_as_array_of_non_contiguous_torch_views(needs_torch, view):
    torch = needs_torch
    t = view(torch.arange(20, dtype=torch.float32).reshape(4, 5))
    nd = as_array(t)
    assert nd.data_ptr == t.data_ptr()
    assert nd.shape == tuple(t.shape)
    assert nd.strides == tuple(s * t.element_size() for s in t.stride())
    assert np.array_equal(np.asarray(nd), t.numpy())


@pytest.mark.parametrize("name", ["bool", "float16", "complex64", "int8", "uint8", "int64"])
def test_torch_dtypes_both_ways(needs_torch, name):
    torch = needs_torch
    t = torch.from_numpy((np.arange(6) % 4).astype(name))
    nd = as_array(t)
    assert nd.dtype == np.dtype(name)
    assert nd.data_ptr == t.data_ptr()
    back = torch.from_dlpack(nd)
    assert back.dtype == getattr(torch, name)
    assert back.data_ptr() == t.data_ptr()
    assert torch.equal(back, t)


def test_torch_tensor_dropped_while_ndarray_lives(needs_torch):
    torch = needs_torch
    t = torch.arange(1000, dtype=torch.int32)
    nd = as_array(t)
    del t
    gc.collect()
    assert np.array_equal(np.asarray(nd), np.arange(1000, dtype=np.int32))


def test_torch_consumer_releases_our_export(needs_torch):
    torch = needs_torch
    src = np.arange(10, dtype=np.float64).view(Tracked)
    alive = weakref.ref(src)
    t = torch.from_dlpack(as_array(src))
    del src
    gc.collect()
    assert alive() is not None and t[4].item() == 4.0
    del t
    gc.collect()
    assert alive() is None


def test_torch_unsupported_exports_are_clear_errors(needs_torch):
    torch = needs_torch
    with pytest.raises(TypeError, match="unsupported data type"):
        as_array(torch.ones(3, dtype=torch.bfloat16))
    with pytest.raises(BufferError, match="gradient"):
        as_array(torch.ones(3, requires_grad=True))


# --- JAX ----------------------------------------------------------------------------------------------------


def test_jax_round_trip(needs_jax):
    jax = needs_jax
    import jax.numpy as jnp

    x = jnp.arange(12, dtype=jnp.float32).reshape(3, 4)
    nd = as_array(x)
    assert nd.shape == (3, 4) and nd.dtype == np.float32
    assert np.array_equal(np.asarray(nd), np.asarray(x))
    src = np.arange(6, dtype=np.int32).reshape(2, 3)
    y = jnp.from_dlpack(as_array(src))
    assert y.shape == (2, 3)
    assert np.array_equal(np.asarray(y), src)
    assert jax.devices("cpu")
