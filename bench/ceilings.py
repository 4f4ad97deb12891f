"""What the machine allows, measured in the same run on the same bytes, so
each figure can be read as a fraction of it (all single-threaded):

- memcpy: numpy copy of the array into a preallocated buffer;
- file read: every chunk (or shard) file of the dataset read from the page
  cache into a preallocated buffer (open + readinto + close per file);
- decode: numcodecs decodes every chunk (every inner chunk of every shard)
  of the same files into its part of a preallocated array.

The read ceiling of a dataset is then cores x bytes / (file read + decode):
each core reading and decoding its share with no other overhead.
"""

from __future__ import annotations

import os
import time

import numpy as np

import common


def _best_median(fn, repeats):
    fn()  # warm-up
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return common.median(times)


def chunk_files(path):
    out = []
    for root, _, files in os.walk(path):
        out += [os.path.join(root, f) for f in files if f != "zarr.json"]
    return sorted(out)


def numcodec(name):
    import numcodecs
    numcodecs.blosc.use_threads = False  # one thread: blosc would otherwise spawn its own
    return {
        None: None,
        "zstd-1": numcodecs.Zstd(level=1),
        "gzip-1": numcodecs.GZip(level=1),
        "blosc-lz4-shuffle": numcodecs.Blosc(cname="lz4", clevel=5, shuffle=numcodecs.Blosc.SHUFFLE),
    }[name]


def encoded_chunks(ds, blobs):
    """The encoded (inner) chunks in the files: a shard's index sits at its
    end, (offset, nbytes) as uint64 per inner chunk, then a crc32c."""
    if not ds.shards:
        return blobs
    n = int(np.prod([s // c for s, c in zip(ds.shards, ds.chunks)]))
    out = []
    for b in blobs:
        index = np.frombuffer(b[len(b) - 16 * n - 4: len(b) - 4], "<u8").reshape(n, 2)
        out += [b[int(o): int(o) + int(m)] for o, m in index if o != np.iinfo(np.uint64).max]
    return out


def dataset_ceiling(ds, path, repeats, cores):
    files = chunk_files(path)
    sizes = [os.path.getsize(f) for f in files]
    buf = bytearray(sum(sizes))
    view = memoryview(buf)

    def read_files():
        off = 0
        for f, n in zip(files, sizes):
            with open(f, "rb", buffering=0) as fh:
                fh.readinto(view[off: off + n])
            off += n

    t_file = _best_median(read_files, repeats)
    blobs, off = [], 0
    for n in sizes:
        blobs.append(bytes(view[off: off + n]))
        off += n
    chunks = encoded_chunks(ds, blobs)
    codec = numcodec(ds.codec)
    # Each chunk decodes into its own part of one preallocated array the size
    # of the result (not into one cache-hot buffer), as a real read must.
    n = int(np.prod(ds.chunks))
    out = np.empty(n * len(chunks), ds.dtype)
    parts = [out[i * n: (i + 1) * n] for i in range(len(chunks))]

    def decode():
        for c, part in zip(chunks, parts):
            if codec is None:
                part[:] = np.frombuffer(c, ds.dtype)
            else:
                codec.decode(c, out=part)

    t_dec = _best_median(decode, repeats)
    nbytes = ds.chunk_nbytes * len(chunks)
    return {
        "files": len(files), "file_bytes": sum(sizes), "chunks": len(chunks),
        "file_MBps": sum(sizes) / t_file / 1e6,
        "decode_MBps": nbytes / t_dec / 1e6,
        "chunk_us": (t_file + t_dec) / len(chunks) * 1e6,
        "read_ceiling_MBps": cores * nbytes / (t_file + t_dec) / 1e6,
    }


def memcpy_MBps(nbytes, repeats):
    src = np.ones(nbytes, np.uint8)
    dst = np.empty_like(src)
    return nbytes / _best_median(lambda: np.copyto(dst, src), repeats) / 1e6


def run(job, mode, dsets):
    from worker import array_dir
    cores = len(os.sched_getaffinity(0))
    repeats = max(2, mode.repeats)
    out = {"results": {}, "cores": cores}
    out["memcpy_MBps"] = memcpy_MBps(max(d.nbytes for d in dsets), repeats)
    for ds in dsets:
        if "read" in ds.ops:
            out["results"][ds.name] = dataset_ceiling(ds, array_dir(job["workdir"], ds.name), repeats, cores)
    return out
