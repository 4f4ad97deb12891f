"""numcodecs codecs in Zarr v3 arrays ("numcodecs.<id>", as zarr-python 3.1
writes them with zarr.codecs.numcodecs): arrays written by zarr-python are read
by zarrnative, and arrays written by zarrnative with the same codec objects
hold the same metadata and the same chunk bytes, which zarr-python reads."""

from __future__ import annotations

import json
import pathlib
import warnings

import numpy as np
import pytest

import zarrnative

zarr = pytest.importorskip("zarr")
z3 = pytest.importorskip("zarr.codecs.numcodecs")

pytestmark = pytest.mark.filterwarnings("ignore")

CASES = {
    # name: (filters, compressors, dtype)
    "zlib": (None, lambda: [z3.Zlib(level=3)], "<i4"),
    "gzip": (None, lambda: [z3.GZip(level=1)], "<f8"),
    "bz2": (None, lambda: [z3.BZ2(level=5)], "<u2"),
    "lz4": (None, lambda: [z3.LZ4(acceleration=1)], "<i8"),
    "zstd": (None, lambda: [z3.Zstd(level=2)], "<f4"),
    "lzma": (None, lambda: [z3.LZMA(preset=1)], "<i4"),
    "lzma-alone": (None, lambda: [z3.LZMA(format=2)], "<f8"),
    "defaults-lzma": (None, lambda: [z3.LZMA()], "<u2"),
    "zstd-checksum": (None, lambda: [z3.Zstd(level=1, checksum=True)], "<u4"),
    "blosc-shuffle": (None, lambda: [z3.Blosc(cname="lz4", clevel=5, shuffle=1)], "<f8"),
    "blosc-bitshuffle": (None, lambda: [z3.Blosc(cname="zstd", clevel=3, shuffle=2)], "<i2"),
    "blosc-noshuffle": (None, lambda: [z3.Blosc(cname="blosclz", clevel=9, shuffle=0)], "<u1"),
    "shuffle+zlib": (None, lambda: [z3.Shuffle(elementsize=4), z3.Zlib(level=1)], "<i4"),
    "crc32c": (None, lambda: [z3.CRC32C()], "<i4"),
    "zlib+crc32c": (None, lambda: [z3.Zlib(level=1), z3.CRC32C()], "<f8"),
    "crc32c-start": (None, lambda: [z3.CRC32C(location="start")], "<i4"),
    "crc32": (None, lambda: [z3.CRC32()], "<i4"),
    "crc32-end": (None, lambda: [z3.CRC32(location="end")], "<u2"),
    "adler32": (None, lambda: [z3.Adler32()], "<f8"),
    "zlib+adler32": (None, lambda: [z3.Zlib(level=1), z3.Adler32(location="end")], "<i4"),
    "fletcher32": (None, lambda: [z3.Fletcher32()], "<u2"),
    "jenkins_lookup3": (None, lambda: [z3.JenkinsLookup3(initval=99)], "<i8"),
    "defaults-jenkins_lookup3": (None, lambda: [z3.JenkinsLookup3()], "<i4"),
    "packbits": (lambda: [z3.PackBits()], None, "|b1"),
    "packbits+zstd": (lambda: [z3.PackBits()], lambda: [z3.Zstd(level=1)], "|b1"),
    "delta": (lambda: [z3.Delta(dtype="<i4")], None, "<i4"),
    "delta-astype": (lambda: [z3.Delta(dtype="<i8", astype="<i2")], lambda: [z3.Zlib(level=1)], "<i8"),
    "fixedscaleoffset": (lambda: [z3.FixedScaleOffset(offset=10, scale=100, dtype="<f8", astype="<i4")],
                         lambda: [z3.Zstd(level=1)], "<f8"),
    "astype": (lambda: [z3.AsType(encode_dtype="<f4", decode_dtype="<f8")], None, "<f8"),
    # configurations left empty: numcodecs' defaults
    "defaults-zlib": (None, lambda: [z3.Zlib()], "<i4"),
    "defaults-zstd": (None, lambda: [z3.Zstd()], "<i4"),
    "defaults-blosc": (None, lambda: [z3.Blosc()], "<f8"),
    "defaults-bz2": (None, lambda: [z3.BZ2()], "<i4"),
    "defaults-lz4": (None, lambda: [z3.LZ4()], "<i4"),
    "defaults-shuffle": (None, lambda: [z3.Shuffle(), z3.Zlib()], "<f8"),
    "defaults-gzip": (None, lambda: [z3.GZip()], "<i4"),
    # left to the data type, as zarr-python fills them in
    "fixedscaleoffset-dtype": (lambda: [z3.FixedScaleOffset(offset=0, scale=10, astype="<i4")], None, "<f8"),
    "astype-decode": (lambda: [z3.AsType(encode_dtype="<f4")], None, "<f8"),
}


