// zarrnative: reading a selection of an array into CUDA device memory.
//
// One call decodes every chunk the selection needs (and every inner chunk
// of every shard) in one batch on the GPU:
//   1. the host half (read_plan.h) fetches, verifies and strips the stored
//      bytes, and decodes on the CPU what nvCOMP cannot;
//   2. the payloads are gathered into pinned host memory and copied to the
//      device in one copy, with the tables the kernels read;
//   3. one nvcompBatched*DecompressAsync call per compressor (zstd, deflate
//      for gzip and zlib, lz4) decodes them into one device arena;
//   4. a kernel checks nvCOMP's statuses and decoded sizes, another the
//      gzip CRC32 / zlib Adler-32 of the decoded bytes;
//   5. a kernel scatters each chunk's selected elements into the output,
//      undoing transposes and byte order, and writes the fill value where
//      chunks are missing.
// Faults found on the device are reported as the CPU read reports them:
// Error(kCorruptChunk) "chunk '<key>': <codec>: ...".
//
//   DeviceReadOptions o;  o.device = 0;  o.stream = 1;   // the legacy default stream
//   std::string report;
//   NDArray d = read_to_device(*arr, selection, {}, o, &report);  // C-contiguous, on cuda:0
//
// Arrays whose codecs have no GPU path (blosc, ...) are read on the CPU and
// uploaded; `report` says so.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "zarrnative/array/array.h"
#include "zarrnative/ndarray/ndarray.h"

namespace zarrnative::gpu {

// Where the time of one GPU read went, for the benchmark (bench/gpu.py).
// The device phases are measured with CUDA events on the read's stream.
struct DeviceReadTimings {
  double plan_ms = 0;        // host: fetch, verify, strip, CPU fallbacks, layout
  double staging_ms = 0;     // host: payloads into pinned memory
  double upload_ms = 0;      // device: the one host -> device copy
  double decompress_ms = 0;  // device: the nvCOMP batched decoder calls
  double checks_ms = 0;      // device: checksum kernels
  double scatter_ms = 0;     // device: the scatter kernel
  double total_ms = 0;       // the whole call
  uint64_t compressed_bytes = 0;  // payloads nvCOMP decoded
  uint64_t decoded_bytes = 0;     // what they decoded to
  int64_t chunks = 0;             // decode units sent to the device
};

struct DeviceReadOptions {
  int device = 0;
  // The caller's CUDA stream (DLPack convention: 0 none, 1 legacy default,
  // 2 per-thread default, else a cudaStream_t). The work is queued on it and
  // the call returns when it has finished (so that errors can be raised).
  uintptr_t stream = 1;
  // Keep the device scratch (arena, nvCOMP temp) and the pinned staging
  // area for the next call instead of freeing them.
  bool reuse_buffers = true;
  // Verify gzip CRC32 / zlib Adler-32 of the decoded bytes on the device.
  bool verify_checksums = true;
  // When set, filled with where the time went (adds a few CUDA events).
  DeviceReadTimings* timings = nullptr;
};

// Reads `sel` into a new C-contiguous device array (the array's dtype in
// the machine's byte order, the selection's shape). Throws
// Error(kDeviceUnavailable) naming the cause (no CUDA build, no driver, no
// device, no nvCOMP) before any I/O.
NDArray read_to_device(const array::Array& arr, const array::OrthogonalSelection& sel,
                       const array::ArrayOptions& options, const DeviceReadOptions& device_options,
                       std::string* report = nullptr);

// Reads a batch of selections of one shape into one new C-contiguous device
// array of shape (sels.size(), *shape), every chunk of every selection in
// the same nvCOMP batch (a chunk two selections share is decoded once).
NDArray read_many_to_device(const array::Array& arr, const std::vector<array::OrthogonalSelection>& sels,
                            const array::ArrayOptions& options, const DeviceReadOptions& device_options,
                            std::string* report = nullptr);

// Reads a coordinate selection (`points`: ndim index vectors of length n, as
// Array::read_points takes them) into a new device array of shape (n); the
// chunks holding points are decoded in one nvCOMP batch and a kernel
// gathers the points.
NDArray read_points_to_device(const array::Array& arr, const std::vector<std::vector<int64_t>>& points,
                              const array::ArrayOptions& options, const DeviceReadOptions& device_options,
                              std::string* report = nullptr);

// True when this build has the GPU decode path (CUDA and nvCOMP's headers).
bool device_read_compiled();

}  // namespace zarrnative::gpu
