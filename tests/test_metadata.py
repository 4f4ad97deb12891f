"""Array metadata against the oracles.

zarr-python 3.1.6 writes arrays of many data types, fill values, codecs,
chunk key encodings and dimension names; the core parses each document,
writes it back unchanged, and the document it writes for a new array is read
by zarr-python and by tensorstore with the same metadata and data."""

from __future__ import annotations

import json
import math
import pathlib
import warnings

import numcodecs
import numpy as np
import pytest
import zarr as zp  # zarr-python, the oracle
from zarr.codecs import (
    BloscCodec,
    BytesCodec,
    Crc32cCodec,
    GzipCodec,
    ShardingCodec,
    TransposeCodec,
    ZstdCodec,
)
from zarr.core.dtype import VariableLengthBytes

from zarrnative import _core

NUMERIC = ["bool", "int8", "uint8", "int16", "uint16", "int32", "uint32", "int64", "uint64",
           "float16", "float32", "float64", "complex64", "complex128"]


def sample(shape, dtype, as_bytes=False) -> np.ndarray:
    dt = np.dtype(dtype)
    n = int(np.prod(shape))
    if dt.kind == "b":
        return (np.arange(n) % 3 == 0).reshape(shape)
    if dt.kind == "O" or dt.kind in "UST":
        items = [f"v{i}".encode() if as_bytes else f"v{i}" for i in range(n)]
        return np.array(items, dtype=object).reshape(shape)
    if dt.kind == "c":
        return (np.arange(n) + 0.5j * np.arange(n)).astype(dt).reshape(shape)
    return (np.arange(n) % 100).astype(dt).reshape(shape)


# (name, create_array kwargs). Every case gets shape (5, 7) and chunks
# (2, 3) unless it says otherwise.
V3_CASES = [
    *[(f"v3-{d}", dict(dtype=d)) for d in NUMERIC],
    ("v3-int16-big", dict(dtype="int16", serializer=BytesCodec(endian="big"))),
    ("v3-f8-nan", dict(dtype="float64", fill_value=np.nan)),
    ("v3-f4-inf", dict(dtype="float32", fill_value=np.inf)),
    ("v3-f2-neginf", dict(dtype="float16", fill_value=-np.inf)),
    ("v3-f4-tenth", dict(dtype="float32", fill_value=0.1)),
    ("v3-f8-negzero", dict(dtype="float64", fill_value=-0.0)),
    ("v3-f8-tiny", dict(dtype="float64", fill_value=5e-324)),
    ("v3-u8-max", dict(dtype="uint64", fill_value=2**64 - 1)),
    ("v3-i8-min", dict(dtype="int64", fill_value=-(2**63))),
    ("v3-c16-nan", dict(dtype="complex128", fill_value=complex(np.nan, -np.inf))),
    ("v3-c8", dict(dtype="complex64", fill_value=1.5 - 2j)),
    ("v3-bool-true", dict(dtype="bool", fill_value=True)),
    ("v3-nocompress", dict(dtype="int32", compressors=None)),
    ("v3-gzip-transpose", dict(dtype="uint16", filters=[TransposeCodec(order=(1, 0))],
                               compressors=[GzipCodec(level=3)])),
    ("v3-blosc-crc", dict(dtype="float32", compressors=[BloscCodec(cname="lz4", clevel=5, shuffle="shuffle"),
                                                        Crc32cCodec()])),
    ("v3-zstd-checksum", dict(dtype="int8", compressors=[ZstdCodec(level=3, checksum=True)])),
    ("v3-sharded", dict(dtype="uint8", shape=(8, 12), chunks=(2, 3), shards=(4, 6))),
    ("v3-sep-dot", dict(dtype="int32", chunk_key_encoding={"name": "default", "separator": "."})),
    ("v3-v2-keys", dict(dtype="int32", chunk_key_encoding={"name": "v2", "separator": "."})),
    ("v3-v2-keys-slash", dict(dtype="int32", chunk_key_encoding={"name": "v2", "separator": "/"})),
    ("v3-dimnames", dict(dtype="float64", dimension_names=["y", None])),
    ("v3-attrs", dict(dtype="float64", attributes={"b": [1, 2], "a": {"nested": None}, "u": "é"})),
    ("v3-0d", dict(dtype="float64", shape=(), chunks=(), fill_value=3.25)),
    ("v3-empty", dict(dtype="int32", shape=(0, 7), chunks=(2, 3))),
    ("v3-string", dict(dtype=str, fill_value="ab")),
    ("v3-bytes", dict(dtype=VariableLengthBytes(), fill_value=b"\x00\xffz")),
]

