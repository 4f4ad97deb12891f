"""The array API: create_array / open_array / create / zeros... / from_array,
the Array properties, file modes, errors, and interop with zarr-python
(which serves as the oracle: the same calls in both libraries must write the
same metadata, and each must read the other's arrays)."""

from __future__ import annotations

import json
import os
import pathlib
import textwrap
import warnings

import numpy as np
import pytest

import zarrnative
from zarrnative import codecs as zc
from zarrnative.errors import (
    ArrayNotFoundError,
    BaseZarrError,
    ContainsArrayError,
    ContainsGroupError,
    MetadataValidationError,
    NodeNotFoundError,
)
from zarrnative.storage import LocalStore, MemoryStore, StorePath

zarr = pytest.importorskip("zarr")
numcodecs = pytest.importorskip("numcodecs")

pytestmark = pytest.mark.filterwarnings("ignore::UserWarning", "ignore::FutureWarning",
                                        "ignore::DeprecationWarning")


def metadata_files(root: pathlib.Path, path: str = "") -> dict:
    """The metadata documents of the array at root/path, parsed."""
    base = root / path
    out = {}
    for name in ("zarr.json", ".zarray", ".zattrs"):
        f = base / name
        if f.exists():
            out[name] = json.loads(f.read_text())
    return out


def for_library(kwargs: dict, codecs_module) -> dict:
    """Case arguments with codec factories (``lambda m: m.GzipCodec()``)
    built from zarrnative.codecs or zarr.codecs."""
    def build(v):
        if callable(v) and getattr(v, "__name__", "") == "<lambda>":
            return v(codecs_module)
        if isinstance(v, list):
            return [build(x) for x in v]
        return v
    return {k: build(v) for k, v in kwargs.items()}


def tree(root: pathlib.Path) -> dict:
    """Every file under root with its bytes (to prove nothing changed)."""
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.fixture(params=["local", "memory", "str"])
def store(request, tmp_path):
    if request.param == "local":
        return LocalStore(tmp_path)
    if request.param == "memory":
        return MemoryStore()
    return str(tmp_path)


# --- codecs ---------------------------------------------------------------------------
CODEC_PAIRS = [
    (lambda m: m.BytesCodec()),
    (lambda m: m.BytesCodec(endian=None)),
    (lambda m: m.BytesCodec(endian="big")),
    (lambda m: m.TransposeCodec(order=(1, 0))),
    (lambda m: m.GzipCodec()),
    (lambda m: m.GzipCodec(level=9)),
    (lambda m: m.ZstdCodec()),
    (lambda m: m.ZstdCodec(level=5, checksum=True)),
    (lambda m: m.BloscCodec(typesize=4, cname="lz4", clevel=3, shuffle="shuffle")),
    (lambda m: m.BloscCodec()),
    (lambda m: m.Crc32cCodec()),
    (lambda m: m.ShardingCodec(chunk_shape=(2, 2))),
    (lambda m: m.ShardingCodec(chunk_shape=(4,), codecs=[m.BytesCodec(), m.GzipCodec()], index_location="start")),
    (lambda m: m.VLenUTF8Codec()),
    (lambda m: m.VLenBytesCodec()),
]


@pytest.mark.parametrize("make", CODEC_PAIRS)
def test_codecs_write_what_zarr_python_writes(make):
    ours, theirs = make(zc), make(zarr.codecs)
    assert ours.to_dict() == json.loads(json.dumps(theirs.to_dict()))
    assert ours == theirs
    assert type(ours).from_dict(ours.to_dict()) == ours
    assert zc.codec_from_dict(ours.to_dict()) == ours
    assert zc.codec_to_dict(theirs) == ours.to_dict()
    assert type(ours).__name__ in repr(ours)
    assert hash(ours) == hash(make(zc))


def test_codec_to_dict_accepts_every_spelling():
    assert zc.codec_to_dict({"name": "zstd", "configuration": {"level": 1}}) == \
        {"name": "zstd", "configuration": {"level": 1}}
    # numcodecs, in a .zarray: zstd without a checksum drops the key, as zarr-python
    assert zc.codec_to_dict(numcodecs.Zstd(level=0), zarr_format=2) == {"id": "zstd", "level": 0}
    assert zc.codec_to_dict(numcodecs.Blosc(cname="lz4"), zarr_format=2)["cname"] == "lz4"
    assert zc.codec_to_dict(numcodecs.GZip(level=3), zarr_format=3) == \
        {"name": "numcodecs.gzip", "configuration": {"level": 3}}
    with pytest.raises(ValueError):  # as zarr-python refuses a v3 codec as a v2 compressor
        zc.codec_to_dict(zc.ZstdCodec(), zarr_format=2)
    with pytest.raises(TypeError):
        zc.codec_to_dict(42)
    assert zc.BytesCodec.from_dict({"name": "bytes"}).endian is None
    with pytest.raises(ValueError):
        zc.GzipCodec(level=12)
    with pytest.raises(ValueError):
        zc.TransposeCodec(order=(0, 0))
    assert zc.BloscCodec().evolve(1).shuffle == zc.BloscShuffle.bitshuffle
    assert zc.BloscCodec().evolve(8).to_dict()["configuration"]["typesize"] == 8


# --- chunk heuristics ------------------------------------------------------------------
@pytest.mark.parametrize("shape,dtype", [((100, 100), "f4"), ((30000,), "f8"), ((10000, 10000), "u1"),
                                         ((3, 4000, 5000), "i2"), ((0, 10), "i4"), ((1,), "c16"),
                                         ((10_000_000,), "f8"), ((), "i4")])
@pytest.mark.parametrize("sharded", [False, True])
def test_auto_chunks_match_zarr_python(shape, dtype, sharded):
    if sharded and not shape:
        pytest.skip("a 0-d array has nothing to shard")
    shards = "auto" if sharded else None
    ours = zarrnative.create_array(None, shape=shape, dtype=dtype, shards=shards)
    theirs = zarr.create_array({}, shape=shape, dtype=dtype, shards=shards)
    assert ours.chunks == theirs.chunks
    assert ours.shards == theirs.shards