def _ours(codecs):
    """The same codecs as zarrnative.codecs.numcodecs objects."""
    from zarrnative.codecs import numcodecs as ours
    return [getattr(ours, type(c).__name__)(**c.codec_config) for c in codecs]


def _data(dtype: str) -> np.ndarray:
    rng = np.random.default_rng(7)
    x = np.cumsum(rng.integers(-3, 4, size=(37, 23)), axis=1)
    if np.dtype(dtype).kind == "b":
        return x % 3 == 0
    if np.dtype(dtype).kind == "f":
        return (x / 8).astype(dtype)
    if np.dtype(dtype).kind == "u":
        return np.abs(x).astype(dtype)
    return x.astype(dtype)


def _files(root: pathlib.Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in root.rglob("*") if p.is_file()}


@pytest.mark.parametrize("case", list(CASES))
def test_numcodecs_codecs_in_v3_both_ways(tmp_path, case):
    filters, compressors, dtype = CASES[case]
    data = _data(dtype)
    written = {}
    for name, lib in (("zarr", zarr), ("zn", zarrnative)):
        own = _ours if lib is zarrnative else list
        kw = {}
        if filters:
            kw["filters"] = own(filters())
        kw["compressors"] = own(compressors()) if compressors else None
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            a = lib.create_array(str(tmp_path / name), shape=data.shape, chunks=(10, 8), dtype=dtype,
                                 fill_value=0, **kw)
        a[:] = data
        written[name] = _files(tmp_path / name)
    meta = {k: json.loads(written[k]["zarr.json"]) for k in written}
    assert meta["zn"]["codecs"] == meta["zarr"]["codecs"]
    assert any(c["name"].startswith("numcodecs.") for c in meta["zn"]["codecs"])
    for name in ("zarr", "zn"):
        ours = zarrnative.open_array(str(tmp_path / name), mode="r")
        theirs = zarr.open_array(str(tmp_path / name), mode="r")[:]
        np.testing.assert_array_equal(ours[:], theirs)  # the same decoding, bit for bit
        np.testing.assert_array_equal(ours[3:20:2, 5:9], theirs[3:20:2, 5:9])
        if case.startswith("fixedscaleoffset"):  # lossy: within the scale
            np.testing.assert_allclose(theirs, data, atol=0.05)
        elif case == "astype-decode":
            np.testing.assert_array_equal(theirs, data.astype("<f4"))
        else:
            np.testing.assert_array_equal(theirs, data)
    chunks = {k: {f: b for f, b in v.items() if f != "zarr.json"} for k, v in written.items()}
    assert chunks["zn"].keys() == chunks["zarr"].keys()
    if "gzip" not in case:  # gzip headers hold a time stamp
        assert chunks["zn"] == chunks["zarr"]


def test_numcodecs_v3_codecs_warn_as_zarr_python():
    from zarrnative.errors import ZarrUserWarning
    for lib in (z3, zarrnative.codecs.numcodecs):
        with pytest.warns(UserWarning, match="Numcodecs codecs are not in the Zarr version 3 specification"):
            lib.Delta(dtype="<i4")
    with pytest.warns(ZarrUserWarning):
        zarrnative.codecs.numcodecs.Zlib(level=1)


def test_numcodecs_v3_bad_configurations_are_codec_errors(tmp_path):
    a = zarr.create_array(str(tmp_path / "a"), shape=(4,), dtype="<i4", compressors=[z3.Zlib(level=1)])
    a[:] = [1, 2, 3, 4]
    doc = json.loads((tmp_path / "a" / "zarr.json").read_text())
    for bad in ({"name": "numcodecs.zlib", "configuration": {"level": "high"}},
                {"name": "numcodecs.zlib", "configuration": {"lvl": 1}},
                {"name": "numcodecs.nosuch", "configuration": {}}):
        doc["codecs"][1] = bad
        (tmp_path / "a" / "zarr.json").write_text(json.dumps(doc))
        with pytest.raises((ValueError, TypeError)):
            zarrnative.open_array(str(tmp_path / "a"), mode="r")[:]


# --- the lossy filters Quantize and BitRound, v2 and v3 ----------------------------------------
numcodecs = pytest.importorskip("numcodecs")


def _floats(dtype: str) -> np.ndarray:
    rng = np.random.default_rng(11)
    x = rng.normal(0, 1000, size=(29, 17)) * rng.choice([1e-6, 1e-3, 1, 1e3], size=(29, 17))
    x[0, :6] = [0.0, -0.0, np.inf, -np.inf, np.nan, 1.5]
    return x.astype(dtype)


