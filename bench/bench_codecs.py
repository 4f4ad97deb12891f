"""Codec micro-benchmark: zarrnative's batch API against numcodecs, same bytes, same run.

For each codec: the chunks are encoded once by numcodecs; then
  - numcodecs decodes them one by one into preallocated buffers (one thread),
  - zarrnative's decode_batch decodes the same bytes into preallocated
    arrays with 1 and with 2 threads,
and likewise for encoding. Figures are decoded MB/s, best of --repeat runs,
and the ratio to numcodecs. The machine is shared and noisy: read ratios, not
absolute numbers.

    python bench/bench_codecs.py [--repeat 5] [--quick]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time

import numcodecs
import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "tests"))
from codec_interop import smooth_field  # noqa: E402

from zarrnative import _core  # noqa: E402


def best_of(fn, repeat):
    best = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    return best


def codec_cases():
    le = {"name": "bytes", "configuration": {"endian": "little"}}
    return [
        ("zstd-1", [le, {"name": "zstd", "configuration": {"level": 1}}], numcodecs.Zstd(level=1)),
        ("zstd-3", [le, {"name": "zstd", "configuration": {"level": 3}}], numcodecs.Zstd(level=3)),
        ("blosc-lz4-shuffle", [le, {"name": "blosc", "configuration": {"cname": "lz4", "clevel": 5,
                                                                        "shuffle": "shuffle"}}],
         numcodecs.Blosc(cname="lz4", clevel=5, shuffle=numcodecs.Blosc.SHUFFLE)),
        ("blosc-zstd-bitshuffle", [le, {"name": "blosc", "configuration": {"cname": "zstd", "clevel": 3,
                                                                            "shuffle": "bitshuffle"}}],
         numcodecs.Blosc(cname="zstd", clevel=3, shuffle=numcodecs.Blosc.BITSHUFFLE)),
        ("gzip-5", [le, {"name": "gzip", "configuration": {"level": 5}}], numcodecs.GZip(level=5)),
        ("zlib-1 (v2)", None, numcodecs.Zlib(level=1)),
        ("lz4 (v2)", None, numcodecs.LZ4()),
        ("crc32c", [le, {"name": "crc32c"}], numcodecs.CRC32C()),
        ("crc32 (v2)", None, numcodecs.CRC32()),
        ("adler32 (v2)", None, numcodecs.Adler32()),
        ("fletcher32 (v2)", None, numcodecs.Fletcher32()),
        ("jenkins_lookup3 (v2)", None, numcodecs.JenkinsLookup3()),
    ]


def pipeline(codecs_v3, numcodec, typestr, shape):
    if codecs_v3 is not None:
        return _core.CodecPipeline.from_v3(json.dumps(codecs_v3), typestr, list(shape))
    cfg = numcodec.get_config()
    return _core.CodecPipeline.from_v2(json.dumps({"order": "C", "filters": None, "compressor": cfg}),
                                       typestr, list(shape))


def bench_case(name, codecs_v3, numcodec, chunks, repeat):
    shape, dtype = chunks[0].shape, chunks[0].dtype
    p = pipeline(codecs_v3, numcodec, dtype.str, shape)
    encoded = [numcodec.encode(c) for c in chunks]
    encoded = [bytes(e) for e in encoded]
    nbytes = sum(c.nbytes for c in chunks)
    outs_np = [np.empty_like(c) for c in chunks]

    def nc_decode():
        for e, o in zip(encoded, outs_np):
            numcodec.decode(e, out=o.reshape(-1))  # flat: numcodecs JenkinsLookup3 needs it

    outs_zn = [_core.empty(list(shape), dtype.str) for _ in chunks]
    srcs_zn = [_core.from_buffer(c) for c in chunks]
    row = {"codec": name, "chunk": f"{'x'.join(map(str, shape))} {dtype}", "n": len(chunks),
           "ratio": nbytes / sum(len(e) for e in encoded)}
    row["nc_dec"] = nbytes / best_of(nc_decode, repeat) / 1e6
    row["nc_enc"] = nbytes / best_of(lambda: [numcodec.encode(c) for c in chunks], repeat) / 1e6
    # Check correctness once before timing.
    p.decode_batch(encoded, outs_zn)
    for o, c in zip(outs_zn, chunks):
        assert np.array_equal(np.asarray(o), c), name
    before = _core.get_threads()
    for t in (1, 2):
        _core.set_threads(t)
        row[f"zn_dec{t}"] = nbytes / best_of(lambda: p.decode_batch(encoded, outs_zn), repeat) / 1e6
        row[f"zn_enc{t}"] = nbytes / best_of(lambda: p.encode_batch(srcs_zn), repeat) / 1e6
    _core.set_threads(before)
    return row


def per_chunk_overhead(repeat):
    """Microseconds per 4 KiB chunk through the 'bytes' codec alone (a memcpy)."""
    chunks = [smooth_field((32, 32), "float32", seed=i) for i in range(4096)]
    p = _core.CodecPipeline.from_v3(json.dumps([{"name": "bytes", "configuration": {"endian": "little"}}]),
                                    "<f4", [32, 32])
    encoded = [c.tobytes() for c in chunks]
    outs = [_core.empty([32, 32], "<f4") for _ in chunks]
    before = _core.get_threads()
    res = {}
    for t in (1, 2):
        _core.set_threads(t)
        res[t] = best_of(lambda: p.decode_batch(encoded, outs), repeat) / len(chunks) * 1e6
    _core.set_threads(before)
    return res


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--quick", action="store_true", help="fewer chunks, for a smoke run")
    args = ap.parse_args()
    n_big = 4 if args.quick else 16
    big = [smooth_field((64, 64, 64), "uint16", seed=i) for i in range(n_big)]
    small = [smooth_field((32, 32), "float32", seed=i) for i in range(256 if args.quick else 2048)]
    print(f"# zarrnative codec benchmark ({os.cpu_count()} cores, best of {args.repeat})\n")
    print("| codec | chunks | ratio | numcodecs dec MB/s | zn dec 1T | zn dec 2T | 2T / numcodecs |"
          " numcodecs enc MB/s | zn enc 1T | zn enc 2T |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for name, codecs_v3, numcodec in codec_cases():
        for chunks in (big, small):
            r = bench_case(name, codecs_v3, numcodec, chunks, args.repeat)
            print(f"| {r['codec']} | {r['n']} x {r['chunk']} | {r['ratio']:.2f} | {r['nc_dec']:.0f} |"
                  f" {r['zn_dec1']:.0f} | {r['zn_dec2']:.0f} | {r['zn_dec2'] / r['nc_dec']:.2f} |"
                  f" {r['nc_enc']:.0f} | {r['zn_enc1']:.0f} | {r['zn_enc2']:.0f} |", flush=True)
    oh = per_chunk_overhead(args.repeat)
    print(f"\nper-chunk decode time, 4 KiB chunks, 'bytes' codec only: "
          f"{oh[1]:.2f} us (1 thread), {oh[2]:.2f} us (2 threads)")


if __name__ == "__main__":
    main()