# --- round trips ---------------------------------------------------------------------------
@pytest.mark.parametrize("zarr_format", [2, 3])
def test_create_then_open_round_trip(store, zarr_format):
    data = np.arange(70, dtype="i4").reshape(10, 7)
    a = zarrnative.create_array(store, name="grp/a", shape=(10, 7), dtype="i4", chunks=(4, 3), fill_value=5,
                                attributes={"units": "m"}, zarr_format=zarr_format)
    assert isinstance(a, zarrnative.Array)
    assert (a[...] == 5).all()
    a[...] = data
    if isinstance(store, MemoryStore):
        b = zarrnative.open_array(store, path="grp/a")
    else:
        b = zarrnative.open_array(store, path="grp/a", mode="r")
    np.testing.assert_array_equal(b[...], data)
    assert b.shape == (10, 7) and b.chunks == (4, 3) and b.fill_value == 5
    assert b.attrs["units"] == "m"
    assert b.metadata.zarr_format == zarr_format
    assert b.path == "grp/a"


def test_open_array_with_a_store_path(tmp_path):
    a = zarrnative.create_array(StorePath(LocalStore(tmp_path), "x"), name="y", shape=(3,), dtype="u2")
    assert a.path == "x/y"
    assert zarrnative.open_array(StorePath(LocalStore(tmp_path), "x/y")).dtype == np.dtype("u2")


def test_create_array_with_data(tmp_path):
    data = np.linspace(0, 1, 50).reshape(5, 10)
    a = zarrnative.create_array(tmp_path, data=data, chunks=(2, 5))
    assert a.shape == data.shape and a.dtype == data.dtype
    np.testing.assert_array_equal(a[...], data)
    # beside the first array, not below it: an array cannot hold nodes (zarr-python refuses it too)
    b = zarrnative.create_array(tmp_path / "other", name="empty", data=data, write_data=False)
    assert (b[...] == 0).all()
    with pytest.raises(ValueError, match="shape"):
        zarrnative.create_array(tmp_path, name="c", data=data, shape=(5, 10))
    with pytest.raises(ValueError, match="shape"):
        zarrnative.create_array(tmp_path, name="c", dtype="i4")
    with pytest.raises(ValueError, match="dtype"):
        zarrnative.create_array(tmp_path, name="c", shape=(3,))


# --- properties, against zarr-python on the same array -------------------------------------------
PROPERTY_CASES = {
    "v3": dict(shape=(20, 30), dtype="f8", chunks=(8, 16), fill_value=-1.5, attributes={"a": [1, 2]},
               dimension_names=["y", "x"]),
    "v3-sharded": dict(shape=(40, 40), dtype="u1", chunks=(5, 10), shards=(20, 20), fill_value=7),
    "v3-gzip-transpose": dict(shape=(12, 9), dtype="<i2", chunks=(4, 9),
                              filters=[lambda m: m.TransposeCodec(order=(1, 0))],
                              compressors=[lambda m: m.GzipCodec(level=3), lambda m: m.Crc32cCodec()]),
    "v3-uncompressed-bool": dict(shape=(17,), dtype=bool, chunks=(5,), compressors=None),
    "v2": dict(shape=(20, 30), dtype=">i4", chunks=(8, 16), fill_value=3, zarr_format=2, order="F",
               attributes={"b": "c"}),
    "v2-none": dict(shape=(10,), dtype="f4", chunks=(3,), zarr_format=2, compressors=None),
    "v2-blosc": dict(shape=(10, 4), dtype="u2", chunks=(3, 4), zarr_format=2,
                     compressors=numcodecs.Blosc(cname="zstd", clevel=3, shuffle=numcodecs.Blosc.SHUFFLE),
                     filters=[numcodecs.Delta(dtype="u2")]),
}


def codec_json(codecs) -> list:
    out = []
    for c in codecs:
        if hasattr(c, "get_config"):
            out.append(zc.codec_to_dict(c, 2))
        elif c is not None:
            out.append(json.loads(json.dumps(c.to_dict())))
    return out


@pytest.mark.parametrize("case", sorted(PROPERTY_CASES))
def test_properties_match_zarr_python(tmp_path, case):
    kwargs = PROPERTY_CASES[case]
    ours = zarrnative.create_array(tmp_path / "ours", **for_library(kwargs, zc))
    theirs = zarr.create_array(tmp_path / "theirs", **for_library(kwargs, zarr.codecs))
    rng = np.random.default_rng(0)
    values = (rng.random(kwargs["shape"]) * 100).astype(kwargs["dtype"])
    ours[...] = values
    theirs[...] = values

    # the metadata documents are the same
    assert metadata_files(tmp_path / "ours") == metadata_files(tmp_path / "theirs")

    for prop in ("shape", "chunks", "shards", "ndim", "size", "nbytes", "order", "cdata_shape", "nchunks",
                 "read_only", "path"):
        assert getattr(ours, prop) == getattr(theirs, prop), prop
    assert ours.dtype == theirs.dtype.newbyteorder("=") or ours.dtype == theirs.dtype
    assert ours.fill_value == theirs.fill_value
    assert type(ours.fill_value) is type(theirs.fill_value)
    assert dict(ours.attrs) == dict(theirs.attrs)
    assert codec_json(ours.filters) == codec_json(theirs.filters)
    assert codec_json(ours.compressors) == codec_json(theirs.compressors)
    assert codec_json([ours.serializer]) == codec_json([theirs.serializer])
    if "gzip" in case:  # our gzip stream is libdeflate's: other bytes, about as many
        assert abs(ours.nbytes_stored() - theirs.nbytes_stored()) <= theirs.nbytes_stored() // 10
    else:
        assert ours.nbytes_stored() == theirs.nbytes_stored()
    assert ours.nchunks_initialized == theirs.nchunks_initialized
    assert ours._nshards_initialized == theirs._nshards_initialized

    m, t = ours.metadata, theirs.metadata
    assert m.zarr_format == t.zarr_format and m.shape == t.shape
    assert m.fill_value == t.fill_value
    assert m.attributes == t.attributes
    assert json.loads(json.dumps(m.to_dict())) == json.loads(json.dumps(t.to_dict(), default=str))
    if m.zarr_format == 3:
        assert m.chunk_grid.chunk_shape == t.chunk_grid.chunk_shape
        assert m.chunk_key_encoding.to_dict() == t.chunk_key_encoding.to_dict()
        assert m.dimension_names == t.dimension_names
        assert str(m.data_type) == str(t.data_type)
        assert list(m.codecs) == list(t.codecs)
    else:
        assert m.chunks == t.chunks and m.order == t.order
        assert m.dimension_separator == t.dimension_separator
        assert m.compressor == t.compressor
        assert (m.filters or None) == (t.filters or None)

    info, their_info = str(ours.info), str(theirs.info)
    for line in ("Type", "Zarr format", "Shape", "Chunk shape", "Order", "Read-only", "Store type",
                 "Filters", "Compressors", "No. bytes", "Shard shape", "Serializer", "Fill value", "Data type"):
        ours_line = [x for x in info.splitlines() if x.startswith(line + " ")]
        theirs_line = [x for x in their_info.splitlines() if x.startswith(line + " ")]
        assert ours_line == theirs_line, line


