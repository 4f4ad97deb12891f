"""The native array: zero-copy exchange between numpy, CuPy, PyTorch and JAX.

:class:`NDArray` is the array type of zarrnative's core: a strided view of
host, pinned host or CUDA device memory that exposes the buffer protocol,
``__array_interface__``, ``__cuda_array_interface__`` and DLPack.

>>> import numpy as np, zarrnative as zarr
>>> a = zarr.ndarray.as_array(np.arange(4, dtype=np.int32))
>>> a.shape, a.dtype, a.buffer_kind
((4,), dtype('int32'), 'host')
"""

from __future__ import annotations

from typing import Any, Literal

import numpy as np

from zarrnative import _core
from zarrnative._core import NDArray

__all__ = ["NDArray", "as_array", "empty"]

BufferKind = Literal["host", "pinned", "device"]


def _is_cuda_device(obj: Any) -> bool | None:
    """True / False from ``__dlpack_device__``, None when obj has none."""
    get = getattr(obj, "__dlpack_device__", None)
    if get is None:
        return None
    device_type, _ = get()
    return int(device_type) in (2, 13)  # kDLCUDA, kDLCUDAManaged


def _from_dlpack(obj: Any) -> NDArray:
    on_gpu = _is_cuda_device(obj)
    # As the consumer we read device memory on the legacy default stream (1):
    # the producer orders its pending work before it.
    stream = 1 if on_gpu else None
    try:
        capsule = obj.__dlpack__(stream=stream, max_version=(1, 1))
    except TypeError:  # a producer that predates DLPack 1.0's keywords
        capsule = obj.__dlpack__(stream=stream) if on_gpu else obj.__dlpack__()
    return _core.from_dlpack_capsule(capsule, stream)


def _reach(shape: tuple[int, ...], strides: tuple[int, ...] | None, itemsize: int) -> tuple[int, int]:
    """The byte range [lo, hi) that a view starting at byte 0 reaches."""
    if 0 in shape:
        return 0, 0
    if strides is None:
        return 0, int(np.prod(shape, dtype=np.int64)) * itemsize
    lo, hi = 0, itemsize
    for extent, stride in zip(shape, strides):
        span = stride * (extent - 1)
        if span < 0:
            lo += span
        else:
            hi += span
    return lo, hi


def _from_interface(obj: Any, iface: dict[str, Any], kind: str) -> NDArray:
    if iface.get("mask") is not None:
        raise TypeError("arrays with a mask in their array interface are not supported")
    data = iface.get("data")
    if data is None:
        raise TypeError("array interfaces without a data pointer are not supported")
    shape = tuple(int(n) for n in iface["shape"])
    strides = iface.get("strides")
    strides = None if strides is None else tuple(int(s) for s in strides)
    owner = obj
    if isinstance(data, (tuple, list)):
        ptr, readonly = data
    elif kind == "host":
        # The array interface also allows `data` to be an object exposing the
        # buffer protocol, the array starting `offset` bytes into it.
        raw = np.frombuffer(data, dtype=np.uint8)
        offset = int(iface.get("offset", 0))
        lo, hi = _reach(shape, strides, np.dtype(iface["typestr"]).itemsize)
        if hi > lo and (offset + lo < 0 or offset + hi > raw.nbytes):
            raise ValueError(
                f"__array_interface__ describes bytes [{offset + lo}, {offset + hi}) of a data buffer "
                f"of {raw.nbytes} bytes"
            )
        ptr, readonly = raw.ctypes.data + offset, not raw.flags.writeable
        owner = (obj, raw)  # raw holds the buffer export
    else:
        raise TypeError("__cuda_array_interface__ 'data' must be a (pointer, read_only) tuple")
    return _core.from_pointer(
        int(ptr), iface["typestr"], shape, strides, bool(readonly), kind, owner,
        iface.get("stream") if kind == "device" else None,
    )


def as_array(obj: Any) -> NDArray:
    """Wraps ``obj`` as an :class:`NDArray` without copying, keeping it alive.

    Accepts, in this order of preference: an NDArray (returned as is),
    ``__cuda_array_interface__`` (CuPy, Numba, PyTorch CUDA), the buffer
    protocol (bytes, bytearray, memoryview, mmap, numpy),
    ``__array_interface__``, and ``__dlpack__`` (NumPy, PyTorch, JAX, CuPy).
    A read-only source gives a read-only NDArray.

    Raises TypeError for an object that offers none of these.
    """
    if isinstance(obj, NDArray):
        return obj
    try:
        cai = obj.__cuda_array_interface__
    except AttributeError:
        cai = None
    except Exception:  # a property that fails for this object's memory
        cai = None
    if cai is not None:
        return _from_interface(obj, cai, "device")
    try:
        ai = obj.__array_interface__
    except AttributeError:
        ai = None
    # numpy's times, fixed-length text and structured items have buffer
    # formats (or none) that say less than their typestr: the array
    # interface carries them.
    if _supports_buffer(obj) and (ai is None or ai.get("typestr", "")[1:2] not in ("M", "m", "S", "U", "V")):
        return _core.from_buffer(obj)
    if ai is not None:
        return _from_interface(obj, ai, "host")
    if hasattr(obj, "__dlpack__"):
        return _from_dlpack(obj)
    raise TypeError(
        f"cannot wrap an object of type {type(obj).__name__!r} as an NDArray: it offers neither the "
        "buffer protocol, __array_interface__, __cuda_array_interface__ nor __dlpack__"
    )


def _supports_buffer(obj: Any) -> bool:
    try:
        memoryview(obj).release()
    except (TypeError, ValueError, BufferError):  # none, or a format the protocol cannot express
        return False
    return True


def empty(
    shape: int | tuple[int, ...],
    dtype: Any = np.float64,
    *,
    kind: BufferKind = "host",
    device: int = 0,
    order: Literal["C", "F"] = "C",
) -> NDArray:
    """A new, uninitialised NDArray in host, pinned host or CUDA device memory."""
    if isinstance(shape, int):
        shape = (shape,)
    typestr = np.dtype(dtype).str
    return _core.empty(tuple(int(s) for s in shape), typestr, kind, device, order)