LOSSY = [("quantize", dict(digits=2, dtype="<f8")), ("quantize", dict(digits=1, dtype="<f4")),
         ("quantize", dict(digits=3, dtype="<f8", astype="<f4")), ("quantize", dict(digits=-1, dtype="<f8")),
         ("quantize", dict(digits=4, dtype="<f2")), ("quantize", dict(digits=2, dtype=">f8")),
         ("bitround", dict(keepbits=0)), ("bitround", dict(keepbits=3)), ("bitround", dict(keepbits=9))]
LOSSY_DTYPES = {"bitround": ["<f8", "<f4", "<f2"]}  # numcodecs' BitRound fails on big-endian arrays


@pytest.mark.parametrize("fmt", [2, 3])
@pytest.mark.parametrize("codec,config", LOSSY, ids=[f"{c}-{i}" for i, (c, _) in enumerate(LOSSY)])
def test_quantize_and_bitround_as_numcodecs(tmp_path, fmt, codec, config):
    """The chunk bytes are numcodecs' (encoded by zarr-python with
    numcodecs' own codec); each library reads both arrays the same."""
    if fmt == 3 and config.get("astype", config.get("dtype")) != config.get("dtype"):
        pytest.skip("zarr-python 3.1.6's v3 Quantize keeps the data type through an astype, and cannot read its output")
    dtypes = LOSSY_DTYPES.get(codec, [config.get("dtype")])
    for dtype in dtypes:
        if fmt == 3 and dtype.startswith(">"):
            continue
        data = _floats(dtype)
        if codec == "bitround" and np.dtype(dtype).itemsize == 2 and config["keepbits"] > 10:
            continue
        files = {}
        for name, lib in (("zarr", zarr), ("zn", zarrnative)):
            if fmt == 2:
                filt = getattr(numcodecs, {"quantize": "Quantize", "bitround": "BitRound"}[codec])(**config)
            else:
                cls = {"quantize": "Quantize", "bitround": "BitRound"}[codec]
                filt = (getattr(z3, cls) if lib is zarr else getattr(zarrnative.codecs.numcodecs, cls))(**config)
            path = tmp_path / f"{name}-{dtype}"
            a = lib.create_array(str(path), shape=data.shape, chunks=(10, 9), dtype=dtype, filters=[filt],
                                 compressors=None, zarr_format=fmt, fill_value=0)
            a[:] = data
            files[name] = _files(path)
        assert files["zn"] == files["zarr"], (dtype, config)
        for name in ("zarr", "zn"):
            path = str(tmp_path / f"{name}-{dtype}")
            theirs = zarr.open_array(path, mode="r")[:]
            ours = zarrnative.open_array(path, mode="r")[:]
            assert np.array_equal(ours.view(f"u{ours.dtype.itemsize}"), theirs.view(f"u{theirs.dtype.itemsize}"))


def test_lossy_filters_refuse_bad_configurations():
    for filt in (numcodecs.BitRound(keepbits=24),):
        with pytest.raises((ValueError, TypeError)):
            zarrnative.create_array(zarrnative.storage.MemoryStore(), shape=(3,), dtype="<f4", filters=[filt],
                                    zarr_format=2)
    for doc in ({"id": "quantize", "digits": 2, "dtype": "<i4"}, {"id": "quantize", "digits": "2", "dtype": "<f8"},
                {"id": "bitround", "keepbits": -1}, {"id": "bitround"}):
        with pytest.raises((ValueError, TypeError)):
            zarrnative.create_array(zarrnative.storage.MemoryStore(), shape=(3,), dtype="<f8", filters=[doc],
                                    zarr_format=2)
    with pytest.raises((ValueError, TypeError)):  # bit-rounding needs floats
        zarrnative.create_array(zarrnative.storage.MemoryStore(), shape=(3,), dtype="<i4",
                                filters=[{"id": "bitround", "keepbits": 3}], zarr_format=2)


# --- LZMA in v2 arrays, and its bad input ----------------------------------------------------
LZMA_CONFIGS = [{}, {"preset": 1}, {"format": 2}, {"check": 0}, {"check": 1}, {"check": 10, "preset": 3},
                {"preset": 9 | 0x80000000},
                # filter chains (Python's lzma.FILTER_* ids): the raw format needs them
                {"format": 3, "filters": [{"id": 3, "dist": 8}, {"id": 33, "preset": 1}]},
                {"format": 3, "filters": [{"id": 4611686018427387905, "preset": 0, "lc": 1, "lp": 1, "pb": 0}]},
                {"format": 3, "filters": [{"id": 4, "start_offset": 4}, {"id": 33, "dict_size": 1 << 16, "mf": 0x12}]}]

