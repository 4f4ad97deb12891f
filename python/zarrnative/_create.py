"""Creating and opening arrays: zarr-python 3.1's ``create_array``,
``open_array``, ``create``, ``array``, ``from_array`` and
``zeros``/``ones``/``full``/``empty`` (+ ``_like``).

Python only builds the metadata document of a new array (the defaults and
the shorthand spellings zarr-python accepts); the C++ core validates it
(``_core.Array.create``) and writes it. Nothing here re-checks what the core
checks: a bad codec, fill value or chunk shape comes back as the core's
typed error.
"""

from __future__ import annotations

import json
import math
import numbers
import warnings
from typing import Any, Iterable

import numpy as np

from zarrnative import _core
from zarrnative._array import Array
from zarrnative._array_meta import ZarrDType, parse_dtype
from zarrnative.codecs import BloscCodec, BytesCodec, ShardingCodec, VLenBytesCodec, VLenUTF8Codec, ZstdCodec
from zarrnative.codecs._base import Codec, codec_to_dict, is_numcodec
from zarrnative._config import config as _global_config
from zarrnative._config import default_zarr_format
from zarrnative._hierarchy import ensure_parents, read_node
from zarrnative.errors import (
    ArrayNotFoundError,
    MetadataValidationError,
    NodeTypeValidationError,
    UnstableSpecificationWarning,
    ZarrRuntimeWarning,
    ZarrUserWarning,
)
from zarrnative.storage import StorePath, make_store_path

__all__ = [
    "DEFAULT_FILL_VALUE",
    "array",
    "create",
    "create_array",
    "empty",
    "empty_like",
    "from_array",
    "full",
    "full_like",
    "ones",
    "ones_like",
    "open_array",
    "open_like",
    "zeros",
    "zeros_like",
]


class _DefaultFillValue:
    """The fill value when none is given: the data type's default (0,
    False, ""). Distinct from an explicit None, which a v2 array writes as
    null (zarr-python does the same)."""

    def __repr__(self) -> str:
        return "<default fill value>"


DEFAULT_FILL_VALUE = _DefaultFillValue()

_CREATE_MODES = ("a", "w", "w-")


# --- chunk shapes --------------------------------------------------------------
def guess_chunks(shape: tuple[int, ...], itemsize: int, *, max_bytes: int = 64 * 1024 * 1024) -> tuple[int, ...]:
    """A chunk shape for ``chunks="auto"``: the heuristic zarr-python uses
    (from h5py / PyTables), so both libraries pick the same chunks.

    The target chunk size grows with the array: 256 KiB times 2 ** log10(array
    MiB), kept within [128 KiB, max_bytes]. Starting from the whole array,
    the axes are halved in turn (rounding up) until the chunk is under the
    target, or within half of it, and under max_bytes.
    """
    if itemsize == 0 or not shape:
        return tuple(shape)
    chunks = [max(float(s), 1.0) for s in shape]
    total = math.prod(chunks) * itemsize
    target = 256 * 1024 * 2 ** math.log10(total / (1024.0 * 1024))
    target = min(max(target, 128 * 1024), max_bytes)
    axis = 0
    while True:
        size = math.prod(chunks) * itemsize
        close = size < target or abs(size - target) / target < 0.5
        if (close and size < max_bytes) or math.prod(chunks) == 1:
            break
        chunks[axis % len(chunks)] = math.ceil(chunks[axis % len(chunks)] / 2.0)
        axis += 1
    return tuple(int(c) for c in chunks)


def normalize_chunks(chunks: Any, shape: tuple[int, ...], itemsize: int) -> tuple[int, ...]:
    """Every chunk spelling zarr-python accepts: "auto" / None / True (guess),
    False (one chunk), an int (for every axis), a tuple shorter than the shape
    (the rest whole), -1 or None entries (that axis whole), dask-style
    tuples of tuples (regular ones)."""
    if chunks is None or chunks is True or (isinstance(chunks, str) and chunks == "auto"):
        return guess_chunks(shape, itemsize)
    if chunks is False:
        return tuple(shape)
    if isinstance(chunks, numbers.Integral):
        return tuple(int(chunks) for _ in shape)
    chunks = tuple(chunks)
    if chunks and all(isinstance(c, (tuple, list)) for c in chunks):
        for i, c in enumerate(chunks):
            if len(set(c[:-1])) > 1 or (len(c) > 1 and c[-1] > c[0]):
                raise ValueError(f"irregular chunk sizes in dimension {i}: {tuple(c)}; only regular chunks "
                                 "(with an optional smaller last chunk) are supported")
        chunks = tuple(c[0] for c in chunks)
    if len(chunks) > len(shape):
        raise ValueError(f"chunks {chunks} have more dimensions than the shape {shape}")
    chunks = chunks + tuple(shape[len(chunks):])
    out = []
    for c, s in zip(chunks, shape):
        if c is None or c == -1:
            out.append(int(s))
        elif isinstance(c, numbers.Integral) and not isinstance(c, bool):
            out.append(int(c))
        else:
            raise TypeError(f"chunk sizes must be integers, got {chunks}")
    return tuple(out)


