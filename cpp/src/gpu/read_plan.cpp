#include "zarrnative/gpu/read_plan.h"

#include <algorithm>
#include <cstring>
#include <mutex>
#include <sstream>
#include <string>

#include "zarrnative/common/error.h"
#include "zarrnative/common/thread_pool.h"

namespace zarrnative::gpu {
namespace {

using array::ChunkTask;
using array::DimPart;

uint64_t align_up(uint64_t n) { return (n + kAlign - 1) / kAlign * kAlign; }

// A dimension's part as explicit (chunk-local, output) pairs.
void expand(const DimPart& part, std::vector<int64_t>& local, std::vector<int64_t>& out) {
  local.clear();
  out.clear();
  if (part.is_run) {
    for (int64_t j = 0; j < part.count; ++j) {
      local.push_back(part.local_start + j * part.local_step);
      out.push_back(part.out_start + j);
    }
  } else {
    local = part.local;
    out = part.out;
  }
}

// One decode unit before it is laid out.
struct Unit {
  std::string key;      // for messages
  std::string error_key;  // the store key the CPU read names in errors
  ByteView stored;      // the stored bytes (inside a source)
  PreparedChunk prepared;
  std::shared_ptr<const ByteBuffer> cpu_decoded;  // set when decoded on the CPU
};

void swap_bytes(uint8_t* p, size_t n, size_t unit) {
  for (size_t i = 0; i + unit <= n; i += unit) std::reverse(p + i, p + i + unit);
}

class Builder {
 public:
  Builder(const array::Array& arr, const array::ArrayOptions& options, ReadPlan& plan)
      : arr_(arr), options_(options), plan_(plan) {
    const codec::ShardingCodec* sharding = plan.chain.sharding;
    pipeline_ = sharding ? &sharding->inner_pipeline() : &arr.pipeline();
    unit_bytes_ = pipeline_->spec().nbytes();
  }

  // A chunk (or inner chunk) with stored bytes, and the output part it fills.
  void add_unit(std::string key, std::string error_key, ByteView stored) {
    Unit u;
    u.key = std::move(key);
    u.error_key = std::move(error_key);
    u.stored = stored;
    units_.push_back(std::move(u));
  }

  // Records a scatter task from unit `chunk` (-1: fill) for per-dimension
  // (local, out) pairs.
  void add_task(int64_t chunk, const std::vector<std::vector<int64_t>>& local,
                const std::vector<std::vector<int64_t>>& out) {
    ScatterTask t;
    t.chunk = chunk;
    t.elements = 1;
    for (size_t d = 0; d < local.size(); ++d) {
      t.count[d] = static_cast<uint32_t>(local[d].size());
      t.index_offset[d] = plan_.local_index.size();
      plan_.local_index.insert(plan_.local_index.end(), local[d].begin(), local[d].end());
      plan_.out_index.insert(plan_.out_index.end(), out[d].begin(), out[d].end());
      t.elements *= static_cast<int64_t>(local[d].size());
    }
    if (t.elements > 0) plan_.tasks.push_back(t);
  }

  int64_t next_unit() const { return static_cast<int64_t>(units_.size()); }

  // Verifies, strips or decodes every unit (in parallel), then lays them out.
  void finish() {
    std::mutex mu;
    size_t failed = SIZE_MAX;
    ErrorCode code = ErrorCode::kInternal;
    std::string message;
    ThreadPool::global().parallel_for(units_.size(), [&](size_t i) {
      try {
        prepare(units_[i]);
      } catch (const Error& e) {
        std::lock_guard<std::mutex> lock(mu);
        if (i < failed) {
          failed = i;
          code = e.code();
          message = e.what();
        }
      }
    });
    if (failed != SIZE_MAX) throw Error(code, "chunk '" + units_[failed].error_key + "': " + message);

    plan_.chunks.reserve(units_.size());
    plan_.payloads.reserve(units_.size());
    for (Unit& u : units_) {
      DeviceChunk c;
      c.key = u.key;
      c.codec_name = plan_.chain.codec_name;
      c.decoded_size = unit_bytes_;
      ByteView payload;
      if (u.cpu_decoded) {
        plan_.cpu_fallbacks.push_back(u.key + ": " + *u.prepared.cpu_reason);
        plan_.sources.push_back(u.cpu_decoded);
        payload = u.cpu_decoded->view();
        c.stored_layout = false;
      } else {
        payload = u.prepared.payload;
        c.compressor = u.prepared.compressor;
        c.check = u.prepared.check;
        c.checksum = u.prepared.checksum;
      }
      c.payload_size = payload.size();
      c.staging_offset = plan_.staging_bytes;
      plan_.staging_bytes += align_up(payload.size());
      if (c.compressor != GpuCompressor::kNone) {
        c.decoded_offset = plan_.decoded_bytes;
        plan_.decoded_bytes += align_up(c.decoded_size);
      }
      ++plan_.chunks_per_compressor[static_cast<int>(c.compressor)];
      plan_.payloads.push_back(payload);
      plan_.chunks.push_back(std::move(c));
    }
  }

