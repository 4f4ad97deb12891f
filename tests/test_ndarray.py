"""NDArray on the host: wrapping Python memory without copies, the array
protocols it speaks to numpy, lifetimes and errors.

DLPack has its own file (test_dlpack.py); CUDA memory is in test_gpu.py.
"""

from __future__ import annotations

import ctypes
import gc
import hashlib
import mmap
import sys
import weakref

import numpy as np
import pytest

import zarrnative
import zarrnative as zarr
from zarrnative import _core
from zarrnative.errors import DeviceUnavailableError
from zarrnative.ndarray import NDArray, as_array, empty

NO_CUDA = not zarrnative.features()["cuda"]
needs_no_gpu = pytest.mark.skipif(not NO_CUDA, reason="checks the errors of a machine without a usable GPU")

# Every dtype zarrnative handles, by numpy name.
DTYPES = [
    "bool", "int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64",
    "float16", "float32", "float64", "complex64", "complex128",
]


class Tracked(np.ndarray):
    """A numpy array that can be weakly referenced, to see when it is freed."""


def tracked(values: np.ndarray) -> tuple[np.ndarray, weakref.ref]:
    arr = np.array(values).view(Tracked)
    return arr, weakref.ref(arr)


def sample(dtype: np.dtype, shape=(3, 4)) -> np.ndarray:
    """Distinct, non-trivial values of `dtype` (negative ones where it can)."""
    n = int(np.prod(shape))
    dtype = np.dtype(dtype)
    if dtype.kind == "b":
        values = np.arange(n) % 3 == 0
    elif dtype.kind == "u":
        values = np.arange(n) * 7 + 1
    elif dtype.kind == "c":
        values = np.arange(n) - 5.5 + 1j * np.arange(n)[::-1]
    else:
        values = np.arange(n) * 3 - 7.5 if dtype.kind == "f" else np.arange(n) * 3 - 7
    return values.astype(dtype).reshape(shape)


# --- Py_buffer requests through the C API, to ask for exactly the flags ------

PyBUF_SIMPLE, PyBUF_WRITABLE, PyBUF_FORMAT, PyBUF_ND = 0, 0x1, 0x4, 0x8
PyBUF_STRIDES = 0x10 | PyBUF_ND
PyBUF_C_CONTIGUOUS = 0x20 | PyBUF_STRIDES
PyBUF_F_CONTIGUOUS = 0x40 | PyBUF_STRIDES

_get_buffer = ctypes.pythonapi.PyObject_GetBuffer
_get_buffer.argtypes = [ctypes.py_object, ctypes.c_void_p, ctypes.c_int]
_get_buffer.restype = ctypes.c_int
_release_buffer = ctypes.pythonapi.PyBuffer_Release
_release_buffer.argtypes = [ctypes.c_void_p]
_release_buffer.restype = None


class PyBuffer(ctypes.Structure):
    _fields_ = [
        ("buf", ctypes.c_void_p), ("obj", ctypes.py_object), ("len", ctypes.c_ssize_t),
        ("itemsize", ctypes.c_ssize_t), ("readonly", ctypes.c_int), ("ndim", ctypes.c_int),
        ("format", ctypes.c_char_p), ("shape", ctypes.POINTER(ctypes.c_ssize_t)),
        ("strides", ctypes.POINTER(ctypes.c_ssize_t)), ("suboffsets", ctypes.c_void_p),
        ("internal", ctypes.c_void_p),
    ]


def request_buffer(obj, flags: int) -> dict:
    """PyObject_GetBuffer(obj, flags); the exporter's error propagates as is."""
    view = PyBuffer()
    _get_buffer(obj, ctypes.addressof(view), flags)  # pythonapi raises the exporter's exception
    try:
        return {
            "buf": view.buf, "len": view.len, "itemsize": view.itemsize, "readonly": bool(view.readonly),
            "ndim": view.ndim, "format": view.format,
            "shape": None if not view.shape else tuple(view.shape[i] for i in range(view.ndim)),
            "strides": None if not view.strides else tuple(view.strides[i] for i in range(view.ndim)),
        }
    finally:
        _release_buffer(ctypes.addressof(view))


# --- the issue's example ----------------------------------------------------