V2_CASES = [
    *[(f"v2-{t.replace('|', '')}", dict(dtype=t)) for t in
      ["|b1", "|i1", "|u1", "<i2", ">i2", "<u4", ">u8", "<f2", ">f4", "<f8", "<c8", ">c16"]],
    ("v2-nan", dict(dtype="<f8", fill_value=np.nan)),
    ("v2-big-inf", dict(dtype=">f4", fill_value=-np.inf)),
    ("v2-none", dict(dtype="<i4", fill_value=None)),
    ("v2-bool-true", dict(dtype="|b1", fill_value=True)),
    ("v2-complex", dict(dtype="<c16", fill_value=1 + 2j)),
    ("v2-order-f", dict(dtype="<i4", order="F")),
    ("v2-nocompress", dict(dtype="<u2", compressors=None)),
    ("v2-blosc", dict(dtype="<f4", compressors=numcodecs.Blosc(cname="zstd", clevel=3, shuffle=2))),
    ("v2-gzip", dict(dtype="<i8", compressors=numcodecs.GZip(level=1))),
    ("v2-delta", dict(dtype="<i4", filters=[numcodecs.Delta(dtype="<i4")], compressors=numcodecs.Zlib(level=1))),
    ("v2-slash", dict(dtype="<i4", chunk_key_encoding={"name": "v2", "separator": "/"})),
    ("v2-attrs", dict(dtype="<f8", attributes={"z": 1, "a": [True, None]})),
    ("v2-0d", dict(dtype="<f8", shape=(), chunks=(), fill_value=1.5)),
    ("v2-string", dict(dtype=str)),
    ("v2-bytes", dict(dtype=VariableLengthBytes())),
]

ALL_CASES = V3_CASES + V2_CASES


def create(root: pathlib.Path, kwargs: dict):
    kw = dict(kwargs)
    fmt = 2 if root.name.startswith("v2") else 3
    kw.setdefault("shape", (5, 7))
    kw.setdefault("chunks", (2, 3) if len(kw["shape"]) == 2 else kw["shape"])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # zarr-python's "unstable specification" warnings
        arr = zp.create_array(str(root), zarr_format=fmt, **kw)
        if arr.size:
            arr[...] = sample(arr.shape, arr.dtype, isinstance(kw["dtype"], VariableLengthBytes))
    return arr


def documents(root: pathlib.Path, fmt: int):
    if fmt == 3:
        return (root / "zarr.json").read_text(), None
    return (root / ".zarray").read_text(), (root / ".zattrs").read_text()


def parse(root: pathlib.Path, fmt: int, path="a"):
    doc, attrs = documents(root, fmt)
    return _core.ArrayMetadata.parse_v3(doc, path) if fmt == 3 else _core.ArrayMetadata.parse_v2(doc, attrs, path)


def is_vlen(arr) -> bool:
    return arr.dtype.kind in "OTSU"


def same_fill(a, b) -> bool:
    if isinstance(a, (bytes, str)) or isinstance(b, (bytes, str)) or a is None or b is None:
        return a == b
    a, b = complex(a), complex(b)
    return all((math.isnan(x) and math.isnan(y)) or x == y
               for x, y in ((a.real, b.real), (a.imag, b.imag)))


@pytest.fixture(params=ALL_CASES, ids=[c[0] for c in ALL_CASES])
def written(request, tmp_path):
    name, kwargs = request.param
    root = tmp_path / name
    arr = create(root, kwargs)
    return root, arr


