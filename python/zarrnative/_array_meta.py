"""Views of an array's metadata for the Array properties: data types,
``metadata`` (zarr-python's ArrayV2Metadata / ArrayV3Metadata attributes),
``filters`` / ``serializer`` / ``compressors`` and ``info``.

All of it reads the metadata document the core wrote back (already
validated); nothing here validates.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from zarrnative.codecs._base import _REGISTRY, codec_from_dict

__all__ = ["ZarrDType", "array_info", "codec_parts", "metadata_view", "parse_dtype"]


# --- data types ------------------------------------------------------------------
_V3_NAMES = {"bool", "int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64",
             "float16", "float32", "float64", "complex64", "complex128"}
_CLASS_NAMES = {"bool": "Bool", "int8": "Int8", "int16": "Int16", "int32": "Int32", "int64": "Int64",
                "uint8": "UInt8", "uint16": "UInt16", "uint32": "UInt32", "uint64": "UInt64",
                "float16": "Float16", "float32": "Float32", "float64": "Float64",
                "complex64": "Complex64", "complex128": "Complex128",
                "string": "VariableLengthUTF8", "variable_length_bytes": "VariableLengthBytes",
                "numpy.datetime64": "DateTime64", "numpy.timedelta64": "TimeDelta64",
                "null_terminated_bytes": "NullTerminatedBytes", "fixed_length_utf32": "FixedLengthUTF32",
                "raw_bytes": "RawBytes"}
# numpy kinds of the fixed-size types that take a configuration in v3
_CONFIGURED_V3 = {"M": "numpy.datetime64", "m": "numpy.timedelta64", "S": "null_terminated_bytes",
                  "U": "fixed_length_utf32", "V": "raw_bytes"}


@dataclass(frozen=True)
class ZarrDType:
    """A Zarr data type: ``kind`` is "numeric" (every fixed-size type:
    numbers, times, fixed-length bytes and text, raw bytes), "string" or
    "bytes" (variable-length); ``numpy`` the numpy dtype of fixed-size types
    (with its byte order)."""

    kind: str
    numpy: np.dtype | None = None

    @property
    def v3_name(self) -> str:
        if self.kind == "string":
            return "string"
        if self.kind == "bytes":
            return "variable_length_bytes"
        return _CONFIGURED_V3.get(self.numpy.kind) or self.numpy.name

    @property
    def v3_json(self) -> Any:
        """The v3 ``data_type`` member: a name, or for times, fixed-length
        bytes and text and raw bytes an object with their configuration."""
        name = self.v3_name
        if self.kind == "numeric" and self.numpy.fields is not None:
            return _struct_v3_json(self.numpy)
        if self.kind != "numeric" or self.numpy.kind not in _CONFIGURED_V3:
            return name
        if self.numpy.kind in "Mm":
            unit, scale = np.datetime_data(self.numpy)
            return {"name": name, "configuration": {"unit": unit, "scale_factor": int(scale)}}
        return {"name": name, "configuration": {"length_bytes": int(self.numpy.itemsize)}}

    @property
    def v2_typestr(self) -> Any:
        """The v2 ``dtype``: a typestr, or a structured type's list of fields."""
        if self.kind != "numeric":
            return "|O"
        if self.numpy.fields is not None:
            return _descr_json(self.numpy)
        return self.numpy.str

    @property
    def itemsize(self) -> int:
        return self.numpy.itemsize if self.kind == "numeric" else 16

    @property
    def itemsize_for_chunks(self) -> int:
        """The item size the chunk heuristic uses: 1 for variable-length
        types (as zarr-python, which has no item size for them)."""
        return self.numpy.itemsize if self.kind == "numeric" else 1

    @property
    def has_endianness(self) -> bool:
        return self.kind == "numeric" and self.numpy.itemsize > 1 and self.numpy.kind not in "SV"

    def default_fill_json(self) -> Any:
        if self.kind in ("string", "bytes"):
            return ""
        k = self.numpy.kind
        if k in "Mm":
            return -(2**63)  # NaT, as zarr-python
        if k in "SU":
            return ""
        if k == "V":
            import base64
            return base64.standard_b64encode(bytes(self.numpy.itemsize)).decode("ascii")
        if k == "b":
            return False
        if k in "iu":
            return 0
        if k == "c":
            return [0.0, 0.0]
        return 0.0

    def __class_getitem__(cls, item: Any) -> type:
        return cls  # ZDType[...] in annotations, as zarr-python's generic class

    @property
    def dtype_cls(self) -> type:
        """The numpy dtype class (np.dtypes.Int8DType, ...) of to_native_dtype()."""
        return type(self.to_native_dtype())

    def to_native_dtype(self) -> np.dtype:
        """The numpy dtype results have: StringDType for strings, object
        for bytes."""
        if self.kind == "string":
            try:
                return np.dtypes.StringDType()
            except AttributeError:  # numpy < 2
                return np.dtype(object)
        if self.kind == "bytes":
            return np.dtype(object)
        return self.numpy

    def __repr__(self) -> str:
        # zarr-python's data type classes and their fields
        if self.kind == "numeric" and self.numpy.fields is not None:
            fields = ", ".join(f"({n!r}, {ZarrDType('numeric', self.numpy.fields[n][0])!r})" for n in self.numpy.names)
            return f"Structured(fields=({fields}{',' if len(self.numpy.names) == 1 else ''}))"
        name = _CLASS_NAMES.get(self.v3_name, self.v3_name)
        order = None
        if self.has_endianness:
            order = "big" if self.numpy.byteorder == ">" or (
                self.numpy.byteorder == "=" and np.little_endian is False) else "little"
        if self.kind == "numeric" and self.numpy.kind in "Mm":
            unit, scale = np.datetime_data(self.numpy)
            return f"{name}(endianness='{order}', scale_factor={scale}, unit='{unit}')"
        if self.kind == "numeric" and self.numpy.kind == "U":
            return f"{name}(length={self.numpy.itemsize // 4}, endianness='{order}')"
        if self.kind == "numeric" and self.numpy.kind in "SV":
            return f"{name}(length={self.numpy.itemsize})"
        if order:
            return f"{name}(endianness='{order}')"
        return f"{name}()"

    def __str__(self) -> str:
        return repr(self)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, ZarrDType):
            return self.kind == other.kind and self.numpy == other.numpy
        try:
            return parse_dtype(other) == self
        except (TypeError, ValueError):
            return NotImplemented

    def __hash__(self) -> int:
        return hash((self.kind, self.numpy))