# .xz and .lzma with a filter chain: numcodecs writes them but cannot read them back ("Cannot
# specify filters except with FORMAT_RAW"); the streams name their filters, so zarrnative reads them.
LZMA_WRITE_ONLY_CONFIGS = [{"filters": [{"id": 3, "dist": 8}, {"id": 33, "preset": 1}]},
                           {"format": 1, "check": 0, "filters": [{"id": 9}, {"id": 33, "mode": 1, "nice_len": 16}]},
                           {"format": 2, "filters": [{"id": 4611686018427387905, "preset": 2, "dict_size": 1 << 16}]}]


@pytest.mark.parametrize("config", LZMA_CONFIGS, ids=[str(c) for c in LZMA_CONFIGS])
def test_lzma_v2_as_numcodecs(tmp_path, config):
    """The chunk bytes are numcodecs' LZMA's (Python's lzma module); each library reads both."""
    data = _data("<i8")
    files = {}
    for name, lib in (("zarr", zarr), ("zn", zarrnative)):
        a = lib.create_array(str(tmp_path / name), shape=data.shape, chunks=(10, 8), dtype="<i8",
                             compressors=numcodecs.LZMA(**config), zarr_format=2, fill_value=0)
        a[:] = data
        files[name] = _files(tmp_path / name)
        for reader in (zarr, zarrnative):
            np.testing.assert_array_equal(reader.open_array(str(tmp_path / name), mode="r")[:], data)
    assert {k: v for k, v in files["zn"].items() if not k.startswith(".")} == \
        {k: v for k, v in files["zarr"].items() if not k.startswith(".")}


@pytest.mark.parametrize("config", LZMA_WRITE_ONLY_CONFIGS, ids=[str(c) for c in LZMA_WRITE_ONLY_CONFIGS])
@pytest.mark.parametrize("fmt", [2, 3])
def test_lzma_filter_chains_numcodecs_cannot_read(tmp_path, config, fmt):
    """The chunk bytes are numcodecs' (zarr-python writes them); zarrnative reads both arrays, and
    Python's lzma module reads each chunk without the chain."""
    import lzma
    data = _data("<i8")
    comp = numcodecs.LZMA(**config) if fmt == 2 else z3.LZMA(**config)
    files = {}
    for name, lib in (("zarr", zarr), ("zn", zarrnative)):
        a = lib.create_array(str(tmp_path / name), shape=data.shape, chunks=(10, 8), dtype="<i8",
                             compressors=comp, zarr_format=fmt, fill_value=0)
        a[:] = data
        files[name] = _files(tmp_path / name)
        np.testing.assert_array_equal(zarrnative.open_array(str(tmp_path / name), mode="r")[:], data)
        with pytest.raises(ValueError, match="Cannot specify filters"):
            zarr.open_array(str(tmp_path / name), mode="r")[:]
    chunks = {k: v for k, v in files["zn"].items() if not k.startswith(".") and not k.endswith("zarr.json")}
    assert chunks and chunks == {k: v for k, v in files["zarr"].items() if k in chunks}
    assert len(chunks) == len([k for k in files["zarr"] if not k.startswith(".") and not k.endswith("zarr.json")])
    for v in chunks.values():
        assert len(lzma.decompress(v)) == 10 * 8 * 8