 private:
  void prepare(Unit& u) const {
    ByteView stored = u.stored;
    for (const codec::BytesToBytesCodec* check : plan_.chain.host_checks) {
      stored = *check->decode_view(stored, options_.codec);  // throws as the CPU decoder does
    }
    u.prepared = prepare_chunk(plan_.chain.format, stored, unit_bytes_, plan_.chain.codec_name);
    if (!u.prepared.cpu_reason) return;
    // The CPU pipeline decodes this chunk from its stored bytes, into C
    // order and the machine's byte order; the device scatters it as it is.
    const codec::ChunkSpec& spec = pipeline_->spec();
    NDArray out = NDArray::empty(spec.dtype.with_byte_order(native_byte_order()), spec.shape);
    pipeline_->decode(u.stored, out, options_.codec);
    auto bytes = std::make_shared<ByteBuffer>();
    bytes->assign(ByteView(static_cast<const uint8_t*>(out.data()), static_cast<size_t>(out.nbytes())));
    u.cpu_decoded = std::move(bytes);
  }

  const array::Array& arr_;
  const array::ArrayOptions& options_;
  ReadPlan& plan_;
  const codec::CodecPipeline* pipeline_;
  uint64_t unit_bytes_ = 0;
  std::vector<Unit> units_;
};

std::string coords_string(const Shape& c) {
  std::string s = "(";
  for (size_t i = 0; i < c.size(); ++i) s += (i ? ", " : "") + std::to_string(c[i]);
  return s + ")";
}

}  // namespace

void ReadPlan::fill_staging(uint8_t* staging) const {
  ThreadPool::global().parallel_for(chunks.size(), [&](size_t i) {
    const ByteView p = payloads[i];
    if (!p.empty()) std::memcpy(staging + chunks[i].staging_offset, p.data(), p.size());
  });
}

ReadPlan plan_gpu_read(const array::Array& arr, const array::OrthogonalSelection& sel,
                       const array::ArrayOptions& options) {
  const metadata::ArrayMetadata& meta = arr.metadata();
  ReadPlan plan;
  plan.ndim = static_cast<int>(meta.shape.size());
  plan.itemsize = meta.dtype.itemsize();
  if (meta.dtype.is_vlen()) {
    throw Error(ErrorCode::kTypeError, "array '" + arr.path() + "': string and bytes arrays cannot be read into GPU memory");
  }
  check(plan.ndim <= kMaxDims, ErrorCode::kInvalidArgument,
        "GPU reads support at most " + std::to_string(kMaxDims) + " dimensions");
  const array::ChunkPlan cp = array::plan_orthogonal(sel, meta.shape, meta.chunk_shape);
  plan.out_shape = cp.out_shape;
  plan.chain = plan_chain(arr.pipeline());
  if (!plan.chain.on_gpu) {
    plan.whole_cpu = true;
    plan.cpu_fallbacks.push_back("all chunks: " + plan.chain.cpu_reason);
    return plan;
  }

  // The fill element in the machine's byte order.
  plan.fill = meta.fill_value;
  plan.fill.resize(plan.itemsize, 0);
  if (!meta.dtype.is_native()) {
    swap_bytes(plan.fill.data(), plan.fill.size(),
               meta.dtype.kind() == DTypeKind::kComplex ? plan.itemsize / 2 : plan.itemsize);
  }

  const codec::ShardingCodec* sharding = plan.chain.sharding;
  plan.chunk_shape = sharding ? sharding->inner_spec().shape : meta.chunk_shape;
  // Strides of a decode unit, in elements: C order of the stored (encoded)
  // shape, whose dimension i is array dimension order[i].
  {
    int64_t c = 1, s = 1;
    for (int d = plan.ndim; d-- > 0;) {
      plan.c_strides[d] = c;
      c *= plan.chunk_shape[d];
      const int dim = plan.chain.order[d];
      plan.stored_strides[dim] = s;
      s *= plan.chunk_shape[dim];
    }
  }

  // One batched store read for every chunk (shard) of the selection.
  std::vector<std::string> keys;
  keys.reserve(cp.tasks.size());
  for (const ChunkTask& t : cp.tasks) keys.push_back(arr.chunk_key(t.coords));
  std::vector<std::optional<ByteBuffer>> fetched = arr.store()->get_many(keys);

  Builder builder(arr, options, plan);
  std::vector<std::vector<int64_t>> local(plan.ndim), out(plan.ndim);
  for (size_t i = 0; i < cp.tasks.size(); ++i) {
    const ChunkTask& task = cp.tasks[i];
    for (int d = 0; d < plan.ndim; ++d) expand(*task.dims[d], local[d], out[d]);
    if (!fetched[i]) {
      builder.add_task(-1, local, out);
      continue;
    }
    auto source = std::make_shared<const ByteBuffer>(std::move(*fetched[i]));
    plan.sources.push_back(source);
    const ByteView bytes = source->view();
    if (!sharding) {
      builder.add_task(builder.next_unit(), local, out);
      builder.add_unit(keys[i], keys[i], bytes);
      continue;
    }
    // A shard: its index, then the inner chunks the selection needs.
    codec::ShardIndex index;
    try {
      const codec::ByteRange r = sharding->index_range(bytes.size());
      if (r.offset + r.length > bytes.size()) {
        throw Error(ErrorCode::kCorruptChunk, "sharding_indexed: the shard of " + std::to_string(bytes.size()) +
                                                  " bytes is too short for its index");
      }
      index = sharding->decode_index(bytes.subspan(r.offset, r.length), bytes.size(), options.codec);
    } catch (const Error& e) {
      throw Error(e.code(), "chunk '" + keys[i] + "': " + e.what());
    }
    array::OrthogonalSelection inner_sel;
    for (int d = 0; d < plan.ndim; ++d) inner_sel.push_back(array::DimSelection::list(local[d]));
    const array::ChunkPlan ip = array::plan_orthogonal(inner_sel, meta.chunk_shape, plan.chunk_shape);
    std::vector<std::vector<int64_t>> il(plan.ndim), io(plan.ndim);
    for (const ChunkTask& it : ip.tasks) {
      for (int d = 0; d < plan.ndim; ++d) {
        expand(*it.dims[d], il[d], io[d]);
        for (int64_t& o : io[d]) o = out[d][o];  // position in the shard's list -> output position
      }
      size_t linear = 0;
      for (int d = 0; d < plan.ndim; ++d) linear = linear * sharding->chunks_per_shard()[d] + it.coords[d];
      const std::optional<codec::ByteRange> range = index.range(linear);
      if (!range) {
        builder.add_task(-1, il, io);
        continue;
      }
      builder.add_task(builder.next_unit(), il, io);
      builder.add_unit(keys[i] + " (inner chunk " + coords_string(it.coords) + ")", keys[i],
                       bytes.subspan(range->offset, range->length));
    }
  }
  builder.finish();
  return plan;
}

void scatter_on_host(const ReadPlan& plan, const uint8_t* staging, const uint8_t* decoded, uint8_t* out) {
  const int nd = plan.ndim;
  const size_t item = plan.itemsize;
  int64_t out_strides[kMaxDims];
  {
    int64_t s = 1;
    for (int d = nd; d-- > 0;) {
      out_strides[d] = s;
      s *= plan.out_shape[d];
    }
  }
  for (const ScatterTask& t : plan.tasks) {
    const DeviceChunk* c = t.chunk >= 0 ? &plan.chunks[t.chunk] : nullptr;
    const uint8_t* src = nullptr;
    const int64_t* strides = plan.c_strides;
    int swap = 0;
    if (c) {
      src = c->compressor == GpuCompressor::kNone ? staging + c->staging_offset : decoded + c->decoded_offset;
      if (c->stored_layout) {
        strides = plan.stored_strides;
        swap = plan.chain.swap_unit;
      }
    }
    for (int64_t e = 0; e < t.elements; ++e) {
      int64_t rest = e, s = 0, o = 0;
      for (int d = nd; d-- > 0;) {
        const int64_t k = rest % t.count[d];
        rest /= t.count[d];
        s += plan.local_index[t.index_offset[d] + k] * strides[d];
        o += plan.out_index[t.index_offset[d] + k] * out_strides[d];
      }
      uint8_t* dst = out + o * item;
      if (!c) {
        std::memcpy(dst, plan.fill.data(), item);
        continue;
      }
      std::memcpy(dst, src + s * item, item);
      if (swap) swap_bytes(dst, item, static_cast<size_t>(swap));
    }
  }
}

std::string describe(const ReadPlan& plan) {
  std::ostringstream s;
  if (plan.whole_cpu) {
    s << "decoded on the CPU: " << plan.chain.cpu_reason;
    return s.str();
  }
  s << plan.chunks.size() << " chunks to the GPU (" << plan.chunks_per_compressor[1] << " zstd, "
    << plan.chunks_per_compressor[2] << " deflate, " << plan.chunks_per_compressor[3] << " lz4, "
    << plan.chunks_per_compressor[0] << " uncompressed or CPU-decoded)";
  if (!plan.cpu_fallbacks.empty()) s << "; " << plan.cpu_fallbacks.size() << " decoded on the CPU";
  return s.str();
}

}  // namespace zarrnative::gpu
