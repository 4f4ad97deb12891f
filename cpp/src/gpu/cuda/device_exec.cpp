// The device half of a GPU read: pinned staging, one host -> device copy,
// one nvCOMP batched decoder call per compressor, checks, scatter.
//
// Memory, per call (kept for the next call with reuse_buffers):
//   pinned host:  [payloads | tables | results]
//   device:       [payloads | tables | results | decoded arena | nvCOMP temp]
// The first two parts of both are the same bytes: one copy moves them. The
// results part (nvCOMP statuses and sizes, checksums) comes back in one copy.
#include <cuda_runtime.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <map>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "cuda/cuda_util.h"
#include "gpu/cuda/kernels.h"
#include "gpu/device_exec.h"
#include "gpu/nvcomp/nvcomp_api.h"
#include "zarrnative/common/error.h"

namespace zarrnative::gpu {
namespace {

constexpr uint64_t kSegmentBytes = 32 * 1024;  // checksum work per thread
constexpr int kCompressors = 3;                // zstd, deflate, lz4 (GpuCompressor 1..3)

using cuda::detail::DeviceScope;
using cuda::detail::ok;
using cuda::detail::to_stream;

std::string hex32(uint32_t v) {
  char s[11];
  std::snprintf(s, sizeof s, "0x%08X", v);
  return s;
}

// Offsets of the parts of a memory area, each aligned.
struct Layout {
  uint64_t size = 0;
  uint64_t add(uint64_t n, uint64_t align = kAlign) {
    size = (size + align - 1) / align * align;
    const uint64_t at = size;
    size += n;
    return at;
  }
};

// Device and pinned scratch kept between calls, one set per device.
struct Scratch {
  void* device_mem = nullptr;
  uint64_t device_size = 0;
  void* pinned = nullptr;
  uint64_t pinned_size = 0;
};
std::mutex g_cache_mutex;
std::map<int, Scratch> g_cache;

void release(Scratch& s) {
  if (s.device_mem) cudaFree(s.device_mem);
  if (s.pinned) cudaFreeHost(s.pinned);
  s = Scratch{};
}

// Takes the cached scratch of `device` (or none), grown to the sizes asked.
Scratch take_scratch(int device, uint64_t device_size, uint64_t pinned_size) {
  Scratch s;
  {
    std::lock_guard<std::mutex> lock(g_cache_mutex);
    auto it = g_cache.find(device);
    if (it != g_cache.end()) {
      s = it->second;
      g_cache.erase(it);
    }
  }
  if (s.device_size < device_size) {
    if (s.device_mem) cudaFree(s.device_mem);
    s.device_mem = nullptr;
    s.device_size = 0;
    try {
      ok(cudaMalloc(&s.device_mem, device_size), "cudaMalloc (GPU read scratch)");
    } catch (...) {
      release(s);  // the cached pinned area too
      throw;
    }
    s.device_size = device_size;
  }
  if (s.pinned_size < pinned_size) {
    if (s.pinned) cudaFreeHost(s.pinned);
    s.pinned = nullptr;
    s.pinned_size = 0;
    try {
      ok(cudaMallocHost(&s.pinned, pinned_size), "cudaMallocHost (GPU read staging)");
    } catch (...) {
      release(s);
      throw;
    }
    s.pinned_size = pinned_size;
  }
  return s;
}

void give_back(int device, Scratch& s, bool reuse) {
  if (reuse) {
    std::lock_guard<std::mutex> lock(g_cache_mutex);
    auto [it, inserted] = g_cache.emplace(device, s);
    if (inserted) {
      s = Scratch{};
      return;
    }
  }
  release(s);
}

// nvCOMP's scratch for one decompress call: zstd asks for about 3 bytes
// per decoded byte, so a compressor's chunks are decoded in calls (parts) of
// at most this much scratch each, one after another on the stream, sharing
// one scratch area.
constexpr uint64_t kTempBudget = uint64_t{2} << 30;

// One compressor's chunks and the parts of the areas their nvCOMP calls use.
struct Group {
  std::vector<size_t> chunks;
  uint64_t total_decoded = 0;
  std::vector<std::pair<size_t, size_t>> parts;  // [begin, end) of `chunks`, one nvCOMP call each
  uint64_t temp_bytes = 0;                       // the largest part's scratch
  uint64_t comp_ptrs = 0, comp_bytes = 0, out_bytes = 0, out_ptrs = 0;  // tables
  uint64_t actual_bytes = 0, statuses = 0;                              // results
};

// The decompression options: nvCOMP's defaults, except that the CUDA backend
// is asked for where the hardware decompression engine (Blackwell) would
// report every chunk a success whatever its bytes: LZ4, which carries no
// checksum, and deflate when its checksums are not verified.
struct Options {
  nvcompBatchedZstdDecompressOpts_t zstd = nvcompBatchedZstdDecompressDefaultOpts;
  nvcompBatchedDeflateDecompressOpts_t deflate = nvcompBatchedDeflateDecompressDefaultOpts;
  nvcompBatchedLZ4DecompressOpts_t lz4 = nvcompBatchedLZ4DecompressDefaultOpts;
  explicit Options(bool checksums_verified) {
    lz4.backend = NVCOMP_DECOMPRESS_BACKEND_CUDA;
    if (!checksums_verified) deflate.backend = NVCOMP_DECOMPRESS_BACKEND_CUDA;
  }
};

// The scratch one call over the group's chunks [begin, end) needs.
uint64_t nvcomp_temp_size(const nvcomp::Api& api, GpuCompressor c, const Options& opts, const ReadPlan& plan,
                          const Group& g, size_t begin, size_t end, cudaStream_t stream) {
  uint64_t max_decoded = 0, total_decoded = 0;
  for (size_t j = begin; j < end; ++j) {
    max_decoded = std::max(max_decoded, plan.chunks[g.chunks[j]].decoded_size);
    total_decoded += plan.chunks[g.chunks[j]].decoded_size;
  }
  const size_t n = end - begin;
  size_t temp = 0;
  nvcompStatus_t st = nvcompSuccess;
  switch (c) {
    case GpuCompressor::kZstd:
      st = api.zstd_temp_size(n, max_decoded, opts.zstd, &temp, total_decoded, stream);
      break;
    case GpuCompressor::kDeflate:
      st = api.deflate_temp_size(n, max_decoded, opts.deflate, &temp, total_decoded, stream);
      break;
    case GpuCompressor::kLz4:
      st = api.lz4_temp_size(n, max_decoded, opts.lz4, &temp, total_decoded, stream);
      break;
    case GpuCompressor::kNone: break;
  }
  if (st != nvcompSuccess) {
    throw Error(ErrorCode::kCudaError, std::string("nvCOMP ") + to_string(c) +
                                           " decompression temp size query failed: " + api.status_string(st));
  }
  return temp;
}

// Splits a compressor's chunks into parts whose scratch stays within
// kTempBudget (halving the part size until it does; a single chunk is
// always a part), and sets the group's parts and largest scratch.
void plan_parts(const nvcomp::Api& api, GpuCompressor c, const Options& opts, const ReadPlan& plan, Group& g,
                cudaStream_t stream) {
  const size_t n = g.chunks.size();
  size_t per_part = n;
  for (;;) {
    g.parts.clear();
    g.temp_bytes = 0;
    bool fits = true;
    for (size_t begin = 0; begin < n; begin += per_part) {
      const size_t end = std::min(n, begin + per_part);
      const uint64_t temp = nvcomp_temp_size(api, c, opts, plan, g, begin, end, stream);
      if (temp > kTempBudget && per_part > 1) {
        fits = false;
        break;
      }
      g.parts.emplace_back(begin, end);
      g.temp_bytes = std::max(g.temp_bytes, temp);
    }
    if (fits) return;
    per_part = (per_part + 1) / 2;
  }
}

// One nvCOMP call over the group's chunks [begin, end): the tables are read
// from their `begin`th entries on.
nvcompStatus_t nvcomp_decompress(const nvcomp::Api& api, GpuCompressor c, const Options& opts, uint8_t* dev,
                                 const Group& g, size_t begin, size_t end, void* temp, uint64_t temp_bytes,
                                 cudaStream_t stream) {
  const size_t n = end - begin;
  auto* comp_ptrs = reinterpret_cast<const void* const*>(dev + g.comp_ptrs) + begin;
  auto* comp_bytes = reinterpret_cast<const size_t*>(dev + g.comp_bytes) + begin;
  auto* out_bytes = reinterpret_cast<const size_t*>(dev + g.out_bytes) + begin;
  auto* actual = reinterpret_cast<size_t*>(dev + g.actual_bytes) + begin;
  auto* out_ptrs = reinterpret_cast<void* const*>(dev + g.out_ptrs) + begin;
  auto* statuses = reinterpret_cast<nvcompStatus_t*>(dev + g.statuses) + begin;
  switch (c) {
    case GpuCompressor::kZstd:
      return api.zstd_decompress(comp_ptrs, comp_bytes, out_bytes, actual, n, temp, temp_bytes, out_ptrs, opts.zstd,
                                 statuses, stream);
    case GpuCompressor::kDeflate:
      return api.deflate_decompress(comp_ptrs, comp_bytes, out_bytes, actual, n, temp, temp_bytes, out_ptrs,
                                    opts.deflate, statuses, stream);
    case GpuCompressor::kLz4:
      return api.lz4_decompress(comp_ptrs, comp_bytes, out_bytes, actual, n, temp, temp_bytes, out_ptrs, opts.lz4,
                                statuses, stream);
    case GpuCompressor::kNone: break;
  }
  return nvcompErrorInvalidValue;
}

// CUDA events around the phases of one read, when timings are asked for.
class PhaseEvents {
 public:
  static constexpr int kMarks = 5;  // before upload, decompress, checks, scatter; after scatter
  explicit PhaseEvents(bool on) {
    if (!on) return;
    try {
      for (cudaEvent_t& e : events_) ok(cudaEventCreate(&e), "cudaEventCreate");
    } catch (...) {
      destroy();  // those made before the one that failed
      throw;
    }
    on_ = true;
  }
  ~PhaseEvents() { destroy(); }
  PhaseEvents(const PhaseEvents&) = delete;
  PhaseEvents& operator=(const PhaseEvents&) = delete;
  void mark(int i, cudaStream_t stream) {
    if (on_) ok(cudaEventRecord(events_[i], stream), "cudaEventRecord");
  }
  // After the stream has synchronized.
  void fill(DeviceReadTimings& t) const {
    if (!on_) return;
    double* phases[kMarks - 1] = {&t.upload_ms, &t.decompress_ms, &t.checks_ms, &t.scatter_ms};
    for (int i = 0; i + 1 < kMarks; ++i) {
      float ms = 0;
      ok(cudaEventElapsedTime(&ms, events_[i], events_[i + 1]), "cudaEventElapsedTime");
      *phases[i] = ms;
    }
  }