def test_nchunks_initialized_is_zarr_pythons_property():
    ours = zarrnative.create_array(None, shape=(10,), dtype="i4", chunks=(1,), shards=(2,))
    theirs = zarr.create_array({}, shape=(10,), dtype="i4", chunks=(1,), shards=(2,))
    ours[:5] = 1
    theirs[:5] = 1
    assert ours.nchunks_initialized == theirs.nchunks_initialized == 6


def test_read_only_and_paths(tmp_path):
    zarrnative.create_array(tmp_path, name="a/b", shape=(4,), dtype="i1")
    r = zarrnative.open_array(tmp_path, path="a/b", mode="r")
    assert r.read_only and r.path == "a/b" and r.name == "/a/b" and r.basename == "b"
    assert isinstance(r.store, LocalStore)
    w = zarrnative.open_array(tmp_path, path="a/b", mode="r+")
    assert not w.read_only


def test_info_complete_counts_stored_chunks():
    a = zarrnative.create_array(None, shape=(10,), dtype="i4", chunks=(5,))
    a[:5] = 1
    from zarrnative._array_meta import array_info
    text = str(array_info(a, complete=True))
    assert "Chunks Initialized : 1" in text
    assert "No. bytes          : 40" in text


# --- interop, both ways --------------------------------------------------------------------------
INTEROP_CASES = {
    "v3-i4": dict(shape=(13, 7), dtype="i4", chunks=(5, 3)),
    "v3-f4-nan": dict(shape=(9,), dtype="f4", chunks=(4,), fill_value=np.nan),
    "v3-c16": dict(shape=(6,), dtype="c16", chunks=(4,), fill_value=1 + 2j),
    "v3-u1": dict(shape=(30,), dtype="u1", chunks=(7,)),
    "v3-str": dict(shape=(5,), dtype=str, chunks=(2,)),
    "v3-blosc": dict(shape=(100,), dtype="u2", chunks=(30,), compressors=lambda m: m.BloscCodec(cname="lz4")),
    "v3-dotted-keys": dict(shape=(6, 6), dtype="i8", chunks=(3, 3),
                           chunk_key_encoding={"name": "default", "separator": "."}),
    "v3-v2-keys": dict(shape=(6, 6), dtype="i8", chunks=(3, 3), chunk_key_encoding={"name": "v2", "separator": "/"}),
    "v3-sharded": dict(shape=(32, 32), dtype="f8", chunks=(4, 4), shards=(16, 16)),
    "v3-sharded-ragged": dict(shape=(30, 17), dtype="i2", chunks=(5, 4), shards=(10, 8),
                              compressors=[lambda m: m.GzipCodec()]),
    "v2-i4": dict(shape=(13, 7), dtype="i4", chunks=(5, 3), zarr_format=2),
    "v2-be": dict(shape=(13,), dtype=">f8", chunks=(5,), zarr_format=2, fill_value=None),
    "v2-F": dict(shape=(6, 5), dtype="i2", chunks=(4, 3), zarr_format=2, order="F"),
    "v2-slash": dict(shape=(6, 5), dtype="u4", chunks=(4, 3), zarr_format=2,
                     chunk_key_encoding={"name": "v2", "separator": "/"}),
    "v2-str": dict(shape=(5,), dtype=str, chunks=(2,), zarr_format=2),
    "v2-gzip": dict(shape=(50,), dtype="f8", chunks=(20,), zarr_format=2, compressors=numcodecs.GZip(level=1)),
}


def sample(kwargs):
    shape, dtype = kwargs["shape"], kwargs["dtype"]
    n = int(np.prod(shape))
    if dtype is str:
        return np.array([f"s{i}" * (i % 4) for i in range(n)], dtype=object).reshape(shape)
    dt = np.dtype(dtype)
    if dt.kind == "c":
        return (np.arange(n) + 1j * np.arange(n)).astype(dt).reshape(shape)
    return np.arange(n).astype(dt).reshape(shape)


def assert_same_values(a, b):
    a, b = np.asarray(a), np.asarray(b)
    if a.dtype.kind in "OT" or b.dtype.kind in "OT":
        assert a.astype(object).tolist() == b.astype(object).tolist()
    else:
        np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize("case", sorted(INTEROP_CASES))
def test_zarrnative_writes_what_zarr_python_writes_and_reads(tmp_path, case):
    kwargs = INTEROP_CASES[case]
    ours = zarrnative.create_array(tmp_path / "ours", **for_library(kwargs, zc))
    zarr.create_array(tmp_path / "theirs", **for_library(kwargs, zarr.codecs))
    assert metadata_files(tmp_path / "ours") == metadata_files(tmp_path / "theirs")
    data = sample(kwargs)
    ours[...] = data
    theirs = zarr.open_array(tmp_path / "ours", mode="r")
    assert theirs.shape == ours.shape and theirs.chunks == ours.chunks and theirs.shards == ours.shards
    assert_same_values(theirs[...], data)
    if kwargs.get("fill_value") is not None:
        f1, f2 = theirs.fill_value, ours.fill_value
        assert f1 == f2 or (np.isnan(f1) and np.isnan(f2))


