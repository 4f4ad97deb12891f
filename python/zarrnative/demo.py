"""``python -m zarrnative.demo``: a tour of zarrnative on built-in data.

Run by ``make demo``. It writes and reads a sharded, compressed Zarr array
(checked against the data, and read by zarr-python too when it is
installed), reads a batch of training crops in one call, then shows the
native NDArray carrying one block of memory between numpy, PyTorch (when
installed) and the GPU (when one is usable), proving each hand-over is
zero-copy by comparing data pointers.
"""

from __future__ import annotations

import importlib.util
import os
import tempfile

import numpy as np

import zarrnative as zarr


def _section(title: str) -> None:
    print(f"\n== {title}")


def demo_arrays() -> None:
    _section("a sharded, zstd-compressed Zarr v3 array on disk")
    # built-in data: a smooth 3-D field with a little noise, as scientific data looks
    z, y, x = np.meshgrid(*(np.arange(128),) * 3, indexing="ij")
    data = (3000 + 800 * np.sin(x / 9.0) * np.cos(y / 13.0) + 400 * np.sin(z / 7.0)).astype("uint16")
    data += np.random.default_rng(0).integers(0, 4, size=data.shape, dtype="uint16")
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "field.zarr")
        arr = zarr.create_array(path, shape=data.shape, dtype="uint16", chunks=(32, 32, 32), shards=(64, 64, 64),
                                compressors=zarr.codecs.ZstdCodec(level=1))
        arr[...] = data
        back = zarr.open_array(path, mode="r")[...]
        stored = sum(os.path.getsize(os.path.join(d, f)) for d, _, fs in os.walk(path) for f in fs)
        print(f"{arr.shape} {arr.dtype}, shards {arr.shards} of chunks {arr.chunks}: "
              f"{data.nbytes / 2**20:.0f} MiB in {stored / 2**20:.1f} MiB on disk, in "
              f"{len(os.listdir(os.path.join(path, 'c', '0', '0')))} shard files per folder")
        print("read back equal:", np.array_equal(back, data), "| speed: see `make bench`")
        if importlib.util.find_spec("zarr") is not None:
            import zarr as zarr_python
            print("zarr-python reads the same bytes:",
                  np.array_equal(zarr_python.open_array(path, mode="r")[...], data))
        rng = np.random.default_rng(1)
        corners = rng.integers(0, 128 - 48, size=(16, 3))
        crops = [tuple(slice(int(c), int(c) + 48) for c in corner) for corner in corners]
        batch = arr.read_batch(crops)
        print(f"read_batch: {len(crops)} random 48^3 crops in one call -> {batch.shape}; equal to numpy's:",
              all(np.array_equal(batch[i], data[c]) for i, c in enumerate(crops)))


def demo_host() -> None:
    _section("numpy -> NDArray -> numpy, without copies")
    ascending = np.arange(0, 4096, dtype=np.int32)
    zarray_h = zarr.ndarray.as_array(ascending)
    print(zarray_h)
    print("__array_interface__:", zarray_h.__array_interface__)
    print("buffer_size, buffer_kind, ndim, dtype:",
          zarray_h.buffer_size, zarray_h.buffer_kind, zarray_h.ndim, zarray_h.dtype)
    back = np.asarray(zarray_h)
    print("same memory as the source:", zarray_h.data_ptr == ascending.ctypes.data,
          "| np.shares_memory:", np.shares_memory(back, ascending))

    view = ascending.reshape(64, 64)[::2, ::-3].T
    zview = zarr.ndarray.as_array(view)
    print("strided, transposed view:", zview.shape, "strides", zview.strides,
          "C-contiguous:", zview.is_c_contiguous,
          "| values equal:", bool(np.array_equal(np.asarray(zview), view)))

    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, "file.txt")
        with open(path, "wb") as f:
            f.write(b"zarrnative reads bytes without copying\n")
        with open(path, "rb") as f:
            zarray_txt_h = zarr.ndarray.as_array(f.read())
    print("file bytes:", zarray_txt_h, "readonly:", zarray_txt_h.readonly,
          "| first bytes:", bytes(memoryview(zarray_txt_h)[:10]))


def demo_torch() -> None:
    _section("PyTorch through DLPack")
    try:
        import torch
    except ImportError:
        print("torch is not installed: skipped (make test installs it)")
        return
    t = torch.arange(12, dtype=torch.float32).reshape(3, 4)
    nd = zarr.ndarray.as_array(t)
    print("torch -> NDArray:", nd, "same pointer:", nd.data_ptr == t.data_ptr())
    t2 = torch.from_dlpack(nd)
    t2[0, 0] = 100.0
    print("NDArray -> torch: same pointer:", t2.data_ptr() == nd.data_ptr,
          "| a write through torch shows in the source:", float(t[0, 0]) == 100.0)


def demo_gpu() -> None:
    _section("GPU")
    info = zarr.features()
    print("CUDA compiled into this build:", info["cuda_compiled"],
          "| runtime", info["cuda_runtime_version"], "| devices:", info["cuda_devices"])
    if not info["cuda"]:
        print("no usable GPU here:", info["cuda_unavailable_reason"])
        return
    ascending = np.arange(0, 4096, dtype=np.int32)
    zarray_h = zarr.ndarray.as_array(ascending)
    zarray_d_cnv = zarray_h.cuda()
    print("host -> device:", zarray_d_cnv, zarray_d_cnv.__cuda_array_interface__)
    zarray_h_cnv = zarray_d_cnv.cpu()
    print("device -> host round trip equal:", bool(np.array_equal(np.asarray(zarray_h_cnv), ascending)))
    try:
        import cupy as cp
    except ImportError:
        print("cupy is not installed: skipped the CuPy hand-over")
        return
    data_gpu = cp.array(ascending)
    zarray_d = zarr.ndarray.as_array(data_gpu)
    print("cupy -> NDArray:", zarray_d.__cuda_array_interface__, zarray_d.buffer_kind,
          "same pointer:", zarray_d.data_ptr == data_gpu.data.ptr)


def main() -> None:
    print(f"zarrnative {zarr.__version__}")
    demo_arrays()
    demo_host()
    demo_torch()
    demo_gpu()


if __name__ == "__main__":
    main()