def test_issue_example_host(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    ascending = np.arange(0, 4096, dtype=np.int32)
    zarray_h = zarr.ndarray.as_array(ascending)
    iface = zarray_h.__array_interface__
    assert (zarray_h.buffer_size, zarray_h.buffer_kind, zarray_h.ndim, zarray_h.dtype) == (
        16384, "host", 1, np.dtype(np.int32),
    )
    assert iface["shape"] == (4096,)
    assert iface["typestr"] == np.dtype(np.int32).str
    assert iface["data"] == (ascending.ctypes.data, False)
    assert iface["version"] == 3

    ascending.tofile("file.txt")
    with open("file.txt", "rb") as f:
        zarray_f = zarr.ndarray.as_array(f.read())
    assert (zarray_f.buffer_size, zarray_f.buffer_kind, zarray_f.ndim, zarray_f.dtype) == (
        16384, "host", 1, np.dtype(np.uint8),
    )
    assert zarray_f.readonly
    assert np.array_equal(np.asarray(zarray_f).view(np.int32), ascending)


# --- properties ---------------------------------------------------------------


def test_properties_of_a_c_contiguous_array():
    src = np.zeros((2, 3, 4), dtype=np.float32)
    nd = as_array(src)
    assert isinstance(nd, NDArray)
    assert nd.shape == (2, 3, 4)
    assert nd.strides == (48, 16, 4)
    assert nd.ndim == 3
    assert nd.dtype == np.dtype(np.float32) and isinstance(nd.dtype, np.dtype)
    assert nd.typestr == np.dtype(np.float32).str
    assert (nd.size, nd.itemsize, nd.nbytes, nd.buffer_size) == (24, 4, 96, 96)
    assert (nd.buffer_kind, nd.device, nd.device_id) == ("host", "cpu", 0)
    assert nd.readonly is False
    assert nd.is_c_contiguous is True and nd.is_f_contiguous is False
    assert nd.stream is None
    assert nd.data_ptr == src.ctypes.data
    assert nd.__dlpack_device__() == (1, 0)
    assert "shape=(2, 3, 4)" in repr(nd) and "float32" in repr(nd) and "host" in repr(nd)


def test_properties_of_a_strided_view():
    base = np.arange(60, dtype=np.int64).reshape(6, 10)
    view = base[::2, 1::3]
    nd = as_array(view)
    assert nd.shape == view.shape == (3, 3)
    assert nd.strides == view.strides == (160, 24)
    assert (nd.size, nd.nbytes) == (9, 72)
    assert not nd.is_c_contiguous and not nd.is_f_contiguous
    # The buffer spans exactly the bytes the view reaches: first to last element.
    assert nd.buffer_size == 160 * 2 + 24 * 2 + 8
    assert nd.data_ptr == view.ctypes.data


def test_as_array_of_an_ndarray_is_itself():
    nd = as_array(np.arange(3))
    assert as_array(nd) is nd


# --- zero copy, both ways -------------------------------------------------------


def test_zero_copy_both_directions():
    src = np.arange(24, dtype=np.float64).reshape(4, 6)
    nd = as_array(src)
    assert nd.data_ptr == src.ctypes.data
    back = np.asarray(nd)
    assert np.shares_memory(back, src)
    assert back.ctypes.data == src.ctypes.data
    assert back.flags.writeable
    back[1, 2] = -1.0
    assert src[1, 2] == -1.0
    src[3, 5] = 99.0
    assert back[3, 5] == 99.0


def test_array_interface_is_zero_copy():
    src = np.arange(10, dtype=np.uint16)[::3]
    nd = as_array(src)
    iface = nd.__array_interface__
    assert iface["data"] == (src.ctypes.data, False)
    assert iface["strides"] == (6,)
    assert iface["descr"] == [("", "<u2" if sys.byteorder == "little" else ">u2")]
    assert as_array(np.arange(4)).__array_interface__["strides"] is None  # C order: no strides


def test_host_array_has_no_cuda_array_interface():
    nd = as_array(np.arange(4))
    assert not hasattr(nd, "__cuda_array_interface__")
    with pytest.raises(AttributeError, match="host memory"):
        nd.__cuda_array_interface__  # noqa: B018


# --- sources: bytes, bytearray, memoryview, mmap, numpy ------------------------


def test_bytes_are_read_only():
    nd = as_array(b"0123456789")
    assert nd.readonly
    assert (nd.shape, nd.dtype) == ((10,), np.dtype(np.uint8))
    view = np.asarray(nd)
    assert not view.flags.writeable
    with pytest.raises(ValueError, match="read-only"):
        view[0] = 1
    assert view.tobytes() == b"0123456789"


def test_bytearray_is_writable_and_shared():
    data = bytearray(b"abcdef")
    nd = as_array(data)
    assert not nd.readonly
    np.asarray(nd)[0] = ord("z")
    assert data == bytearray(b"zbcdef")


def test_bytearray_export_is_held_and_released():
    data = bytearray(16)
    nd = as_array(data)
    with pytest.raises(BufferError):
        data.extend(b"x")  # cannot resize while NDArray views it
    del nd
    gc.collect()
    data.extend(b"x")
    assert len(data) == 17


def test_memoryview_sources():
    data = bytearray(range(24))
    nd = as_array(memoryview(data).cast("i", (2, 3)))
    assert (nd.shape, nd.dtype, nd.strides, nd.readonly) == ((2, 3), np.dtype(np.intc), (12, 4), False)
    assert np.array_equal(np.asarray(nd), np.frombuffer(bytes(data), dtype=np.intc).reshape(2, 3))
    assert as_array(memoryview(b"xyz")).readonly
    strided = as_array(memoryview(data)[::4])
    assert (strided.shape, strided.strides) == ((6,), (4,))
    assert np.asarray(strided).tolist() == list(range(0, 24, 4))


def test_mmap_source(tmp_path):
    path = tmp_path / "data.bin"
    path.write_bytes(bytes(range(32)))
    with open(path, "r+b") as fh:
        mm = mmap.mmap(fh.fileno(), 0)
        nd = as_array(mm)
        assert (nd.shape, nd.readonly) == ((32,), False)
        assert np.asarray(nd).tolist() == list(range(32))
        np.asarray(nd)[5] = 200
        assert mm[5] == 200
        with pytest.raises(BufferError):
            mm.close()  # the NDArray still holds an export
        del nd
        gc.collect()
        mm.close()
    assert path.read_bytes()[5] == 200


def test_read_only_mmap_source(tmp_path):
    path = tmp_path / "data.bin"
    path.write_bytes(bytes(range(8)))
    with open(path, "rb") as fh, mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ) as mm:
        nd = as_array(mm)
        assert nd.readonly
        assert np.asarray(nd).tolist() == list(range(8))
        del nd