@pytest.mark.parametrize("case", sorted(INTEROP_CASES))
def test_zarrnative_reads_what_zarr_python_writes(tmp_path, case):
    kwargs = INTEROP_CASES[case]
    data = sample(kwargs)
    theirs = zarr.create_array(tmp_path, **for_library(kwargs, zarr.codecs))
    theirs[...] = data
    ours = zarrnative.open_array(tmp_path, mode="r")
    assert ours.shape == theirs.shape and ours.chunks == theirs.chunks and ours.shards == theirs.shards
    assert ours.order == theirs.order
    assert ours.metadata.to_dict()["zarr_format"] == kwargs.get("zarr_format", 3)
    assert_same_values(ours[...], data)
    assert codec_json(ours.compressors) == codec_json(theirs.compressors)


def test_attribute_and_fill_value_spellings(tmp_path):
    a = zarrnative.create_array(tmp_path, name="v2null", shape=(3,), dtype="i4", zarr_format=2, fill_value=None)
    assert metadata_files(tmp_path, "v2null")[".zarray"]["fill_value"] is None
    b = zarrnative.create_array(tmp_path, name="v2default", shape=(3,), dtype="i4", zarr_format=2)
    assert metadata_files(tmp_path, "v2default")[".zarray"]["fill_value"] == 0
    # v3 arrays in a hierarchy of their own: zarrnative does not mix formats in one hierarchy
    c = zarrnative.create_array(tmp_path / "v3", name="v3none", shape=(3,), dtype="f4", fill_value=None)
    assert metadata_files(tmp_path / "v3", "v3none")["zarr.json"]["fill_value"] == 0.0
    d = zarrnative.create_array(tmp_path / "v3", name="inf", shape=(3,), dtype="f8", fill_value=-np.inf)
    assert metadata_files(tmp_path / "v3", "inf")["zarr.json"]["fill_value"] == "-Infinity"
    assert d.fill_value == -np.inf
    # a v2 null fill value is None, as zarr-python reports it (chunks never written read as zeros)
    assert a.fill_value is None and zarr.open_array(tmp_path / "v2null", mode="r").fill_value is None
    assert b.fill_value == 0 and c.fill_value == 0


@pytest.mark.parametrize("dtype,v3_name", [("<u2", "uint16"), (">f8", "float64"), (np.float32, "float32"),
                                           ("float32", "float32"), (str, "string"), ("str", "string"),
                                           ("string", "string"), (np.dtypes.StringDType(), "string"),
                                           (bool, "bool"), ("|b1", "bool"), ("c8", "complex64"),
                                           ("variable_length_bytes", "variable_length_bytes")])
def test_dtype_spellings(dtype, v3_name):
    a = zarrnative.create_array(None, shape=(2,), dtype=dtype)
    assert a.metadata.to_dict()["data_type"] == v3_name


def test_unsupported_dtypes_are_refused():
    with pytest.raises(ValueError, match="ambiguous"):
        zarrnative.create_array(None, shape=(2,), dtype=object)
    with pytest.raises(TypeError, match="need a length"):
        zarrnative.create_array(None, shape=(2,), dtype="S")
    with pytest.raises(TypeError, match="packed"):  # padding has no spelling in the metadata
        zarrnative.create_array(None, shape=(2,), dtype=np.dtype({"names": ["a"], "formats": ["i4"], "offsets": [4]}))
    with pytest.raises(TypeError, match="subarray"):
        zarrnative.create_array(None, shape=(2,), dtype=[("a", "i4", (2,))])


def test_the_core_validates(tmp_path):
    with pytest.raises(ValueError):  # shards not a multiple of the chunks
        zarrnative.create_array(tmp_path, shape=(10,), dtype="i4", chunks=(3,), shards=(10,))
    with pytest.raises(ValueError):  # not an int8 value
        zarrnative.create_array(tmp_path, name="b", shape=(10,), dtype="i1", fill_value=1000)
    with pytest.raises(ValueError):  # unknown codec
        zarrnative.create_array(tmp_path, name="c", shape=(10,), dtype="i1", compressors={"name": "nope"})
    with pytest.raises(ValueError):
        zarrnative.create_array(tmp_path, name="d", shape=(10,), dtype="i1", zarr_format=2, shards=(10,))
    assert not (tmp_path / "b").exists()


# --- modes and errors ------------------------------------------------------------------------------
def test_mode_r_never_writes(tmp_path):
    a = zarrnative.create_array(tmp_path, shape=(6,), dtype="i4", chunks=(3,))
    a[...] = np.arange(6)
    before = tree(tmp_path)
    r = zarrnative.open_array(tmp_path, mode="r")
    assert r.read_only and r.store.read_only
    np.testing.assert_array_equal(r[...], np.arange(6))
    with pytest.raises(ValueError):
        r[0] = 100
    with pytest.raises(ValueError):
        r.resize((10,))
    with pytest.raises((ValueError, OSError, PermissionError)):
        r.attrs["x"] = 1
    assert tree(tmp_path) == before
    with pytest.raises(ArrayNotFoundError):
        zarrnative.open_array(tmp_path, path="missing", mode="r")
    assert tree(tmp_path) == before


def test_mode_r_plus_and_a(tmp_path):
    with pytest.raises(ArrayNotFoundError):
        zarrnative.open_array(tmp_path, mode="r+")
    a = zarrnative.open_array(tmp_path, mode="a", shape=(4,), dtype="u1", fill_value=9)  # created
    assert a.shape == (4,) and a.fill_value == 9
    a[:2] = 1
    again = zarrnative.open_array(tmp_path, mode="a", shape=(100,), dtype="f8")  # opened, not recreated
    assert again.shape == (4,)
    np.testing.assert_array_equal(again[...], [1, 1, 9, 9])
    rp = zarrnative.open_array(tmp_path, mode="r+")
    rp[3] = 0
    np.testing.assert_array_equal(zarrnative.open_array(tmp_path)[...], [1, 1, 9, 0])