def _descr_json(nd: np.dtype) -> list:
    """A structured dtype's fields as the v2 ``dtype`` list (numpy's descr
    in lists). Padding and overlapping fields have no spelling there."""
    if any(name == "" for name, *_ in nd.descr) or nd.itemsize != sum(nd.fields[n][0].itemsize for n in nd.names):
        raise TypeError(f"unsupported data type {nd!r}: structured types must be packed, without padding")
    out = []
    for name in nd.names:
        t = nd.fields[name][0]
        if t.subdtype is not None:
            base, shape = t.subdtype
            out.append([name, _descr_json(base) if base.fields is not None else base.str, list(shape)])
        else:
            out.append([name, _descr_json(t) if t.fields is not None else t.str])
    return out


def _struct_v3_json(nd: np.dtype) -> dict:
    fields = []
    for name in nd.names:
        t = nd.fields[name][0]
        if t.subdtype is not None:
            raise TypeError(f"unsupported data type {nd!r}: Zarr v3 structured types have no subarray fields "
                            "(Zarr v2 has)")
        fields.append([name, _struct_v3_json(t) if t.fields is not None else parse_dtype(t).v3_json])
    return {"name": "structured", "configuration": {"fields": fields}}


def parse_dtype(dtype: Any) -> ZarrDType:
    """Anything zarr-python takes as a dtype: numpy dtypes and their
    spellings ("<u2", ">f8", np.float32, "float32"), ``str`` / "str" /
    "string" / ``np.dtypes.StringDType()`` (variable-length UTF-8),
    "variable_length_bytes" / ``bytes`` (variable-length bytes) and
    zarr-python's data type objects.

    numpy's fixed-size types other than numbers keep their fixed size, as in
    zarr-python: datetime64 / timedelta64, ``"S5"`` (null_terminated_bytes),
    ``"<U5"`` (fixed_length_utf32) and ``"V5"`` (raw_bytes). numpy's object
    dtype is refused as ambiguous, as zarr-python refuses it.
    """
    if isinstance(dtype, ZarrDType):
        return dtype
    if dtype is str or (isinstance(dtype, str) and dtype in ("str", "string")):
        return ZarrDType("string")
    if dtype is bytes or (isinstance(dtype, str) and dtype == "variable_length_bytes"):
        return ZarrDType("bytes")
    cls = type(dtype).__name__
    if cls in ("VariableLengthUTF8", "StringDType"):
        return ZarrDType("string")
    if cls == "VariableLengthBytes":
        return ZarrDType("bytes")
    if hasattr(dtype, "to_native_dtype") and not isinstance(dtype, np.dtype):  # zarr-python ZDType
        dtype = dtype.to_native_dtype()
    try:
        nd = np.dtype(dtype)
    except TypeError as e:
        raise TypeError(f"unsupported data type {dtype!r}: {e}") from None
    if nd.kind == "T":
        return ZarrDType("string")
    if nd.kind == "U" and nd.itemsize == 0:  # numpy's unsized str
        return ZarrDType("string")
    if nd.kind == "O":
        raise ValueError("the numpy object dtype is ambiguous (text or bytes?); use dtype=str for text or "
                         "dtype='variable_length_bytes' for bytes")
    if nd.fields is not None:
        _descr_json(nd)  # packed, no padding
        return ZarrDType("numeric", nd)
    if nd.kind not in "biufcMmSUV" or nd.subdtype is not None:
        raise TypeError(f"unsupported data type {nd!r}: zarrnative supports bool, integers, floats, complex, "
                        "datetime64, timedelta64, fixed-length bytes, text and raw bytes, str and "
                        "variable-length bytes")
    if nd.kind in "SUV" and nd.itemsize == 0:
        raise TypeError(f"unsupported data type {nd!r}: fixed-length types need a length, such as 'S5'")
    return ZarrDType("numeric", nd)