def test_read_only_numpy_gives_read_only_ndarray():
    src = np.arange(5)
    src.flags.writeable = False
    nd = as_array(src)
    assert nd.readonly
    assert not np.asarray(nd).flags.writeable
    assert np.shares_memory(np.asarray(nd), src)


# --- dtypes and byte orders -----------------------------------------------------


@pytest.mark.parametrize("order", ["<", ">"])
@pytest.mark.parametrize("name", DTYPES)
def test_dtype_round_trip(name, order):
    dtype = np.dtype(name).newbyteorder(order)
    src = sample(dtype)
    nd = as_array(src)
    assert nd.dtype == dtype
    assert nd.typestr == dtype.str
    assert nd.itemsize == dtype.itemsize
    back = np.asarray(nd)
    assert back.dtype == dtype
    assert np.array_equal(back, src)
    assert back.tobytes() == src.tobytes()
    assert np.shares_memory(back, src)


FORMATS = {
    "bool": "?", "int8": "b", "int16": "h", "int32": "i", "int64": "q", "uint8": "B", "uint16": "H",
    "uint32": "I", "uint64": "Q", "float16": "e", "float32": "f", "float64": "d", "complex64": "Zf",
    "complex128": "Zd",
}


@pytest.mark.parametrize("name", DTYPES)
def test_buffer_format_of_each_dtype(name):
    dtype = np.dtype(name)
    view = memoryview(as_array(sample(dtype)))
    assert (view.format, view.itemsize) == (FORMATS[name], dtype.itemsize)
    assert np.asarray(view).dtype == dtype  # numpy reads the format back to the same dtype
    if dtype.itemsize > 1:
        swapped_dtype = dtype.newbyteorder("S")
        swapped = memoryview(as_array(sample(swapped_dtype)))
        assert swapped.format == ("<" if sys.byteorder == "big" else ">") + FORMATS[name]
        assert np.asarray(swapped).dtype == swapped_dtype