def test_mode_w_and_w_minus(tmp_path):
    a = zarrnative.open_array(tmp_path, mode="w", shape=(4,), dtype="i4")
    a[...] = 7
    b = zarrnative.open_array(tmp_path, mode="w", shape=(2, 2), dtype="f4", zarr_format=2)  # replaced
    assert b.shape == (2, 2) and b.metadata.zarr_format == 2
    assert not (tmp_path / "zarr.json").exists() and not (tmp_path / "c").exists()
    with pytest.raises(FileExistsError):
        zarrnative.open_array(tmp_path, mode="w-", shape=(4,), dtype="i4")
    c = zarrnative.open_array(tmp_path / "new", mode="w-", shape=(3,), dtype="i4")
    assert c.shape == (3,)


def test_contains_array_and_overwrite(store):
    a = zarrnative.create_array(store, name="x", shape=(3,), dtype="i4")
    a[...] = 1
    with pytest.raises(ContainsArrayError):
        zarrnative.create_array(store, name="x", shape=(3,), dtype="i4")
    b = zarrnative.create_array(store, name="x", shape=(5,), dtype="f8", overwrite=True)
    assert b.shape == (5,) and (b[...] == 0).all()


def test_contains_group(tmp_path):
    zarr.create_group(tmp_path / "g")
    with pytest.raises(ContainsGroupError):
        zarrnative.create_array(tmp_path / "g", shape=(3,), dtype="i4")


def test_error_hierarchy_matches_zarr_python():
    assert issubclass(ArrayNotFoundError, NodeNotFoundError)
    assert issubclass(ArrayNotFoundError, FileNotFoundError)
    assert issubclass(NodeNotFoundError, BaseZarrError)
    assert issubclass(BaseZarrError, ValueError)
    for e in (ContainsArrayError, ContainsGroupError, MetadataValidationError,
              zarrnative.errors.CodecError, zarrnative.errors.UnknownCodecError):
        assert issubclass(e, BaseZarrError)
    assert issubclass(zarrnative.errors.NodeTypeValidationError, MetadataValidationError)
    assert issubclass(zarrnative.errors.GroupNotFoundError, NodeNotFoundError)
    for name in zarrnative.errors.__all__:
        assert isinstance(getattr(zarrnative.errors, name), type)


# --- the array constructors ------------------------------------------------------------------------
def test_zeros_ones_full_empty():
    z = zarrnative.zeros((4, 5), chunks=(2, 2), dtype="i2")
    assert z.dtype == np.dtype("i2") and (z[...] == 0).all() and z.chunks == (2, 2)
    o = zarrnative.ones((3,))
    assert o.dtype == np.float64 and (o[...] == 1).all()
    f = zarrnative.full((3,), fill_value=2.5, dtype="f4")
    assert (f[...] == 2.5).all() and f.fill_value == 2.5
    e = zarrnative.empty((3,), dtype="u1")
    assert e.shape == (3,)
    v2 = zarrnative.zeros((10,), zarr_format=2, compressor=None, chunks=5)
    assert v2.metadata.to_dict()["compressor"] is None and v2.chunks == (5,)
    v3 = zarrnative.zeros((10,), codecs=[zc.BytesCodec(), zc.GzipCodec()])
    assert [c["name"] for c in v3.metadata.to_dict()["codecs"]] == ["bytes", "gzip"]


def test_like_constructors():
    src = zarrnative.create_array(None, shape=(6, 4), dtype="u2", chunks=(3, 2), fill_value=4,
                                  compressors=zc.GzipCodec())
    for fn, value in ((zarrnative.zeros_like, 0), (zarrnative.ones_like, 1), (zarrnative.full_like, 4),
                      (zarrnative.empty_like, 4)):
        a = fn(src)
        assert a.shape == src.shape and a.chunks == src.chunks and a.dtype == src.dtype
        assert (a[...] == value).all(), fn.__name__
        assert a.compressors == src.compressors
    npl = zarrnative.zeros_like(np.ones((3, 2), dtype="i1"))
    assert npl.shape == (3, 2) and npl.dtype == np.dtype("i1")


def test_array_and_from_array(tmp_path):
    data = np.arange(20, dtype="i8").reshape(4, 5)
    a = zarrnative.array(data, chunks=(2, 2))
    np.testing.assert_array_equal(a[...], data)
    assert a.chunks == (2, 2)
    lst = zarrnative.array([[1, 2], [3, 4]])
    assert lst.dtype == np.array([[1, 2]]).dtype
    # from another zarrnative array: chunks, shards, codecs and fill value kept
    src = zarrnative.create_array(tmp_path / "src", shape=(40, 10), dtype="f4", chunks=(4, 5), shards=(8, 10),
                                  compressors=zc.ZstdCodec(level=3), fill_value=-1)
    src[...] = np.arange(400, dtype="f4").reshape(40, 10)
    copy = zarrnative.from_array(tmp_path / "copy", data=src)
    assert copy.chunks == (4, 5) and copy.shards == (8, 10) and copy.fill_value == -1
    assert copy.compressors == (zc.ZstdCodec(level=3),)
    np.testing.assert_array_equal(copy[...], src[...])
    # from a zarr-python array
    theirs = zarr.create_array(tmp_path / "theirs", shape=(9,), dtype="i4", chunks=(4,), zarr_format=2,
                               compressors=numcodecs.Zstd(level=1))
    theirs[...] = np.arange(9)
    copy2 = zarrnative.from_array(tmp_path / "copy2", data=theirs)
    assert copy2.metadata.zarr_format == 2 and copy2.chunks == (4,)
    assert copy2.metadata.to_dict()["compressor"] == {"id": "zstd", "level": 1}
    np.testing.assert_array_equal(copy2[...], np.arange(9))
    # from a numpy array, into another format
    c3 = zarrnative.from_array(None, data=data, zarr_format=2)
    assert c3.metadata.zarr_format == 2
    np.testing.assert_array_equal(c3[...], data)