def numpy_descr(fields: list) -> list:
    """numpy's descr (lists of tuples) from its JSON spelling (lists of lists)."""
    return [(f[0], numpy_descr(f[1]) if isinstance(f[1], list) else f[1], *[tuple(s) for s in f[2:3]])
            for f in fields]


def _struct_fields_v3(fields: list) -> np.dtype:
    out = []
    for name, t in fields:
        if isinstance(t, dict) and t.get("name") == "structured":
            out.append((name, _struct_fields_v3(t["configuration"]["fields"])))
        else:
            out.append((name, dtype_of_metadata({"zarr_format": 3, "data_type": t}).numpy))
    return np.dtype(out)


def typed_dtype_of_metadata(meta: dict) -> ZarrDType:
    """dtype_of_metadata as an instance of its zarrnative.dtype class (Int32, ...)."""
    from zarrnative.dtype import typed
    return typed(dtype_of_metadata(meta))


def dtype_of_metadata(meta: dict) -> ZarrDType:
    if meta.get("zarr_format") == 3:
        name = meta["data_type"]
        if name == "string":
            return ZarrDType("string")
        if name == "variable_length_bytes":
            return ZarrDType("bytes")
        if isinstance(name, dict):  # validated by the core
            config = name.get("configuration") or {}
            kind = name["name"]
            if kind == "structured":
                return ZarrDType("numeric", _struct_fields_v3(config["fields"]))
            if kind in ("numpy.datetime64", "numpy.timedelta64"):
                unit, scale = config["unit"], int(config["scale_factor"])
                code = "M8" if kind == "numpy.datetime64" else "m8"
                return ZarrDType("numeric", np.dtype(f"<{code}" if unit == "generic" else f"<{code}[{scale}{unit}]"))
            n = int(config.get("length_bytes", 0))
            if kind == "fixed_length_utf32":
                return ZarrDType("numeric", np.dtype(f"<U{n // 4}"))
            if kind in ("null_terminated_bytes", "raw_bytes"):
                return ZarrDType("numeric", np.dtype(f"S{n}" if kind == "null_terminated_bytes" else f"V{n}"))
            name = kind
        if isinstance(name, str) and name.startswith("r") and name[1:].isdigit():  # raw bits "r16"
            return ZarrDType("numeric", np.dtype(f"V{int(name[1:]) // 8}"))
        return ZarrDType("numeric", np.dtype(name).newbyteorder("<") if name != "bool" else np.dtype(bool))
    if isinstance(meta["dtype"], list):
        return ZarrDType("numeric", np.dtype(numpy_descr(meta["dtype"])))
    if meta["dtype"] == "|O":
        ids = [f.get("id") for f in meta.get("filters") or []]
        return ZarrDType("bytes" if "vlen-bytes" in ids else "string")
    return ZarrDType("numeric", np.dtype(meta["dtype"]))