# --- layouts ---------------------------------------------------------------------

BASE = np.arange(60, dtype=np.float64).reshape(6, 10)
VIEWS = {
    "every_other_row_every_third_col": lambda a: a[::2, 1::3],
    "transposed": lambda a: a.T,
    "reversed_rows": lambda a: a[::-1],
    "reversed_both": lambda a: a[::-1, ::-2],
    "column": lambda a: a[:, 3],
    "f_order": lambda a: np.asfortranarray(a),
}


@pytest.mark.parametrize("name", list(VIEWS))
def test_views_round_trip(name):
    base = BASE.copy()
    view = VIEWS[name](base)
    nd = as_array(view)
    assert nd.shape == view.shape
    assert nd.strides == view.strides
    assert nd.data_ptr == view.ctypes.data  # element (0, ..., 0), also for negative strides
    back = np.asarray(nd)
    assert back.strides == view.strides
    assert np.array_equal(back, view)
    assert np.shares_memory(back, view)
    back[0] = -5.0
    assert np.all(view[0] == -5.0)


def test_f_contiguous_flags():
    nd = as_array(np.asfortranarray(BASE))
    assert nd.is_f_contiguous and not nd.is_c_contiguous


def test_zero_dimensional():
    src = np.array(7, dtype=np.int64)
    nd = as_array(src)
    assert (nd.shape, nd.strides, nd.ndim, nd.size, nd.nbytes) == ((), (), 0, 1, 8)
    back = np.asarray(nd)
    assert back.shape == () and back[()] == 7
    assert np.shares_memory(back, src)
    back[()] = 9
    assert src[()] == 9


@pytest.mark.parametrize("shape", [(0,), (3, 0, 2)])
def test_zero_size(shape):
    src = np.zeros(shape, dtype=np.float32)
    nd = as_array(src)
    assert (nd.shape, nd.size, nd.nbytes) == (shape, 0, 0)
    back = np.asarray(nd)
    assert back.shape == shape and back.dtype == np.float32
    assert nd.copy().shape == shape


# --- __array__ (numpy 2 semantics) ------------------------------------------------


def test_array_dunder_copy_semantics():
    src = np.arange(12, dtype=np.int16).reshape(3, 4)
    nd = as_array(src)
    assert np.shares_memory(nd.__array__(), src)
    assert np.shares_memory(nd.__array__(copy=False), src)
    copied = nd.__array__(copy=True)
    assert not np.shares_memory(copied, src) and np.array_equal(copied, src)
    converted = nd.__array__(dtype=np.float64)
    assert converted.dtype == np.float64 and np.array_equal(converted, src)
    with pytest.raises(ValueError):
        nd.__array__(dtype=np.float64, copy=False)  # a conversion is a copy


def test_numpy_array_copy_keyword():
    src = np.arange(12, dtype=np.int16).reshape(3, 4)
    nd = as_array(src)
    copied = np.array(nd, copy=True)
    assert not np.shares_memory(copied, src)
    assert np.array_equal(copied, src)
    shared = np.array(nd, copy=False)
    assert np.shares_memory(shared, src)
    assert np.asarray(nd, dtype=np.float32).dtype == np.float32


def test_copy_of_read_only_is_writable():
    nd = as_array(b"abc")
    copied = np.array(nd, copy=True)
    assert copied.flags.writeable
    assert nd.__array__(copy=True).flags.writeable


# --- the buffer protocol of NDArray ---------------------------------------------------


def test_memoryview_of_ndarray():
    src = np.arange(12, dtype=np.int32).reshape(3, 4)
    view = memoryview(as_array(src))
    assert (view.format, view.shape, view.strides, view.readonly) == ("i", (3, 4), (16, 4), False)
    assert (view.ndim, view.itemsize, view.nbytes) == (2, 4, 48)
    assert view.tolist() == src.tolist()
    view[0, 0] = 42
    assert src[0, 0] == 42


