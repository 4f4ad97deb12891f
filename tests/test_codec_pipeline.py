"""The codec pipeline against zarr-python and numcodecs, byte for byte.

Each case: zarr-python (or numcodecs) encodes, zarrnative decodes; zarrnative
encodes, zarr-python decodes. Plus the pipeline's own validation errors."""

from __future__ import annotations

import json

import numcodecs
import numpy as np
import pytest
from zarr.codecs import (
    BloscCodec,
    BytesCodec,
    Crc32cCodec,
    GzipCodec,
    TransposeCodec,
    ZstdCodec,
)

from codec_interop import check_both_directions, smooth_field
from zarrnative import _core, errors

NUMERIC = ["bool", "int8", "uint8", "int16", "uint16", "int32", "uint32", "int64", "uint64",
           "float16", "float32", "float64", "complex64", "complex128"]


@pytest.mark.parametrize("dtype", NUMERIC)
@pytest.mark.parametrize("endian", ["little", "big"])
def test_bytes_codec_every_dtype(tmp_path, dtype, endian):
    data = smooth_field((17, 9), dtype)
    check_both_directions(tmp_path, data, serializer=BytesCodec(endian=endian), compressors=None)


@pytest.mark.parametrize("order", [(1, 0, 2), (2, 1, 0), (0, 1, 2)])
def test_transpose(tmp_path, order):
    data = smooth_field((6, 7, 8), "uint16")
    check_both_directions(tmp_path, data, filters=[TransposeCodec(order=order)], compressors=None)


@pytest.mark.parametrize("level", [0, 1, 5, 9])
def test_gzip(tmp_path, level):
    check_both_directions(tmp_path, smooth_field((64, 64), "float32"), compressors=GzipCodec(level=level))


@pytest.mark.parametrize("level,checksum", [(0, False), (1, False), (3, True), (-1, False), (19, True)])
def test_zstd(tmp_path, level, checksum):
    check_both_directions(tmp_path, smooth_field((32, 32, 32), "uint16"),
                          compressors=ZstdCodec(level=level, checksum=checksum))


@pytest.mark.parametrize("cname", ["lz4", "lz4hc", "blosclz", "zstd", "zlib"])
@pytest.mark.parametrize("shuffle", ["noshuffle", "shuffle", "bitshuffle"])
def test_blosc(tmp_path, cname, shuffle):
    check_both_directions(tmp_path, smooth_field((40, 50), "float64"),
                          compressors=BloscCodec(cname=cname, clevel=5, shuffle=shuffle))


def test_blosc_blocksize_and_typesize(tmp_path):
    check_both_directions(tmp_path, smooth_field((64, 64), "uint16"),
                          compressors=BloscCodec(cname="lz4", clevel=9, shuffle="shuffle", typesize=2,
                                                 blocksize=4096))