def test_config_and_order():
    a = zarrnative.create_array(None, shape=(2, 2), dtype="i4", config={"order": "F", "write_empty_chunks": True})
    assert a.order == "F"
    with pytest.warns(zarrnative.errors.ZarrRuntimeWarning, match="order"):
        b = zarrnative.create_array(None, shape=(2, 2), dtype="i4", order="F")
    assert b.order == "C"  # zarr-python 3.1 ignores `order` for v3 (a runtime setting there)
    b[...] = 0
    assert b.nchunks_initialized == 0
    a[...] = 0  # write_empty_chunks: the chunk is written even though it equals the fill value
    assert a.nchunks_initialized == 1
    with pytest.raises(ValueError):
        zarrnative.create_array(None, shape=(2,), dtype="i4", config={"order": "Z"})


def test_write_empty_chunks_stores_all_fill_shards(tmp_path):
    """With write_empty_chunks, every inner chunk of a written shard is
    stored, fill-valued ones included, as zarr-python stores them: the shard
    files are byte for byte zarr-python's. Without it, fill-valued inner
    chunks are left out and a shard that is all fill is not stored. Either
    way the values read back here and in zarr-python."""
    zarr = pytest.importorskip("zarr")
    want = np.full((8, 8), 5, "i4")
    want[4:, 4:] = 1
    want[4:6, 4:6] = 5  # one inner chunk of the last shard is fill
    for empty in (True, False):
        ours, theirs = tmp_path / f"ours-{empty}", tmp_path / f"theirs-{empty}"
        kw = dict(shape=(8, 8), chunks=(2, 2), shards=(4, 4), dtype="i4", fill_value=5, compressors=None,
                  config={"write_empty_chunks": empty})
        a = zarrnative.create_array(ours, **kw)
        z = zarr.create_array(theirs, **kw)
        for arr in (a, z):
            arr[...] = 5
            arr[4:, 4:] = want[4:, 4:]
        assert (ours / "c" / "0" / "0").exists() == empty
        assert a._nshards_initialized == (4 if empty else 1)
        shards = sorted(p.relative_to(theirs) for p in (theirs / "c").rglob("*") if p.is_file())
        assert sorted(p.relative_to(ours) for p in (ours / "c").rglob("*") if p.is_file()) == shards
        for key in shards:
            assert (ours / key).read_bytes() == (theirs / key).read_bytes(), key
        np.testing.assert_array_equal(a[...], want)
        np.testing.assert_array_equal(zarr.open_array(ours, mode="r")[...], want)


def test_dimension_names_and_key_encoding(tmp_path):
    a = zarrnative.create_array(tmp_path, shape=(4, 4), dtype="i4", chunks=(2, 2), dimension_names=("y", None),
                                chunk_key_encoding={"name": "default", "separator": "."})
    a[...] = 1
    assert a.metadata.dimension_names == ("y", None)
    assert (tmp_path / "c.1.1").exists()
    with pytest.raises(ValueError):
        zarrnative.create_array(tmp_path / "v2", shape=(2,), dtype="i4", zarr_format=2, dimension_names=["x"])


# --- `import zarrnative as zarr` runs zarr-python code unchanged ---------------------------------------
SCRIPT = textwrap.dedent("""
    import numpy as np
    store = zarr.storage.LocalStore(root)
    z = zarr.create_array(store=store, name="data", shape=(100, 100), chunks=(10, 10), dtype="f4",
                          compressors=zarr.codecs.BloscCodec(cname="zstd", clevel=3,
                                                             shuffle=zarr.codecs.BloscShuffle.shuffle),
                          attributes={"units": "K"})
    z[:, :] = np.arange(10000, dtype="f4").reshape(100, 100)
    z.attrs["long_name"] = "temperature"
    s = zarr.create_array(store=store, name="sharded", shape=(64, 64), chunks=(8, 8), shards=(32, 32),
                          dtype="i2", fill_value=-1)
    s[10:20, 10:20] = 5
    r = zarr.open_array(store=store, path="data", mode="r")
    result = {
        "sum": float(r[...].sum()),
        "slice": r[5, 10:15].tolist(),
        "shape": r.shape, "chunks": r.chunks, "dtype": str(r.dtype),
        "attrs": dict(r.attrs),
        "sharded_sum": int(zarr.open_array(store, path="sharded")[...].sum()),
        "shards": zarr.open_array(store, path="sharded").shards,
        "nchunks": r.nchunks,
        "compressors": [c.to_dict() for c in r.compressors],
        "zeros": zarr.zeros((5,), dtype="i4")[...].tolist(),
        "ones_like": zarr.ones_like(r)[0, :3].tolist(),
    }
    try:
        zarr.open_array(store=store, path="nothing", mode="r")
    except FileNotFoundError:
        result["missing"] = "FileNotFoundError"
""")


def test_zarr_python_script_runs_unchanged(tmp_path):
    results = []
    for lib, root in ((zarrnative, tmp_path / "ours"), (zarr, tmp_path / "theirs")):
        scope = {"zarr": lib, "root": str(root)}
        exec(SCRIPT, scope)
        results.append(scope["result"])
    assert results[0] == results[1]
    for name in ("data", "sharded"):
        assert metadata_files(tmp_path / "ours", name) == metadata_files(tmp_path / "theirs", name)


@pytest.mark.parametrize("dtype,fill", [(">i4", 5), (">c8", 1 + 2j), (">f2", 1.5), ("<i8", -1)])
def test_all_fill_chunks_of_any_byte_order_are_not_stored(tmp_path, dtype, fill):
    # A v2 array keeps the byte order in its chunks; a chunk of fill values
    # must be recognised in that order, as zarr-python recognises it.
    listing = {}
    for name, lib in (("zn", zarrnative), ("zarr", zarr)):
        a = lib.create_array(str(tmp_path / name), shape=(6,), chunks=(2,), dtype=dtype, zarr_format=2,
                             fill_value=fill, compressors=None)
        v = np.full(6, fill, dtype=dtype)
        v[5] = 0
        a[:] = v
        listing[name] = sorted(f for f in os.listdir(tmp_path / name) if not f.startswith("."))
    assert listing["zn"] == listing["zarr"] == ["2"]
    assert (tmp_path / "zn" / "2").read_bytes() == (tmp_path / "zarr" / "2").read_bytes()