def test_memoryview_of_strided_and_read_only():
    view = memoryview(as_array(np.arange(12, dtype=np.int16).reshape(3, 4)[:, ::2]))
    assert (view.shape, view.strides, view.c_contiguous) == ((3, 2), (8, 4), False)
    assert view.tolist() == [[0, 2], [4, 6], [8, 10]]
    ro = memoryview(as_array(b"abcd"))
    assert ro.readonly
    with pytest.raises(TypeError):
        ro[0] = 1


def test_writable_buffer_of_read_only_fails():
    nd = as_array(b"abcdefgh")
    with pytest.raises(BufferError, match="read-only"):
        request_buffer(nd, PyBUF_WRITABLE)
    assert request_buffer(as_array(bytearray(8)), PyBUF_WRITABLE)["readonly"] is False


def test_buffer_requests_honour_contiguity():
    src = np.arange(12, dtype=np.int32).reshape(3, 4)
    contiguous, strided, fortran = as_array(src), as_array(src[:, ::2]), as_array(np.asfortranarray(src))
    with pytest.raises(BufferError, match="contiguous"):
        request_buffer(strided, PyBUF_C_CONTIGUOUS)
    with pytest.raises(BufferError, match="contiguous"):
        request_buffer(strided, PyBUF_ND)  # no strides: only C order can be described
    with pytest.raises(BufferError, match="contiguous"):
        request_buffer(contiguous, PyBUF_F_CONTIGUOUS)
    assert request_buffer(fortran, PyBUF_F_CONTIGUOUS)["strides"] == (4, 12)
    nd_only = request_buffer(contiguous, PyBUF_ND | PyBUF_FORMAT)
    assert (nd_only["shape"], nd_only["strides"], nd_only["format"]) == ((3, 4), None, b"i")
    simple = request_buffer(contiguous, PyBUF_SIMPLE)
    assert (simple["buf"], simple["len"], simple["format"], simple["shape"]) == (src.ctypes.data, 48, None, None)
    assert simple["ndim"] == 1


def test_simple_buffer_consumers_see_bytes():
    src = np.arange(12, dtype=np.int32).reshape(3, 4)
    nd = as_array(src)
    assert hashlib.sha256(nd).digest() == hashlib.sha256(src.tobytes()).digest()
    assert bytes(nd) == src.tobytes()


# --- lifetimes ------------------------------------------------------------------------------


def test_source_dropped_while_ndarray_lives():
    src, alive = tracked(np.arange(1000, dtype=np.float64))
    nd = as_array(src)
    del src
    gc.collect()
    assert alive() is not None  # the NDArray keeps it
    assert np.array_equal(np.asarray(nd), np.arange(1000, dtype=np.float64))
    del nd
    gc.collect()
    assert alive() is None


def test_ndarray_dropped_while_numpy_view_lives():
    src, alive = tracked(np.arange(100, dtype=np.int32))
    nd = as_array(src)
    view = np.asarray(nd)
    del src, nd
    gc.collect()
    assert alive() is not None
    assert view.tolist() == list(range(100))
    del view
    gc.collect()
    assert alive() is None


def test_reference_counts_return_to_start():
    src = np.arange(10)
    start = sys.getrefcount(src)
    nd = as_array(src)
    views = [np.asarray(nd), memoryview(nd), nd.__array__(), nd.copy()]
    assert sys.getrefcount(src) > start
    del nd, views
    gc.collect()
    assert sys.getrefcount(src) == start


def _rss_bytes() -> int | None:
    try:
        with open("/proc/self/statm") as f:
            return int(f.read().split()[1]) * mmap.PAGESIZE
    except OSError:
        return None


def test_no_leaks_over_many_cycles():
    shared = np.arange(256, dtype=np.float64)

    def cycle(keep_refs):
        src, alive = tracked(shared)
        keep_refs.append(alive)
        nd = as_array(src)
        np.asarray(nd).sum()
        memoryview(nd).release()
        nd.__dlpack__()
        nd.__dlpack__(max_version=(1, 0))
        np.from_dlpack(nd)
        as_array(shared).__array__(copy=True)

    refs: list[weakref.ref] = []
    for _ in range(2000):  # warm up allocator pools
        cycle(refs)
    gc.collect()
    start_refcount = sys.getrefcount(shared)
    start_rss = _rss_bytes()
    for _ in range(20):
        refs.clear()
        for _ in range(1000):
            cycle(refs)
        # Reference counting alone frees every source: no cycles are made.
        assert all(r() is None for r in refs), "a source outlived every view of it"
    gc.collect()
    assert sys.getrefcount(shared) == start_refcount
    if start_rss is not None:
        # 20000 cycles x 7 exports: a leak of even 16 bytes per export is 2 MB.
        assert _rss_bytes() - start_rss < 2**20


