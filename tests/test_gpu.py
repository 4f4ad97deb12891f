"""NDArray in CUDA memory: device and pinned buffers, __cuda_array_interface__
with CuPy and PyTorch, DLPack with CUDA streams, host <-> device moves.

Every test here is marked ``gpu`` and skipped unless zarrnative.features()
reports a usable CUDA device (see conftest.py).
"""

from __future__ import annotations

import gc

import numpy as np
import pytest

import zarrnative
import zarrnative as zarr
from zarrnative import _core
from zarrnative.ndarray import as_array, empty

pytestmark = pytest.mark.gpu


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


@pytest.fixture
def torch_cuda(needs_torch):
    if not needs_torch.cuda.is_available():
        pytest.skip("this torch build has no CUDA")
    return needs_torch


def base_values() -> np.ndarray:
    return np.arange(60, dtype=np.float32).reshape(6, 10)


HOST_VIEWS = {
    "contiguous": lambda a: a,
    "strided": lambda a: a[::2, 1::3],
    "transposed": lambda a: a.T,
    "negative": lambda a: a[::-1, ::-2],
}


# --- the issue's example, device part -------------------------------------------------


def test_issue_example_device(needs_cupy):
    cp = needs_cupy
    ascending = np.arange(0, 4096, dtype=np.int32)
    zarray_h = zarr.ndarray.as_array(ascending)
    zarray_d = zarray_h.cuda()
    assert (zarray_d.buffer_size, zarray_d.buffer_kind, zarray_d.ndim, zarray_d.dtype) == (
        16384, "device", 1, np.dtype(np.int32),
    )
    assert zarray_d.device == "cuda:0"
    cai = zarray_d.__cuda_array_interface__
    assert cai["data"] == (zarray_d.data_ptr, False)
    assert cai["shape"] == (4096,) and cai["typestr"] == np.dtype(np.int32).str
    assert cai["version"] == 3 and cai["strides"] is None
    on_gpu = cp.asarray(zarray_d)
    assert on_gpu.data.ptr == zarray_d.data_ptr
    assert np.array_equal(cp.asnumpy(on_gpu), ascending)
    assert not hasattr(zarray_d, "__array_interface__")


# --- CuPy ------------------------------------------------------------------------------


def test_cupy_to_ndarray_and_back_is_zero_copy(needs_cupy):
    cp = needs_cupy
    x = cp.arange(24, dtype=cp.float64).reshape(4, 6)
    nd = as_array(x)
    assert (nd.buffer_kind, nd.device, nd.device_id) == ("device", "cuda:0", 0)
    assert nd.data_ptr == x.data.ptr
    assert (nd.shape, nd.strides, nd.dtype) == ((4, 6), (48, 8), np.dtype(np.float64))
    y = cp.asarray(nd)
    assert y.data.ptr == x.data.ptr
    y[1, 1] = -3.0
    assert float(x[1, 1]) == -3.0


@pytest.mark.parametrize("view", [lambda x: x[:, ::2], lambda x: x.T, lambda x: x[::-1]],
                         ids=["strided", "transposed", "negative"])
def test_cupy_strided_views(needs_cupy, view):
    cp = needs_cupy
    x = view(cp.arange(60, dtype=cp.int32).reshape(6, 10))
    nd = as_array(x)
    assert nd.data_ptr == x.data.ptr
    assert (nd.shape, nd.strides) == (x.shape, x.strides)
    y = cp.asarray(nd)
    assert y.data.ptr == x.data.ptr and y.strides == x.strides
    expected = cp.asnumpy(x)
    assert np.array_equal(np.asarray(nd.cpu()), expected)  # device strided -> host
    copied = nd.copy()  # device strided -> device contiguous
    assert copied.buffer_kind == "device" and copied.is_c_contiguous
    assert copied.data_ptr != nd.data_ptr
    assert np.array_equal(cp.asnumpy(cp.asarray(copied)), expected)


