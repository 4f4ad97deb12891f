"""GPU reads on the device machine: end-to-end reads into CUDA memory beside
raw nvCOMP batched decompression of the same chunks, zarrnative's CPU path
on the same machine, and zarr-python's GPU mode.

    python bench/gpu.py                 # two arrays of about 4 GB each
    python bench/gpu.py --gb 1 --repeats 2 --out /tmp/gpu-bench

Datasets (written once into --tmpdir with zarrnative, read by everyone):
  sharded-zstd  uint16 (n, 512, 512), shards (256, 512, 512) of 64^3 zstd-1 chunks
  gzip          float32 (n, 4096), 256x256 chunks, gzip-1

Rows, each the best of --repeats after one warm-up, in GB/s of decoded
(array) bytes:
  zarrnative GPU   arr.get(..., device="cuda"), synchronised: the whole call
  raw nvCOMP       the same read's nvCOMP batched decoder calls alone (CUDA
                   events around them), decoded bytes over their time
  zarrnative CPU   arr[...] into host memory, on this machine's cores
  zarr-python GPU  zarr.config.enable_gpu(); arr[...] (CuPy result)
The targets of the GPU read: end-to-end >= 80% of raw nvCOMP, >= 10x
zarr-python's GPU mode. The phases of the best zarrnative GPU read (host
plan and staging, upload, decode, checks, scatter) are printed too.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
import time

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import common  # noqa: E402

import zarrnative  # noqa: E402
from zarrnative import _core  # noqa: E402


def gpu_name() -> str:
    try:
        import cupy
        props = cupy.cuda.runtime.getDeviceProperties(0)
        name = props["name"]
        return name.decode() if isinstance(name, bytes) else str(name)
    except Exception:  # noqa: BLE001 - only a label
        pass
    try:
        import subprocess
        return subprocess.run(["nvidia-smi", "--query-gpu=name", "--format=csv,noheader"], capture_output=True,
                              text=True, check=True).stdout.strip().splitlines()[0]
    except Exception:  # noqa: BLE001
        return "unknown GPU"


def make_data(kind: str, gb: float) -> tuple[np.ndarray, dict]:
    """Compressible data of about `gb` GB: one generated block (common.generate,
    the CPU benchmark's generator) repeated with a different offset per slab,
    so that every chunk differs."""
    if kind == "sharded-zstd":
        n = max(256, int(gb * 1e9 / (512 * 512 * 2)) // 256 * 256)
        block = common.generate((256, 512, 512), "uint16", 64)
        data = np.empty((n, 512, 512), "uint16")
        for k in range(n // 256):
            np.add(block, np.uint16(k * 7), out=data[k * 256:(k + 1) * 256])
        spec = dict(chunks=(64, 64, 64), shards=(256, 512, 512), compressors=zarrnative.codecs.ZstdCodec(level=1))
    else:
        n = max(256, int(gb * 1e9 / (4096 * 4)) // 256 * 256)
        block = common.generate((256, 4096), "float32", 256)
        data = np.empty((n, 4096), "float32")
        for k in range(n // 256):
            np.add(block, np.float32(k), out=data[k * 256:(k + 1) * 256])
        spec = dict(chunks=(256, 256), compressors=zarrnative.codecs.GzipCodec(level=1))
    return data, spec


def best(fn, repeats: int) -> tuple[float, object]:
    fn()  # warm-up: page cache, scratch buffers, nvCOMP's first call
    times, last = [], None
    for _ in range(repeats):
        t0 = time.perf_counter()
        last = fn()
        times.append(time.perf_counter() - t0)
    return min(times), last


def bench_dataset(kind: str, path: str, args) -> dict:
    arr = zarrnative.open_array(path, mode="r")
    nbytes = arr.nbytes
    row: dict = {"dataset": kind, "shape": list(arr.shape), "dtype": str(arr.dtype), "gb": nbytes / 1e9}
    everything = tuple(slice(0, s) for s in arr.shape)
    dims = [(0, s, 1) for s in arr.shape]

    # zarrnative into CUDA memory, with the timings of each phase.
    runs = []

    def gpu_read():
        nd, report, t = _core.gpu_read(arr._native, dims, tuple(arr.shape), 0, 1, True, True, True)
        runs.append((t, report))
        return nd

    t, nd = best(gpu_read, args.repeats)
    fastest = min(runs, key=lambda r: r[0]["total_ms"])
    timings, report = fastest
    row["zarrnative_gpu"] = nbytes / t / 1e9
    row["raw_nvcomp"] = timings["decoded_bytes"] / (timings["decompress_ms"] / 1e3) / 1e9 if timings["decompress_ms"] else None
    row["phases_ms"] = {k: round(v, 2) for k, v in timings.items() if k.endswith("_ms")}
    row["compressed_gb"] = timings["compressed_bytes"] / 1e9
    row["report"] = report
    if args.check:
        import cupy
        host = arr[...]
        ok = bool((cupy.asnumpy(cupy.asarray(nd)) == host).all())
        row["gpu_matches_cpu"] = ok
        del host
    del nd

    # zarrnative on the CPU.
    t, _ = best(lambda: arr[everything], args.repeats)
    row["zarrnative_cpu"] = nbytes / t / 1e9

    # zarr-python's GPU mode.
    try:
        import cupy
        import zarr as zarr_python
        with zarr_python.config.enable_gpu():
            za = zarr_python.open_array(path, mode="r")

            def zp():
                x = za[...]
                cupy.cuda.runtime.deviceSynchronize()
                return x

            t, x = best(zp, max(1, min(args.repeats, 2)))
            assert isinstance(x, cupy.ndarray)
            del x
        row["zarr_python_gpu"] = nbytes / t / 1e9
    except Exception as e:  # noqa: BLE001 - reported in the table
        row["zarr_python_gpu"] = None
        row["zarr_python_gpu_error"] = f"{type(e).__name__}: {e}"[:200]
    return row


def table(rows: list[dict], gpu: str) -> str:
    def f(x):
        return "n/a" if x is None else f"{x:.2f}"

    out = [f"GPU: {gpu}; zarrnative {zarrnative.__version__}; GB/s of decoded bytes, best of each", "",
           "| dataset | GB | zn GPU | raw nvCOMP | zn GPU / raw | zn CPU | zarr-python GPU | zn GPU / zarr-python GPU |",
           "|---|---|---|---|---|---|---|---|"]
    for r in rows:
        raw, zp = r.get("raw_nvcomp"), r.get("zarr_python_gpu")
        out.append(f"| {r['dataset']} | {r['gb']:.2f} | {f(r['zarrnative_gpu'])} | {f(raw)} | "
                   f"{f(r['zarrnative_gpu'] / raw if raw else None)} (target >= 0.8) | {f(r['zarrnative_cpu'])} | "
                   f"{f(zp)} | {f(r['zarrnative_gpu'] / zp if zp else None)} (target >= 10) |")
    out.append("")
    for r in rows:
        out.append(f"- {r['dataset']}: phases of the fastest GPU read (ms): {r['phases_ms']}; "
                   f"{r['compressed_gb']:.2f} GB compressed; {r['report']}")
        if "zarr_python_gpu_error" in r:
            out.append(f"  zarr-python GPU mode did not run: {r['zarr_python_gpu_error']}")
        if "gpu_matches_cpu" in r:
            out.append(f"  GPU result equals the CPU read: {r['gpu_matches_cpu']}")
    return "\n".join(out) + "\n"


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--gb", type=float, default=4.0, help="size of each array in GB (default 4)")
    p.add_argument("--repeats", type=int, default=3)
    p.add_argument("--datasets", default="sharded-zstd,gzip")
    p.add_argument("--tmpdir", default=None)
    p.add_argument("--out", default=None, help="folder for gpu.md and gpu.json")
    p.add_argument("--no-check", dest="check", action="store_false", help="skip comparing with the CPU read")
    args = p.parse_args()

    reason = zarrnative._gpu.features_cuda_reason()
    if reason is not None:
        sys.exit(f"bench/gpu.py needs a CUDA device: {reason}")
    feats = zarrnative.features()
    if not feats.get("nvcomp_loaded"):
        sys.exit(f"bench/gpu.py needs nvCOMP: {feats.get('nvcomp_unavailable_reason')}")

    work = tempfile.mkdtemp(prefix="zn-gpu-bench-", dir=args.tmpdir)
    rows = []
    try:
        for kind in args.datasets.split(","):
            data, spec = make_data(kind, args.gb)
            path = os.path.join(work, kind)
            a = zarrnative.create_array(path, shape=data.shape, dtype=data.dtype, **spec)
            a[...] = data
            del data, a
            rows.append(bench_dataset(kind, path, args))
            shutil.rmtree(path, ignore_errors=True)
            print(table(rows[-1:], gpu_name()), flush=True)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    text = table(rows, gpu_name())
    print(text)
    if args.out:
        os.makedirs(args.out, exist_ok=True)
        with open(os.path.join(args.out, "gpu.md"), "w") as f:
            f.write(text)
        with open(os.path.join(args.out, "gpu.json"), "w") as f:
            json.dump({"gpu": gpu_name(), "rows": rows}, f, indent=1)


if __name__ == "__main__":
    main()