# --- objects offering only __array_interface__ -------------------------------------------------


class InterfaceOnly:
    """Exposes memory through __array_interface__ alone (no buffer protocol)."""

    def __init__(self, iface: dict, keep=None):
        self.__array_interface__ = iface
        self._keep = keep


def test_array_interface_source_is_zero_copy_and_kept_alive():
    arr = np.arange(20, dtype=np.float32).reshape(4, 5)[:, ::2]
    obj = InterfaceOnly(arr.__array_interface__, keep=arr)
    alive = weakref.ref(obj)
    nd = as_array(obj)
    assert nd.data_ptr == arr.ctypes.data
    assert (nd.shape, nd.strides) == (arr.shape, arr.strides)
    del obj
    gc.collect()
    assert alive() is not None
    assert np.array_equal(np.asarray(nd), arr)
    del nd
    gc.collect()
    assert alive() is None


def test_array_interface_read_only_flag():
    arr = np.arange(4)
    iface = dict(arr.__array_interface__, data=(arr.ctypes.data, True))
    assert as_array(InterfaceOnly(iface, keep=arr)).readonly


def test_array_interface_with_buffer_data_and_offset():
    data = bytearray(range(16))
    obj = InterfaceOnly({"data": data, "offset": 4, "shape": (3,), "typestr": "<u4", "version": 3})
    nd = as_array(obj)
    assert np.asarray(nd).tolist() == np.frombuffer(bytes(data), dtype="<u4")[1:].tolist()
    np.asarray(nd)[0] = 0
    assert data[4:8] == bytearray(4)
    assert as_array(InterfaceOnly({"data": b"12345678", "shape": (2,), "typestr": "|u1", "version": 3})).readonly
    with pytest.raises(ValueError, match="bytes"):
        as_array(InterfaceOnly({"data": data, "offset": 8, "shape": (3,), "typestr": "<u4", "version": 3}))


def test_array_interface_refusals():
    arr = np.arange(4)
    with pytest.raises(TypeError, match="mask"):
        as_array(InterfaceOnly(dict(arr.__array_interface__, mask=arr > 1), keep=arr))
    with pytest.raises(TypeError, match="data pointer"):
        as_array(InterfaceOnly(dict(arr.__array_interface__, data=None), keep=arr))


# --- errors ---------------------------------------------------------------------------------------


def test_unsupported_object_is_a_type_error():
    with pytest.raises(TypeError, match="object"):
        as_array(object())


@pytest.mark.parametrize("dtype", ["<M8[D]", ">m8[10ms]", "S3", "<U3", ">U2", "V5", [("a", "<i4"), ("b", ">f8")]])
def test_times_text_and_records_pass_through_without_a_copy(dtype):
    x = np.zeros(4, dtype=dtype)
    x.view("u1")[:] = np.arange(x.nbytes, dtype="u1")
    nd = as_array(x)
    # records travel as raw bytes of their size; the rest keep numpy's typestr
    assert nd.typestr == (f"|V{x.dtype.itemsize}" if x.dtype.names else x.dtype.str)
    back = np.asarray(nd)
    assert back.ctypes.data == x.ctypes.data
    assert back.tobytes() == x.tobytes()
    with pytest.raises(BufferError):  # no buffer-protocol format says what these are
        memoryview(nd)
    with pytest.raises(BufferError):
        nd.__dlpack__()


@pytest.mark.parametrize("dtype", ["O", "longdouble"])
def test_other_unsupported_dtypes_are_type_errors(dtype):
    if np.dtype(dtype) == np.dtype(np.float64):
        pytest.skip("longdouble is float64 here")
    with pytest.raises(TypeError, match="unsupported data type"):
        as_array(np.zeros(2, dtype=dtype))


def test_dlpack_export_of_non_native_byte_order():
    nd = as_array(np.arange(3, dtype=np.dtype(np.int32).newbyteorder("S")))
    with pytest.raises(BufferError, match="byte order"):
        nd.__dlpack__()
    with pytest.raises(BufferError, match="byte order"):
        nd.__dlpack__(max_version=(1, 0), copy=True)


