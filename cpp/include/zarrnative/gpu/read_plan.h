// zarrnative: the host half of a GPU read, built without touching a GPU.
//
// plan_gpu_read() does everything a GPU read needs before the device is
// involved: it splits the selection by the chunk grid (and, for sharded
// arrays, by the inner chunk grid of each shard), fetches the stored bytes,
// verifies crc32c on the host, strips the gzip / zlib / lz4 wrappers
// (chunk_prep.h), decodes on the CPU the chunks nvCOMP cannot take, and lays
// everything out for one host -> device copy:
//
//   staging (pinned on the device path):  [payload 0][payload 1]...  aligned to 16 bytes
//   decoded arena (device):               [chunk 0 decoded][chunk 1 decoded]...
//   scatter tasks:                        chunk -> part of the output (or the fill value)
//
// The device half (device_read.h) copies the staging area to the device in
// one copy, runs one nvCOMP batched decoder per compressor over its
// chunks, checks statuses, sizes and checksums, and runs the scatter kernel.
// Because the plan holds plain offsets and indices, the tests check it on
// the CPU: each payload decodes (with zlib, lz4...) to the chunk's bytes,
// and scatter_on_host() runs the kernel's arithmetic on the host against
// the CPU read.
//
//   ReadPlan plan = plan_gpu_read(*arr, selection, options);
//   std::vector<uint8_t> staging(plan.staging_bytes);
//   plan.fill_staging(staging.data());
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "zarrnative/array/array.h"
#include "zarrnative/array/selection.h"
#include "zarrnative/gpu/chain_plan.h"
#include "zarrnative/gpu/checksum_math.h"
#include "zarrnative/gpu/chunk_prep.h"
#include "zarrnative/gpu/scatter_math.h"

namespace zarrnative::gpu {

// At most this many dimensions (as the device strided copy).
inline constexpr int kMaxDims = scatter::kMaxDims;
// Alignment of each payload in the staging area and of each chunk in the
// decoded arena: above every nvCOMP input/output alignment requirement.
inline constexpr uint64_t kAlign = 256;

// One decode unit: a chunk, or an inner chunk of a shard.
struct DeviceChunk {
  std::string key;               // "c/0/1", or "c/0/1 (inner chunk 3)", for messages
  GpuCompressor compressor = GpuCompressor::kNone;
  std::string codec_name;        // the Zarr codec whose stream this is (messages)
  uint64_t staging_offset = 0;   // the payload in the staging area
  uint64_t payload_size = 0;
  uint64_t decoded_offset = 0;   // compressed chunks: where they decode to in the arena
  uint64_t decoded_size = 0;
  StreamCheck check = StreamCheck::kNone;
  uint32_t checksum = 0;
  // True when the decoded bytes are in the chunk's stored layout (transpose
  // and byte order of the chain); false for chunks decoded on the CPU, which
  // are in C order and the machine's byte order.
  bool stored_layout = true;
};

// A part of the output filled from one chunk (or with the fill value).
struct ScatterTask {
  int64_t chunk = -1;  // index into ReadPlan::chunks; -1: fill value
  int64_t elements = 0;
  int64_t out_offset = 0;  // elements: where its selection starts in the output
  bool points = false;     // a points task (scatter_math.h): the index tables pair up
  // Per dimension: `count[d]` entries at `index_offset[d]` in local_index /
  // out_index (the chunk-local and output coordinates of the selected rows).
  uint32_t count[kMaxDims] = {};
  uint64_t index_offset[kMaxDims] = {};
};

struct ReadPlan {
  ChainPlan chain;                 // of the chunks decoded (inner chunks for shards)
  bool whole_cpu = false;          // the chain has no GPU path: read on the CPU, then upload
  int ndim = 0;
  size_t itemsize = 0;
  Shape out_shape;                 // the output's shape (C-contiguous): the selection's,
                                   // or (selections, *selection) for a batch
  Shape sel_shape;                 // one selection's shape (points: the number of points)
  bool points = false;             // a coordinate selection: every task is a points task
  Shape chunk_shape;               // of the decode units
  // Element strides of a decode unit: in its stored layout (transpose
  // applied) and in C order, both per array dimension.
  int64_t stored_strides[kMaxDims] = {};
  int64_t c_strides[kMaxDims] = {};
  std::vector<uint8_t> fill;       // one element, machine byte order

