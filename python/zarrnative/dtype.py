"""Zarr data types as objects, with zarr-python 3.1's ``zarr.dtype`` names::

    zarrnative.create_array(store, shape=(10,), dtype=zarrnative.dtype.Int16(endianness="big"))
    a.metadata.data_type            # Int16(endianness='big'), an instance of zarrnative.dtype.Int16

Every class here is a :class:`ZDType`: each compares equal to (and hashes as)
the numpy dtype it stands for, gives it back with ``to_native_dtype()``, and
writes its metadata with ``to_json(zarr_format)``. Anything ``create_array``
takes as a dtype is also taken by :func:`parse_dtype`.
"""

from __future__ import annotations

from typing import Any, TypedDict

import numpy as np

from zarrnative._array_meta import ZarrDType as ZDType
from zarrnative._array_meta import parse_dtype as _parse

__all__ = ["DateTime64JSON_V2", "DateTime64JSON_V3", "FixedLengthUTF32JSON_V2", "FixedLengthUTF32JSON_V3",
           "NullTerminatedBytesJSON_V3", "NullterminatedBytesJSON_V2", "RawBytesJSON_V2", "RawBytesJSON_V3",
           "StructuredJSON_V2", "StructuredJSON_V3", "TimeDelta64JSON_V2", "TimeDelta64JSON_V3",
           "VariableLengthBytesJSON_V2", "VariableLengthUTF8JSON_V2", "data_type_registry",
           "Bool", "Complex64", "Complex128", "DataTypeValidationError", "DateTime64", "FixedLengthUTF32",
           "Float16", "Float32", "Float64", "Int8", "Int16", "Int32", "Int64", "NullTerminatedBytes", "RawBytes",
           "Structured", "TimeDelta64", "UInt8", "UInt16", "UInt32", "UInt64", "VariableLengthBytes",
           "VariableLengthUTF8", "ZDType", "parse_dtype"]


# The JSON forms of the data types (for annotations, as zarr-python names
# them): v2 {"name": <dtype>, "object_codec_id": <id or None>}, v3 {"name":
# <name>, "configuration": {...}}.
class _JSONV2(TypedDict):
    name: Any
    object_codec_id: str | None


class _JSONV3Base(TypedDict):
    name: str


class _JSONV3(_JSONV3Base, total=False):
    configuration: dict


DateTime64JSON_V2 = TimeDelta64JSON_V2 = FixedLengthUTF32JSON_V2 = NullterminatedBytesJSON_V2 = _JSONV2
RawBytesJSON_V2 = StructuredJSON_V2 = VariableLengthBytesJSON_V2 = VariableLengthUTF8JSON_V2 = _JSONV2
DateTime64JSON_V3 = TimeDelta64JSON_V3 = FixedLengthUTF32JSON_V3 = NullTerminatedBytesJSON_V3 = _JSONV3
RawBytesJSON_V3 = StructuredJSON_V3 = _JSONV3


class DataTypeValidationError(ValueError):
    """A value that is not a data type of the class asked for."""


def _order(endianness: str) -> str:
    if endianness not in ("little", "big"):
        raise ValueError(f"endianness must be 'little' or 'big', got {endianness!r}")
    return "<" if endianness == "little" else ">"


class _Typed(ZDType):
    """A ZDType of one named class: subclasses set ``_spec(**kwargs)`` to
    the numpy dtype (or the variable-length kind) their arguments mean."""

    _kind = "numeric"

    def __init__(self, **kwargs: Any) -> None:
        native = self._spec(**kwargs)
        object.__setattr__(self, "kind", self._kind)
        object.__setattr__(self, "numpy", None if native is None else np.dtype(native))

    @staticmethod
    def _spec(**kwargs: Any) -> Any:
        raise NotImplementedError

    def to_json(self, zarr_format: int) -> Any:
        """The ``data_type`` of v3 metadata, or for v2 zarr-python's
        ``{"name": <the .zarray dtype>, "object_codec_id": ...}``."""
        if zarr_format == 3:
            return self.v3_json
        codec = {"string": "vlen-utf8", "bytes": "vlen-bytes"}.get(self.kind)
        return {"name": self.v2_typestr, "object_codec_id": codec}

    @classmethod
    def from_native_dtype(cls, dtype: Any) -> ZDType:
        """The instance of this class for a numpy dtype; DataTypeValidationError
        for a dtype of another class."""
        z = typed(_parse(dtype))
        if not isinstance(z, cls):
            raise DataTypeValidationError(f"Invalid data type: {dtype}. Expected one that is a {cls.__name__}")
        return z

    def default_scalar(self) -> Any:
        """zarr-python's default fill value: zero, False, NaT, empty text or bytes."""
        if self.kind != "numeric":
            return "" if self.kind == "string" else b""
        if self.numpy.kind in "Mm":
            return self.numpy.type("NaT")
        return np.zeros((), self.numpy)[()]

    def cast_scalar(self, value: Any) -> Any:
        return np.asarray(value).astype(self.to_native_dtype())[()]

    @classmethod
    def from_json(cls, data: Any, *, zarr_format: int) -> ZDType:
        """The data type a metadata document names: v3's ``data_type``, or
        v2's ``{"name": <dtype>, "object_codec_id": ...}``;
        DataTypeValidationError for anything else or another class's type."""
        z = _from_json(data, zarr_format)
        if not isinstance(z, cls):
            raise DataTypeValidationError(f"Invalid JSON representation of {cls.__name__}: {data!r}")
        return z

    def to_json_scalar(self, data: Any, *, zarr_format: int) -> Any:
        """A scalar of this type as metadata spells it (a fill value):
        numbers as JSON numbers (NaN and infinities as strings), complex as
        a pair, times as integers, fixed-length and variable-length bytes
        in base64, text as text."""
        from zarrnative._create import fill_value_json
        _check_format(zarr_format)
        if self.kind == "numeric" and self.numpy.kind not in "SUV":
            data = self.cast_scalar(data)
        out = fill_value_json(data, self, zarr_format)
        if self.kind == "numeric" and self.numpy.kind == "c" and isinstance(out, list):
            return tuple(out)
        return out

    def from_json_scalar(self, data: Any, *, zarr_format: int) -> Any:
        """The scalar a metadata value (``to_json_scalar``'s form) stands for:
        a numpy scalar of this type, ``str`` or ``bytes`` for the
        variable-length types."""
        from zarrnative._array_meta import fill_value_of
        _check_format(zarr_format)
        try:
            return fill_value_of(data, self)
        except (TypeError, ValueError, OverflowError) as e:
            raise TypeError(f"Invalid type: {data!r}. Expected a JSON scalar of {self!r}: {e}") from None