def test_legacy_dlpack_of_read_only_fails():
    with pytest.raises(BufferError, match="read-only"):
        as_array(b"abcd").__dlpack__()


@needs_no_gpu
def test_cuda_without_gpu_says_why():
    reason = zarrnative.features()["cuda_unavailable_reason"]
    nd = as_array(np.arange(4))
    with pytest.raises(DeviceUnavailableError) as info:
        nd.cuda()
    assert isinstance(info.value, RuntimeError)
    assert reason and reason in str(info.value)


@needs_no_gpu
@pytest.mark.parametrize("kind", ["device", "pinned"])
def test_empty_on_gpu_without_gpu_says_why(kind):
    reason = zarrnative.features()["cuda_unavailable_reason"]
    with pytest.raises(DeviceUnavailableError, match="CUDA") as info:
        empty((4, 4), np.float32, kind=kind)
    assert reason in str(info.value)


def test_empty_rejects_bad_arguments():
    with pytest.raises(ValueError, match="kind"):
        empty(4, kind="elsewhere")
    with pytest.raises(ValueError, match="order"):
        empty(4, order="K")
    with pytest.raises(ValueError, match="negative"):
        empty((2, -1))
    with pytest.raises(TypeError, match="unsupported data type"):
        empty(4, "longdouble" if np.dtype("longdouble").itemsize > 8 else "O")


def test_ndarray_cannot_be_built_directly():
    with pytest.raises(TypeError):
        NDArray()


# --- empty, copy, cpu --------------------------------------------------------------------------------


def test_empty_orders():
    c = empty((3, 4, 5), np.float32)
    assert (c.shape, c.strides, c.is_c_contiguous, c.readonly) == ((3, 4, 5), (80, 20, 4), True, False)
    f = empty((3, 4, 5), np.float32, order="F")
    assert (f.strides, f.is_f_contiguous, f.is_c_contiguous) == ((4, 12, 48), True, False)
    assert (f.buffer_kind, f.dtype, f.nbytes) == ("host", np.dtype(np.float32), 240)
    assert empty(7).shape == (7,) and empty(7).dtype == np.float64
    assert empty(()).shape == ()
    view = np.asarray(f)
    assert view.flags.f_contiguous
    view[...] = np.arange(60).reshape(3, 4, 5)
    assert np.array_equal(np.asarray(f), np.arange(60).reshape(3, 4, 5))


def test_copy_is_a_new_c_ordered_buffer():
    src = np.arange(60, dtype=np.int64).reshape(6, 10)
    nd = as_array(src[::2, ::-3])
    copied = nd.copy()
    assert copied.data_ptr != nd.data_ptr
    assert copied.is_c_contiguous and copied.buffer_kind == "host"
    assert np.array_equal(np.asarray(copied), src[::2, ::-3])
    np.asarray(copied)[0, 0] = -1
    assert src[0, -1] == 9
    ro_copy = as_array(b"abc").copy()
    assert not ro_copy.readonly


def test_cpu_of_host_array_is_itself():
    nd = as_array(np.arange(5))
    assert nd.cpu() is nd
    assert nd.cpu().data_ptr == nd.data_ptr


# --- features -------------------------------------------------------------------------------------------


def test_features():
    f = zarrnative.features()
    types = {
        "cuda": bool, "cuda_compiled": bool, "cuda_devices": int,
        "cuda_runtime_version": int, "cuda_driver_version": int, "dlpack_max_version": tuple,
    }
    for key, kind in types.items():
        assert isinstance(f[key], kind), key
    assert f["dlpack_max_version"] >= (1, 0)
    assert f["cuda"] == (f["cuda_compiled"] and f["cuda_devices"] > 0)
    if f["cuda"]:
        assert f["cuda_unavailable_reason"] is None
    else:
        assert isinstance(f["cuda_unavailable_reason"], str) and f["cuda_unavailable_reason"]
    assert f == zarrnative.features()  # a fresh dict each time, same content
    assert f is not zarrnative.features()


@needs_no_gpu
def test_features_report_no_gpu_here():
    assert zarrnative.features()["cuda"] is False
    assert zarrnative.features()["cuda_devices"] == 0