def fill_value_of(fill_json: Any, dtype: ZarrDType) -> Any:
    """The fill value as zarr-python's metadata holds it: a numpy scalar (a
    str for strings, bytes for bytes; None for a v2 null)."""
    if fill_json is None:
        return None
    if dtype.kind == "string":
        return str(fill_json)
    if dtype.kind == "bytes":
        import base64
        return base64.standard_b64decode(fill_json) if isinstance(fill_json, str) else bytes(fill_json)
    k = dtype.numpy.kind
    if k in "Mm":
        n = -(2**63) if fill_json == "NaT" else int(fill_json)
        return np.array(n, dtype=np.int64).view(dtype.numpy.newbyteorder("="))[()]
    if k in "SV":
        import base64
        raw = base64.standard_b64decode(fill_json).ljust(dtype.numpy.itemsize, b"\0")
        return np.frombuffer(raw, dtype=dtype.numpy)[0]
    if k == "U":
        return dtype.numpy.type(fill_json)
    special = {"NaN": math.nan, "Infinity": math.inf, "-Infinity": -math.inf}
    # a float component's size (complex64 holds two float32)
    part = dtype.numpy.itemsize // 2 if dtype.numpy.kind == "c" else dtype.numpy.itemsize

    def num(v: Any) -> Any:
        if isinstance(v, str) and v in special:
            return special[v]
        if isinstance(v, str) and v.startswith("0x"):  # a float's raw bits, big-endian hex
            return np.array(int(v, 16), dtype=f"u{part}").view(f"f{part}")[()]
        return v

    if dtype.numpy.kind == "c" and isinstance(fill_json, (list, tuple)):
        return dtype.numpy.type(complex(num(fill_json[0]), num(fill_json[1])))
    return dtype.numpy.type(num(fill_json))


# --- metadata views ----------------------------------------------------------------
@dataclass(frozen=True)
class RegularChunkGrid:
    chunk_shape: tuple[int, ...]

    def to_dict(self) -> dict:
        return {"name": "regular", "configuration": {"chunk_shape": list(self.chunk_shape)}}


@dataclass(frozen=True)
class ChunkKeyEncoding:
    name: str
    separator: str

    def encode_chunk_key(self, chunk_coords: tuple[int, ...]) -> str:
        if self.name == "v2":
            return self.separator.join(map(str, chunk_coords)) or "0"
        return self.separator.join(("c", *map(str, chunk_coords)))

    def to_dict(self) -> dict:
        return {"name": self.name, "configuration": {"separator": self.separator}}

    def __repr__(self) -> str:
        kind = "V2ChunkKeyEncoding" if self.name == "v2" else "DefaultChunkKeyEncoding"
        return f"{kind}(separator='{self.separator}')"


def _numcodec(config: dict | None) -> Any:
    """A numcodecs codec where numcodecs is installed (and knows the id),
    else the config dict."""
    if config is None:
        return None
    try:
        import numcodecs
        return numcodecs.get_codec(dict(config))
    except Exception:  # numcodecs missing or the id unknown to it: keep the dict
        return dict(config)


