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


def _from_interface(obj: Any, iface: dict[str, Any], kind: str) -> NDArray:
    if iface.get("mask") is not None:
        raise TypeError("arrays with a mask in their array interface are not supported")
    ptr, readonly = iface["data"] if iface.get("data") is not None else (None, False)
    if ptr is None:
        raise TypeError("array interfaces without a data pointer are not supported")
    strides = iface.get("strides")
    return _core.from_pointer(
        int(ptr), iface["typestr"], tuple(iface["shape"]),
        None if strides is None else tuple(strides), bool(readonly), kind, obj,
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
    if _supports_buffer(obj):
        return _core.from_buffer(obj)
    try:
        ai = obj.__array_interface__
    except AttributeError:
        ai = None
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
