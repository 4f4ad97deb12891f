"""Buffers as zarr-python 3 passes them between stores and codecs (its CPU
``zarr.core.buffer``): a ``Buffer`` is a 1-d run of bytes over a numpy
uint8 array, an ``NDBuffer`` an n-d numpy array, and a ``BufferPrototype``
names the two classes a caller wants back. Stores return ``Buffer``s from
``get`` (``default_buffer_prototype()`` when no prototype is given) and a
``MemoryStore`` over a caller's dict keeps ``Buffer``s in it, as
zarr-python's do. The chunk engine itself moves bytes without them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterable, Protocol, runtime_checkable

import numpy as np

__all__ = ["Buffer", "BufferPrototype", "NDArrayLike", "NDBuffer", "default_buffer_prototype"]

_BYTE = np.dtype("B")


@runtime_checkable
class NDArrayLike(Protocol):
    """What an NDBuffer holds: numpy's array interface (numpy, CuPy)."""

    @property
    def dtype(self) -> Any: ...

    @property
    def shape(self) -> tuple[int, ...]: ...

    @property
    def ndim(self) -> int: ...

    def __getitem__(self, key: Any) -> Any: ...

    def __setitem__(self, key: Any, value: Any) -> None: ...

    def reshape(self, *args: Any, **kwargs: Any) -> Any: ...


def _check_1d_slice(key: Any) -> None:
    if not isinstance(key, slice) or key.step not in (None, 1):
        raise TypeError(f"a Buffer takes contiguous slices only (step 1), got {key!r}")


class Buffer:
    """Bytes over a 1-d uint8 numpy array (shared, not copied)."""

    def __init__(self, array_like: Any) -> None:
        if getattr(array_like, "ndim", None) != 1:
            raise ValueError("array_like: only 1-dim allowed")
        if array_like.dtype != _BYTE:
            raise ValueError("array_like: only byte dtype allowed")
        self._data = array_like

    @classmethod
    def create_zero_length(cls) -> Buffer:
        return cls(np.empty(0, dtype=_BYTE))

    @classmethod
    def from_array_like(cls, array_like: Any) -> Buffer:
        return cls(array_like)

    @classmethod
    def from_buffer(cls, buffer: Any) -> Buffer:
        """This class's Buffer over another Buffer's bytes (any library's)."""
        if isinstance(buffer, Buffer):
            return cls(buffer._data)
        return cls(np.asarray(buffer.as_numpy_array()).view(_BYTE).reshape(-1))

    @classmethod
    def from_bytes(cls, bytes_like: Any) -> Buffer:
        return cls(np.frombuffer(bytes_like, dtype=_BYTE))

    def as_array_like(self) -> np.ndarray:
        return self._data

    def as_numpy_array(self) -> np.ndarray:
        return np.asanyarray(self._data)

    def as_buffer_like(self) -> memoryview:
        return memoryview(self._data)

    def to_bytes(self) -> bytes:
        return self._data.tobytes()

    def combine(self, others: Iterable[Any]) -> Buffer:
        parts = [self._data] + [np.asanyarray(o.as_array_like()) for o in others]
        return type(self)(np.concatenate(parts))

    def __add__(self, other: Any) -> Buffer:
        return self.combine([other])

    def __getitem__(self, key: slice) -> Buffer:
        _check_1d_slice(key)
        return type(self)(self._data[key])

    def __setitem__(self, key: slice, value: Any) -> None:
        _check_1d_slice(key)
        self._data[key] = value

    def __len__(self) -> int:
        return self._data.size

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Buffer) and np.array_equal(self._data, other._data)

    __hash__ = None  # mutable, as zarr-python's

    def __repr__(self) -> str:
        return f"<{type(self).__module__}.{type(self).__qualname__} of {len(self)} bytes>"


class NDBuffer:
    """An n-d numpy array in a chunk's shape and data type."""

    def __init__(self, array: Any) -> None:
        self._data = array

    @classmethod
    def create(cls, *, shape: Iterable[int], dtype: Any, order: str = "C", fill_value: Any = None) -> NDBuffer:
        if fill_value is None:
            return cls(np.zeros(tuple(shape), dtype=dtype, order=order))
        return cls(np.full(tuple(shape), fill_value, dtype=dtype, order=order))

    @classmethod
    def empty(cls, shape: Iterable[int], dtype: Any, order: str = "C") -> NDBuffer:
        return cls(np.empty(tuple(shape), dtype=dtype, order=order))

    @classmethod
    def from_ndarray_like(cls, ndarray_like: Any) -> NDBuffer:
        return cls(ndarray_like)

    @classmethod
    def from_numpy_array(cls, array_like: Any) -> NDBuffer:
        return cls(np.asanyarray(array_like))

    def as_ndarray_like(self) -> Any:
        return self._data

    def as_numpy_array(self) -> np.ndarray:
        return np.asanyarray(self._data)

    @property
    def dtype(self) -> np.dtype:
        return self._data.dtype

    @property
    def shape(self) -> tuple[int, ...]:
        return self._data.shape

    @property
    def byteorder(self) -> str:
        order = self._data.dtype.byteorder
        return {"<": "little", ">": "big", "|": "little"}.get(order, "little" if np.little_endian else "big")

    def reshape(self, newshape: Any) -> NDBuffer:
        return type(self)(self._data.reshape(newshape))

    def squeeze(self, axis: Any) -> NDBuffer:
        return type(self)(self._data.squeeze(axis=axis))

    def astype(self, dtype: Any, order: str = "K") -> NDBuffer:
        return type(self)(self._data.astype(dtype=dtype, order=order))

    def transpose(self, axes: Any) -> NDBuffer:
        return type(self)(self._data.transpose(axes))

    def copy(self) -> NDBuffer:
        return type(self)(self._data.copy())

    def fill(self, value: Any) -> None:
        self._data.fill(value)

    def all_equal(self, other: Any, equal_nan: bool = True) -> bool:
        a = self._data
        if a.size == 0:
            return True
        nan = equal_nan and a.dtype.kind in "fc"
        return bool(np.array_equal(a, np.broadcast_to(np.asarray(other, dtype=a.dtype), a.shape), equal_nan=nan))

    def __getitem__(self, key: Any) -> NDBuffer:
        return type(self)(np.asanyarray(self._data[key]))

    def __setitem__(self, key: Any, value: Any) -> None:
        self._data[key] = value.as_ndarray_like() if isinstance(value, NDBuffer) else value

    def __len__(self) -> int:
        return len(self._data)

    def __repr__(self) -> str:
        return f"<{type(self).__module__}.{type(self).__qualname__} shape={self.shape} dtype={self.dtype}>"


@dataclass(frozen=True)
class BufferPrototype:
    """The Buffer and NDBuffer classes a caller wants results in."""

    buffer: type[Buffer]
    nd_buffer: type[NDBuffer]


_DEFAULT = BufferPrototype(buffer=Buffer, nd_buffer=NDBuffer)


def default_buffer_prototype() -> BufferPrototype:
    """The CPU prototype: numpy-backed Buffer and NDBuffer."""
    return _DEFAULT