@dataclass(frozen=True, eq=False)
class ArrayV3Metadata:
    """zarr-python's ArrayV3Metadata (its fields, in its order, so that
    repr and pprint show it alike) over a zarr.json document."""

    shape: tuple[int, ...]
    data_type: Any
    chunk_grid: RegularChunkGrid
    chunk_key_encoding: ChunkKeyEncoding
    fill_value: Any
    codecs: tuple
    attributes: dict
    dimension_names: tuple | None
    zarr_format: int = 3
    node_type: str = "array"
    storage_transformers: tuple = ()
    extra_fields: dict = field(default_factory=dict)
    _doc: dict = field(default_factory=dict, repr=False)

    _KNOWN = frozenset({"shape", "data_type", "chunk_grid", "chunk_key_encoding", "fill_value", "codecs",
                        "attributes", "dimension_names", "zarr_format", "node_type", "storage_transformers"})

    @classmethod
    def of(cls, doc: dict, fill_value: Any) -> ArrayV3Metadata:
        e = doc["chunk_key_encoding"]
        sep = (e.get("configuration") or {}).get("separator", "." if e["name"] == "v2" else "/")
        names = doc.get("dimension_names")
        return cls(shape=tuple(doc["shape"]), data_type=typed_dtype_of_metadata(doc),
                   chunk_grid=RegularChunkGrid(tuple(doc["chunk_grid"]["configuration"]["chunk_shape"])),
                   chunk_key_encoding=ChunkKeyEncoding(e["name"], sep), fill_value=fill_value,
                   codecs=tuple(codec_from_dict(c) for c in doc["codecs"]),
                   attributes=dict(doc.get("attributes", {})),
                   dimension_names=tuple(names) if names is not None else None,
                   extra_fields={k: v for k, v in doc.items() if k not in cls._KNOWN}, _doc=doc)

    @property
    def dtype(self) -> Any:
        return self.data_type

    @property
    def ndim(self) -> int:
        return len(self.shape)

    def _sharding(self) -> dict | None:
        codecs = self._doc["codecs"]
        if len(codecs) == 1 and codecs[0].get("name") == "sharding_indexed":
            return codecs[0]["configuration"]
        return None

    @property
    def chunks(self) -> tuple[int, ...]:
        s = self._sharding()
        return tuple(s["chunk_shape"]) if s else self.chunk_grid.chunk_shape

    @property
    def shards(self) -> tuple[int, ...] | None:
        return self.chunk_grid.chunk_shape if self._sharding() else None

    @property
    def inner_codecs(self) -> tuple:
        s = self._sharding()
        return tuple(codec_from_dict(c) for c in s["codecs"]) if s else self.codecs

    def to_dict(self) -> dict:
        import copy
        return copy.deepcopy(self._doc)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, ArrayV3Metadata) and self._doc == other._doc

    __hash__ = None


@dataclass(frozen=True, eq=False)
class ArrayV2Metadata:
    """zarr-python's ArrayV2Metadata (its fields, in its order) over a
    .zarray document (with the .zattrs as "attributes")."""

    shape: tuple[int, ...]
    chunks: tuple[int, ...]
    dtype: Any
    fill_value: Any
    order: str
    filters: tuple | None
    dimension_separator: str
    compressor: Any
    attributes: dict
    zarr_format: int = 2
    _doc: dict = field(default_factory=dict, repr=False)

    node_type = "array"
    shards = None

    @property
    def chunk_grid(self) -> RegularChunkGrid:
        return RegularChunkGrid(self.chunks)

    @classmethod
    def of(cls, doc: dict, fill_value: Any) -> ArrayV2Metadata:
        f = doc.get("filters")
        return cls(shape=tuple(doc["shape"]), chunks=tuple(doc["chunks"]), dtype=typed_dtype_of_metadata(doc),
                   fill_value=fill_value, order=doc.get("order", "C"),
                   filters=None if f is None else tuple(_numcodec(c) for c in f),
                   dimension_separator=doc.get("dimension_separator") or ".",
                   compressor=_numcodec(doc.get("compressor")), attributes=dict(doc.get("attributes", {})), _doc=doc)

    @property
    def ndim(self) -> int:
        return len(self.shape)

    def to_dict(self) -> dict:
        import copy
        return copy.deepcopy(self._doc)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, ArrayV2Metadata) and self._doc == other._doc

    __hash__ = None


def metadata_view(meta: dict, fill_value: Any = None) -> ArrayV3Metadata | ArrayV2Metadata:
    """zarr-python's ``Array.metadata`` over a metadata document (v3
    zarr.json, or v2 .zarray with the .zattrs as "attributes")."""
    if fill_value is None:
        fill_value = fill_value_of(meta.get("fill_value"), dtype_of_metadata(meta))
    if meta.get("zarr_format") == 3:
        return ArrayV3Metadata.of(meta, fill_value)
    return ArrayV2Metadata.of(meta, fill_value)


# --- filters / serializer / compressors --------------------------------------------------
# numcodecs codecs that map arrays to arrays (the rest, in v3 "numcodecs.*" form, map bytes)
_NUMCODECS_ARRAY_TO_ARRAY = {"delta", "fixedscaleoffset", "astype", "quantize", "bitround", "packbits"}
_NUMCODECS_ARRAY_TO_BYTES = {"zfpy", "pcodec"}


def _kind(codec: Any) -> str:
    if isinstance(codec, dict):
        name = codec.get("name", "")
        if name.startswith("numcodecs."):
            if name[10:] in _NUMCODECS_ARRAY_TO_ARRAY:
                return "array_to_array"
            return "array_to_bytes" if name[10:] in _NUMCODECS_ARRAY_TO_BYTES else "bytes_to_bytes"
        cls = _REGISTRY.get(name)
        return cls.kind if cls else "bytes_to_bytes"
    return codec.kind