def _shape(shape: Any) -> tuple[int, ...]:
    """An int or a sequence of ints (numpy integers too); floats such as
    400.5 are refused, not truncated, as zarr-python refuses them."""
    def whole(x: Any) -> bool:
        return isinstance(x, numbers.Integral) and not isinstance(x, (bool, np.bool_))

    if whole(shape):
        return (int(shape),)
    try:
        items = tuple(shape)
    except TypeError:
        raise TypeError(f"shape must be an int or a sequence of ints, got {shape!r}") from None
    if not all(whole(s) for s in items):
        raise TypeError(f"Expected an iterable of integers. Got {shape!r} instead.")
    return tuple(int(s) for s in items)


def _partition(shape: tuple[int, ...], chunks: Any, shards: Any, itemsize: int
               ) -> tuple[tuple[int, ...] | None, tuple[int, ...], str]:
    """(shard shape or None, chunk shape, index location) as zarr-python's
    create_array chooses them; "auto" inner chunks of a sharded array aim at
    1 MiB."""
    index_location = "end"
    if shards is None:
        return None, normalize_chunks(chunks, shape, itemsize), index_location
    if isinstance(chunks, str) and chunks == "auto":
        chunk_shape = guess_chunks(shape, itemsize, max_bytes=1024 * 1024)
    else:
        chunk_shape = normalize_chunks(chunks, shape, itemsize)
    if isinstance(shards, str) and shards == "auto":
        warnings.warn("Automatic shard shape inference is experimental and may change without notice.",
                      ZarrUserWarning, stacklevel=4)
        # two chunks per shard along the axes that hold more than 8 chunks
        shard_shape = tuple(c * 2 if s // c > 8 else c for s, c in zip(shape, chunk_shape))
    elif isinstance(shards, dict):
        shard_shape = _shape(shards["shape"])
        index_location = shards.get("index_location") or "end"
    else:
        shard_shape = _shape(shards)
    return shard_shape, chunk_shape, str(getattr(index_location, "value", index_location))


# --- fill values -----------------------------------------------------------------
def _float_json(x: float) -> Any:
    if math.isnan(x):
        return "NaN"
    if math.isinf(x):
        return "Infinity" if x > 0 else "-Infinity"
    return x


def warn_unstable_v3_dtype(dtype: ZarrDType) -> None:
    """zarr-python's UnstableSpecificationWarning for the v3 data types no
    Zarr specification defines yet (fixed-length text and bytes, raw bytes,
    variable-length bytes, records)."""
    if dtype.kind == "bytes" or (dtype.kind == "numeric" and dtype.numpy.kind in "SUV"):
        from zarrnative.dtype import typed
        warnings.warn(f"The data type ({typed(dtype)}) does not have a Zarr V3 specification. Arrays stored with "
                      "it may be unreadable by other Zarr libraries, and its representation may change.",
                      UnstableSpecificationWarning, stacklevel=3)


def fill_value_json(value: Any, dtype: ZarrDType, zarr_format: int) -> Any:
    """The fill value as the metadata document holds it. The core validates
    it against the data type (range, type); this only spells it in JSON."""
    if isinstance(value, _DefaultFillValue) or (value is None and zarr_format == 3):
        return dtype.default_fill_json()
    if value is None:
        return None  # v2: null (chunks never written are undefined; read as zeros)
    if isinstance(value, np.ndarray) and value.ndim == 0:
        value = value[()]
    if dtype.kind == "string":
        return value if isinstance(value, str) else str(value)
    if dtype.kind == "bytes":
        import base64
        if isinstance(value, (bytes, bytearray)):
            return base64.standard_b64encode(bytes(value)).decode("ascii")
        return value
    k = dtype.numpy.kind
    if k in "Mm":
        if isinstance(value, str) and value == "NaT":
            return value
        if isinstance(value, (numbers.Integral, np.integer)) and \
                not isinstance(value, (bool, np.bool_, np.timedelta64)):  # (timedelta64 is an np.integer)
            return int(value)
        try:  # a datetime64 / timedelta64, a date string, a datetime: in the array's unit
            return int(np.array(value, dtype=dtype.numpy.newbyteorder("=")).view(np.int64)[()])
        except (TypeError, ValueError):
            return value
    if k == "V" and dtype.numpy.fields is not None and not isinstance(value, (bytes, bytearray, str)):
        import base64  # a record: a tuple, a numpy void or a 0-d structured array
        # v3 records are little-endian whatever numpy's fields say
        nd = dtype.numpy if zarr_format == 2 else dtype.numpy.newbyteorder("<")
        try:
            return base64.standard_b64encode(np.array(value, dtype=dtype.numpy).astype(nd).tobytes()).decode("ascii")
        except (TypeError, ValueError):
            return value
    if k in "SU" and isinstance(value, (str, bytes, np.str_, np.bytes_, numbers.Number, np.generic)):
        # numpy's cast, as zarr-python: longer values are cut to the length, and numbers become their
        # text (zeros(dtype="S2") fills with b"0", ones(dtype="U2") with "1")
        try:
            value = np.array(value, dtype=dtype.numpy)[()]
        except (TypeError, ValueError, UnicodeError):
            return value
    if k in "SV":
        import base64
        if isinstance(value, (bytes, bytearray, np.bytes_, np.void)):
            raw = bytes(value)
            return base64.standard_b64encode(raw.rstrip(b"\0") if k == "S" else raw).decode("ascii")
        if isinstance(value, numbers.Integral) and value == 0:
            return ""
        return value
    if k == "U":
        return str(value) if isinstance(value, (str, np.str_)) else value
    if isinstance(value, str):
        return value  # "NaN", "Infinity", hex floats: the core parses them
    if k == "b":
        return bool(value) if isinstance(value, (bool, np.bool_)) or value in (0, 1) else value
    if k in "iu":
        if isinstance(value, (bool, np.bool_)):
            return int(value)
        if isinstance(value, (numbers.Integral, np.integer)):
            return int(value)
        if isinstance(value, (float, np.floating)) and float(value).is_integer():
            return int(value)
        return value.item() if isinstance(value, np.generic) else value
    if k == "f":
        if isinstance(value, (numbers.Real, np.number)) and not isinstance(value, (complex, np.complexfloating)):
            return _float_json(float(value))
        return value
    if k == "c":
        if isinstance(value, (list, tuple)) and len(value) == 2:
            return [v if isinstance(v, str) else _float_json(float(v)) for v in value]
        if isinstance(value, numbers.Number):
            c = complex(value)
            return [_float_json(c.real), _float_json(c.imag)]
        return value
    return value


# --- codecs ------------------------------------------------------------------------
def _as_list(value: Any) -> list:
    """A codec or an iterable of codecs as a list."""
    if value is None:
        return []
    if isinstance(value, (dict, Codec)) or is_numcodec(value) or hasattr(value, "to_dict"):
        return [value]
    return list(value)


def _evolve_v3(codec: Any, dtype: ZarrDType) -> dict:
    """A v3 codec's JSON, with what zarr-python fills in from the data type:
    no endianness for one-byte types, blosc's typesize and shuffle."""
    if isinstance(codec, BytesCodec):
        codec = codec.evolve(dtype.itemsize, dtype.has_endianness)
    elif isinstance(codec, BloscCodec):
        codec = codec.evolve(dtype.itemsize)
    elif getattr(codec, "_tunable_attrs", None) and type(codec).__name__ == "BloscCodec":
        # zarr-python's BloscCodec with typesize / shuffle left to the data type
        d = codec_to_dict(codec)["configuration"]
        tunable = codec._tunable_attrs
        codec = BloscCodec(typesize=None if "typesize" in tunable else d["typesize"], cname=d["cname"],
                           clevel=d["clevel"], blocksize=d["blocksize"],
                           shuffle=None if "shuffle" in tunable else d["shuffle"]).evolve(dtype.itemsize)
    d = codec_to_dict(codec, 3)
    # numcodecs codecs: what zarr-python fills in from the data type when left out
    name, config = d.get("name"), d.get("configuration")
    if dtype.numpy is not None and isinstance(config, dict):
        native = str(dtype.numpy.newbyteorder("="))
        fill_in = {"numcodecs.shuffle": ("elementsize", int(dtype.numpy.itemsize)),
                   "numcodecs.fixedscaleoffset": ("dtype", native),
                   "numcodecs.quantize": ("dtype", native),
                   "numcodecs.astype": ("decode_dtype", native)}.get(name)
        if fill_in and config.get(fill_in[0]) is None:
            d["configuration"] = {**config, fill_in[0]: fill_in[1]}
    if d.get("name") == "bytes":
        if dtype.itemsize <= 1 or not dtype.has_endianness:
            d.pop("configuration", None)
        elif not (d.get("configuration") or {}).get("endian"):  # {"name": "bytes"}: little, as zarr-python
            d["configuration"] = {**(d.get("configuration") or {}), "endian": "little"}
    return d


def _default_serializer(dtype: ZarrDType) -> Codec:
    if dtype.kind == "string":
        return VLenUTF8Codec()
    if dtype.kind == "bytes":
        return VLenBytesCodec()
    return BytesCodec(endian="little" if dtype.has_endianness else None)


def _codecs_v3(dtype: ZarrDType, filters: Any, serializer: Any, compressors: Any) -> list[dict]:
    """filters + serializer + compressors, with zarr-python's defaults:
    no filters, bytes (little-endian) or vlen-utf8 / vlen-bytes, zstd level 0."""
    f = [] if filters is None or (isinstance(filters, str) and filters == "auto") else _as_list(filters)
    s = _default_serializer(dtype) if isinstance(serializer, str) and serializer == "auto" else serializer
    if compressors is None:
        c: list = []
    elif isinstance(compressors, str) and compressors == "auto":
        c = [ZstdCodec(level=0, checksum=False)]
    else:
        c = _as_list(compressors)
    return [_evolve_v3(x, dtype) for x in (*f, s, *c)]


def _compressor_v2(compressors: Any) -> dict | None:
    if compressors is None:
        return None
    if isinstance(compressors, str) and compressors == "auto":
        return {"id": "zstd", "level": 0}  # numcodecs Zstd(level=0), as zarr-python writes it
    items = _as_list(compressors)
    if not items:
        return None
    if len(items) > 1:
        raise TypeError(f"Zarr format 2 arrays take a single compressor, got {len(items)}: {compressors!r}")
    return codec_to_dict(items[0], 2)


def _filters_v2(filters: Any, dtype: ZarrDType) -> list | None:
    if isinstance(filters, str) and filters == "auto":
        if dtype.kind == "string":
            return [{"id": "vlen-utf8"}]
        if dtype.kind == "bytes":
            return [{"id": "vlen-bytes"}]
        return None
    items = [codec_to_dict(f, 2) for f in _as_list(filters)]
    return items or None


def _chunk_key_encoding(value: Any, zarr_format: int) -> dict:
    """{"name": ..., "configuration": {"separator": ...}} from a dict in
    either spelling, a ("name", "sep") tuple or a zarr-python object."""
    if value is None:
        value = {"name": "v2" if zarr_format == 2 else "default"}
    elif hasattr(value, "to_dict"):
        value = value.to_dict()
    elif isinstance(value, (tuple, list)):
        value = {"name": value[0], "separator": value[1]}
    elif isinstance(value, str):
        value = {"name": value}
    if not isinstance(value, dict) or "name" not in value:
        raise TypeError(f"chunk_key_encoding must be a dict with a 'name', got {value!r}")
    name = value["name"]
    separator = value.get("separator", (value.get("configuration") or {}).get("separator"))
    if separator is None:
        separator = "." if name == "v2" else "/"
    if zarr_format == 2 and name != "v2":
        raise ValueError(f"Zarr format 2 arrays take a 'v2' chunk key encoding, got {name!r}")
    return {"name": name, "configuration": {"separator": separator}}


def _config(config: Any, **overrides: Any) -> dict:
    """The runtime configuration: {"order", "write_empty_chunks"} (defaults:
    ``zarrnative.config``'s array.order and array.write_empty_chunks)."""
    out: dict = {"order": _global_config.get("array.order"),
                 "write_empty_chunks": _global_config.get("array.write_empty_chunks")}
    if config is not None:
        if isinstance(config, dict):
            unknown = set(config) - {"order", "write_empty_chunks", "read_missing_chunks"}
            if unknown:
                raise ValueError(f"unknown array config keys {sorted(unknown)}; expected 'order' or "
                                 "'write_empty_chunks'")
            out.update(config)
        else:  # zarr-python's ArrayConfig
            out.update(order=config.order, write_empty_chunks=config.write_empty_chunks)
    out.update({k: v for k, v in overrides.items() if v is not None})
    if out.get("order", "C") not in ("C", "F"):
        raise ValueError(f"order must be 'C' or 'F', got {out['order']!r}")
    return out


# --- the native store ---------------------------------------------------------------
def native_store(store_path: StorePath) -> _core.Store:
    from zarrnative.storage._common import python_face
    native = getattr(python_face(store_path.store), "_native", None)
    if native is None:
        raise TypeError(f"zarrnative arrays live in its native stores (LocalStore, MemoryStore) for now; got "
                        f"{type(store_path.store).__name__}")
    return native


def _open_native(store_path: StorePath, zarr_format: int | None) -> _core.Array:
    from zarrnative.storage import _batch
    if zarr_format not in (2, 3, None):
        raise MetadataValidationError(f"Invalid value for 'zarr_format'. Expected 2, 3, or None. Got '{zarr_format}'.")
    if _batch.is_batched(store_path.store):  # one concurrent fetch of the candidate documents
        return _batch.open_array(store_path.store, store_path.path, zarr_format)
    return _core.Array.open(native_store(store_path), store_path.path, zarr_format)


def _warn_order_v3() -> None:
    warnings.warn("The 'order' keyword argument has no effect for Zarr format 3 arrays (memory order is a "
                  "runtime setting there). To control the memory order of a Zarr format 3 array, use the "
                  "'config' keyword argument, as in config={'order': 'C'}.", ZarrRuntimeWarning, stacklevel=4)


def _init_array(store_path: StorePath, *, shape: Any, dtype: Any, chunks: Any = "auto", shards: Any = None,
                filters: Any = "auto", compressors: Any = "auto", serializer: Any = "auto",
                fill_value: Any = DEFAULT_FILL_VALUE, order: str | None = None, zarr_format: int | None = 3,
                attributes: dict | None = None, chunk_key_encoding: Any = None, dimension_names: Any = None,
                overwrite: bool = False, config: Any = None, codecs: Iterable | None = None) -> Array:
    """Builds the metadata document of a new array and has the core validate
    and write it. ``codecs`` (v3, from the legacy ``create``) replaces
    filters/serializer/compressors."""
    zarr_format = default_zarr_format() if zarr_format is None else int(zarr_format)
    if zarr_format not in (2, 3):
        raise ValueError(f"zarr_format must be 2 or 3, got {zarr_format}")
    zdtype = parse_dtype(dtype)
    if zarr_format == 3:
        warn_unstable_v3_dtype(zdtype)
    shape = _shape(shape)
    shard_shape, chunk_shape, index_location = _partition(shape, chunks, shards, max(zdtype.itemsize_for_chunks, 1))
    key_encoding = _chunk_key_encoding(chunk_key_encoding, zarr_format)
    fill = fill_value_json(fill_value, zdtype, zarr_format)
    cfg = _config(config)

    if zarr_format == 2:
        if shard_shape is not None:
            raise ValueError(f"Zarr format 2 arrays cannot be sharded (got shards={shards!r})")
        if not (isinstance(serializer, str) and serializer == "auto"):
            raise ValueError("Zarr format 2 arrays do not support `serializer`.")
        if dimension_names is not None:
            raise ValueError("Zarr format 2 arrays do not support dimension names.")
        order = order or cfg.get("order") or "C"
        cfg["order"] = order
        doc: dict = {
            "shape": list(shape),
            "chunks": list(chunk_shape),
            "dtype": zdtype.v2_typestr,
            "fill_value": fill,
            "order": order,
            "filters": _filters_v2(filters, zdtype),
            "dimension_separator": key_encoding["configuration"]["separator"],
            "compressor": _compressor_v2(compressors),
            "zarr_format": 2,
            "attributes": dict(attributes or {}),
        }
    else:
        if order is not None:
            _warn_order_v3()
        if codecs is not None:
            codec_list = [_evolve_v3(c, zdtype) for c in _as_list(codecs)]
        else:
            codec_list = _codecs_v3(zdtype, filters, serializer, compressors)
        grid = chunk_shape
        if shard_shape is not None:
            grid = shard_shape
            codec_list = [{"name": "sharding_indexed", "configuration": {
                "chunk_shape": list(chunk_shape),
                "codecs": codec_list,
                "index_codecs": ShardingCodec(chunk_shape=chunk_shape).to_dict()["configuration"]["index_codecs"],
                "index_location": index_location,
            }}]
        doc = {
            "shape": list(shape),
            "data_type": zdtype.v3_json,
            "chunk_grid": {"name": "regular", "configuration": {"chunk_shape": list(grid)}},
            "chunk_key_encoding": key_encoding,
            "fill_value": fill,
            "codecs": codec_list,
            "attributes": dict(attributes or {}),
        }
        if dimension_names:
            doc["dimension_names"] = [None if n is None else str(n) for n in dimension_names]
        doc.update({"zarr_format": 3, "node_type": "array", "storage_transformers": []})

    text = json.dumps(doc, allow_nan=False)
    store = native_store(store_path)
    # the groups above a new array, as zarr-python writes them (refused under an array or a group
    # of the other format)
    ensure_parents(store_path.store, store_path.path, zarr_format)
    native = _core.Array.create(store, store_path.path, text, zarr_format, bool(overwrite))
    return Array(native, store_path, read_only=False, config=cfg)


# --- the public functions -------------------------------------------------------------
def create_array(store: Any = None, *, name: str | None = None, shape: Any = None, dtype: Any = None,
                 data: Any = None, chunks: Any = "auto", shards: Any = None, filters: Any = "auto",
                 compressors: Any = "auto", serializer: Any = "auto", fill_value: Any = DEFAULT_FILL_VALUE,
                 order: str | None = None, zarr_format: int | None = 3, attributes: dict | None = None,
                 chunk_key_encoding: Any = None, dimension_names: Any = None,
                 storage_options: dict | None = None, overwrite: bool = False, config: Any = None,
                 write_data: bool = True) -> Array:
    """Creates an array, as ``zarr.create_array``.

    ``store``: a path (a LocalStore there), None (a new MemoryStore), a
    store or a StorePath; ``name``: the array's path inside it. ``data``
    (instead of shape and dtype) creates the array from it and writes it
    (unless ``write_data`` is False).

    Defaults, as zarr-python 3.1: chunks guessed from the shape and item
    size (:func:`guess_chunks`); v3 codecs ``bytes`` (little-endian; none
    for one-byte types) or ``vlen-utf8`` for strings, then ``zstd`` level 0;
    v2 compressor numcodecs Zstd(level=0), filters none (``vlen-utf8`` for
    strings). With ``shards``, the chunk grid is the shard shape and the codecs
    become one ``sharding_indexed`` codec whose inner chunks are ``chunks``.
    """
    if data is not None:
        if shape is not None:
            raise ValueError("The data parameter was used, but the shape parameter was also used. "
                             "Either use the data parameter, or the shape parameter, but not both.")
        if dtype is not None:
            raise ValueError("The data parameter was used, but the dtype parameter was also used. "
                             "Either use the data parameter, or the dtype parameter, but not both.")
        return from_array(store, data=data, write_data=write_data, name=name, chunks=chunks, shards=shards,
                          filters=filters, compressors=compressors, serializer=serializer,
                          fill_value=fill_value, order=order, zarr_format=zarr_format, attributes=attributes,
                          chunk_key_encoding=chunk_key_encoding, dimension_names=dimension_names,
                          storage_options=storage_options, overwrite=overwrite, config=config)
    if shape is None:
        raise ValueError("The data parameter was set to None, but shape was not specified. "
                         "Either provide a value for data, or specify shape.")
    if dtype is None:
        raise ValueError("The data parameter was set to None, but dtype was not specified. "
                         "Either provide an array-like value for data, or specify dtype.")
    store_path = make_store_path(store, path=name, mode="a", storage_options=storage_options)
    return _init_array(store_path, shape=shape, dtype=dtype, chunks=chunks, shards=shards, filters=filters,
                       compressors=compressors, serializer=serializer, fill_value=fill_value, order=order,
                       zarr_format=zarr_format, attributes=attributes, chunk_key_encoding=chunk_key_encoding,
                       dimension_names=dimension_names, overwrite=overwrite, config=config)


def _is_zarr_array(obj: Any) -> bool:
    """A zarrnative or zarr-python Array (its chunking and codecs can be kept)."""
    return isinstance(obj, Array) or (hasattr(obj, "metadata") and hasattr(obj, "compressors")
                                      and hasattr(obj, "shards"))


def from_array(store: Any = None, *, data: Any, write_data: bool = True, name: str | None = None,
               chunks: Any = "keep", shards: Any = "keep", filters: Any = "keep", compressors: Any = "keep",
               serializer: Any = "keep", fill_value: Any = None, order: str | None = None,
               zarr_format: int | None = None, attributes: dict | None = None, chunk_key_encoding: Any = None,
               dimension_names: Any = None, storage_options: dict | None = None, overwrite: bool = False,
               config: Any = None) -> Array:
    """Creates an array from ``data`` (an array-like, or another zarrnative
    or zarr-python Array), as ``zarr.from_array``. "keep" takes the chunks,
    shards, filters, compressors and serializer of a source Array (and its
    fill value, order, chunk key encoding and dimension names where not
    given); for other data "keep" means the defaults.

    The data is copied one slab of shards (or chunks) along the first axis
    at a time, so a large source Array is never read whole.
    """
    source_is_array = _is_zarr_array(data)
    if source_is_array:
        src_format = data.metadata.zarr_format
        zarr_format = src_format if zarr_format is None else zarr_format
        same = zarr_format == src_format
        chunks = data.chunks if chunks == "keep" else chunks
        shards = data.shards if shards == "keep" else shards
        if filters == "keep":
            filters = (data.filters or None) if same else "auto"
        if compressors == "keep":
            compressors = (data.compressors or None) if same else "auto"
        if serializer == "keep":
            serializer = data.serializer if zarr_format == 3 and src_format == 3 else "auto"
        if fill_value is None:
            fill_value = data.fill_value
        if src_format == 2 and zarr_format == 3 and data.order == "F":
            warnings.warn("The 'order' attribute of a Zarr format 2 array does not have a direct analogue in "
                          "Zarr format 3. The existing order='F' of the source array will be ignored.",
                          ZarrUserWarning, stacklevel=2)
        elif order is None and zarr_format == 2:
            order = data.order
        if chunk_key_encoding is None and same:
            meta = data.metadata
            if src_format == 2:
                chunk_key_encoding = {"name": "v2", "separator": meta.dimension_separator}
            else:
                cke = meta.chunk_key_encoding
                chunk_key_encoding = cke.to_dict() if hasattr(cke, "to_dict") else cke
        if dimension_names is None and src_format == 3:
            dimension_names = data.metadata.dimension_names
    else:
        chunks = "auto" if chunks == "keep" else chunks
        shards = None if shards == "keep" else shards
        zarr_format = default_zarr_format() if zarr_format is None else zarr_format
        filters = "auto" if filters == "keep" else filters
        compressors = "auto" if compressors == "keep" else compressors
        serializer = "auto" if serializer == "keep" else serializer
        if not hasattr(data, "dtype") or not hasattr(data, "shape"):
            data = np.asarray(data)
    if fill_value is None:
        fill_value = DEFAULT_FILL_VALUE
    store_path = make_store_path(store, path=name, mode="a", storage_options=storage_options)
    result = _init_array(store_path, shape=data.shape, dtype=data.dtype, chunks=chunks, shards=shards,
                         filters=filters, compressors=compressors, serializer=serializer, fill_value=fill_value,
                         order=order, zarr_format=zarr_format, attributes=attributes,
                         chunk_key_encoding=chunk_key_encoding, dimension_names=dimension_names,
                         overwrite=overwrite, config=config)
    if write_data:
        _copy(data, result)
    return result


def _copy(data: Any, result: Array) -> None:
    if result.ndim == 0:
        result[...] = data[...] if hasattr(data, "__getitem__") else data
        return
    step = (result.shards or result.chunks)[0]
    if result.shape[0] <= step or not hasattr(data, "__getitem__"):
        result[...] = np.asarray(data[...] if _is_zarr_array(data) else data)
        return
    for start in range(0, result.shape[0], step):
        stop = min(start + step, result.shape[0])
        result[start:stop] = np.asarray(data[start:stop])


def create(shape: Any, *, chunks: Any = None, dtype: Any = None, compressor: Any = "auto",
           fill_value: Any = DEFAULT_FILL_VALUE, order: str | None = None, store: Any = None,
           synchronizer: Any = None, overwrite: bool = False, path: str | None = None, chunk_store: Any = None,
           filters: Any = None, cache_metadata: Any = None, cache_attrs: Any = None, read_only: Any = None,
           object_codec: Any = None, dimension_separator: str | None = None, write_empty_chunks: bool | None = None,
           zarr_version: int | None = None, zarr_format: int | None = None, meta_array: Any = None,
           attributes: dict | None = None, chunk_shape: Any = None, chunk_key_encoding: Any = None,
           codecs: Iterable | None = None, dimension_names: Any = None, storage_options: dict | None = None,
           config: Any = None, **kwargs: Any) -> Array:
    """zarr-python's older ``zarr.create`` (what ``zeros``, ``ones``,
    ``full``, ``empty``, ``array`` and ``open_array`` pass their keyword
    arguments to). ``chunks`` None guesses; v3 takes ``codecs`` (default:
    bytes + zstd), v2 ``compressor`` and ``filters``. Arguments of
    zarr-python 2 that do nothing in zarr-python 3 (synchronizer, chunk_store,
    cache_*, object_codec, meta_array) are accepted and ignored with a warning.
    """
    zarr_format = _zarr_format(zarr_version, zarr_format) or default_zarr_format()
    for arg, value in (("synchronizer", synchronizer), ("chunk_store", chunk_store),
                       ("cache_metadata", cache_metadata), ("cache_attrs", cache_attrs),
                       ("object_codec", object_codec), ("read_only", read_only), ("meta_array", meta_array)):
        if value is not None:
            warnings.warn(f"{arg} is not yet implemented", RuntimeWarning, stacklevel=2)
    mode = kwargs.pop("mode", None) or "a"
    if kwargs:
        raise TypeError(f"create() got unexpected keyword arguments {sorted(kwargs)}")
    if chunks is not None and chunk_shape is not None:
        raise ValueError("Only one of chunk_shape or chunks can be provided.")
    dtype = np.float64 if dtype is None else dtype
    store_path = make_store_path(store, path=path, mode=mode, storage_options=storage_options)
    zdtype = parse_dtype(dtype)
    shape = _shape(shape)
    chunk_grid = normalize_chunks(chunks if chunks else chunk_shape, shape, max(zdtype.itemsize_for_chunks, 1))
    if write_empty_chunks is not None:
        warnings.warn("The `write_empty_chunks` keyword argument is deprecated and will be removed in future "
                      "versions. Use the `config` keyword argument instead, as in "
                      "config={'write_empty_chunks': True}.", ZarrRuntimeWarning, stacklevel=2)
    cfg = _config(config, write_empty_chunks=write_empty_chunks)
    if zarr_format == 3:
        if dimension_separator is not None:
            raise ValueError("dimension_separator cannot be used for arrays with zarr_format 3. "
                             "Use chunk_key_encoding instead.")
        if filters is not None:
            raise ValueError("filters cannot be used for arrays with zarr_format 3. "
                             "Use array-to-array codecs instead.")
        if compressor != "auto":
            raise ValueError("compressor cannot be used for arrays with zarr_format 3. "
                             "Use bytes-to-bytes codecs instead.")
        return _init_array(store_path, shape=shape, dtype=dtype, chunks=chunk_grid, fill_value=fill_value,
                           order=order, zarr_format=3, attributes=attributes, chunk_key_encoding=chunk_key_encoding,
                           dimension_names=dimension_names, overwrite=overwrite, config=cfg, codecs=codecs)
    if codecs is not None:
        raise ValueError("codecs cannot be used for arrays with zarr_format 2. Use filters and compressor instead.")
    if chunk_key_encoding is not None:
        raise ValueError("chunk_key_encoding cannot be used for arrays with zarr_format 2. "
                         "Use dimension_separator instead.")
    if dimension_names is not None:
        raise ValueError("dimension_names cannot be used for arrays with zarr_format 2.")
    if filters is None and zdtype.kind in ("string", "bytes"):
        filters = "auto"
    compressors = None if compressor is None else ("auto" if isinstance(compressor, str) and compressor == "auto"
                                                   else (compressor,))
    return _init_array(store_path, shape=shape, dtype=dtype, chunks=chunk_grid, filters=filters,
                       compressors=compressors, fill_value=fill_value, order=order, zarr_format=2,
                       attributes=attributes, chunk_key_encoding={"name": "v2", "separator": dimension_separator or "."},
                       overwrite=overwrite, config=cfg)


def _zarr_format(zarr_version: int | None, zarr_format: int | None) -> int | None:
    if zarr_format is not None and zarr_version is not None and zarr_format != zarr_version:
        raise ValueError(f"zarr_format {zarr_format} does not match zarr_version {zarr_version}, "
                         "please only set one")
    if zarr_version is not None:
        warnings.warn("zarr_version is deprecated, use zarr_format", DeprecationWarning, stacklevel=3)
        return zarr_version
    return zarr_format


def open_array(store: Any = None, *, zarr_version: int | None = None, zarr_format: int | None = None,
               path: str = "", storage_options: dict | None = None, **kwargs: Any) -> Array:
    """Opens an array, as ``zarr.open_array``, with file-mode semantics:

    - ``mode="r"``: read-only (the store is opened read-only; nothing is written)
    - ``"r+"``: read and write; the array must exist
    - ``"a"`` (also the default): read and write; created (from ``kwargs``) when missing
    - ``"w"``: created, deleting whatever was at the path
    - ``"w-"``: created; FileExistsError if anything is at the path

    A missing array with ``"r"`` / ``"r+"`` raises ArrayNotFoundError (a
    FileNotFoundError). Other ``kwargs`` go to :func:`create`.
    """
    mode = kwargs.pop("mode", None)
    store_path = make_store_path(store, path=path, mode=mode, storage_options=storage_options)
    zarr_format = _zarr_format(zarr_version, zarr_format)
    config = kwargs.get("config")
    if "write_empty_chunks" in kwargs and kwargs["write_empty_chunks"] is not None:
        config = _config(config, write_empty_chunks=kwargs["write_empty_chunks"])
    try:
        native = _open_native(store_path, zarr_format)
    except FileNotFoundError as err:
        node = read_node(store_path.store, store_path.path, zarr_format)
        if node is not None and node.is_group and node.zarr_format == 3:
            # zarr-python's error for a v3 group where an array was expected
            raise NodeTypeValidationError(f"Invalid value for 'node_type'. Expected 'array'. Got 'group'. "
                                          f"(a group is at {store_path.path!r} in {store_path.store})") from err
        if not store_path.read_only and mode in _CREATE_MODES:
            return create(store=store_path, zarr_format=zarr_format or default_zarr_format(), overwrite=mode == "w",
                          **kwargs)
        raise ArrayNotFoundError(f"No array found in store {store_path.store} at path {store_path.path}") from err
    return Array(native, store_path, read_only=store_path.read_only, config=_config(config))


def _like_args(a: Any) -> dict:
    """shape, chunks and dtype of ``a``; the codecs (v3) or the order,
    filters and compressor (v2) of a zarrnative or zarr-python Array."""
    out: dict = {}
    if isinstance(getattr(a, "shape", None), tuple):
        out["shape"] = a.shape
        if isinstance(getattr(a, "chunks", None), tuple) and len(a.chunks) == len(a.shape):
            out["chunks"] = a.chunks
    if hasattr(a, "dtype"):
        out["dtype"] = a.dtype
    if _is_zarr_array(a):
        if a.metadata.zarr_format == 2:
            out["order"] = a.order
            out["compressor"] = a.metadata.compressor
            out["filters"] = a.metadata.filters
        else:
            out["codecs"] = a.metadata.codecs
            if a.shards is not None:
                out["chunks"] = a.shards  # the chunk grid; the sharding codec holds the inner chunks
    return out


def _like(a: Any, kwargs: dict, keep_fill: bool = False) -> dict:
    like = {**_like_args(a), **kwargs}
    if keep_fill and _is_zarr_array(a):
        like.setdefault("fill_value", a.fill_value)
    return like


def zeros(shape: Any, **kwargs: Any) -> Array:
    """An array whose unwritten elements read as 0."""
    return create(shape=shape, fill_value=0, **kwargs)


def ones(shape: Any, **kwargs: Any) -> Array:
    """An array whose unwritten elements read as 1."""
    return create(shape=shape, fill_value=1, **kwargs)


def full(shape: Any, fill_value: Any, **kwargs: Any) -> Array:
    """An array whose unwritten elements read as ``fill_value``."""
    return create(shape=shape, fill_value=fill_value, **kwargs)


def empty(shape: Any, **kwargs: Any) -> Array:
    """An array with nothing written (reads give the fill value; its
    contents are undefined, as in zarr-python)."""
    return create(shape=shape, **kwargs)


def zeros_like(a: Any, **kwargs: Any) -> Array:
    return zeros(**_like(a, kwargs))


def ones_like(a: Any, **kwargs: Any) -> Array:
    return ones(**_like(a, kwargs))


def full_like(a: Any, **kwargs: Any) -> Array:
    return full(**_like(a, kwargs, keep_fill=True))


def empty_like(a: Any, **kwargs: Any) -> Array:
    return empty(**_like(a, kwargs, keep_fill=True))


def open_like(a: Any, path: str, **kwargs: Any) -> Array:
    return open_array(path=path, **_like(a, kwargs, keep_fill=True))


def array(data: Any, **kwargs: Any) -> Array:
    """An array holding ``data``, as ``zarr.array`` (keyword arguments go to
    :func:`create`; another Array goes through :func:`from_array`)."""
    if _is_zarr_array(data):
        return from_array(data=data, **kwargs)
    if not hasattr(data, "shape") or not hasattr(data, "dtype"):
        data = np.asanyarray(data)
    if kwargs.get("dtype") is None:
        kwargs["dtype"] = data.dtype
    kwargs["shape"] = data.shape
    if kwargs.get("chunks") is None and isinstance(getattr(data, "chunks", None), tuple) \
            and len(data.chunks) == len(data.shape):
        kwargs["chunks"] = data.chunks
    if kwargs.pop("read_only", False):
        raise ValueError("read_only=True is no longer supported when creating new arrays")
    z = create(**kwargs)
    _copy(data, z)
    return z