# --- runtime config, with_config and the other constructors -------------------------
def _stored_chunks(root: pathlib.Path) -> list[str]:
    return sorted(str(p.relative_to(root)) for p in root.rglob("*")
                  if p.is_file() and p.name not in ("zarr.json", ".zarray", ".zattrs"))


@pytest.mark.parametrize("lib", ["zarrnative", "zarr"])
def test_with_config_write_empty_chunks_both_libraries(tmp_path, lib):
    """with_config changes only the new array's settings; what each writes is
    the same in both libraries."""
    m = zarrnative if lib == "zarrnative" else zarr
    root = tmp_path / lib
    a = m.create_array(str(root), shape=(4, 6), chunks=(2, 3), dtype="i4", fill_value=0)
    b = a.with_config({"write_empty_chunks": True})
    assert (b.config.write_empty_chunks, a.config.write_empty_chunks) == (True, False)
    assert b.config.order == a.config.order == "C"
    b[:2, :3] = 0  # stored by b
    a[2:, :3] = 0  # not stored by a
    a[2:, 3:] = 7
    assert _stored_chunks(root) == ["c/0/0", "c/1/1"]
    np.testing.assert_array_equal(b[:], a[:])


def test_with_config_matches_zarr_python(tmp_path):
    a = zarrnative.create_array(MemoryStore(), shape=(3,), dtype="u1")
    z = zarr.create_array(zarr.storage.MemoryStore(), shape=(3,), dtype="u1")
    for change in ({"order": "F"}, {"write_empty_chunks": True}, {"order": "F", "write_empty_chunks": True}):
        assert a.with_config(change).config.to_dict() == z.with_config(change).config.to_dict()
    # an ArrayConfig replaces the settings; the async face gives the same
    cfg = zarrnative.ArrayConfig("F", True)
    assert a.with_config(cfg).config == cfg
    assert a.async_array.with_config({"order": "F"}).config.order == "F"
    assert isinstance(a.async_array, zarrnative.AsyncArray)
    for bad in ({"order": "X"}, {"write_empty_chunks": "yes"}, {"bogus": 1}):
        with pytest.raises(ValueError):
            a.with_config(bad)
    with pytest.raises(TypeError):
        a.with_config(["order"])
    with pytest.raises(AttributeError):
        a.config.order = "F"


@pytest.mark.parametrize("zarr_format", [2, 3])
def test_reads_come_back_in_the_arrays_order(zarr_format):
    """An F-order array returns F-contiguous results for every selection
    kind, as zarr-python does; the values are numpy's."""
    ref = np.arange(120, dtype="i4").reshape(4, 6, 5)
    results = {}
    for lib, m in (("zarrnative", zarrnative), ("zarr", zarr)):
        kw = {"config": {"order": "F"}} if zarr_format == 3 else {"order": "F"}
        a = m.create_array(m.storage.MemoryStore(), shape=ref.shape, chunks=(2, 3, 2), dtype="i4",
                           zarr_format=zarr_format, **kw)
        a[:] = ref
        got = [a[:], a[1:3, 1:5], a.oindex[[0, 2], :, 1], a[1], a.blocks[1], a.get_orthogonal_selection((1, [0, 5]))]
        results[lib] = [(x.flags.f_contiguous, x.flags.c_contiguous) for x in got]
        want = [ref, ref[1:3, 1:5], ref[[0, 2]][:, :, 1], ref[1], ref[2:4], ref[1][[0, 5]]]
        for x, y in zip(got, want):
            np.testing.assert_array_equal(x, y)
        c = a.with_config({"order": "C"}) if zarr_format == 3 else None
        if c is not None:
            assert c[:].flags.c_contiguous
    assert results["zarrnative"] == results["zarr"]
    assert all(f for f, _ in results["zarrnative"])


def test_reads_in_f_order_of_records_and_with_fields():
    dt = np.dtype([("a", "<i4"), ("b", "<f8")])
    ref = np.zeros((3, 4), dtype=dt)
    ref["a"] = np.arange(12).reshape(3, 4)
    a = zarrnative.create_array(MemoryStore(), shape=(3, 4), chunks=(2, 2), dtype=dt, config={"order": "F"})
    a[:] = ref
    got = a[:]
    assert got.flags.f_contiguous and got.dtype == dt
    np.testing.assert_array_equal(got, ref)
    np.testing.assert_array_equal(a.get_basic_selection(fields="a"), ref["a"])


def test_compressor_property_as_zarr_python():
    for m in (zarrnative, zarr):
        v2 = m.create_array(m.storage.MemoryStore(), shape=(3,), dtype="i2", zarr_format=2)
        none = m.create_array(m.storage.MemoryStore(), shape=(3,), dtype="i2", zarr_format=2, compressors=None)
        v3 = m.create_array(m.storage.MemoryStore(), shape=(3,), dtype="i2")
        with pytest.warns(DeprecationWarning):
            assert v2.compressor.get_config() == numcodecs.Zstd(level=0).get_config()
        with pytest.warns(DeprecationWarning):
            assert none.compressor is None
        with pytest.warns(DeprecationWarning), pytest.raises(TypeError, match="format 3"):
            v3.compressor