def codec_parts(meta: dict) -> tuple[tuple, Any, tuple]:
    """(filters, serializer, compressors), as zarr-python's Array
    properties: for a sharded v3 array, the inner chunks' codecs (the
    sharding codec itself is not shown); for v2, numcodecs codecs (or
    dicts without numcodecs), serializer None and no filters for null."""
    if meta.get("zarr_format") == 2:
        filters = tuple(_numcodec(c) for c in meta.get("filters") or [])
        comp = meta.get("compressor")
        return filters, None, (() if comp is None else (_numcodec(comp),))
    codecs = meta["codecs"]
    if len(codecs) == 1 and codecs[0].get("name") == "sharding_indexed":
        codecs = codecs[0]["configuration"]["codecs"]
    objs = [codec_from_dict(c) for c in codecs]
    kinds = [_kind(c) for c in objs]
    i = kinds.index("array_to_bytes") if "array_to_bytes" in kinds else len(objs)
    serializer = objs[i] if i < len(objs) else None
    return tuple(objs[:i]), serializer, tuple(objs[i + 1:])


# --- info ---------------------------------------------------------------------------------
def _byte_info(n: int) -> str:
    if n < 2 ** 10:
        return str(n)
    for i, unit in enumerate("KMGTPE", start=1):
        if n < 2 ** (10 * (i + 1)) or unit == "E":
            return f"{n} ({n / 2 ** (10 * i):.1f}{unit})"
    return str(n)


@dataclass
class ArrayInfo:
    """A readable summary of an array, laid out as zarr-python's
    ``Array.info`` (repr and str alike)."""

    zarr_format: int
    data_type: Any
    fill_value: Any
    shape: tuple
    shard_shape: tuple | None
    chunk_shape: tuple
    order: str
    read_only: bool
    store_type: str
    filters: tuple
    serializer: Any
    compressors: tuple
    count_bytes: int | None = None
    count_bytes_stored: int | None = None
    count_chunks_initialized: int | None = None

    def __repr__(self) -> str:
        rows = [("Type", "Array"), ("Zarr format", self.zarr_format), ("Data type", self.data_type),
                ("Fill value", self.fill_value), ("Shape", self.shape)]
        if self.shard_shape is not None:
            rows.append(("Shard shape", self.shard_shape))
        rows += [("Chunk shape", self.chunk_shape), ("Order", self.order), ("Read-only", self.read_only),
                 ("Store type", self.store_type), ("Filters", self.filters)]
        if self.serializer is not None:
            rows.append(("Serializer", self.serializer))
        rows.append(("Compressors", self.compressors))
        if self.count_bytes is not None:
            rows.append(("No. bytes", _byte_info(self.count_bytes)))
        if self.count_bytes_stored is not None:
            rows.append(("No. bytes stored", _byte_info(self.count_bytes_stored)))
            if self.count_bytes and self.count_bytes_stored > 0:
                rows.append(("Storage ratio", f"{self.count_bytes / self.count_bytes_stored:.1f}"))
        if self.count_chunks_initialized is not None:
            label = "Shards Initialized" if self.shard_shape is not None else "Chunks Initialized"
            rows.append((label, self.count_chunks_initialized))
        return "\n".join(f"{k:<19}: {v}" for k, v in rows)

    __str__ = __repr__

    def _repr_pretty_(self, p: Any, cycle: bool) -> None:
        p.text(repr(self))


def array_info(array: Any, complete: bool = False) -> ArrayInfo:
    """``Array.info`` (``complete=True``: ``info_complete()``, which also
    counts the bytes stored and the chunks initialised, listing the store)."""
    meta = array._meta
    filters, serializer, compressors = codec_parts(meta)
    info = ArrayInfo(
        zarr_format=meta["zarr_format"],
        data_type=typed_dtype_of_metadata(meta),
        fill_value=array.fill_value,
        shape=array.shape,
        shard_shape=array.shards,
        chunk_shape=array.chunks,
        order=array.order,
        read_only=array.read_only,
        store_type=type(array.store).__name__,
        filters=filters,
        serializer=serializer,
        compressors=compressors,
        count_bytes=array.nbytes,
    )
    if complete:
        info.count_bytes_stored = array.nbytes_stored()
        # zarr-python counts the shards of a sharded array here ("Shards Initialized")
        info.count_chunks_initialized = (array._nshards_initialized if array.shards is not None
                                         else array.nchunks_initialized)
    return info
