"""Variable-length strings and bytes: the vlen-utf8 / vlen-bytes codecs
against zarr-python 3 and numcodecs, both ways, in Zarr v3 ("string",
"variable_length_bytes") and v2 ('|O' with a vlen filter); the conversion
between Python items and NDArrays; and what a string NDArray refuses to
export (its memory holds pointers)."""

from __future__ import annotations

import base64
import gc
import json
import pathlib
import warnings

import numcodecs
import numpy as np
import pytest
import zarr as zp  # zarr-python, the oracle
from zarr.core.dtype import VariableLengthBytes

from zarrnative import _core, errors

TEXT = ["", "a", "zarr", "é€😀", "日本語のテキスト", "\x00nul", "x" * 1000, "tab\tnew\nline"]
BLOBS = [b"", b"\x00", b"\xff\xfe", b"abc", bytes(range(256)), b"\x80" * 50]


def text_field(shape, seed=0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    items = [TEXT[i] + str(j) * (j % 3) for j, i in enumerate(rng.integers(0, len(TEXT), int(np.prod(shape))))]
    return np.array(items, dtype=object).reshape(shape)


def blob_field(shape, seed=0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    out = np.empty(int(np.prod(shape)), dtype=object)
    for j, i in enumerate(rng.integers(0, len(BLOBS), out.size)):
        out[j] = BLOBS[i] + bytes([j % 256]) * (j % 4)
    return out.reshape(shape)


def create(root: pathlib.Path, data: np.ndarray, kind: str, **kwargs):
    dtype = str if kind == "string" else VariableLengthBytes()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # "variable_length_bytes has no Zarr v3 specification"
        arr = zp.create_array(str(root), shape=data.shape, dtype=dtype, overwrite=True, **kwargs)
    return arr


def metadata(root: pathlib.Path) -> dict:
    path = root / "zarr.json"
    return json.loads(path.read_text()) if path.exists() else json.loads((root / ".zarray").read_text())


def kind_of(meta: dict) -> str:
    if meta.get("zarr_format") == 2:
        ids = [f["id"] for f in meta.get("filters") or []]
        return "string" if "vlen-utf8" in ids else "variable_length_bytes"
    return meta["data_type"]


def fill_of(meta: dict) -> bytes:
    """The fill value's bytes: UTF-8 text, or base64-decoded bytes."""
    value = meta["fill_value"]
    if value is None:
        return b""
    if kind_of(meta) == "string":
        return value.encode()
    return base64.standard_b64decode(value)


def pipeline(meta: dict, chunk_shape):
    kind = kind_of(meta)
    if meta.get("zarr_format") == 2:
        return _core.CodecPipeline.from_v2(json.dumps(meta), kind, list(chunk_shape), fill_of(meta))
    return _core.CodecPipeline.from_v3(json.dumps(meta["codecs"]), kind, list(chunk_shape), fill_of(meta))


def read(root: pathlib.Path):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return zp.open_array(str(root), mode="r")[...]


def native_dtype(root: pathlib.Path):
    """The numpy dtype zarr-python reads the array as."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return zp.open_array(str(root), mode="r").dtype


def assert_items_equal(actual, expected) -> None:
    a, e = np.asarray(actual), np.asarray(expected)
    assert a.shape == e.shape
    assert [x for x in a.astype(object).ravel()] == [x for x in e.astype(object).ravel()]


def check_one_chunk(tmp_path: pathlib.Path, data: np.ndarray, kind: str, **kwargs) -> None:
    """zarr-python -> zarrnative and zarrnative -> zarr-python for one chunk."""
    root = tmp_path / "a"
    arr = create(root, data, kind, chunks=data.shape, **kwargs)
    arr[...] = data
    meta = metadata(root)
    fmt = meta["zarr_format"]
    key = ("c/" + "/".join("0" * data.ndim) if fmt == 3 else ".".join("0" * data.ndim)) if data.ndim else (
        "c" if fmt == 3 else "0")
    chunk = (root / key).read_bytes()
    expected = read(root)
    assert_items_equal(expected, data)
    p = pipeline(meta, data.shape)

    decoded = np.asarray(p.decode(chunk))
    assert decoded.dtype == native_dtype(root)  # StringDType for text, object for bytes, as zarr-python
    assert_items_equal(decoded, data)

    nd = _core.vlen_from_python(data, "string" if kind == "string" else "bytes")
    (root / key).write_bytes(p.encode(nd))
    assert_items_equal(read(root), data)


# --- interop, one chunk ----------------------------------------------------------

@pytest.mark.parametrize("shape", [(8,), (3, 5), (2, 3, 4), ()])
@pytest.mark.parametrize("compressors", ["auto", None], ids=["zstd", "raw"])
def test_v3_string(tmp_path, shape, compressors):
    check_one_chunk(tmp_path, text_field(shape), "string", compressors=compressors)


@pytest.mark.parametrize("shape", [(7,), (4, 3)])
def test_v3_variable_length_bytes(tmp_path, shape):
    check_one_chunk(tmp_path, blob_field(shape), "bytes", compressors=zp.codecs.GzipCodec(level=1))


@pytest.mark.parametrize("order", ["C", "F"])
@pytest.mark.parametrize("compressor", [None, numcodecs.Zlib(level=1), numcodecs.Blosc(cname="lz4")],
                         ids=lambda c: repr(c))
def test_v2_vlen_utf8(tmp_path, order, compressor):
    check_one_chunk(tmp_path, text_field((5, 6), seed=2), "string", zarr_format=2, order=order,
                    compressors=compressor)


@pytest.mark.parametrize("order", ["C", "F"])
def test_v2_vlen_bytes(tmp_path, order):
    check_one_chunk(tmp_path, blob_field((4, 6), seed=3), "bytes", zarr_format=2, order=order,
                    compressors=numcodecs.Zstd(level=1))


def test_v3_transpose_before_vlen(tmp_path):
    check_one_chunk(tmp_path, text_field((3, 4, 5), seed=4), "string",
                    filters=[zp.codecs.TransposeCodec(order=(2, 0, 1))])


def test_numcodecs_known_answers():
    items = np.array([["a", "bc", ""], ["é€😀", "zarr", "\x00x"]], dtype=object)
    expected = numcodecs.VLenUTF8().encode(items)
    p = _core.CodecPipeline.from_v3('[{"name": "vlen-utf8"}]', "string", [2, 3])
    assert p.encode(_core.vlen_from_python(items, "string")) == bytes(expected)
    blobs = np.array([b"\x00\xff", b"", b"abc", b"\x80"], dtype=object)
    pb = _core.CodecPipeline.from_v2('{"filters": [{"id": "vlen-bytes"}]}', "variable_length_bytes", [4])
    assert pb.encode(_core.vlen_from_python(blobs, "bytes")) == bytes(numcodecs.VLenBytes().encode(blobs))
    assert p.to_json() == '[{"configuration":{},"name":"vlen-utf8"}]'
    assert p.encoded_size == ("unknown", 0)


# --- interop, whole arrays: many chunks, missing chunks, fill values -------------

@pytest.mark.parametrize("fmt", [2, 3])
@pytest.mark.parametrize("kind,fill", [("string", ""), ("string", "héllo"), ("bytes", b""), ("bytes", b"\x00zz")])
def test_many_chunks_and_fill_values(tmp_path, fmt, kind, fill):
    data = text_field((7, 5), seed=5) if kind == "string" else blob_field((7, 5), seed=5)
    root = tmp_path / "a"
    arr = create(root, data, kind, chunks=(3, 2), fill_value=fill, zarr_format=fmt)
    arr[:4, :] = data[:4, :]  # the chunks of rows 6.. stay missing
    expected = read(root)
    meta = metadata(root)
    p = pipeline(meta, (3, 2))
    sep = "/" if fmt == 3 else "."
    keys = [(i, j) for i in range(3) for j in range(3)]
    paths = [root / (("c/" if fmt == 3 else "") + f"{i}{sep}{j}") for i, j in keys]
    chunks = [path.read_bytes() if path.exists() else None for path in paths]
    assert any(c is None for c in chunks)
    decoded = p.decode_batch(chunks)
    whole = np.empty((9, 6), dtype=object)
    for (i, j), nd in zip(keys, decoded):
        whole[3 * i:3 * i + 3, 2 * j:2 * j + 2] = np.asarray(nd).astype(object)
    assert_items_equal(whole[:7, :5], expected)

    # zarrnative writes every chunk (batch encode); zarr-python reads them all back.
    padded = np.full((9, 6), fill, dtype=object)
    padded[:7, :5] = data
    nds = [_core.vlen_from_python(padded[3 * i:3 * i + 3, 2 * j:2 * j + 2], "string" if kind == "string" else "bytes")
           for i, j in keys]
    for path, enc in zip(paths, p.encode_batch(nds)):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(enc)
    assert_items_equal(read(root), data)


def test_sharding_with_vlen_utf8_inner_codec(tmp_path):
    try:
        _core.CodecPipeline.from_v3(json.dumps([{"name": "sharding_indexed", "configuration": {
            "chunk_shape": [2], "codecs": [{"name": "vlen-utf8"}],
            "index_codecs": [{"name": "bytes", "configuration": {"endian": "little"}}]}}]), "string", [4])
    except errors.CodecConfigError as e:
        if "unknown codec" in str(e):
            pytest.skip("sharding_indexed is not registered yet")
        raise
    data = text_field((8, 6), seed=6)
    root = tmp_path / "a"
    arr = create(root, data, "string", chunks=(2, 3), shards=(4, 6))
    arr[:4] = data[:4]  # shard 1 stays missing
    meta = metadata(root)
    p = pipeline(meta, (4, 6))
    shard = (root / "c/0/0").read_bytes()
    assert_items_equal(np.asarray(p.decode(shard)), data[:4])
    decoded = p.decode_batch([shard, None])
    assert_items_equal(np.asarray(decoded[1]), np.full((4, 6), "", dtype=object))

    (root / "c/1").mkdir()
    (root / "c/1/0").write_bytes(p.encode(_core.vlen_from_python(data[4:], "string")))
    (root / "c/0/0").write_bytes(p.encode(_core.vlen_from_python(data[:4], "string")))
    assert_items_equal(read(root), data)


# --- hostile input ---------------------------------------------------------------

@pytest.mark.parametrize("chunk", [
    b"", b"\x02\x00", b"\x01\x00\x00\x00\x01\x00\x00\x00a",  # too short; 1 item of 2
    b"\x02\x00\x00\x00\x01\x00\x00\x00a\x09\x00\x00\x00b",   # a length past the end
    b"\xff\xff\xff\xff",                                      # 4 billion items claimed
    b"\x02\x00\x00\x00\x01\x00\x00\x00\xff\x00\x00\x00\x00",  # invalid UTF-8
    b"\x02\x00\x00\x00\x03\x00\x00\x00\xed\xa0\x80\x00\x00\x00\x00",  # a surrogate
])
def test_corrupt_chunks_raise(chunk):
    p = _core.CodecPipeline.from_v3('[{"name": "vlen-utf8"}]', "string", [2])
    with pytest.raises(errors.CorruptChunkError, match="vlen-utf8"):
        p.decode(chunk)
    if chunk == b"\xff\xff\xff\xff":
        return  # numcodecs allocates what the header claims (32 GiB) before it finds out
    # numcodecs refuses the others too (a ValueError or a UnicodeDecodeError).
    with pytest.raises(ValueError):
        out = numcodecs.VLenUTF8().decode(chunk)
        if len(out) != 2:
            raise ValueError("wrong count")


def test_invalid_utf8_is_fine_as_bytes():
    chunk = b"\x01\x00\x00\x00\x02\x00\x00\x00\xff\xfe"
    p = _core.CodecPipeline.from_v3('[{"name": "vlen-bytes"}]', "variable_length_bytes", [1])
    assert np.asarray(p.decode(chunk)).tolist() == [b"\xff\xfe"]


def test_configuration_errors():
    with pytest.raises(errors.CodecConfigError, match="vlen-utf8: serialises the data type string, not uint16"):
        _core.CodecPipeline.from_v3('[{"name": "vlen-utf8"}]', "<u2", [2])
    with pytest.raises(errors.CodecConfigError, match="use 'vlen-utf8'"):
        _core.CodecPipeline.from_v3('[{"name": "bytes", "configuration": {"endian": "little"}}]', "string", [2])
    with pytest.raises(errors.CodecConfigError, match="use 'vlen-bytes'"):
        _core.CodecPipeline.from_v2('{"dtype": "|O", "filters": null}', "variable_length_bytes", [2])
    with pytest.raises(TypeError, match="does not say whether it holds text or bytes"):
        _core.CodecPipeline.from_v3('[{"name": "vlen-utf8"}]', "|O", [2])


# --- Python items <-> NDArray ----------------------------------------------------

def test_vlen_from_python_sources():
    items = ["a", "bb", "", "é"]
    for src in [items, np.array(items, dtype=object), np.array(items, dtype=np.dtypes.StringDType()),
                np.array(items)]:
        nd = _core.vlen_from_python(src, "string")
        assert nd.shape == (4,) and nd.itemsize == 16 and nd.typestr == "|O"
        assert np.asarray(nd).tolist() == items
    nested = _core.vlen_from_python([["a", "b", "c"], ["d", "e", "f"]], "string")
    assert nested.shape == (2, 3)
    regrouped = _core.vlen_from_python(items, "string", [2, 2])
    assert np.asarray(regrouped).tolist() == [["a", "bb"], ["", "é"]]
    strided = np.array(items * 2, dtype=object).reshape(2, 4)[:, ::2].T  # not contiguous
    assert np.asarray(_core.vlen_from_python(strided, "string")).tolist() == strided.tolist()
    assert np.asarray(_core.vlen_from_python("solo", "string")).tolist() == "solo"  # 0-d
    assert np.asarray(_core.vlen_from_python([None, "x"], "string")).tolist() == ["", "x"]
    assert np.asarray(_core.vlen_from_python([b"\x00", b""], "bytes")).tolist() == [b"\x00", b""]
    empty = _core.vlen_from_python(np.empty((0, 3), dtype=object), "bytes")
    assert empty.shape == (0, 3) and np.asarray(empty).shape == (0, 3)


def test_vlen_from_python_refuses_wrong_items():
    with pytest.raises(TypeError, match="item 1 is bytes, expected str"):
        _core.vlen_from_python(["a", b"b"], "string")
    with pytest.raises(TypeError, match="item 0 is str, expected bytes"):
        _core.vlen_from_python(["a"], "bytes")
    with pytest.raises(TypeError, match="item 0 is int"):
        _core.vlen_from_python([1], "string")
    with pytest.raises(UnicodeEncodeError):
        _core.vlen_from_python(["\ud800"], "string")
    with pytest.raises(ValueError, match="do not fill the shape"):
        _core.vlen_from_python(["a", "b"], "string", [3])
    with pytest.raises(ValueError, match="kind must be"):
        _core.vlen_from_python(["a"], "text")


def test_vlen_to_numpy_matches_zarr_python_dtypes():
    s = _core.vlen_from_python(["x", "é"], "string")
    b = _core.vlen_from_python([b"x"], "bytes")
    assert _core.vlen_to_numpy(s).dtype == np.dtypes.StringDType()
    assert _core.vlen_to_numpy(s, as_object=True).dtype == np.dtype(object)
    assert _core.vlen_to_numpy(b).dtype == np.dtype(object)
    assert s.dtype == np.dtypes.StringDType() and b.dtype == np.dtype(object)
    assert np.asarray(s, dtype=object).tolist() == ["x", "é"]
    with pytest.raises(TypeError):
        _core.vlen_to_numpy(_core.empty([2], "<u2"))
    assert "StringDType" in repr(s)


def test_decoded_items_outlive_their_inputs():
    data = text_field((50,), seed=7)
    p = _core.CodecPipeline.from_v3('[{"name": "vlen-utf8"}, {"name": "zstd", "configuration": {"level": 1}}]',
                                    "string", [50])
    chunk = bytearray(p.encode(_core.vlen_from_python(data, "string")))
    nd = p.decode(chunk)
    copy = nd.copy()
    chunk[:] = b"\x00" * len(chunk)
    del p, chunk, nd
    gc.collect()
    assert_items_equal(np.asarray(copy), data)


def test_string_ndarrays_never_export_pointers():
    nd = _core.vlen_from_python(["a", "b"], "string")
    with pytest.raises(BufferError, match="string or bytes"):
        memoryview(nd)
    with pytest.raises(BufferError, match="DLPack"):
        nd.__dlpack__()
    with pytest.raises(AttributeError):
        nd.__array_interface__
    with pytest.raises(AttributeError):
        nd.__cuda_array_interface__
    with pytest.raises(ValueError, match="copy"):
        nd.__array__(copy=False)
    with pytest.raises(TypeError):
        nd.cuda()
    with pytest.raises(BufferError):
        np.from_dlpack(nd)
    assert np.asarray(nd).tolist() == ["a", "b"]


@pytest.mark.parametrize("fmt,fill,shards", [(2, None, None), (2, "x", None), (3, "", None), (3, "x", None),
                                             (3, "", (4,)), (3, "x", (4,))])
@pytest.mark.parametrize("kind", ["str", "bytes"])
def test_chunks_of_only_the_fill_text_are_not_stored(tmp_path, fmt, fill, shards, kind):
    # Items are pointers: each is compared with the fill text (it was the pointer's bytes, read
    # past the end of a shorter fill). Files and sizes as zarr-python writes them.
    import zarrnative

    zarr = zp
    if kind == "bytes" and fmt == 2:
        pytest.skip("zarr-python 3.1.6 cannot create v2 variable-length bytes arrays")
    dtype = str if kind == "str" else "variable_length_bytes"
    texts = [fill or ""] * 8
    texts[2] = "a"
    values = np.array(texts if kind == "str" else [t.encode() for t in texts], dtype=object)
    listing = {}
    for name, lib in (("zn", zarrnative), ("zarr", zarr)):
        kw = {} if fill is None else {"fill_value": fill if kind == "str" else fill.encode()}
        a = lib.create_array(str(tmp_path / name), shape=(8,), chunks=(2,), shards=shards, dtype=dtype,
                             zarr_format=fmt, **kw)
        a[:] = values
        root = tmp_path / name
        listing[name] = sorted((str(f.relative_to(root)), f.stat().st_size) for f in root.rglob("*")
                               if f.is_file() and not f.name.startswith(".") and f.name != "zarr.json")
    assert listing["zn"] == listing["zarr"]
    assert len(listing["zn"]) == 1  # the one chunk (or shard) holding "a"
