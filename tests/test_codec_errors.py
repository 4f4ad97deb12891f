"""Hostile chunk bytes through the pipeline binding: each fault raises a
typed error (a ValueError subclass from zarrnative.errors) that names the
codec and the fault, and nothing crashes."""

from __future__ import annotations

import json
import struct

import numcodecs
import numpy as np
import pytest

from codec_interop import smooth_field
from zarrnative import _core, errors

LE = {"name": "bytes", "configuration": {"endian": "little"}}


def pipeline(*codecs, typestr="<u2", shape=(32, 32)):
    return _core.CodecPipeline.from_v3(json.dumps([LE, *codecs]), typestr, list(shape))


DATA = smooth_field((32, 32), "uint16")


def encoded(p):
    return p.encode(_core.from_buffer(DATA))


@pytest.mark.parametrize("codec", [
    {"name": "zstd", "configuration": {"level": 1}},
    {"name": "gzip", "configuration": {"level": 5}},
    {"name": "blosc", "configuration": {"cname": "lz4", "clevel": 5, "shuffle": "shuffle", "typesize": 2}},
    {"name": "crc32c"},
], ids=lambda c: c["name"])
def test_truncated_chunks(codec):
    p = pipeline(codec)
    enc = encoded(p)
    for cut in (1, len(enc) // 2, len(enc) - 1):
        with pytest.raises(errors.CorruptChunkError, match=codec["name"]):
            p.decode(enc[:cut])


def test_empty_input_is_corrupt_for_every_compressor():
    for codec in ({"name": "zstd"}, {"name": "gzip"}, {"name": "crc32c"},
                  {"name": "blosc", "configuration": {"cname": "zstd", "clevel": 1, "shuffle": "noshuffle",
                                                      "typesize": 2}}):
        with pytest.raises(errors.CorruptChunkError):
            pipeline(codec).decode(b"")


def test_bit_flip_caught_by_crc32c_and_checksum_option():
    p = pipeline({"name": "zstd", "configuration": {"level": 1}}, {"name": "crc32c"})
    enc = bytearray(encoded(p))
    enc[len(enc) // 3] ^= 0x10
    with pytest.raises(errors.CorruptChunkError, match="crc32c"):
        p.decode(bytes(enc))


def test_wrong_crc32c_value():
    p = pipeline({"name": "crc32c"})
    enc = bytearray(encoded(p))
    enc[-1] ^= 0xFF
    with pytest.raises(errors.CorruptChunkError, match="crc32c"):
        p.decode(bytes(enc))
    # Checksums can be skipped on request; the data itself is intact.
    out = p.decode(bytes(enc), validate_checksums=False)
    np.testing.assert_array_equal(np.asarray(out), DATA)


def test_zstd_frame_claiming_a_terabyte():
    # A zstd frame header: magic, frame header descriptor with an 8-byte
    # content size field, then a size of 1 TiB, then nothing.
    frame = struct.pack("<IB", 0xFD2FB528, 0xE0) + struct.pack("<Q", 1 << 40) + b"\x00" * 8
    with pytest.raises(errors.CorruptChunkError, match="zstd"):
        pipeline({"name": "zstd"}).decode(frame)


def test_zstd_stating_the_wrong_size():
    other = numcodecs.Zstd(level=1).encode(np.zeros(1000, np.uint16))  # 2000 bytes, not 2048
    with pytest.raises(errors.CorruptChunkError, match="zstd"):
        pipeline({"name": "zstd"}).decode(other)


def test_blosc_header_lying_about_sizes():
    p = pipeline({"name": "blosc", "configuration": {"cname": "lz4", "clevel": 5, "shuffle": "shuffle",
                                                     "typesize": 2}})
    enc = bytearray(encoded(p))
    lie = bytearray(enc)
    struct.pack_into("<I", lie, 4, 1 << 30)  # nbytes: 1 GiB
    with pytest.raises(errors.CorruptChunkError, match="blosc"):
        p.decode(bytes(lie))
    lie = bytearray(enc)
    struct.pack_into("<I", lie, 12, len(enc) + 1000)  # cbytes beyond the chunk
    with pytest.raises(errors.CorruptChunkError, match="blosc"):
        p.decode(bytes(lie))


def test_gzip_with_trailing_garbage():
    p = pipeline({"name": "gzip", "configuration": {"level": 1}})
    with pytest.raises(errors.CorruptChunkError, match="gzip"):
        p.decode(encoded(p) + b"garbage!")


def test_v2_lz4_size_header_lying():
    p = _core.CodecPipeline.from_v2(json.dumps({"order": "C", "compressor": {"id": "lz4", "acceleration": 1}}),
                                    "<u2", [32, 32])
    enc = bytearray(numcodecs.LZ4().encode(DATA))
    struct.pack_into("<i", enc, 0, 1 << 30)
    with pytest.raises(errors.CorruptChunkError, match="lz4"):
        p.decode(bytes(enc))


def test_uncompressed_chunk_of_the_wrong_size():
    p = _core.CodecPipeline.from_v3(json.dumps([LE]), "<u2", [32, 32])
    with pytest.raises(errors.CorruptChunkError, match="bytes"):
        p.decode(b"\x00" * 100)


def test_random_garbage_never_crashes():
    rng = np.random.default_rng(1)
    pipelines = [pipeline({"name": "zstd"}), pipeline({"name": "gzip"}), pipeline({"name": "crc32c"}),
                 pipeline({"name": "blosc", "configuration": {"cname": "zstd", "clevel": 3,
                                                              "shuffle": "bitshuffle", "typesize": 2}})]
    for p in pipelines:
        good = encoded(p)
        for _ in range(200):
            bad = bytearray(good)
            for pos in rng.integers(0, len(bad), size=rng.integers(1, 8)):
                bad[pos] = rng.integers(0, 256)
            try:
                out = np.asarray(p.decode(bytes(bad)))
            except errors.CorruptChunkError:
                continue
            assert out.shape == DATA.shape  # a flip the format cannot detect still decodes in bounds
