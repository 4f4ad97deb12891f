"""GPU reads (issue 7).

Two halves:

- Host preparation, run everywhere: the raw streams nvCOMP would decode,
  found inside chunks written by numcodecs, decode with Python's raw
  inflate (``zlib.decompressobj(-15)``), a plain LZ4 block decoder and zstd
  to the chunk's bytes; malformed headers raise the CPU path's
  ``CorruptChunkError``; chains nvCOMP cannot decode are reported; without a
  usable GPU ``device="cuda"`` raises ``DeviceUnavailableError`` naming the
  CUDA runtime's reason, and never crashes.
- Device reads (marked ``gpu``, skipped without a CUDA device): every GPU
  codec, dtype, byte order, transpose, sharding, fill value and selection
  kind against the CPU read of the same array, and corrupt chunks detected
  on the device.
"""

from __future__ import annotations

import gzip
import io
import struct
import zlib

import numcodecs
import numpy as np
import pytest

import zarrnative
import zarrnative as zarr
from zarrnative import _core, _gpu
from zarrnative.errors import CorruptChunkError, DeviceUnavailableError


def lz4_block_decode(block: bytes, size: int) -> bytes:
    """Decodes a raw LZ4 block (the format's sequences: literals, then a
    2-byte offset and a match length), enough to check the stripped payload."""
    out = bytearray()
    i = 0

    def length(nibble: int) -> int:
        """A 4-bit length, extended by bytes while they are 255."""
        nonlocal i
        n = nibble
        if nibble == 15:
            while True:
                b = block[i]
                i += 1
                n += b
                if b != 255:
                    break
        return n

    while i < len(block):
        token = block[i]
        i += 1
        lit = length(token >> 4)
        out += block[i:i + lit]
        i += lit
        if i >= len(block):
            break  # the last sequence has literals only
        offset = block[i] | block[i + 1] << 8
        i += 2
        match = length(token & 15) + 4
        for _ in range(match):
            out.append(out[-offset])
    assert len(out) == size
    return bytes(out)