def test_parses_and_writes_back_unchanged(written):
    root, arr = written
    fmt = arr.metadata.zarr_format
    meta = parse(root, fmt, "g/a")
    doc, attrs = documents(root, fmt)
    ours = json.loads(meta.to_json())
    original = json.loads(doc)
    assert ours == original
    assert list(ours) == list(original)  # zarr-python's field order
    if fmt == 2:
        assert json.loads(meta.attributes_to_json()) == json.loads(attrs)
    assert meta.zarr_format == fmt
    assert meta.path == "g/a"
    assert tuple(meta.shape) == arr.shape
    grid_chunks = arr.shards or arr.chunks  # the grid of a sharded array is its shards
    assert tuple(meta.chunk_shape) == grid_chunks
    assert meta.chunk_grid_shape == [-(-s // c) if s else 0 for s, c in zip(arr.shape, grid_chunks)]
    if is_vlen(arr):
        assert meta.typestr == "|O"
        fill = arr.metadata.fill_value
        expected = fill.encode() if isinstance(fill, str) else bytes(fill)
        assert meta.fill_value_bytes == expected
    else:
        np_dtype = arr.dtype if fmt == 2 else arr.dtype.newbyteorder("=")
        assert np.dtype(meta.typestr) == np_dtype
        fill = arr.metadata.fill_value
        expected = np.array(0 if fill is None else fill, dtype=np.dtype(meta.typestr)).tobytes()
        if not (isinstance(fill, (float, np.floating)) and np.isnan(fill)):
            assert meta.fill_value_bytes == expected
    assert json.loads(meta.fill_value_json) == original["fill_value"]
    assert json.loads(meta.attributes_json) == arr.attrs.asdict()
    if fmt == 3:
        assert meta.zarr_data_type == original["data_type"]
        assert json.loads(meta.codecs_json) == original["codecs"]
        assert json.loads(meta.chunk_key_encoding) == original["chunk_key_encoding"]
        assert meta.dimension_names == original.get("dimension_names")
    else:
        assert meta.order == original["order"]
        assert json.loads(meta.filters_json) == original["filters"]
        assert json.loads(meta.compressor_json) == original["compressor"]
        assert meta.dimension_names is None


def test_chunk_keys_and_pipeline_read_zarr_python_chunks(written):
    root, arr = written
    meta = parse(root, arr.metadata.zarr_format)
    if arr.size == 0 or is_vlen(arr):
        return
    coords = [0] * arr.ndim
    key = meta.chunk_key(coords)
    assert (root / key).is_file(), key
    if "sharding_indexed" in meta.codecs_json:
        return  # a shard holds several chunks; the Array layer reads them
    chunk = np.asarray(meta.make_pipeline().decode((root / key).read_bytes()))
    expected = arr[tuple(slice(0, c) for c in arr.chunks)]
    np.testing.assert_array_equal(chunk[tuple(slice(0, s) for s in expected.shape)], expected)


def rewrite_with_ours(root: pathlib.Path, fmt: int):
    """from_json (a new array's validation) on the document, then our
    document replaces zarr-python's."""
    doc, attrs = documents(root, fmt)
    new = json.loads(doc)
    if fmt == 2:
        new["attributes"] = json.loads(attrs)
    meta = _core.ArrayMetadata.from_json(json.dumps(new), fmt, "a")
    if fmt == 3:
        (root / "zarr.json").write_text(meta.to_json(2))
    else:
        (root / ".zarray").write_text(meta.to_json(2))
        (root / ".zattrs").write_text(meta.attributes_to_json(2))
    return meta


def test_zarr_python_reads_our_document(written):
    root, arr = written
    fmt = arr.metadata.zarr_format
    before = zp.open_array(str(root), mode="r")
    data = before[...]
    rewrite_with_ours(root, fmt)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        after = zp.open_array(str(root), mode="r")
    assert after.shape == before.shape
    assert after.dtype == before.dtype
    assert after.chunks == before.chunks
    assert after.shards == before.shards
    assert same_fill(after.metadata.fill_value, before.metadata.fill_value)
    assert after.attrs.asdict() == before.attrs.asdict()
    if fmt == 3:
        assert after.metadata.codecs == before.metadata.codecs
        assert after.metadata.chunk_key_encoding == before.metadata.chunk_key_encoding
        assert after.metadata.dimension_names == before.metadata.dimension_names
    else:
        assert after.metadata.order == before.metadata.order
        assert after.metadata.filters == before.metadata.filters
        assert after.metadata.compressor == before.metadata.compressor
        assert after.metadata.dimension_separator == before.metadata.dimension_separator
    np.testing.assert_array_equal(after[...], data)


# tensorstore has no variable-length strings in either driver, nor v2 filters.
TS_CASES = [c for c in ALL_CASES if c[0] not in ("v3-string", "v3-bytes", "v2-string", "v2-bytes", "v2-delta")]


@pytest.mark.parametrize("name,kwargs", TS_CASES, ids=[c[0] for c in TS_CASES])
def test_tensorstore_reads_our_document(tmp_path, name, kwargs):
    ts = pytest.importorskip("tensorstore")
    root = tmp_path / name
    arr = create(root, kwargs)
    fmt = arr.metadata.zarr_format
    data = arr[...]
    meta = rewrite_with_ours(root, fmt)
    store = ts.open({"driver": "zarr3" if fmt == 3 else "zarr", "kvstore": f"file://{root}"}).result()
    assert tuple(store.shape) == arr.shape
    assert store.dtype.numpy_dtype == data.dtype.newbyteorder("=")
    np.testing.assert_array_equal(store.read().result(), data)
    fill = store.fill_value
    if fill is not None:
        expected = np.frombuffer(meta.fill_value_bytes, dtype=np.dtype(meta.typestr))[0]
        assert same_fill(np.asarray(fill).item(), expected.item())
    if arr.ndim and arr.size:
        # Chunks tensorstore writes land where our chunk keys say.
        fill = np.frombuffer(meta.fill_value_bytes, dtype=np.dtype(meta.typestr))[0]
        value = np.array(not fill if data.dtype == bool else (0 if fill == 1 else 1), dtype=data.dtype)
        index = tuple(s - 1 for s in arr.shape)
        store[index] = value
        coords = [i // c for i, c in zip(index, arr.shards or arr.chunks)]
        assert (root / meta.chunk_key(coords)).is_file()


@pytest.mark.parametrize("driver,dtype,fill", [
    ("zarr3", "float32", float("nan")), ("zarr3", "int16", -7), ("zarr3", "complex64", None),
    ("zarr", "float64", float("-inf")), ("zarr", "uint8", 3), ("zarr", "bool", None),
])
def test_documents_written_by_tensorstore_parse(tmp_path, driver, dtype, fill):
    ts = pytest.importorskip("tensorstore")
    spec = {"driver": driver, "kvstore": f"file://{tmp_path}/t", "metadata": {"shape": [5, 6]}}
    if driver == "zarr3":
        spec["metadata"].update(chunk_grid={"name": "regular", "configuration": {"chunk_shape": [2, 3]}},
                                data_type=dtype)
        if fill is not None:
            spec["metadata"]["fill_value"] = "NaN" if fill != fill else fill
    else:
        spec["metadata"].update(chunks=[2, 3], dtype=np.dtype(dtype).str)
        if fill is not None:
            spec["metadata"]["fill_value"] = "-Infinity" if fill == float("-inf") else fill
    ts.open(spec, create=True).result()
    root = tmp_path / "t"
    meta = parse(root, 3 if driver == "zarr3" else 2, "t") if driver == "zarr3" else \
        _core.ArrayMetadata.parse_v2((root / ".zarray").read_text(), None, "t")
    assert meta.shape == [5, 6] and meta.chunk_shape == [2, 3]
    assert np.dtype(meta.typestr).newbyteorder("=") == np.dtype(dtype)
    value = np.frombuffer(meta.fill_value_bytes, dtype=np.dtype(meta.typestr))[0]
    expected = np.zeros((), dtype) if fill is None else np.array(fill, dtype)
    assert same_fill(value.item(), expected.item())
    # Written back with the defaults tensorstore leaves out spelled out
    # (attributes, storage_transformers, the separator): the same metadata.
    ours = json.loads(meta.to_json())
    theirs = json.loads((root / ("zarr.json" if driver == "zarr3" else ".zarray")).read_text())
    for key, value in theirs.items():
        if key == "chunk_key_encoding":
            assert ours[key]["name"] == value["name"]
        else:
            assert ours[key] == value, key


# ---- errors: typed, naming the file and the field -------------------------

V3_DOC = {
    "shape": [4], "data_type": "int32",
    "chunk_grid": {"name": "regular", "configuration": {"chunk_shape": [2]}},
    "chunk_key_encoding": {"name": "default", "configuration": {"separator": "/"}},
    "fill_value": 0, "codecs": [{"name": "bytes", "configuration": {"endian": "little"}}],
    "attributes": {}, "zarr_format": 3, "node_type": "array", "storage_transformers": [],
}


@pytest.mark.parametrize("edit,says", [
    (dict(shape=[-1]), "'shape' must be a list of non-negative integers"),
    (dict(data_type="float128"), "'data_type'"),
    (dict(fill_value="nope"), "'fill_value'"),
    (dict(fill_value=2**31), "'fill_value' must be an integer in [-2147483648, 2147483647]"),
    (dict(node_type="group"), "'node_type'"),
    (dict(dimension_names=["x", "y"]), "'dimension_names'"),
    (dict(storage_transformers=[{"name": "x"}]), "storage transformers are not supported"),
    (dict(extra=1), "unknown field 'extra'"),
    (dict(chunk_key_encoding={"name": "v2", "configuration": {"separator": "|"}}), "separator"),
])
def test_metadata_errors(edit, says):
    doc = {**V3_DOC, **edit}
    with pytest.raises(_core.MetadataValidationError) as info:
        _core.ArrayMetadata.parse_v3(json.dumps(doc), "grp/arr")
    assert "zarr.json at 'grp/arr': " in str(info.value)
    assert says in str(info.value)
    assert isinstance(info.value, ValueError)
    assert _core.MetadataError is _core.MetadataValidationError
    with pytest.raises(_core.MetadataValidationError):
        _core.ArrayMetadata.from_json(json.dumps(doc), 3, "grp/arr")


def test_codec_errors_name_the_file():
    doc = {**V3_DOC, "codecs": [V3_DOC["codecs"][0], {"name": "nosuch"}]}
    with pytest.raises(_core.CodecConfigError, match=r"zarr.json at 'q': .*nosuch"):
        _core.ArrayMetadata.parse_v3(json.dumps(doc), "q")
    zarray = {"zarr_format": 2, "shape": [4], "chunks": [2], "dtype": "<i4", "fill_value": 0,
              "order": "C", "filters": None, "compressor": {"id": "zstd", "level": 99}}
    with pytest.raises(_core.CodecConfigError, match=r".zarray at 'q': .*zstd"):
        _core.ArrayMetadata.parse_v2(json.dumps(zarray), None, "q")


def test_v2_errors():
    zarray = {"zarr_format": 2, "shape": [4], "chunks": [2], "dtype": "<q16", "fill_value": 0,
              "order": "C", "filters": None, "compressor": None}
    with pytest.raises(_core.MetadataValidationError, match=r"\.zarray at 'x': 'dtype' \"<q16\""):
        _core.ArrayMetadata.parse_v2(json.dumps(zarray), None, "x")
    zarray["dtype"] = "<U4"  # text takes a string fill value (zarr-python: "Expected a string")
    with pytest.raises(_core.MetadataValidationError, match=r"\.zarray at 'x': 'fill_value' must be a string"):
        _core.ArrayMetadata.parse_v2(json.dumps(zarray), None, "x")
    zarray["dtype"] = "<i4"
    with pytest.raises(_core.MetadataValidationError, match=r"\.zattrs at 'x'"):
        _core.ArrayMetadata.parse_v2(json.dumps(zarray), "[1]", "x")
    with pytest.raises(_core.MetadataValidationError, match="malformed JSON"):
        _core.ArrayMetadata.from_json("{", 2, "x")


def test_with_shape_attributes_and_node_type():
    meta = _core.ArrayMetadata.parse_v3(json.dumps(V3_DOC), "a")
    bigger = meta.with_shape([9])
    assert bigger.shape == [9] and bigger.chunk_grid_shape == [5] and meta.shape == [4]
    with pytest.raises(_core.MetadataValidationError):
        meta.with_shape([1, 2])
    attrs = meta.with_attributes(json.dumps({"z": 1, "a": 2}))
    assert json.loads(attrs.to_json())["attributes"] == {"z": 1, "a": 2}
    assert list(json.loads(attrs.to_json())["attributes"]) == ["z", "a"]  # order kept
    with pytest.raises(_core.MetadataValidationError):
        meta.with_attributes("[]")
    assert _core.node_type_of_v3(json.dumps(V3_DOC)) == "array"
    assert _core.node_type_of_v3('{"zarr_format": 3, "node_type": "group"}') == "group"
    assert meta.chunk_key([3]) == "c/3"
    assert "ArrayMetadata v3 'a' int32" in repr(meta)


def test_new_array_fill_value_is_canonical():
    doc = {**V3_DOC, "data_type": "float32", "fill_value": "0x7fc00000"}
    meta = _core.ArrayMetadata.from_json(json.dumps(doc), 3, "a")
    assert json.loads(meta.to_json())["fill_value"] == "NaN"
    parsed = _core.ArrayMetadata.parse_v3(json.dumps(doc), "a")
    assert json.loads(parsed.to_json())["fill_value"] == "0x7fc00000"  # an existing document: unchanged
    doc["fill_value"] = 0.1
    meta = _core.ArrayMetadata.from_json(json.dumps(doc), 3, "a")
    assert np.frombuffer(meta.fill_value_bytes, "<f4")[0] == np.float32(0.1)
    assert np.float32(json.loads(meta.fill_value_json)) == np.float32(0.1)


def test_mutated_data_types_and_fill_values_raise_typed_errors_or_round_trip():
    # Seeded mutations of valid v2/v3 data types (times, fixed-length text and bytes, records) and
    # fill values: every document either raises ValueError/TypeError or writes back a document that
    # parses to the same metadata.
    import copy
    import random

    rng = random.Random(7)
    v3types = [{"name": "numpy.datetime64", "configuration": {"unit": "ms", "scale_factor": 10}},
               {"name": "null_terminated_bytes", "configuration": {"length_bytes": 5}},
               {"name": "fixed_length_utf32", "configuration": {"length_bytes": 8}},
               {"name": "raw_bytes", "configuration": {"length_bytes": 3}},
               {"name": "structured", "configuration": {"fields": [
                   ["a", "int32"], ["n", {"name": "structured", "configuration": {"fields": [["s", "uint8"]]}}]]}}]
    v2types = ["<M8[10ms]", "|S5", ">U2", "|V3", [["a", "<i4"], ["b", ">f8", [2, 3]], ["n", [["p", "|S3"]]]]]
    vals = [0, -1, 2**63, -2**63 - 1, 1.5, "NaT", "", "YWI=", "AAAAAAAAAAAA", "AAAA", "héé", "toolong", None,
            True, [], {}, "YW=I", "\u0000", "a\u0000b", "\udfff"]

    def mutate(x):
        x = copy.deepcopy(x)
        if isinstance(x, (dict, list)) and x and rng.random() < 0.7:
            k = rng.choice(list(x)) if isinstance(x, dict) else rng.randrange(len(x))
            x[k] = mutate(x[k]) if rng.random() < 0.6 else rng.choice(vals)
            if isinstance(x, list) and rng.random() < 0.2:
                x.append(copy.deepcopy(x[0]))
            return x
        if isinstance(x, str) and rng.random() < 0.5:
            i = rng.randrange(len(x) + 1)
            return x[:i] + rng.choice(["[", "]", "0", "9", "x", "", "U"]) + x[i + 1:]
        return rng.choice(vals) if rng.random() < 0.3 else x

    parsed = 0
    for _ in range(3000):
        v3 = rng.random() < 0.5
        t = rng.choice(v3types if v3 else v2types)
        t = mutate(t) if rng.random() < 0.5 else t
        fv = rng.choice(vals) if rng.random() < 0.7 else mutate(rng.choice(vals))
        if v3:
            doc = {"zarr_format": 3, "node_type": "array", "shape": [4], "data_type": t,
                   "chunk_grid": {"name": "regular", "configuration": {"chunk_shape": [2]}},
                   "chunk_key_encoding": {"name": "default", "configuration": {"separator": "/"}},
                   "fill_value": fv, "codecs": [{"name": "bytes", "configuration": {"endian": "little"}}],
                   "attributes": {}}
            parse = lambda text, p: _core.ArrayMetadata.parse_v3(text, p)  # noqa: E731
        else:
            doc = {"zarr_format": 2, "shape": [4], "chunks": [2], "dtype": t, "fill_value": fv, "order": "C",
                   "filters": None, "compressor": None}
            parse = lambda text, p: _core.ArrayMetadata.parse_v2(text, None, p)  # noqa: E731
        try:
            m = parse(json.dumps(doc), "f")
        except (ValueError, TypeError):
            continue
        parsed += 1
        again = parse(m.to_json(), "g")
        assert again.to_json() == m.to_json() and again.fill_value_bytes == m.fill_value_bytes, doc
    assert parsed > 200  # the mutations leave enough documents valid to test the round trip