@pytest.mark.parametrize("zarr_format", [2, 3])
def test_array_create_open_and_from_dict(tmp_path, zarr_format):
    path = tmp_path / "a"
    kw = dict(chunk_shape=(4,), codecs=[{"name": "bytes"}, {"name": "gzip", "configuration": {"level": 1}}]) \
        if zarr_format == 3 else dict(chunks=(4,), compressor=numcodecs.GZip(level=1))
    with pytest.warns(DeprecationWarning):
        a = zarrnative.Array.create(str(path), shape=(10,), dtype="f4", zarr_format=zarr_format, fill_value=1.5, **kw)
    a[:5] = np.arange(5)
    z = zarr.open_array(str(path), mode="r")
    assert z.chunks == (4,) and z.fill_value == 1.5
    np.testing.assert_array_equal(z[:], [0, 1, 2, 3, 4] + [1.5] * 5)
    b = zarrnative.Array.open(str(path))
    assert b.metadata.to_dict() == a.metadata.to_dict()
    # from_dict: an array object for a document, with nothing written or read
    doc = z.metadata.to_dict()
    before = sorted(p.name for p in path.rglob("*"))
    c = zarrnative.Array.from_dict(StorePath(LocalStore(str(path)), ""), doc)
    assert sorted(p.name for p in path.rglob("*")) == before
    np.testing.assert_array_equal(c[:], z[:])
    assert zarrnative.AsyncArray.from_dict(StorePath(LocalStore(str(path)), ""), doc).shape == (10,)
    with pytest.raises(ValueError):
        zarrnative.Array.from_dict(StorePath(MemoryStore(), ""), {**doc, "zarr_format": 4})
    with pytest.raises((ValueError, TypeError)):
        zarrnative.Array.from_dict(StorePath(MemoryStore(), ""), {**doc, "shape": "ten"})


@pytest.mark.parametrize("dtype", ["u1", "f4", ">i8"])
@pytest.mark.parametrize("serializer", [{"name": "bytes"}, {"name": "bytes", "configuration": {}},
                                        {"name": "bytes", "configuration": {"endian": "big"}}])
def test_bytes_serializer_dicts_filled_in_as_zarr_python(dtype, serializer):
    """A bytes codec given as a dict without an endianness is written with
    the one zarr-python fills in (little for multi-byte types, none for one byte)."""
    docs = []
    for m in (zarrnative, zarr):
        a = m.create_array(m.storage.MemoryStore(), shape=(3,), dtype=dtype, serializer=dict(serializer),
                           compressors=None)
        a[:] = [1, 2, 3]
        np.testing.assert_array_equal(a[:], [1, 2, 3])
        docs.append(json.loads(json.dumps(a.metadata.to_dict()["codecs"])))
    assert docs[0] == docs[1]
    with pytest.warns(DeprecationWarning):
        b = zarrnative.Array.create(MemoryStore(), shape=(3,), dtype=dtype, codecs=[dict(serializer)])
    assert json.loads(json.dumps(b.metadata.to_dict()["codecs"])) == docs[1]


@pytest.mark.parametrize("zarr_format,shards", [(2, None), (3, None), (3, (4, 4))])
def test_edge_chunks_after_a_shrink_as_zarr_python(tmp_path, zarr_format, shards):
    """After a shrink, what an edge chunk holds beyond the new edge stays
    until a write covers the chunk's part inside the array; then the rest is
    the fill value, as zarr-python writes unsharded chunks. Growing again
    shows the same values in each, and the chunk files are the same bytes.
    (tensorstore keeps the stale part in every case, and so does zarr-python
    inside a shard; zarrnative treats a shard's inner chunks as it treats
    chunks, so there the last case differs from zarr-python.)"""
    files, values = {}, {}
    for name, lib in (("zn", zarrnative), ("zarr", zarr)):
        a = lib.create_array(str(tmp_path / name), shape=(4, 4), chunks=(2, 2) if shards else (4, 4), shards=shards,
                             dtype="i4", fill_value=0, compressors=None, zarr_format=zarr_format)
        a[:] = np.arange(1, 17).reshape(4, 4)
        a.resize((3, 3))
        a.resize((4, 4))
        values[name, "shrink"] = a[:]  # nothing written: the stale part shows again
        a.resize((3, 3))
        a[:2, :2] = -1  # a partial write of the chunk: merged, the stale part kept
        a.resize((4, 4))
        values[name, "partial"] = a[:]
        a.resize((3, 3))
        a[:] = -np.ones((3, 3), "i4")  # every chunk's part inside the array, whole: beyond is fill
        a.resize((4, 4))
        values[name, "whole"] = a[:]
        files[name] = {str(p.relative_to(tmp_path / name)): p.read_bytes() for p in (tmp_path / name).rglob("*")
                       if p.is_file() and p.name not in (".zarray", ".zattrs", "zarr.json")}
    for case in ("shrink", "partial") if shards else ("shrink", "partial", "whole"):
        np.testing.assert_array_equal(values["zn", case], values["zarr", case], err_msg=case)
    assert values["zn", "shrink"][3, 3] == 16
    assert values["zn", "whole"][3, 3] == 0
    if not shards:
        assert files["zn"] == files["zarr"]


def test_arrays_compare_as_zarr_python(tmp_path):
    """Equality as zarr-python's: same store and path, same metadata, same
    settings; read-only views, other paths and stale metadata differ."""
    import pickle

    answers = {}
    for name, lib in (("zarr", zarr), ("zn", zarrnative)):
        path = str(tmp_path / name)
        a = lib.create_array(path, shape=(3,), dtype="i4", name="x")
        b = lib.open_array(path, path="x")
        same_again = a == b
        pickled = a == pickle.loads(pickle.dumps(a))
        read_only = a == lib.open_array(path, path="x", mode="r")
        other = a == lib.create_array(path, shape=(3,), dtype="i4", name="y")
        other_config = a == a.with_config({"write_empty_chunks": True})
        a.attrs["k"] = 1  # b still holds the metadata it read
        stale = a == b
        fresh = a == lib.open_array(path, path="x")
        answers[name] = dict(same_again=same_again, pickled=pickled, read_only=read_only, other=other,
                             other_config=other_config, stale=stale, fresh=fresh, not_an_array=a == 3)
    assert answers["zn"] == answers["zarr"]
    assert answers["zn"]["same_again"] and answers["zn"]["pickled"] and not answers["zn"]["stale"]
    a = zarrnative.create_array(MemoryStore(), shape=(2,), dtype="u1")
    assert len({a, zarrnative.open_array(a.store)}) == 1  # equal arrays hash alike