  std::vector<DeviceChunk> chunks;
  std::vector<ScatterTask> tasks;
  std::vector<int64_t> local_index, out_index;
  uint64_t staging_bytes = 0;
  uint64_t decoded_bytes = 0;      // arena for the compressed chunks

  // Chunks that went to the CPU pipeline, with the reason (reported).
  std::vector<std::string> cpu_fallbacks;
  int64_t chunks_per_compressor[4] = {};  // by GpuCompressor

  // Copies every payload into `staging` (staging_bytes long), in parallel.
  void fill_staging(uint8_t* staging) const;

  // Holders of the bytes payload views point into.
  std::vector<std::shared_ptr<const ByteBuffer>> sources;
  std::vector<ByteView> payloads;  // per chunk
};

// Builds the host half of a GPU read of `sel`. Throws the errors of a CPU
// read for corrupt chunks (kCorruptChunk "chunk <key>: <codec>: ...") and
// out-of-range selections.
ReadPlan plan_gpu_read(const array::Array& arr, const array::OrthogonalSelection& sel,
                       const array::ArrayOptions& options = {});

// The same for a batch of selections of one shape, read into one output of
// shape (sels.size(), *shape). A chunk (or inner chunk) that several
// selections need is fetched, sent and decoded once.
ReadPlan plan_gpu_read_many(const array::Array& arr, const std::vector<array::OrthogonalSelection>& sels,
                            const array::ArrayOptions& options = {});

// The same for a coordinate selection: `points` holds ndim vectors of equal
// length n (Array::read_points' argument); the output has shape (n).
// Each chunk (or inner chunk) holding points is fetched and decoded once.
ReadPlan plan_gpu_read_points(const array::Array& arr, const std::vector<std::vector<int64_t>>& points,
                              const array::ArrayOptions& options = {});

// The tables the scatter kernel reads (scatter_math.h), for chunks whose
// decoded bytes lie at `staging_base` + staging_offset (uncompressed or
// CPU-decoded chunks) or `decoded_base` + decoded_offset (the others):
// device addresses on the device, host addresses in the tests.
struct ScatterTables {
  std::vector<scatter::Task> tasks;
  std::vector<scatter::TaskDim> dims;
  scatter::Params params;
  int64_t max_elements = 0;
};
ScatterTables scatter_tables(const ReadPlan& plan, uint64_t staging_base, uint64_t decoded_base);

// The scatter kernel's work done on the host, with the kernel's own
// per-element function over the same tables: `staging` and `decoded` hold
// the chunks as on the device; writes the C-contiguous output `out`.
void scatter_on_host(const ReadPlan& plan, const uint8_t* staging, const uint8_t* decoded, uint8_t* out);

// The tables of the device checksum step (checksum_math.h) for the chunks
// whose wrapper stores a CRC32 / Adler-32, decoded at `decoded_base` +
// decoded_offset, cut into segments of `segment_bytes`.
struct ChecksumTables {
  std::vector<Segment> segments;
  std::vector<CheckedChunk> chunks;
  std::vector<size_t> plan_chunk;  // the plan's chunk of each checked chunk
};
ChecksumTables checksum_tables(const ReadPlan& plan, uint64_t decoded_base, uint64_t segment_bytes);
// The checksum step done on the host with the kernels' functions: one
// checksum per checked chunk. For tests.
std::vector<uint32_t> checksums_on_host(const ChecksumTables& tables, uint64_t segment_bytes);

// A short report of where the chunks of a plan were decoded.
std::string describe(const ReadPlan& plan);

}  // namespace zarrnative::gpu