def sample(n: int = 50_000) -> bytes:
    x = np.arange(n // 2, dtype="<u2")
    return ((x // 7) ^ (x % 5)).astype("<u2").tobytes()


# --- host preparation of chunks ----------------------------------------------------------


@pytest.mark.parametrize("level", [1, 5, 9])
def test_gzip_numcodecs_chunk_is_raw_deflate(level):
    data = sample()
    stored = numcodecs.GZip(level=level).encode(data)
    p = _core.gpu_prepare_chunk("gzip", stored, len(data))
    assert p["cpu_reason"] is None and p["compressor"] == "deflate"
    assert p["offset"] == 10 and len(p["payload"]) == len(stored) - 18
    d = zlib.decompressobj(-15)
    assert d.decompress(p["payload"]) == data and d.eof and d.unused_data == b""
    assert p["check"] == "crc32" and p["checksum"] == zlib.crc32(data)


def test_gzip_optional_header_fields():
    data = sample(3000)
    buf = io.BytesIO()
    with gzip.GzipFile(filename="chunk.bin", fileobj=buf, mode="wb", mtime=0) as f:  # FNAME
        f.write(data)
    stored = buf.getvalue()
    assert stored[3] & 0x08
    p = _core.gpu_prepare_chunk("gzip", stored, len(data))
    assert p["offset"] == 10 + len(b"chunk.bin\0")
    assert zlib.decompressobj(-15).decompress(p["payload"]) == data


@pytest.mark.parametrize("level", [1, 6, 9])
def test_zlib_numcodecs_chunk_is_raw_deflate(level):
    data = sample()
    stored = numcodecs.Zlib(level=level).encode(data)
    p = _core.gpu_prepare_chunk("zlib", stored, len(data))
    assert p["compressor"] == "deflate" and p["offset"] == 2
    assert zlib.decompressobj(-15).decompress(p["payload"]) == data
    assert p["check"] == "adler32" and p["checksum"] == zlib.adler32(data)


@pytest.mark.parametrize("n", [0, 1, 1000, 70_000])
def test_lz4_numcodecs_chunk_is_a_raw_block(n):
    data = sample(n)[:n]
    stored = numcodecs.LZ4().encode(data)
    p = _core.gpu_prepare_chunk("lz4", stored, len(data))
    assert p["compressor"] == "lz4" and p["offset"] == 4
    assert lz4_block_decode(p["payload"], len(data)) == data
    try:
        import lz4.block
    except ImportError:
        return
    assert lz4.block.decompress(p["payload"], uncompressed_size=len(data)) == data


def test_zstd_frames_are_taken_as_they_are():
    data = sample()
    stored = numcodecs.Zstd(level=3).encode(data)
    p = _core.gpu_prepare_chunk("zstd", stored, len(data))
    assert p["compressor"] == "zstd" and p["payload"] == stored
    checked = numcodecs.Zstd(level=3, checksum=True).encode(data)
    assert "checksum" in _core.gpu_prepare_chunk("zstd", checked, len(data))["cpu_reason"]


def _corrupt(codec: str, data: bytes) -> list[bytes]:
    good = {"gzip": numcodecs.GZip(), "zlib": numcodecs.Zlib(), "lz4": numcodecs.LZ4(),
            "zstd": numcodecs.Zstd()}[codec].encode(data)
    bad = [b"", good[:3]]
    if codec == "gzip":
        bad += [b"\x1f\x8c" + good[2:], good[:2] + b"\x07" + good[3:], good[:3] + b"\xe0" + good[4:],
                good[:3] + b"\x08" + good[4:10] + b"name-without-end" * 2]
    elif codec == "zlib":
        bad += [bytes([good[0] & 0xF0 | 7]) + good[1:], good[:1] + bytes([good[1] ^ 1]) + good[2:]]
        cmf = 0x78
        flg = 0x20 + (31 - (cmf * 256 + 0x20) % 31) % 31  # FDICT, with valid check bits
        bad.append(bytes([cmf, flg]) + good[2:])
    elif codec == "lz4":
        bad += [struct.pack("<I", len(data) + 1) + good[4:], struct.pack("<I", 0xFFFFFF0) + b"\x10"]
    else:
        bad += [b"\x00" + good[1:]]
    return bad


@pytest.mark.parametrize("codec", ["gzip", "zlib", "lz4", "zstd"])
def test_malformed_headers_raise_corrupt_chunk(codec):
    data = sample(4000)
    for stored in _corrupt(codec, data):
        with pytest.raises(CorruptChunkError, match=f"^{codec}: "):
            _core.gpu_prepare_chunk(codec, stored, len(data))


@pytest.mark.parametrize("codec", ["gzip", "zlib", "lz4", "zstd"])
def test_corrupt_chunks_raise_the_same_type_on_the_cpu_path(codec):
    """The CPU read of an array holding such a chunk raises the same type."""
    compressor = {"gzip": numcodecs.GZip(), "zlib": numcodecs.Zlib(), "lz4": numcodecs.LZ4(),
                  "zstd": numcodecs.Zstd()}[codec]
    store = zarr.storage.MemoryStore()
    arr = zarr.create_array(store, shape=(2000,), chunks=(2000,), dtype="<u2", zarr_format=2,
                            compressors=compressor)
    arr[:] = np.frombuffer(sample(4000), "<u2")
    for stored in _corrupt(codec, sample(4000)):
        store.set_sync("0", stored)
        with pytest.raises(CorruptChunkError, match=codec):
            arr[...]
        with pytest.raises(CorruptChunkError, match=codec):
            _core.gpu_prepare_chunk(codec, stored, 4000)


def _array(codecs_kw: dict, zarr_format: int = 3, dtype="<f4", shape=(20, 30), chunks=(8, 7)):
    arr = zarr.create_array(zarr.storage.MemoryStore(), shape=shape, chunks=chunks, dtype=dtype,
                            zarr_format=zarr_format, fill_value=3, **codecs_kw)
    arr[:] = np.arange(np.prod(shape)).reshape(shape).astype(dtype)
    return arr


def test_chains_without_a_gpu_decoder_are_reported():
    arr = _array({"compressors": zarr.codecs.BloscCodec(cname="lz4")})
    on_gpu, why = _core.gpu_chain_plan(arr._native)
    assert not on_gpu and "blosc" in why
    arr = _array({"compressors": zarr.codecs.GzipCodec(level=1)})
    assert _core.gpu_chain_plan(arr._native) == (True, None)
    arr = _array({"compressors": numcodecs.Zlib()}, zarr_format=2)
    assert _core.gpu_chain_plan(arr._native) == (True, None)


# --- features and devices without a GPU ----------------------------------------------------


def test_gpu_features_report_nvcomp():
    info = _gpu.gpu_features()
    for key in ("gpu_decode_compiled", "nvcomp_loaded", "nvcomp_library", "nvcomp_version",
                "nvcomp_unavailable_reason", "gpu_read", "cuda_devices"):
        assert key in info
    if info["nvcomp_loaded"]:
        assert info["nvcomp_version"].startswith("6.") and info["nvcomp_unavailable_reason"] is None
    else:
        assert info["nvcomp_unavailable_reason"]
    if not zarrnative.features()["cuda"]:
        assert info["gpu_read"] is False


def test_nvcomp_loads_from_the_wheel_without_a_gpu():
    pytest.importorskip("nvidia.libnvcomp")
    info = _gpu.gpu_features()
    if not info["gpu_decode_compiled"]:
        pytest.skip("this build has no nvCOMP decode path")
    assert info["nvcomp_loaded"], info["nvcomp_unavailable_reason"]
    assert "libnvcomp.so.6" in info["nvcomp_library"]


@pytest.mark.parametrize("device", ["cpu", None])
def test_cpu_device_reads_numpy(device):
    arr = _array({"compressors": zarr.codecs.ZstdCodec()})
    np.testing.assert_array_equal(arr.get((slice(2, 9), 4), device=device), arr[2:9, 4])


@pytest.mark.parametrize("device", ["tpu", "cuda:x", "cpu:1", 3])  # no id "gpu": that is the marker's keyword
def test_bad_device_names_raise_value_error(device):
    arr = _array({"compressors": zarr.codecs.ZstdCodec()})
    with pytest.raises(ValueError, match="device"):
        arr.get(..., device=device)
    with pytest.raises(ValueError, match="device"):
        zarrnative.config.set(device=device)


def _no_gpu_reason() -> str:
    info = zarrnative.features()
    if info["cuda"]:
        pytest.skip("a CUDA device is usable here")
    return str(info["cuda_unavailable_reason"])


@pytest.mark.parametrize("compressors", ["zstd", "blosc"])
def test_device_read_without_a_gpu_raises_device_unavailable(compressors):
    reason = _no_gpu_reason()
    c = zarr.codecs.ZstdCodec() if compressors == "zstd" else zarr.codecs.BloscCodec()
    arr = _array({"compressors": c})
    with pytest.raises(DeviceUnavailableError) as e:
        arr.get(..., device="cuda")
    assert reason in str(e.value)
    assert isinstance(e.value, RuntimeError)


def test_python_store_device_read_without_a_gpu_raises_device_unavailable():
    reason = _no_gpu_reason()
    store = zarr.storage.WrapperStore(zarr.storage.MemoryStore())
    arr = zarr.create_array(store, shape=(10,), chunks=(4,), dtype="<i4")
    arr[:] = np.arange(10)
    with pytest.raises(DeviceUnavailableError, match=reason.split(":")[0]):
        arr.get(slice(2, 5), device="cuda")
    with zarrnative.config.set(device="cuda"):
        with pytest.raises(DeviceUnavailableError):
            arr[2:5]


def test_config_device_cuda_without_a_gpu_raises_on_read():
    reason = _no_gpu_reason()
    arr = _array({"compressors": zarr.codecs.GzipCodec()})
    with zarrnative.config.set(device="cuda"):
        assert zarrnative.config.get("device") == "cuda"
        with pytest.raises(DeviceUnavailableError, match=reason.split(":")[0]):
            arr[:5]
        with pytest.raises(DeviceUnavailableError):
            arr.oindex[[1, 2], :]
        with pytest.raises(DeviceUnavailableError):  # coordinates and masks too
            arr.vindex[[1, 2], [0, 3]]
        with pytest.raises(DeviceUnavailableError):
            arr.get_mask_selection(np.ones(arr.shape, bool))
        with pytest.raises(DeviceUnavailableError):
            arr.read_batch([(0,), (1,)])
        # an explicit device="cpu" wins over the config
        np.testing.assert_array_equal(arr.get(slice(0, 5), device="cpu"), np.asarray(arr.get(slice(0, 5), device="cpu")))
    assert zarrnative.config.get("device") is None
    np.testing.assert_array_equal(arr[:2, :2], [[0, 1], [30, 31]])
    np.testing.assert_array_equal(arr.vindex[[1, 2], [0, 3]], arr[...][[1, 2], [0, 3]])  # the host again


def test_features_name_the_gpu_decoding_state():
    info = zarrnative.features()
    for key in ("gpu_decode_compiled", "nvcomp_loaded", "nvcomp_unavailable_reason", "gpu_read", "cuda"):
        assert key in info
    assert info["gpu_read"] == (info["gpu_decode_compiled"] and info["nvcomp_loaded"] and info["cuda_devices"] > 0)


# --- device reads (a GPU is needed) ----------------------------------------------------------

GPU_CODECS = {
    "raw": {"compressors": None},
    "zstd": {"compressors": zarr.codecs.ZstdCodec(level=1)},
    "gzip": {"compressors": zarr.codecs.GzipCodec(level=5)},
    "zstd+crc32c": {"compressors": [zarr.codecs.ZstdCodec(), zarr.codecs.Crc32cCodec()]},
    "big-endian": {"serializer": zarr.codecs.BytesCodec(endian="big"),
                   "compressors": zarr.codecs.GzipCodec()},
    "transpose": {"filters": [zarr.codecs.TransposeCodec(order=(1, 0))], "compressors": zarr.codecs.ZstdCodec()},
    "blosc (CPU fallback)": {"compressors": zarr.codecs.BloscCodec()},
}

SELECTIONS = [
    (slice(None), slice(None)),
    (slice(3, 17, 2), 5),
    (np.array([19, 0, 4, 4]), slice(2, 25)),
    (7, 8),
]


def _cupy_or_skip():
    return pytest.importorskip("cupy")


@pytest.mark.gpu
@pytest.mark.parametrize("name", list(GPU_CODECS))
@pytest.mark.parametrize("dtype", ["|u1", "<i2", "<f4", "<f8", "<c16"])
def test_gpu_read_matches_cpu(name, dtype):
    cp = _cupy_or_skip()
    arr = _array(GPU_CODECS[name], dtype=dtype)
    arr.store.delete_sync("c/1/2")  # a missing chunk: the fill value
    for sel in SELECTIONS:
        got = arr.get(sel, device="cuda")
        assert isinstance(got, cp.ndarray)
        np.testing.assert_array_equal(cp.asnumpy(got), arr.get(sel))


@pytest.mark.gpu
@pytest.mark.parametrize("compressor", [numcodecs.Zlib(), numcodecs.LZ4(), numcodecs.GZip(), numcodecs.Zstd()])
@pytest.mark.parametrize("order", ["C", "F"])
def test_gpu_read_v2(compressor, order):
    cp = _cupy_or_skip()
    arr = zarr.create_array(zarr.storage.MemoryStore(), shape=(21, 13), chunks=(4, 5), dtype=">i4",
                            zarr_format=2, order=order, compressors=compressor, fill_value=-1)
    arr[:20] = np.arange(20 * 13).reshape(20, 13)
    np.testing.assert_array_equal(cp.asnumpy(arr.get(..., device="cuda")), arr[...])


@pytest.mark.gpu
def test_gpu_read_sharded():
    cp = _cupy_or_skip()
    arr = zarr.create_array(zarr.storage.MemoryStore(), shape=(64, 50), chunks=(8, 10), shards=(32, 50),
                            dtype="<u2", compressors=zarr.codecs.ZstdCodec(), fill_value=9)
    arr[:40] = np.arange(40 * 50).reshape(40, 50)
    for sel in [(slice(None), slice(None)), (slice(5, 60, 3), slice(7, 43)), (np.array([63, 1, 33]), 4)]:
        np.testing.assert_array_equal(cp.asnumpy(arr.get(sel, device="cuda")), arr.get(sel))


@pytest.mark.gpu
def test_gpu_read_python_store_is_read_on_the_cpu_and_uploaded():
    cp = _cupy_or_skip()
    store = zarr.storage.WrapperStore(zarr.storage.MemoryStore())
    arr = zarr.create_array(store, shape=(10, 3), chunks=(4, 2), dtype="<i4", compressors=zarr.codecs.ZstdCodec())
    arr[:] = np.arange(30).reshape(10, 3)
    with zarrnative.config.set(device="cuda"):
        got = arr[2:7, 1]
    np.testing.assert_array_equal(cp.asnumpy(got), np.arange(30).reshape(10, 3)[2:7, 1])


@pytest.mark.gpu
def test_gpu_read_config_switch_and_torch():
    cp = _cupy_or_skip()
    arr = _array(GPU_CODECS["gzip"])
    with zarrnative.config.set(device="cuda"):
        got = arr[2:9]
    assert isinstance(got, cp.ndarray)
    np.testing.assert_array_equal(cp.asnumpy(got), arr[2:9])
    torch = pytest.importorskip("torch")
    if torch.cuda.is_available():
        t = torch.from_dlpack(got)
        assert t.device.type == "cuda" and t.data_ptr() == got.data.ptr


@pytest.mark.gpu
@pytest.mark.parametrize("codec", ["gzip", "zstd", "zlib", "lz4"])
@pytest.mark.parametrize("damage", ["truncated", "flipped byte"])
def test_gpu_detects_corrupt_streams(codec, damage):
    """Streams whose headers are fine but whose data is not: nvCOMP's status,
    the decoded size or the CRC32 / Adler-32 must catch them, as the CPU
    does. (A flipped byte is caught only by the checksummed formats: zstd
    without a checksum and lz4 may decode it to other bytes on either path.)"""
    if damage == "flipped byte" and codec in ("zstd", "lz4"):
        pytest.skip("no checksum in these chunks: neither path can tell")
    compressor = {"gzip": numcodecs.GZip(), "zlib": numcodecs.Zlib(), "lz4": numcodecs.LZ4(),
                  "zstd": numcodecs.Zstd()}[codec]
    store = zarr.storage.MemoryStore()
    arr = zarr.create_array(store, shape=(4000,), chunks=(4000,), dtype="<u2", zarr_format=2,
                            compressors=compressor)
    arr[:] = np.arange(4000) % 251
    raw = bytearray(store.get_many_sync(["0"])[0])
    if damage == "truncated":
        raw = raw[:len(raw) * 2 // 3] + raw[-8:]  # keeps a gzip / zlib trailer
    else:
        raw[len(raw) // 2] ^= 0x5A
    store.set_sync("0", bytes(raw))
    with pytest.raises(CorruptChunkError):
        arr[...]
    with pytest.raises(CorruptChunkError):
        arr.get(..., device="cuda")


# --- writes from device arrays, and batches onto the device -------------------------
class _FakeDeviceArray:
    """Claims CUDA memory (``__cuda_array_interface__``) at a host address."""

    def __init__(self, host: np.ndarray) -> None:
        self._host = host
        self.__cuda_array_interface__ = {"shape": host.shape, "typestr": host.dtype.str, "version": 3,
                                         "data": (host.ctypes.data, False), "strides": None}


def test_writes_of_device_values_need_a_gpu_and_write_nothing_without_one():
    if _gpu.features_cuda_reason() is None:
        pytest.skip("a GPU is present: the gpu tests write from real device arrays")
    arr = zarr.create_array(zarr.storage.MemoryStore(), shape=(4, 6), chunks=(2, 3), dtype="<f4", fill_value=0)
    with pytest.raises(DeviceUnavailableError):
        arr[...] = _FakeDeviceArray(np.ones((4, 6), "<f4"))
    with pytest.raises(DeviceUnavailableError):
        arr.vindex[[0, 1], [2, 3]] = _FakeDeviceArray(np.ones(2, "<f4"))
    assert arr.nchunks_initialized == 0
    np.testing.assert_array_equal(arr[...], 0)


def test_host_tensors_still_write_directly():
    torch = pytest.importorskip("torch")
    arr = zarr.create_array(zarr.storage.MemoryStore(), shape=(4, 6), chunks=(2, 3), dtype="<f4")
    arr[...] = torch.arange(24, dtype=torch.float32).reshape(4, 6)
    arr[1] = torch.zeros(6)
    expect = np.arange(24, dtype="<f4").reshape(4, 6)
    expect[1] = 0
    np.testing.assert_array_equal(arr[...], expect)


@pytest.mark.gpu
def test_writes_from_cupy_and_torch_cuda():
    cp = _cupy_or_skip()
    arr = zarr.create_array(zarr.storage.MemoryStore(), shape=(30, 20), chunks=(8, 8), dtype="<i4",
                            compressors=zarr.codecs.ZstdCodec(), fill_value=-1)
    data = np.arange(600, dtype="<i4").reshape(30, 20)
    arr[...] = cp.asarray(data)
    np.testing.assert_array_equal(arr[...], data)
    arr[3:9, ::2] = cp.asarray(data[3:9, ::2] * 2)
    data[3:9, ::2] *= 2
    arr.vindex[[0, 29], [0, 19]] = cp.asarray([7, 8], dtype=cp.int32)
    data[0, 0], data[29, 19] = 7, 8
    np.testing.assert_array_equal(arr[...], data)
    torch = pytest.importorskip("torch")
    arr[...] = torch.as_tensor(data * 3, device="cuda")
    np.testing.assert_array_equal(arr[...], data * 3)


@pytest.mark.gpu
def test_read_batch_onto_the_device():
    cp = _cupy_or_skip()
    arr = zarr.create_array(zarr.storage.MemoryStore(), shape=(64, 50), chunks=(8, 10), shards=(32, 50),
                            dtype="<u2", compressors=zarr.codecs.ZstdCodec(), fill_value=9)
    arr[...] = np.arange(3200, dtype="<u2").reshape(64, 50)
    sels = [(slice(i, i + 8), slice(3, 13)) for i in (0, 17, 56)]
    got = arr.read_batch(sels, device="cuda")
    assert isinstance(got, cp.ndarray) and got.shape == (3, 8, 10)
    np.testing.assert_array_equal(cp.asnumpy(got), arr.read_batch(sels))


@pytest.mark.gpu
@pytest.mark.parametrize("name", ["zstd", "gzip", "blosc"])
def test_read_batch_onto_the_device_decodes_one_batch(tmp_path, name, caplog):
    cp = _cupy_or_skip()
    compressors = {"zstd": zarr.codecs.ZstdCodec(level=1), "gzip": zarr.codecs.GzipCodec(level=1),
                   "blosc": zarr.codecs.BloscCodec(cname="lz4")}[name]
    arr = zarr.create_array(tmp_path / "a", shape=(40, 33), chunks=(8, 7), dtype=">f4",
                            compressors=compressors, fill_value=np.nan)
    arr[...] = np.arange(40 * 33, dtype=">f4").reshape(40, 33)
    (tmp_path / "a" / "c" / "2" / "2").unlink()  # a missing chunk: the fill value
    # Overlapping crops (shared chunks), a stepped one, one of rows by list.
    sels = [(slice(0, 10), slice(0, 9)), (slice(4, 14), slice(5, 14)), (slice(30, 40), slice(24, 33)),
            (slice(1, 21, 2), [32, 0, 7, 7, 8, 1, 2, 3, 4]), (slice(14, 24), slice(12, 21))]
    with caplog.at_level("INFO", logger="zarrnative.gpu"):
        got = arr.read_batch(sels, device="cuda")
    assert isinstance(got, cp.ndarray) and got.shape == (5, 10, 9) and got.dtype == np.float32
    np.testing.assert_array_equal(cp.asnumpy(got), arr.read_batch(sels))
    assert ("CPU" in caplog.text) == (name == "blosc")
    torch = pytest.importorskip("torch")
    t = torch.from_dlpack(got)
    assert t.is_cuda and tuple(t.shape) == (5, 10, 9)


@pytest.mark.gpu
def test_read_batch_onto_the_device_from_a_python_store():
    cp = _cupy_or_skip()
    store = zarr.storage.WrapperStore(zarr.storage.MemoryStore())  # a store written in Python
    arr = zarr.create_array(store, shape=(16, 16), chunks=(4, 4), dtype="<i2",
                            compressors=zarr.codecs.ZstdCodec())
    arr[...] = np.arange(256, dtype="<i2").reshape(16, 16)
    sels = [(slice(0, 5), slice(2, 6)), (slice(9, 14), slice(10, 14))]
    np.testing.assert_array_equal(cp.asnumpy(arr.read_batch(sels, device="cuda")), arr.read_batch(sels))


@pytest.mark.gpu
def test_gpu_coordinate_and_mask_selections_under_the_config_switch():
    cp = _cupy_or_skip()
    arr = _array(GPU_CODECS["zstd"])
    host = arr[...]
    mask = np.zeros(arr.shape, bool)
    mask[::3, 1::4] = True
    with zarrnative.config.set(device="cuda"):
        got = arr.vindex[[1, 2, 19], [0, 3, 7]]
        masked = arr.vindex[mask]
    assert isinstance(got, cp.ndarray)
    np.testing.assert_array_equal(cp.asnumpy(got), host[[1, 2, 19], [0, 3, 7]])
    np.testing.assert_array_equal(cp.asnumpy(masked), host[mask])


@pytest.mark.gpu
@pytest.mark.parametrize("sharded", [False, True])
def test_gpu_coordinate_selections_decode_on_the_gpu(tmp_path, sharded, caplog):
    cp = _cupy_or_skip()
    arr = zarr.create_array(tmp_path / "a", shape=(30, 40), chunks=(6, 8), shards=(12, 16) if sharded else None,
                            dtype="<i8", compressors=zarr.codecs.ZstdCodec(level=1), fill_value=-7)
    arr[...] = np.arange(1200, dtype="<i8").reshape(30, 40)
    arr[12:24, 16:32] = -7  # chunks (shards) equal to the fill value are not stored
    host = arr[...]
    rows, cols = np.array([[0, 29, 13], [13, 5, 5]]), np.array([[39, 0, 20], [20, 9, 9]])  # 2-d, repeated
    with caplog.at_level("DEBUG", logger="zarrnative.gpu"), zarrnative.config.set(device="cuda"):
        got = arr.vindex[rows, cols]
    assert isinstance(got, cp.ndarray) and got.shape == (2, 3)
    np.testing.assert_array_equal(cp.asnumpy(got), host[rows, cols])
    assert "uploaded" not in caplog.text and "to the GPU" in caplog.text