def test_cupy_source_dropped_while_ndarray_lives(needs_cupy):
    cp = needs_cupy
    x = cp.arange(1000, dtype=cp.int64)
    nd = as_array(x)
    del x
    gc.collect()
    cp.get_default_memory_pool().free_all_blocks()  # the block is still in use: not freed
    assert np.array_equal(np.asarray(nd.cpu()), np.arange(1000))


def test_device_array_refuses_host_protocols():
    nd = as_array(np.arange(6, dtype=np.int16)).cuda()
    with pytest.raises(BufferError, match="device memory"):
        memoryview(nd)
    with pytest.raises(AttributeError):
        nd.__array_interface__  # noqa: B018
    with pytest.raises(ValueError, match="copy"):
        nd.__array__(copy=False)
    assert np.array_equal(np.asarray(nd), np.arange(6))  # numpy falls back to __array__: a copy
    assert np.array_equal(nd.__array__(copy=True), np.arange(6))


# --- cuda() / cpu() ------------------------------------------------------------------------


@pytest.mark.parametrize("name", list(HOST_VIEWS))
def test_cuda_cpu_round_trip(name):
    src = HOST_VIEWS[name](base_values())
    h = as_array(src)
    d = h.cuda()
    assert d.buffer_kind == "device" and d.device == "cuda:0"
    assert d.is_c_contiguous and d.shape == src.shape
    assert d.cuda() is d
    back = d.cpu()
    assert back.buffer_kind == "host" and back.data_ptr != h.data_ptr
    assert np.array_equal(np.asarray(back), src)
    assert np.array_equal(np.asarray(d.copy().cpu()), src)


def test_empty_on_device(needs_cupy):
    cp = needs_cupy
    d = empty((3, 5), np.uint16, kind="device")
    assert (d.buffer_kind, d.device, d.shape, d.strides) == ("device", "cuda:0", (3, 5), (10, 2))
    cp.asarray(d)[...] = 7
    assert np.all(np.asarray(d.cpu()) == 7)
    f = empty((3, 5), np.uint16, kind="device", order="F")
    assert f.strides == (2, 6) and f.is_f_contiguous


@pytest.mark.skipif(zarrnative.features()["cuda_devices"] < 2, reason="needs two GPUs")
def test_second_device():
    d = as_array(np.arange(10)).cuda(1)
    assert (d.device, d.device_id) == ("cuda:1", 1)
    moved = d.cuda(0)
    assert moved.device == "cuda:0"
    assert np.array_equal(np.asarray(moved.cpu()), np.arange(10))


# --- pinned host memory ------------------------------------------------------------------------------


def test_pinned_has_both_interfaces():
    p = empty((4, 4), np.float32, kind="pinned")
    assert (p.buffer_kind, p.device) == ("pinned", "cpu")
    ai, cai = p.__array_interface__, p.__cuda_array_interface__
    assert ai["data"][0] == cai["data"][0] == p.data_ptr
    assert ai["shape"] == cai["shape"] == (4, 4)
    view = np.asarray(p)
    view[...] = np.arange(16, dtype=np.float32).reshape(4, 4)
    assert p.cpu() is p  # the CPU reads pinned memory as it is
    d = p.cuda()
    assert d.buffer_kind == "device"
    assert np.array_equal(np.asarray(d.cpu()), view)
    assert p.__dlpack_device__() == (3, 0)  # kDLCUDAHost
    as_cpu = np.from_dlpack(p, device="cpu")  # asks dl_device=(kDLCPU, 0): no copy needed
    assert np.shares_memory(as_cpu, view)


# --- DLPack with CUDA devices and streams ----------------------------------------------------------------


def test_numpy_from_dlpack_of_device_array_copies_when_asked():
    d = as_array(base_values()).cuda()
    assert d.__dlpack_device__() == (2, 0)
    assert np.array_equal(np.from_dlpack(d, device="cpu"), base_values())
    with pytest.raises(BufferError, match="copy=False"):
        d.__dlpack__(max_version=(1, 0), dl_device=(1, 0), copy=False)


def test_dlpack_stream_values_on_device():
    d = as_array(np.arange(4.0)).cuda()
    with pytest.raises(ValueError, match="stream 0"):
        d.__dlpack__(stream=0)
    for stream in (None, 1, 2, -1):
        d.__dlpack__(stream=stream, max_version=(1, 0))