 private:
  void destroy() {
    for (cudaEvent_t& e : events_) {
      if (e) cudaEventDestroy(e);
      e = nullptr;
    }
  }
  bool on_ = false;
  cudaEvent_t events_[kMarks] = {};
};

[[noreturn]] void chunk_error(const DeviceChunk& c, const std::string& message) {
  throw Error(ErrorCode::kCorruptChunk, "chunk '" + c.key + "': " + c.codec_name + ": " + message);
}

}  // namespace

bool execute_compiled() { return true; }

void execute_plan(const ReadPlan& plan, void* out, const DeviceReadOptions& options) {
  DeviceScope scope(options.device);
  const cudaStream_t stream = to_stream(options.stream);
  cudaGetLastError();  // an earlier call's error is not this read's: the launches below check theirs
  const int nd = plan.ndim;

  // --- what goes where ----------------------------------------------------
  Group groups[kCompressors];
  for (size_t i = 0; i < plan.chunks.size(); ++i) {
    const DeviceChunk& c = plan.chunks[i];
    if (c.compressor == GpuCompressor::kNone) continue;
    Group& g = groups[static_cast<int>(c.compressor) - 1];
    g.chunks.push_back(i);
    g.total_decoded += c.decoded_size;
  }
  // Offsets in the arena for now; made device addresses once it exists.
  ChecksumTables checks;
  if (options.verify_checksums) checks = checksum_tables(plan, 0, kSegmentBytes);
  std::vector<Segment>& segments = checks.segments;
  std::vector<CheckedChunk>& checked = checks.chunks;

  const nvcomp::Api* api = nullptr;
  const Options opts(options.verify_checksums);
  uint64_t temp_bytes = 0;
  for (int k = 0; k < kCompressors; ++k) {
    if (groups[k].chunks.empty()) continue;
    if (!api) api = &nvcomp::api();  // throws kDeviceUnavailable naming why nvCOMP is missing
    plan_parts(*api, static_cast<GpuCompressor>(k + 1), opts, plan, groups[k], stream);
    temp_bytes = std::max(temp_bytes, groups[k].temp_bytes);
  }

  Layout mirrored;  // the same offsets in pinned and device memory
  mirrored.add(plan.staging_bytes);
  const uint64_t tasks_at = mirrored.add(plan.tasks.size() * sizeof(kernels::Task));
  const uint64_t dims_at = mirrored.add(plan.tasks.size() * nd * sizeof(kernels::TaskDim));
  const uint64_t local_at = mirrored.add(plan.local_index.size() * sizeof(int64_t));
  const uint64_t outidx_at = mirrored.add(plan.out_index.size() * sizeof(int64_t));
  for (Group& g : groups) {
    const uint64_t n = g.chunks.size();
    g.comp_ptrs = mirrored.add(n * sizeof(void*));
    g.comp_bytes = mirrored.add(n * sizeof(size_t));
    g.out_bytes = mirrored.add(n * sizeof(size_t));
    g.out_ptrs = mirrored.add(n * sizeof(void*));
  }
  const uint64_t segments_at = mirrored.add(segments.size() * sizeof(kernels::Segment));
  const uint64_t checked_at = mirrored.add(checked.size() * sizeof(kernels::CheckedChunk));
  const uint64_t upload = mirrored.size;
  // Results, copied back.
  Layout results = mirrored;
  const uint64_t results_begin = results.add(0);
  for (Group& g : groups) {
    g.actual_bytes = results.add(g.chunks.size() * sizeof(size_t));
    g.statuses = results.add(g.chunks.size() * sizeof(nvcompStatus_t));
  }
  const uint64_t segment_sums_at = results.add(segments.size() * sizeof(uint32_t));
  const uint64_t chunk_sums_at = results.add(checked.size() * sizeof(uint32_t));
  const uint64_t results_end = results.size;
  Layout device = results;
  const uint64_t arena_at = device.add(plan.decoded_bytes);
  const uint64_t temp_at = device.add(temp_bytes);

  Scratch scratch = take_scratch(options.device, std::max<uint64_t>(device.size, 1), std::max<uint64_t>(results_end, 1));
  try {
    auto* host = static_cast<uint8_t*>(scratch.pinned);
    auto* dev = static_cast<uint8_t*>(scratch.device_mem);
    const auto dev_addr = [&](uint64_t offset) { return reinterpret_cast<uint64_t>(dev + offset); };

    // --- fill the pinned area ---------------------------------------------
    // The one copy of the payloads on the host: pageable store bytes into
    // pinned memory, so that the upload is a single DMA transfer.
    const auto staging_start = std::chrono::steady_clock::now();
    plan.fill_staging(host);
    if (options.timings) {
      options.timings->staging_ms =
          std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - staging_start).count();
    }
    const ScatterTables tables = scatter_tables(plan, dev_addr(0), dev_addr(arena_at));
    if (!tables.tasks.empty()) {
      std::memcpy(host + tasks_at, tables.tasks.data(), tables.tasks.size() * sizeof(kernels::Task));
    }
    if (!tables.dims.empty()) {
      std::memcpy(host + dims_at, tables.dims.data(), tables.dims.size() * sizeof(kernels::TaskDim));
    }
    if (!plan.local_index.empty()) {
      std::memcpy(host + local_at, plan.local_index.data(), plan.local_index.size() * sizeof(int64_t));
      std::memcpy(host + outidx_at, plan.out_index.data(), plan.out_index.size() * sizeof(int64_t));
    }
    for (Group& g : groups) {
      for (size_t j = 0; j < g.chunks.size(); ++j) {
        const DeviceChunk& c = plan.chunks[g.chunks[j]];
        reinterpret_cast<uint64_t*>(host + g.comp_ptrs)[j] = dev_addr(c.staging_offset);
        reinterpret_cast<size_t*>(host + g.comp_bytes)[j] = c.payload_size;
        reinterpret_cast<size_t*>(host + g.out_bytes)[j] = c.decoded_size;
        reinterpret_cast<uint64_t*>(host + g.out_ptrs)[j] = dev_addr(arena_at + c.decoded_offset);
      }
    }
    for (Segment& s : segments) s.ptr = dev_addr(arena_at) + s.ptr;
    if (!segments.empty()) std::memcpy(host + segments_at, segments.data(), segments.size() * sizeof(kernels::Segment));
    if (!checked.empty()) std::memcpy(host + checked_at, checked.data(), checked.size() * sizeof(kernels::CheckedChunk));

    // --- the device work, in stream order ------------------------------------
    PhaseEvents events(options.timings != nullptr);
    events.mark(0, stream);
    ok(cudaMemcpyAsync(dev, host, upload, cudaMemcpyHostToDevice, stream), "cudaMemcpyAsync (upload)");
    // The results area starts as "failed" (all ones): an entry nvCOMP or a
    // kernel did not write cannot pass as the previous read's success.
    if (results_end > results_begin) {
      ok(cudaMemsetAsync(dev + results_begin, 0xFF, results_end - results_begin, stream),
         "cudaMemsetAsync (results)");
    }
    events.mark(1, stream);
    for (int k = 0; k < kCompressors; ++k) {
      const Group& g = groups[k];
      const GpuCompressor c = static_cast<GpuCompressor>(k + 1);
      for (const auto& [begin, end] : g.parts) {
        nvcompStatus_t st = nvcomp_decompress(*api, c, opts, dev, g, begin, end, dev + temp_at, temp_bytes, stream);
        if (st != nvcompSuccess) {
          throw Error(ErrorCode::kCudaError, std::string("nvCOMP batched ") + to_string(c) +
                                                 " decompression failed to start: " + api->status_string(st));
        }
      }
    }
    events.mark(2, stream);
    ok(kernels::launch_checksums(reinterpret_cast<const kernels::Segment*>(dev + segments_at),
                                 static_cast<int64_t>(segments.size()), reinterpret_cast<uint32_t*>(dev + segment_sums_at),
                                 reinterpret_cast<const kernels::CheckedChunk*>(dev + checked_at),
                                 static_cast<int64_t>(checked.size()), reinterpret_cast<uint32_t*>(dev + chunk_sums_at),
                                 kSegmentBytes, stream),
       "checksum kernels");
    events.mark(3, stream);
    ok(kernels::launch_scatter(reinterpret_cast<const kernels::Task*>(dev + tasks_at),
                               static_cast<int64_t>(plan.tasks.size()), tables.max_elements,
                               reinterpret_cast<const kernels::TaskDim*>(dev + dims_at),
                               reinterpret_cast<const int64_t*>(dev + local_at),
                               reinterpret_cast<const int64_t*>(dev + outidx_at), tables.params, static_cast<uint8_t*>(out),
                               stream),
       "scatter kernel");
    events.mark(4, stream);
    if (results_end > results_begin) {
      ok(cudaMemcpyAsync(host + results_begin, dev + results_begin, results_end - results_begin,
                         cudaMemcpyDeviceToHost, stream),
         "cudaMemcpyAsync (results)");
    }
    ok(cudaStreamSynchronize(stream), "cudaStreamSynchronize (GPU read)");
    if (options.timings) {
      DeviceReadTimings& t = *options.timings;
      events.fill(t);
      for (const Group& g : groups) {
        for (size_t i : g.chunks) t.compressed_bytes += plan.chunks[i].payload_size;
        t.decoded_bytes += g.total_decoded;
      }
      t.chunks = static_cast<int64_t>(plan.chunks.size());
    }

    // --- faults, named as the CPU read names them ---------------------------
    for (const Group& g : groups) {
      const auto* statuses = reinterpret_cast<const nvcompStatus_t*>(host + g.statuses);
      const auto* actual = reinterpret_cast<const size_t*>(host + g.actual_bytes);
      for (size_t j = 0; j < g.chunks.size(); ++j) {
        const DeviceChunk& c = plan.chunks[g.chunks[j]];
        if (statuses[j] != nvcompSuccess) {
          chunk_error(c, std::string("invalid or truncated stream (nvCOMP: ") + api->status_string(statuses[j]) + ")");
        }
        if (actual[j] != c.decoded_size) {
          chunk_error(c, "decoded " + std::to_string(actual[j]) + " bytes, expected " + std::to_string(c.decoded_size));
        }
      }
    }
    const auto* sums = reinterpret_cast<const uint32_t*>(host + chunk_sums_at);
    for (size_t j = 0; j < checked.size(); ++j) {
      const DeviceChunk& c = plan.chunks[checks.plan_chunk[j]];
      if (sums[j] != c.checksum) {
        chunk_error(c, std::string(c.check == StreamCheck::kCrc32 ? "CRC32" : "Adler-32") + " mismatch: stored " +
                           hex32(c.checksum) + ", computed " + hex32(sums[j]));
      }
    }
  } catch (...) {
    // Nothing may still use the scratch. A stream that cannot synchronize has
    // a broken context (nvCOMP's decoders may read out of bounds on corrupt
    // input): its buffers are freed, not kept for the next read.
    const bool healthy = cudaStreamSynchronize(stream) == cudaSuccess;
    if (!healthy) cudaGetLastError();
    give_back(options.device, scratch, options.reuse_buffers && healthy);
    throw;
  }
  give_back(options.device, scratch, options.reuse_buffers);
}

}  // namespace zarrnative::gpu