def test_lzma_bad_input_and_configurations(tmp_path):
    import lzma
    a = zarrnative.create_array(str(tmp_path / "a"), shape=(1000,), chunks=(1000,), dtype="<u1",
                                compressors=numcodecs.LZMA(), zarr_format=2)
    a[:] = 7
    chunk = tmp_path / "a" / "0"
    good = chunk.read_bytes()
    for bad in (good[:len(good) // 2], good[:-1], b"", b"not lzma at all", good + b"trailing",
                good[:20] + bytes(len(good) - 20),
                lzma.compress(bytes(2000)),  # a stream that decodes to more than the chunk holds
                lzma.compress(bytes(1000), format=lzma.FORMAT_ALONE)):  # the wrong container
        chunk.write_bytes(bad)
        with pytest.raises(ValueError):
            zarrnative.open_array(str(tmp_path / "a"), mode="r")[:]
    chunk.write_bytes(lzma.compress(bytes(500)) + lzma.compress(bytes([7]) * 500))  # two streams, as Python reads them
    np.testing.assert_array_equal(zarrnative.open_array(str(tmp_path / "a"), mode="r")[:],
                                  np.r_[np.zeros(500), np.full(500, 7)])
    for config in ({"id": "lzma", "filters": [{"id": 33}], "preset": 1}, {"id": "lzma", "format": 3},
                   {"id": "lzma", "check": 2}, {"id": "lzma", "preset": 10}, {"id": "lzma", "format": 2, "check": 4},
                   {"id": "lzma", "level": 1}, {"id": "lzma", "filters": [{"id": 99}]},
                   {"id": "lzma", "filters": [{"id": 33, "bogus": 1}]}, {"id": "lzma", "format": 2, "filters": [{"id": 33}]},
                   {"id": "lzma", "format": 3, "filters": [{"id": 33, "dict_size": 3 << 29}]}):
        with pytest.raises((ValueError, TypeError)):
            zarrnative.create_array(zarrnative.storage.MemoryStore(), shape=(3,), dtype="u1", compressors=config,
                                    zarr_format=2)


# --- the checksums and PackBits in v2 arrays, and their bad input ----------------------------
V2_CHECKSUMS = [
    # (filters, compressor, dtype, order)
    (None, lambda: numcodecs.CRC32(), "<i4", "C"),
    (None, lambda: numcodecs.CRC32(location="end"), ">u2", "C"),
    (None, lambda: numcodecs.Adler32(), "<f8", "F"),
    (lambda: [numcodecs.Adler32(location="end")], lambda: numcodecs.Zlib(level=1), "<i8", "C"),
    (None, lambda: numcodecs.Fletcher32(), "<u2", "C"),
    (lambda: [numcodecs.Fletcher32()], lambda: numcodecs.Zstd(level=1), "<i4", "F"),
    (None, lambda: numcodecs.JenkinsLookup3(), "<i4", "C"),
    (None, lambda: numcodecs.JenkinsLookup3(initval=4242), "|u1", "C"),
    (lambda: [numcodecs.CRC32()], lambda: numcodecs.Adler32(), "<f4", "C"),
    (lambda: [numcodecs.PackBits()], None, "|b1", "C"),
    (lambda: [numcodecs.PackBits()], lambda: numcodecs.Zlib(level=1), "|b1", "F"),
    (lambda: [numcodecs.PackBits()], lambda: numcodecs.CRC32(), "|u1", "C"),
]


@pytest.mark.parametrize("filters,compressor,dtype,order", V2_CHECKSUMS,
                         ids=[f"{i}-{d}-{o}" for i, (_, _, d, o) in enumerate(V2_CHECKSUMS)])
def test_checksums_and_packbits_v2_as_numcodecs(tmp_path, filters, compressor, dtype, order):
    """Chunk bytes equal to zarr-python's (numcodecs' own codecs); each library reads both arrays."""
    data = _data(dtype)
    if dtype == "|u1":
        data = data % 2 if filters else data  # PackBits keeps 0 and 1 only
    _v2_both_ways(tmp_path, data, data, dtype=dtype, order=order, filters=filters() if filters else None,
                  compressor=compressor() if compressor else None, fill_value=0)


def _v2_both_ways(tmp_path, data, expected, *, dtype, order, filters, compressor, fill_value):
    """zarr-python and zarrnative each write `data` as a v2 array in (10, 8) chunks: the chunk files
    and .zarray must be equal, and each library must read both arrays as `expected`, whole and sliced."""
    files = {}
    for name, lib in (("zarr", zarr), ("zn", zarrnative)):
        a = lib.create_array(str(tmp_path / name), shape=data.shape, chunks=(10, 8), dtype=dtype, order=order,
                             filters=filters, compressors=compressor, zarr_format=2, fill_value=fill_value)
        a[:] = data
        files[name] = _files(tmp_path / name)
        for reader in (zarr, zarrnative):
            got = reader.open_array(str(tmp_path / name), mode="r")
            np.testing.assert_array_equal(got[:], expected)
            np.testing.assert_array_equal(got[5:21:3, 2:15], expected[5:21:3, 2:15])
    assert {k: v for k, v in files["zn"].items() if not k.startswith(".")} == \
        {k: v for k, v in files["zarr"].items() if not k.startswith(".")}
    assert json.loads(files["zn"][".zarray"]) == json.loads(files["zarr"][".zarray"])


@pytest.mark.parametrize("codec", ["crc32", "adler32", "fletcher32", "jenkins_lookup3", "crc32c"])
def test_checksum_mismatches_name_the_chunk(tmp_path, codec):
    cls = {"crc32": "CRC32", "adler32": "Adler32", "fletcher32": "Fletcher32", "jenkins_lookup3": "JenkinsLookup3",
           "crc32c": "CRC32C"}[codec]
    for fmt in (2, 3):
        path = tmp_path / f"{codec}-{fmt}"
        comp = getattr(numcodecs, cls)() if fmt == 2 else getattr(zarrnative.codecs.numcodecs, cls)()
        a = zarrnative.create_array(str(path), shape=(100,), chunks=(50,), dtype="<i4", compressors=[comp],
                                    zarr_format=fmt)
        a[:] = np.arange(100)
        key = path / ("1" if fmt == 2 else "c/1")
        good = key.read_bytes()
        for bad in (good[:2], good[:-1], bytes([good[0] ^ 1]) + good[1:], good[:-1] + bytes([good[-1] ^ 0x80])):
            key.write_bytes(bad)
            with pytest.raises(ValueError, match=f"{codec}.*(checksum|shorter|bytes)") as info:
                zarrnative.open_array(str(path), mode="r")[:]
            assert "1" in str(info.value)
            np.testing.assert_array_equal(zarrnative.open_array(str(path), mode="r")[:50], np.arange(50))
        key.write_bytes(good)
        np.testing.assert_array_equal(zarrnative.open_array(str(path), mode="r")[:], np.arange(100))


def test_packbits_bad_input_and_configurations(tmp_path):
    a = zarrnative.create_array(str(tmp_path / "a"), shape=(20,), chunks=(20,), dtype=bool,
                                filters=[numcodecs.PackBits()], compressors=None, zarr_format=2)
    a[:] = np.arange(20) % 3 == 0
    chunk = tmp_path / "a" / "0"
    good = chunk.read_bytes()
    assert good == bytes(numcodecs.PackBits().encode(np.arange(20) % 3 == 0))
    for bad, fault in ((good[:-1], "holds 3 bytes"), (good + b"\0", "holds 5 bytes"), (b"", "holds 0 bytes"),
                       (bytes([7]) + good[1:], "packbits: the header says 7 padding bits")):
        chunk.write_bytes(bad)
        with pytest.raises(ValueError, match=fault):
            zarrnative.open_array(str(tmp_path / "a"), mode="r")[:]
    for dtype in ("<i4", "<f8", "<u2"):
        with pytest.raises((ValueError, TypeError), match="packbits"):
            zarrnative.create_array(zarrnative.storage.MemoryStore(), shape=(3,), dtype=dtype,
                                    filters=[numcodecs.PackBits()], zarr_format=2)
    for dtype in ("|u1", "|i1", "<i4"):  # v3: booleans only, as zarr-python checks
        with pytest.raises(ValueError, match="(?i)packbits"):
            zarr.create_array(zarr.storage.MemoryStore(), shape=(3,), dtype=dtype, filters=[z3.PackBits()])
        with pytest.raises(ValueError, match="packbits"):
            zarrnative.create_array(zarrnative.storage.MemoryStore(), shape=(3,), dtype=dtype,
                                    filters=[zarrnative.codecs.numcodecs.PackBits()])
    for config in ({"id": "crc32", "location": "middle"}, {"id": "jenkins_lookup3", "prefix": [1, 2]},
                   {"id": "jenkins_lookup3", "initval": -1}, {"id": "fletcher32", "location": "end"}):
        with pytest.raises((ValueError, TypeError)):
            zarrnative.create_array(zarrnative.storage.MemoryStore(), shape=(3,), dtype="u1", compressors=config,
                                    zarr_format=2)


# --- Categorize (v2 only: zarr-python has no v3 name for it) ---------------------------------
CATEGORIZE = [
    # (labels, codec dtype, astype, array dtype, order, compressor)
    (["female", "male", "other"], "<U6", "|u1", "<U6", "C", None),
    (["a", "bb", "ccc", "bb"], "<U3", "<u2", "<U3", "F", lambda: numcodecs.Zlib(level=1)),
    (["x", "y", ""], "<U1", "|u1", "<U4", "C", lambda: numcodecs.Zstd(level=1)),  # four codes per element
    (["\u03b1", "\u03b2\u03b3", "\U0001f600"], "<U2", "|i1", "<U2", "C", None),
    (["lo", "hi"], ">U2", ">i4", ">U2", "F", lambda: numcodecs.CRC32()),
]


@pytest.mark.parametrize("labels,dtype,astype,array_dtype,order,compressor", CATEGORIZE,
                         ids=[f"{i}-{c[3]}-{c[4]}" for i, c in enumerate(CATEGORIZE)])
def test_categorize_v2_as_numcodecs(tmp_path, labels, dtype, astype, array_dtype, order, compressor):
    """Chunk bytes equal to zarr-python's; both libraries read both arrays alike, unknown
    strings as "" (numcodecs' decoding), edge chunks included."""
    rng = np.random.default_rng(7)
    words = np.array(labels + ["zz", "b", "", "othe"], dtype=array_dtype)
    data = words[rng.integers(0, len(words), size=(23, 17))]
    codec = numcodecs.Categorize(labels, dtype=dtype, astype=astype)
    expected = codec.decode(codec.encode(data.copy()), out=np.empty_like(data))
    assert not np.array_equal(expected, data)  # some strings are not labels
    _v2_both_ways(tmp_path, data, expected, dtype=array_dtype, order=order,
                  filters=[numcodecs.Categorize(labels, dtype=dtype, astype=astype)],
                  compressor=compressor() if compressor else None, fill_value="")


def test_categorize_bad_input_and_configurations(tmp_path):
    a = zarrnative.create_array(str(tmp_path / "a"), shape=(6,), chunks=(6,), dtype="<U4", compressors=None,
                                filters=[numcodecs.Categorize(["ab", "cd"], dtype="<U4")], zarr_format=2)
    a[:] = ["ab", "cd", "x", "ab", "", "cd"]
    chunk = tmp_path / "a" / "0"
    assert chunk.read_bytes() == bytes([1, 2, 0, 1, 0, 2])
    for bad in (b"\x01\x02", b"\x01" * 7, b""):
        chunk.write_bytes(bad)
        with pytest.raises(ValueError, match="chunk '0'.* holds .* bytes, expected 6"):
            zarrnative.open_array(str(tmp_path / "a"), mode="r")[:]
    chunk.write_bytes(bytes([2, 9, 0, 1, 255, 2]))  # codes without a label read as ""
    np.testing.assert_array_equal(zarrnative.open_array(str(tmp_path / "a"), mode="r")[:],
                                  np.array(["cd", "", "", "ab", "", "cd"]))
    refused = [("<U3", {"dtype": "|O"}), ("<U3", {"dtype": "<U2"}), ("<i4", {"dtype": "<U1"}),
               ("<U1", {"dtype": "<U1", "astype": "<f8"}), ("<U3", {"dtype": "<U3", "labels": [str(i) for i in range(256)]}),
               ("<U1", {"dtype": "<U1", "labels": [1]})]
    for array_dtype, config in refused:
        config = {"id": "categorize", "labels": ["a"], **config}
        with pytest.raises((ValueError, TypeError), match="categorize"):
            zarrnative.create_array(zarrnative.storage.MemoryStore(), shape=(3,), dtype=array_dtype,
                                    filters=[config], zarr_format=2)


# --- ZFPY (zfp), v2 compressor and v3 serializer ---------------------------------------------
# zfpy itself overruns its buffer when a block's bits fall below a float's
# exponent (1-d rates under 2.25 for float32): the rates here stay above.
ZFPY_CONFIGS = [{}, {"mode": 4, "tolerance": 0.01}, {"mode": 4, "tolerance": 0}, {"mode": 2, "rate": 4},
                {"mode": 2, "rate": 12.5}, {"mode": 3, "precision": 9}, {"mode": 3, "precision": 40}]
ZFPY_SHAPES = [((50,), (16,)), ((20, 30), (8, 7)), ((9, 10, 11), (4, 5, 6)), ((5, 6, 7, 8), (3, 4, 5, 6))]


def _zfp_data(dtype: str, shape) -> np.ndarray:
    rng = np.random.default_rng(len(shape))
    x = np.cumsum(rng.normal(size=shape), axis=-1) * 100
    x.flat[:3] = [0.0, -1e-30, 3e30] if np.dtype(dtype).kind == "f" else [0, -7, 2 ** 20]
    return x.astype(dtype)


@pytest.mark.parametrize("dtype", ["<f4", "<f8", "<i4", "<i8"])
@pytest.mark.parametrize("config", ZFPY_CONFIGS, ids=[str(c) for c in ZFPY_CONFIGS])
def test_zfpy_v2_as_numcodecs(tmp_path, dtype, config):
    """Chunk bytes equal to zarr-python's with numcodecs' ZFPY (zfpy); each library reads both."""
    pytest.importorskip("zfpy")
    for shape, chunks in ZFPY_SHAPES:
        data = _zfp_data(dtype, shape)
        files, reads = {}, {}
        for name, lib in (("zarr", zarr), ("zn", zarrnative)):
            path = tmp_path / f"{name}-{len(shape)}"
            a = lib.create_array(str(path), shape=shape, chunks=chunks, dtype=dtype, zarr_format=2, fill_value=0,
                                 compressors=numcodecs.ZFPY(**config))
            a[:] = data
            files[name] = _files(path)
            reads[name] = [r.open_array(str(path), mode="r")[:] for r in (zarr, zarrnative)]
        assert {k: v for k, v in files["zn"].items() if not k.startswith(".")} == \
            {k: v for k, v in files["zarr"].items() if not k.startswith(".")}, (shape, config)
        for name in reads:
            np.testing.assert_array_equal(reads[name][0], reads[name][1])
        if not config:  # reversible: lossless
            np.testing.assert_array_equal(reads["zn"][1], data)
        sel = tuple(slice(1, None, 2) for _ in shape)
        np.testing.assert_array_equal(zarrnative.open_array(str(tmp_path / f"zarr-{len(shape)}"))[sel],
                                      reads["zarr"][0][sel])


def test_zfpy_v3_serializer_and_sharded(tmp_path):
    pytest.importorskip("zfpy")
    data = _zfp_data("<f8", (40, 30))
    data.flat[:3] = 0  # no 3e30 beside small values: the accuracy bound holds
    for sharded in (False, True):
        files = {}
        for name, lib, ser in (("zarr", zarr, z3.ZFPY(mode=4, tolerance=0.01)),
                               ("zn", zarrnative, zarrnative.codecs.numcodecs.ZFPY(mode=4, tolerance=0.01))):
            path = tmp_path / f"{name}-{sharded}"
            a = lib.create_array(str(path), shape=data.shape, chunks=(8, 10), shards=(16, 30) if sharded else None,
                                 dtype="<f8", serializer=ser, compressors=None, fill_value=0)
            a[:] = data
            files[name] = _files(path)
            for reader in (zarr, zarrnative):
                got = reader.open_array(str(path), mode="r")[:]
                assert np.abs(got - data).max() <= 0.01
        assert files["zn"] == files["zarr"], sharded
        a = zarrnative.open_array(str(tmp_path / f"zarr-{sharded}"))
        assert type(a.serializer).__name__ == "ZFPY" and a.compressors == ()
        np.testing.assert_array_equal(a[3:37:5, ::4], zarr.open_array(str(tmp_path / f"zarr-{sharded}"))[3:37:5, ::4])


def test_zfpy_refusals_and_corrupt_chunks(tmp_path):
    pytest.importorskip("zfpy")
    # numcodecs' ZFPY refuses F-ordered chunks; so do we, on writing and on reading.
    with pytest.raises(ValueError, match="zfpy: takes C-ordered chunks only"):
        zarrnative.create_array(str(tmp_path / "f"), shape=(4, 4), dtype="<f8", order="F",
                                compressors=numcodecs.ZFPY(), zarr_format=2)
    a = zarrnative.create_array(str(tmp_path / "c"), shape=(4, 4), dtype="<f8", compressors=numcodecs.ZFPY(),
                                zarr_format=2)
    doc = json.loads((tmp_path / "c" / ".zarray").read_text())
    (tmp_path / "c" / ".zarray").write_text(json.dumps({**doc, "order": "F"}))
    with pytest.raises(ValueError, match="C-ordered"):
        zarrnative.open_array(str(tmp_path / "c"), mode="r")[:]
    for dtype in ("<u2", "|u1", "<c16", ">f8"):
        with pytest.raises(ValueError, match="zfpy"):
            zarrnative.create_array(zarrnative.storage.MemoryStore(), shape=(3,), dtype=dtype,
                                    compressors=numcodecs.ZFPY(), zarr_format=2)
    with pytest.raises(ValueError, match="zfpy.*cannot follow the bytes filter"):
        zarrnative.create_array(zarrnative.storage.MemoryStore(), shape=(3,), dtype="<f8", zarr_format=2,
                                filters=[numcodecs.Shuffle(elementsize=8)], compressors=numcodecs.ZFPY())
    # Corrupt chunks name the chunk and the fault; the chunks beside them still read.
    b = zarrnative.create_array(str(tmp_path / "b"), shape=(20,), chunks=(10,), dtype="<f4",
                                compressors=numcodecs.ZFPY(), zarr_format=2)
    b[:] = np.arange(20)
    chunk = tmp_path / "b" / "1"
    good = chunk.read_bytes()
    other = zfpy_stream = __import__("zfpy").compress_numpy(np.arange(10, dtype="<f8"))
    for bad, fault in ((b"", "not a zfp stream"), (b"zfp", "not a zfp stream"), (b"nope" * 10, "not a zfp stream"),
                       (other, "holds float64 values"),
                       (__import__("zfpy").compress_numpy(np.arange(12, dtype="<f4")), "do not hold the chunk's 10")):
        chunk.write_bytes(bad)
        with pytest.raises(ValueError, match=fault) as info:
            zarrnative.open_array(str(tmp_path / "b"), mode="r")[:]
        assert "'1'" in str(info.value)
        np.testing.assert_array_equal(zarrnative.open_array(str(tmp_path / "b"), mode="r")[:10], np.arange(10))
    del zfpy_stream
    chunk.write_bytes(good[: len(good) // 2])  # a truncated stream: zero bits past its end, or refused
    try:
        zarrnative.open_array(str(tmp_path / "b"), mode="r")[:]
    except ValueError as e:
        assert "zfpy" in str(e)