def test_cupy_from_dlpack_of_device_array(needs_cupy):
    cp = needs_cupy
    d = as_array(base_values()).cuda()
    y = cp.from_dlpack(d)
    assert y.data.ptr == d.data_ptr
    assert np.array_equal(cp.asnumpy(y), base_values())


def test_torch_from_dlpack_of_device_array(torch_cuda):
    torch = torch_cuda
    d = as_array(base_values()).cuda()
    t = torch.from_dlpack(d)
    assert t.device.type == "cuda" and t.device.index == 0
    assert t.data_ptr() == d.data_ptr
    assert np.array_equal(t.cpu().numpy(), base_values())
    t.mul_(2)
    torch.cuda.synchronize()
    assert np.array_equal(np.asarray(d.cpu()), 2 * base_values())


def test_torch_consumes_on_its_own_stream(torch_cuda):
    torch = torch_cuda
    d = as_array(base_values()).cuda()
    s = torch.cuda.Stream()
    capsule = d.__dlpack__(stream=s.cuda_stream)  # a legacy capsule: torch takes both kinds
    with torch.cuda.stream(s):
        t = torch.utils.dlpack.from_dlpack(capsule)
        doubled = t * 2
    s.synchronize()
    assert t.data_ptr() == d.data_ptr
    assert np.array_equal(doubled.cpu().numpy(), 2 * base_values())
    with torch.cuda.stream(s):
        t2 = torch.from_dlpack(d)  # torch passes s as the consumer stream
    assert t2.data_ptr() == d.data_ptr


def test_torch_producer_stream_is_waited_for(torch_cuda):
    torch = torch_cuda
    s = torch.cuda.Stream()
    with torch.cuda.stream(s):
        t = torch.full((1 << 22,), 3.0, device="cuda")  # queued on s, maybe still running
        capsule = t.__dlpack__(stream=s.cuda_stream)
    nd = _core.from_dlpack_capsule(capsule, s.cuda_stream)
    assert nd.stream == s.cuda_stream and nd.data_ptr == t.data_ptr()
    assert np.all(np.asarray(nd.cpu()) == 3.0)  # cpu() waits for s before copying


def test_as_array_of_torch_cuda_through_dlpack(torch_cuda):
    torch = torch_cuda
    t = torch.arange(20, dtype=torch.float32, device="cuda").reshape(4, 5)
    producer = DLPackOnly(t)
    nd = as_array(producer)
    assert producer.calls[0]["stream"] == 1  # we read on the legacy default stream
    assert nd.stream == 1
    assert (nd.buffer_kind, nd.data_ptr) == ("device", t.data_ptr())
    assert np.array_equal(np.asarray(nd.cpu()), t.cpu().numpy())
    del t, producer
    gc.collect()
    assert np.array_equal(np.asarray(nd.cpu()), np.arange(20, dtype=np.float32).reshape(4, 5))


@pytest.mark.parametrize("view", [lambda t: t, lambda t: t.T, lambda t: t[:, ::2]],
                         ids=["contiguous", "transposed", "strided"])
def test_as_array_of_torch_cuda_views(torch_cuda, view):
    torch = torch_cuda
    t = view(torch.arange(20, dtype=torch.int64, device="cuda").reshape(4, 5))
    nd = as_array(t)  # through __cuda_array_interface__
    assert nd.buffer_kind == "device" and nd.data_ptr == t.data_ptr()
    assert nd.strides == tuple(s * t.element_size() for s in t.stride())
    assert np.array_equal(np.asarray(nd.cpu()), t.cpu().numpy())
    back = torch.from_dlpack(nd)
    assert back.data_ptr() == t.data_ptr() and back.stride() == t.stride()


def test_strided_host_view_to_torch_cuda(torch_cuda):
    torch = torch_cuda
    src = base_values()[::2, 1::3]
    t = torch.from_dlpack(as_array(src).cuda())
    assert t.is_cuda and t.is_contiguous()
    assert np.array_equal(t.cpu().numpy(), src)