def _fixed(name: str, code: str, ordered: bool) -> type:
    if ordered:
        def spec(endianness: str = "little") -> np.dtype:
            return np.dtype(_order(endianness) + code)
    else:
        def spec() -> np.dtype:
            return np.dtype(code)
    return type(name, (_Typed,), {"_spec": staticmethod(spec), "__module__": __name__,
                                  "__doc__": f"zarr-python's {name}: numpy's {np.dtype(code).name}."})


Bool = _fixed("Bool", "|b1", False)
Int8 = _fixed("Int8", "|i1", False)
UInt8 = _fixed("UInt8", "|u1", False)
Int16 = _fixed("Int16", "i2", True)
Int32 = _fixed("Int32", "i4", True)
Int64 = _fixed("Int64", "i8", True)
UInt16 = _fixed("UInt16", "u2", True)
UInt32 = _fixed("UInt32", "u4", True)
UInt64 = _fixed("UInt64", "u8", True)
Float16 = _fixed("Float16", "f2", True)
Float32 = _fixed("Float32", "f4", True)
Float64 = _fixed("Float64", "f8", True)
Complex64 = _fixed("Complex64", "c8", True)
Complex128 = _fixed("Complex128", "c16", True)


class VariableLengthUTF8(_Typed):
    """Variable-length UTF-8 text (``"string"``); numpy's StringDType."""

    _kind = "string"

    @staticmethod
    def _spec() -> None:
        return None


class VariableLengthBytes(_Typed):
    """Variable-length bytes (``"variable_length_bytes"``); numpy's object dtype."""

    _kind = "bytes"

    @staticmethod
    def _spec() -> None:
        return None


class FixedLengthUTF32(_Typed):
    """numpy's ``<U{length}``."""

    @staticmethod
    def _spec(*, length: int, endianness: str = "little") -> np.dtype:
        return np.dtype(f"{_order(endianness)}U{int(length)}")


class NullTerminatedBytes(_Typed):
    """numpy's ``S{length}``."""

    @staticmethod
    def _spec(*, length: int) -> np.dtype:
        return np.dtype(f"S{int(length)}")


class RawBytes(_Typed):
    """numpy's ``V{length}``."""

    @staticmethod
    def _spec(*, length: int) -> np.dtype:
        return np.dtype(f"V{int(length)}")


class DateTime64(_Typed):
    """numpy's ``datetime64[{scale_factor}{unit}]``."""

    @staticmethod
    def _spec(*, endianness: str = "little", scale_factor: int = 1, unit: str = "generic") -> np.dtype:
        return np.dtype(_order(endianness) + _time_code("M", unit, scale_factor))


class TimeDelta64(_Typed):
    """numpy's ``timedelta64[{scale_factor}{unit}]``."""

    @staticmethod
    def _spec(*, endianness: str = "little", scale_factor: int = 1, unit: str = "generic") -> np.dtype:
        return np.dtype(_order(endianness) + _time_code("m", unit, scale_factor))


def _time_code(kind: str, unit: str, scale_factor: int) -> str:
    if unit == "generic":
        return kind + "8"
    return f"{kind}8[{int(scale_factor) if int(scale_factor) != 1 else ''}{unit}]"