@pytest.mark.parametrize("dtype", ["uint16", "float32", "float64"])
@pytest.mark.parametrize("cname", ["lz4", "blosclz", "zlib"])
def test_blosc_shuffled_chunks_are_numcodecs_bytes(tmp_path, dtype, cname):
    """Big chunks of 2- and 4-byte types are shuffled by our vector kernels
    from the second chunk of a size on (blosc compresses them unshuffled);
    every chunk's bytes equal numcodecs' (same lz4, blosclz and zlib output)
    and zarr-python reads them."""
    numcodecs.blosc.set_nthreads(1)
    ref = numcodecs.Blosc(cname=cname, clevel=5, shuffle=numcodecs.Blosc.SHUFFLE)
    data = smooth_field((64, 128, 64), dtype)
    codecs = [{"name": "bytes", "configuration": {"endian": "little"}},
              {"name": "blosc", "configuration": {"cname": cname, "clevel": 5, "shuffle": "shuffle",
                                                  "typesize": data.itemsize, "blocksize": 0}}]
    p = _core.CodecPipeline.from_v3(json.dumps(codecs), data.dtype.str, list(data.shape))
    chunks = [data, data[::-1].copy(), (data // 3).astype(dtype)]
    for chunk in chunks + chunks:
        assert bytes(p.encode(_core.from_buffer(chunk))) == bytes(ref.encode(chunk))
    check_both_directions(tmp_path, data, compressors=BloscCodec(cname=cname, clevel=5, shuffle="shuffle"))


def test_crc32c_after_zstd(tmp_path):
    check_both_directions(tmp_path, smooth_field((30, 30), "int32"),
                          compressors=[ZstdCodec(level=1), Crc32cCodec()])


def test_transpose_big_endian_gzip_crc(tmp_path):
    check_both_directions(tmp_path, smooth_field((5, 6, 7), "float32"),
                          filters=[TransposeCodec(order=(2, 0, 1))], serializer=BytesCodec(endian="big"),
                          compressors=[GzipCodec(level=3), Crc32cCodec()])


def test_nonzero_fill_value_and_zero_dim(tmp_path):
    check_both_directions(tmp_path, np.array(7.5, dtype="float64"), fill_value=-1.0,
                          compressors=ZstdCodec(level=1))


# --- Zarr v2 (numcodecs) ---------------------------------------------------

V2_COMPRESSORS = [
    numcodecs.Zlib(level=1), numcodecs.Zlib(level=9), numcodecs.GZip(level=1), numcodecs.GZip(level=9),
    numcodecs.Zstd(level=1), numcodecs.Zstd(level=5, checksum=True), numcodecs.LZ4(), numcodecs.LZ4(acceleration=5),
    numcodecs.BZ2(level=1), numcodecs.BZ2(level=9),
    numcodecs.Blosc(cname="lz4", clevel=5, shuffle=numcodecs.Blosc.SHUFFLE),
    numcodecs.Blosc(cname="zstd", clevel=3, shuffle=numcodecs.Blosc.BITSHUFFLE),
    numcodecs.Blosc(cname="blosclz", clevel=9, shuffle=numcodecs.Blosc.NOSHUFFLE),
    numcodecs.Blosc(cname="zlib", clevel=1, shuffle=numcodecs.Blosc.AUTOSHUFFLE, blocksize=2048),
    None,
]


@pytest.mark.parametrize("compressor", V2_COMPRESSORS, ids=lambda c: repr(c))
@pytest.mark.parametrize("dtype", ["<u2", ">f8", "|u1"])
@pytest.mark.parametrize("order", ["C", "F"])
def test_v2_compressors(tmp_path, compressor, dtype, order):
    data = smooth_field((23, 31), dtype)
    check_both_directions(tmp_path, data, zarr_format=2, compressors=compressor, order=order)


@pytest.mark.parametrize("filters", [
    [numcodecs.Delta(dtype="<i4")],
    [numcodecs.Delta(dtype="<i4", astype="<i2")],
    [numcodecs.Shuffle(elementsize=4)],
    [numcodecs.AsType(encode_dtype="<f4", decode_dtype="<i4")],
], ids=lambda f: repr(f))
def test_v2_filters_int32(tmp_path, filters):
    data = (smooth_field((20, 15), "<i4") // 8).astype("<i4")
    check_both_directions(tmp_path, data, zarr_format=2, filters=filters, compressors=numcodecs.Zstd(level=1))


def test_v2_fixedscaleoffset(tmp_path):
    data = smooth_field((25, 12), "<f8")
    check_both_directions(tmp_path, data, zarr_format=2, lossy=True,
                          filters=[numcodecs.FixedScaleOffset(offset=-5, scale=10, dtype="<f8", astype="<u2")],
                          compressors=numcodecs.Blosc(cname="lz4"))


def test_v2_big_endian_with_delta(tmp_path):
    data = smooth_field((10, 10), ">i8")
    check_both_directions(tmp_path, data, zarr_format=2, filters=[numcodecs.Delta(dtype=">i8")],
                          compressors=numcodecs.GZip(level=5))


# --- the pipeline's own checks ---------------------------------------------

def _v3(codecs, typestr="<u2", shape=(8, 8)):
    return _core.CodecPipeline.from_v3(json.dumps(codecs), typestr, list(shape))


@pytest.mark.parametrize("codecs,fragment", [
    ([{"name": "zstd"}], "array -> bytes"),
    ([{"name": "bytes", "configuration": {"endian": "little"}}, {"name": "transpose",
      "configuration": {"order": [1, 0]}}], "before the array -> bytes"),
    ([{"name": "bytes", "configuration": {"endian": "little"}}, {"name": "bytes",
      "configuration": {"endian": "little"}}], "second array -> bytes"),
    ([{"name": "bytes", "configuration": {"endian": "little"}}, {"name": "pcodec"}], "unknown codec 'pcodec'"),
    ([{"name": "bytes", "configuration": {"endian": "little"}}, {"name": "zstd",
      "configuration": {"level": 99}}], "zstd"),
    ([{"name": "bytes", "configuration": {"endian": "little"}}, {"name": "gzip",
      "configuration": {"level": "high"}}], "gzip"),
    ([{"name": "bytes", "configuration": {"endian": "sideways"}}], "bytes"),
    ([{"name": "bytes"}], "endian"),
    ([{"name": "transpose", "configuration": {"order": [0, 0]}},
      {"name": "bytes", "configuration": {"endian": "little"}}], "transpose"),
    ([{"name": "bytes", "configuration": {"endian": "little"}}, {"name": "blosc",
      "configuration": {"cname": "snappy", "clevel": 5, "shuffle": "shuffle", "typesize": 2}}], "blosc"),
    ({"name": "bytes"}, "list"),
])
def test_invalid_pipelines_name_the_fault(codecs, fragment):
    with pytest.raises(errors.CodecConfigError, match=fragment):
        _v3(codecs)


def test_config_errors_are_value_errors():
    assert issubclass(errors.CodecConfigError, ValueError)
    assert issubclass(errors.CorruptChunkError, ValueError)
    assert issubclass(errors.CodecConfigError, errors.CodecError)


def test_malformed_json_is_a_config_error():
    with pytest.raises(errors.CodecConfigError, match="malformed JSON"):
        _core.CodecPipeline.from_v3("[{", "<u2", [4])


def test_v2_unknown_compressor():
    with pytest.raises(errors.CodecConfigError, match="unknown compressor 'snappy'"):
        _core.CodecPipeline.from_v2(json.dumps({"compressor": {"id": "snappy"}, "order": "C"}), "<u2", [4])


def test_to_json_round_trips():
    codecs = [{"name": "transpose", "configuration": {"order": [1, 0]}},
              {"name": "bytes", "configuration": {"endian": "big"}},
              {"name": "zstd", "configuration": {"level": 3, "checksum": True}},
              {"name": "crc32c"}]
    p = _v3(codecs)
    again = _core.CodecPipeline.from_v3(p.to_json(), "<u2", [8, 8])
    assert json.loads(again.to_json()) == json.loads(p.to_json())
    names = [c["name"] for c in json.loads(p.to_json())]
    assert names == ["transpose", "bytes", "zstd", "crc32c"]


def test_encoded_size_kinds():
    assert _v3([{"name": "bytes", "configuration": {"endian": "little"}}]).encoded_size == ("fixed", 128)
    kind, bound = _v3([{"name": "bytes", "configuration": {"endian": "little"}}, {"name": "zstd"}]).encoded_size
    assert kind == "bounded" and bound >= 128
    assert _v3([{"name": "bytes", "configuration": {"endian": "little"}},
                {"name": "crc32c"}]).encoded_size == ("fixed", 132)


# --- batches ----------------------------------------------------------------

def test_batch_decode_matches_single_and_fills_missing():
    codecs = [{"name": "bytes", "configuration": {"endian": "little"}}, {"name": "zstd",
              "configuration": {"level": 1}}]
    p = _core.CodecPipeline.from_v3(json.dumps(codecs), "<u2", [16, 16], np.uint16(9).tobytes())
    chunks = [smooth_field((16, 16), "uint16", seed=i) for i in range(37)]
    encoded = p.encode_batch([_core.from_buffer(c) for c in chunks])
    assert [bytes(e) for e in encoded] == [p.encode(_core.from_buffer(c)) for c in chunks]
    data = list(encoded)
    data[5] = None
    out = p.decode_batch(data)
    for i, (o, c) in enumerate(zip(out, chunks)):
        expect = np.full((16, 16), 9, np.uint16) if i == 5 else c
        np.testing.assert_array_equal(np.asarray(o), expect)


def test_batch_decode_into_strided_destinations():
    codecs = [{"name": "bytes", "configuration": {"endian": "little"}}, {"name": "gzip",
              "configuration": {"level": 1}}]
    p = _core.CodecPipeline.from_v3(json.dumps(codecs), "<f4", [8, 8])
    big = np.zeros((16, 16), np.float32)
    parts = [smooth_field((8, 8), "float32", seed=i) for i in range(4)]
    enc = p.encode_batch([_core.from_buffer(x) for x in parts])
    views = [big[:8, :8], big[:8, 8:], big[8:, :8], big[8:, 8:]]
    p.decode_batch(list(enc), [_core.from_buffer(v) for v in views])
    np.testing.assert_array_equal(big, np.block([[parts[0], parts[1]], [parts[2], parts[3]]]))


def test_batch_error_names_the_chunk_and_codec():
    codecs = [{"name": "bytes", "configuration": {"endian": "little"}}, {"name": "zstd"}]
    p = _core.CodecPipeline.from_v3(json.dumps(codecs), "<u2", [16])
    good = p.encode(_core.from_buffer(np.arange(16, dtype=np.uint16)))
    with pytest.raises(errors.CorruptChunkError, match=r"chunk 2: zstd"):
        p.decode_batch([good, good, good[:-3], good])


def test_threads_are_configurable():
    before = _core.get_threads()
    try:
        _core.set_threads(1)
        assert _core.get_threads() == 1
        test_batch_decode_matches_single_and_fills_missing()
    finally:
        _core.set_threads(before)
    with pytest.raises(ValueError):
        _core.set_threads(0)