class Structured(_Typed):
    """A packed structured type: ``fields`` is a sequence of (name, ZDType)."""

    @staticmethod
    def _spec(*, fields: Any) -> np.dtype:
        return np.dtype([(name, parse_dtype(t).to_native_dtype()) for name, t in fields])

    @property
    def fields(self) -> tuple:
        return tuple((n, typed(_parse(self.numpy.fields[n][0]))) for n in self.numpy.names)


_BY_V3_NAME = {"bool": Bool, "int8": Int8, "uint8": UInt8, "int16": Int16, "int32": Int32, "int64": Int64,
               "uint16": UInt16, "uint32": UInt32, "uint64": UInt64, "float16": Float16, "float32": Float32,
               "float64": Float64, "complex64": Complex64, "complex128": Complex128,
               "string": VariableLengthUTF8, "variable_length_bytes": VariableLengthBytes,
               "fixed_length_utf32": FixedLengthUTF32, "null_terminated_bytes": NullTerminatedBytes,
               "raw_bytes": RawBytes, "numpy.datetime64": DateTime64, "numpy.timedelta64": TimeDelta64}


def typed(z: ZDType) -> ZDType:
    """``z`` as an instance of its named class (the same type, equal and
    of the same hash)."""
    if isinstance(z, _Typed):
        return z
    cls = Structured if z.kind == "numeric" and z.numpy.fields is not None else _BY_V3_NAME.get(z.v3_name)
    if cls is None:
        return z
    out = object.__new__(cls)
    object.__setattr__(out, "kind", z.kind)
    object.__setattr__(out, "numpy", z.numpy)
    return out


def parse_dtype(dtype_spec: Any, *, zarr_format: int = 3) -> ZDType:
    """A data type object for anything ``create_array`` takes as a dtype
    (numpy dtypes and their spellings, ``str``, zarr-python's and our data
    type objects), and for the JSON of a metadata document (a dict:
    ``ZDType.from_json``)."""
    _check_format(zarr_format)
    if isinstance(dtype_spec, dict):
        return _from_json(dtype_spec, zarr_format)
    return typed(_parse(dtype_spec))


def _check_format(zarr_format: Any) -> None:
    if zarr_format not in (2, 3):
        raise ValueError(f"zarr_format must be 2 or 3, got {zarr_format!r}")


def _from_json(data: Any, zarr_format: int) -> ZDType:
    """The data type of a metadata document's JSON. Accepted only where
    this library writes the same JSON back for it (so misspelt names,
    unknown units and other classes' configurations are refused)."""
    from zarrnative._array_meta import dtype_of_metadata
    _check_format(zarr_format)
    bad = DataTypeValidationError(f"Invalid JSON representation of a Zarr v{zarr_format} data type: {data!r}")
    try:
        if zarr_format == 3:
            if not (isinstance(data, str) or (isinstance(data, dict) and isinstance(data.get("name"), str))):
                raise bad
            z = typed(dtype_of_metadata({"zarr_format": 3, "data_type": data}))
        else:
            if not (isinstance(data, dict) and set(data) <= {"name", "object_codec_id"} and "name" in data):
                raise bad
            name, codec = data["name"], data.get("object_codec_id")
            if name == "|O":
                kinds = {"vlen-utf8": VariableLengthUTF8, "vlen-bytes": VariableLengthBytes}
                if codec not in kinds:
                    raise bad
                return kinds[codec]()
            z = typed(_parse(np.dtype([tuple(f) for f in name] if isinstance(name, list) else name)))
    except DataTypeValidationError:
        raise
    except (TypeError, ValueError, KeyError) as e:
        raise DataTypeValidationError(f"{bad}: {e}") from None
    canonical = z.to_json(zarr_format)
    if zarr_format == 2:
        canonical = dict(canonical)
        data = {"name": data["name"], "object_codec_id": data.get("object_codec_id")}
    if canonical != data:
        raise bad
    return z


class DataTypeRegistry:
    """The data types by name (zarr-python's ``data_type_registry``):
    ``get(name)`` gives the class, ``match_dtype`` / ``match_json`` the
    instance for a numpy dtype or metadata JSON. The C++ core implements
    each type, so new ones cannot be registered."""

    @property
    def contents(self) -> dict[str, type]:
        return {**_BY_V3_NAME, "structured": Structured}

    def get(self, key: str) -> type:
        return self.contents[key]

    def match_dtype(self, dtype: Any) -> ZDType:
        return typed(_parse(np.dtype(dtype)))

    def match_json(self, data: Any, *, zarr_format: int) -> ZDType:
        return _from_json(data, zarr_format)

    def register(self, key: str, cls: type) -> None:
        raise NotImplementedError(f"cannot register data type {key!r}: zarrnative's data types are implemented in "
                                  "its C++ core")

    def unregister(self, key: str) -> None:
        raise NotImplementedError(f"cannot unregister data type {key!r}: zarrnative's data types are implemented in "
                                  "its C++ core")


data_type_registry = DataTypeRegistry()
