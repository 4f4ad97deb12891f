#include "zarrnative/gpu/read_plan.h"

#include <algorithm>
#include <cstring>
#include <map>
#include <optional>
#include <span>
#include <sstream>
#include <string>
#include <type_traits>
#include <unordered_map>

#include "zarrnative/codec/registry.h"
#include "zarrnative/common/error.h"
#include "zarrnative/common/thread_pool.h"

namespace zarrnative::gpu {
namespace {

using array::ChunkTask;
using array::DimPart;
using codec::corrupt_error;

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

class Builder {
 public:
  Builder(const array::Array& arr, const array::ArrayOptions& options, ReadPlan& plan)
      : arr_(arr), options_(options), plan_(plan) {
    const codec::ShardingCodec* sharding = plan.chain.sharding;
    pipeline_ = sharding ? &sharding->inner_pipeline() : &arr.pipeline();
    unit_bytes_ = pipeline_->spec().nbytes();
  }

  // The unit of a chunk (or inner chunk) with stored bytes: a new one, or
  // the one an earlier selection of a batch added under the same key.
  int64_t unit(const std::string& key, const std::string& error_key, ByteView stored) {
    const auto [it, added] = unit_of_key_.try_emplace(key, static_cast<int64_t>(units_.size()));
    if (!added) return it->second;
    Unit u;
    u.key = key;
    u.error_key = error_key;
    u.stored = stored;
    units_.push_back(std::move(u));
    return it->second;
  }

  // Records a scatter task from unit `chunk` (-1: fill) for per-dimension
  // (local, out) pairs, into the selection that starts at `out_offset`.
  void add_task(int64_t chunk, const std::vector<std::vector<int64_t>>& local,
                const std::vector<std::vector<int64_t>>& out, int64_t out_offset) {
    ScatterTask t;
    t.chunk = chunk;
    t.out_offset = out_offset;
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

  // Records a points task from unit `chunk` (-1: fill): point k has local
  // coordinates local[d][k] and goes to output position out[k].
  void add_points_task(int64_t chunk, const std::vector<std::vector<int64_t>>& local, const std::vector<int64_t>& out) {
    if (out.empty()) return;
    ScatterTask t;
    t.chunk = chunk;
    t.points = true;
    t.elements = static_cast<int64_t>(out.size());
    for (size_t d = 0; d < local.size(); ++d) {
      t.count[d] = static_cast<uint32_t>(out.size());
      t.index_offset[d] = plan_.local_index.size();
      plan_.local_index.insert(plan_.local_index.end(), local[d].begin(), local[d].end());
      // The tables stay parallel; only dimension 0's output entries are read.
      if (d == 0) {
        plan_.out_index.insert(plan_.out_index.end(), out.begin(), out.end());
      } else {
        plan_.out_index.resize(plan_.local_index.size(), 0);
      }
    }
    plan_.tasks.push_back(t);
  }

  // Verifies, strips or decodes every unit (in parallel), then lays them out.
  void finish() {
    if (auto f = parallel_for_first_error(ThreadPool::global(), units_.size(), [&](size_t i) { prepare(units_[i]); })) {
      throw Error(f->code, "chunk '" + units_[f->index].error_key + "': " + f->message);
    }

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
  std::unordered_map<std::string, int64_t> unit_of_key_;
};

std::string coords_string(const Shape& c) {
  std::string s = "(";
  for (size_t i = 0; i < c.size(); ++i) s += (i ? ", " : "") + std::to_string(c[i]);
  return s + ")";
}


// A shard's part of a read: the stored bytes of each inner chunk asked for
// (nullopt: missing inner chunk).
struct Shard {
  bool missing = false;
  std::vector<std::optional<ByteView>> inner;
  std::vector<std::shared_ptr<const ByteBuffer>> holders;
};

// Reads the index and the inner chunks `wanted` (coordinates in the shard's
// inner grid) of one shard: the whole object when `whole`, else the index
// by range and then the inner chunks by range (one get_ranges call each).
void fetch_inner_chunks(const array::Array& arr, const codec::ShardingCodec& sharding, const std::string& key,
                        bool whole_shard, const std::vector<Shape>& wanted, const array::ArrayOptions& options,
                        Shard& shard) {
  const size_t nd = sharding.chunks_per_shard().size();
  const auto linear = [&](const Shape& coords) {
    size_t n = 0;
    for (size_t d = 0; d < nd; ++d) n = n * sharding.chunks_per_shard()[d] + coords[d];
    return n;
  };
  store::Store& st = *arr.store();
  codec::ShardIndex index;
  std::shared_ptr<const ByteBuffer> whole;
  if (whole_shard) {
    std::optional<ByteBuffer> bytes = st.get(key);
    if (!bytes) {
      shard.missing = true;
      return;
    }
    whole = std::make_shared<const ByteBuffer>(std::move(*bytes));
    shard.holders.push_back(whole);
    const codec::ByteRange r = sharding.index_range(whole->size());
    if (r.offset + r.length > whole->size()) {
      corrupt_error(codec::names::kSharding, "the shard of " + std::to_string(whole->size()) +
                                                  " bytes is too short for its index");
    }
    index = sharding.decode_index(whole->view().subspan(r.offset, r.length), whole->size(), options.codec);
  } else {
    const codec::ByteRange r = sharding.index_range(std::nullopt);
    std::vector<std::optional<ByteBuffer>> got = st.get_ranges(key, std::span<const codec::ByteRange>(&r, 1));
    if (got.empty() || !got[0]) {
      shard.missing = true;
      return;
    }
    index = sharding.decode_index(got[0]->view(), std::nullopt, options.codec);
  }
  shard.inner.resize(wanted.size());
  std::vector<codec::ByteRange> ranges;
  std::vector<size_t> ranged;
  for (size_t k = 0; k < wanted.size(); ++k) {
    const std::optional<codec::ByteRange> range = index.range(linear(wanted[k]));
    if (!range) continue;
    if (whole) {
      shard.inner[k] = whole->view().subspan(range->offset, range->length);
    } else {
      ranges.push_back(*range);
      ranged.push_back(k);
    }
  }
  if (ranges.empty()) return;
  std::vector<std::optional<ByteBuffer>> got = st.get_ranges(key, ranges);
  for (size_t j = 0; j < ranges.size(); ++j) {
    // A range the shard does not hold in full: the index lies.
    if (j >= got.size() || !got[j] || got[j]->size() != ranges[j].length) {
      corrupt_error(codec::names::kSharding, "inner chunk " + coords_string(wanted[ranged[j]]) +
                                                  ": the index points past the end of the shard");
    }
    auto holder = std::make_shared<const ByteBuffer>(std::move(*got[j]));
    shard.holders.push_back(holder);
    shard.inner[ranged[j]] = holder->view();
  }
}

// The inner chunk plan of a shard's selected rows (an orthogonal read).
array::ChunkPlan inner_plan_of(const array::Array& arr, const ChunkTask& task, const Shape& inner_shape) {
  array::OrthogonalSelection inner_sel;
  std::vector<int64_t> local, out;
  for (size_t d = 0; d < inner_shape.size(); ++d) {
    expand(*task.dims[d], local, out);
    inner_sel.push_back(array::DimSelection::list(local));
  }
  return array::plan_orthogonal(inner_sel, arr.metadata().chunk_shape, inner_shape);
}

// Everything a plan needs before its selections: dtype, codec chain, fill
// element and the strides of a decode unit. False when the chain has no
// GPU path (the plan is whole_cpu).
bool start_plan(const array::Array& arr, ReadPlan& plan) {
  const metadata::ArrayMetadata& meta = arr.metadata();
  plan.ndim = static_cast<int>(meta.shape.size());
  plan.itemsize = meta.dtype.itemsize();
  if (meta.dtype.is_vlen()) {
    throw Error(ErrorCode::kTypeError, "array '" + arr.path() + "': string and bytes arrays cannot be read into GPU memory");
  }
  check(plan.ndim <= kMaxDims, ErrorCode::kInvalidArgument,
        [&] { return "GPU reads support at most " + std::to_string(kMaxDims) + " dimensions"; });
  plan.chain = plan_chain(arr.pipeline());
  if (!plan.chain.on_gpu) {
    plan.whole_cpu = true;
    plan.cpu_fallbacks.push_back("all chunks: " + plan.chain.cpu_reason);
    return false;
  }

  // The fill element in the machine's byte order.
  plan.fill = meta.fill_value;
  plan.fill.resize(plan.itemsize, 0);
  if (!meta.dtype.is_native()) swap_elements(plan.fill.data(), plan.fill.size(), meta.dtype);

  const codec::ShardingCodec* sharding = plan.chain.sharding;
  plan.chunk_shape = sharding ? sharding->inner_spec().shape : meta.chunk_shape;
  // Strides of a decode unit, in elements: C order of the stored (encoded)
  // shape, whose dimension i is array dimension order[i].
  int64_t c = 1, s = 1;
  for (int d = plan.ndim; d-- > 0;) {
    plan.c_strides[d] = c;
    c *= plan.chunk_shape[d];
    const int dim = plan.chain.order[d];
    plan.stored_strides[dim] = s;
    s *= plan.chunk_shape[dim];
  }
  return true;
}

std::string inner_key(const std::string& key, const Shape& coords) {
  return key + " (inner chunk " + coords_string(coords) + ")";
}

}  // namespace

void ReadPlan::fill_staging(uint8_t* staging) const {
  ThreadPool::global().parallel_for(chunks.size(), [&](size_t i) {
    const ByteView p = payloads[i];
    if (!p.empty()) std::memcpy(staging + chunks[i].staging_offset, p.data(), p.size());
  });
}

namespace {

ReadPlan build_plan(const array::Array& arr, std::span<const array::OrthogonalSelection> sels, bool batch,
                    const array::ArrayOptions& options) {
  const metadata::ArrayMetadata& meta = arr.metadata();
  ReadPlan plan;
  const bool on_gpu = start_plan(arr, plan);
  check(!sels.empty(), ErrorCode::kInvalidArgument, "a batch read needs at least one selection");
  std::vector<array::ChunkPlan> cps;
  cps.reserve(sels.size());
  for (const array::OrthogonalSelection& sel : sels) {
    cps.push_back(array::plan_orthogonal(sel, meta.shape, meta.chunk_shape));
    if (cps.back().out_shape != cps.front().out_shape) {
      throw Error(ErrorCode::kInvalidArgument, "selection " + std::to_string(cps.size() - 1) + " has shape " +
                                                   coords_string(cps.back().out_shape) + ", selection 0 has " +
                                                   coords_string(cps.front().out_shape));
    }
  }
  plan.sel_shape = cps.front().out_shape;
  plan.out_shape = plan.sel_shape;
  if (batch) plan.out_shape.insert(plan.out_shape.begin(), static_cast<int64_t>(sels.size()));
  int64_t sel_elements = 1;
  for (int64_t e : plan.sel_shape) sel_elements *= e;
  if (!on_gpu) return plan;
  const codec::ShardingCodec* sharding = plan.chain.sharding;

  // Every (selection, chunk) pair, in order.
  struct Item {
    int64_t out_offset;
    const ChunkTask* task;
    std::string key;
  };
  std::vector<Item> items;
  for (size_t i = 0; i < cps.size(); ++i) {
    for (const ChunkTask& t : cps[i].tasks) {
      items.push_back({static_cast<int64_t>(i) * sel_elements, &t, arr.chunk_key(t.coords)});
    }
  }
  Builder builder(arr, options, plan);
  std::vector<std::vector<int64_t>> local(plan.ndim), out(plan.ndim);

  if (!sharding) {
    // One batched store read for every distinct chunk of the selections.
    std::vector<std::string> keys;
    std::unordered_map<std::string, size_t> key_index;
    for (const Item& it : items) {
      if (key_index.try_emplace(it.key, keys.size()).second) keys.push_back(it.key);
    }
    std::vector<std::optional<ByteBuffer>> fetched = arr.store()->get_many(keys);
    std::vector<std::shared_ptr<const ByteBuffer>> held(keys.size());
    for (size_t k = 0; k < keys.size(); ++k) {
      if (!fetched[k]) continue;
      held[k] = std::make_shared<const ByteBuffer>(std::move(*fetched[k]));
      plan.sources.push_back(held[k]);
    }
    for (const Item& it : items) {
      for (int d = 0; d < plan.ndim; ++d) expand(*it.task->dims[d], local[d], out[d]);
      const std::shared_ptr<const ByteBuffer>& source = held[key_index.at(it.key)];
      const int64_t chunk = source ? builder.unit(it.key, it.key, source->view()) : -1;
      builder.add_task(chunk, local, out, it.out_offset);
    }
    builder.finish();
    return plan;
  }

  // Shards, each fetched on the thread pool: its index, then the inner
  // chunks the selection needs.
  std::vector<Shard> shards(items.size());
  std::vector<array::ChunkPlan> inner_plans(items.size());
  {
    if (auto f = parallel_for_first_error(ThreadPool::global(), items.size(), [&](size_t i) {
          inner_plans[i] = inner_plan_of(arr, *items[i].task, plan.chunk_shape);
          std::vector<Shape> wanted;
          for (const ChunkTask& t : inner_plans[i].tasks) wanted.push_back(t.coords);
          fetch_inner_chunks(arr, *sharding, items[i].key, items[i].task->covers_chunk, wanted, options, shards[i]);
        })) {
      throw Error(f->code, "chunk '" + items[f->index].key + "': " + f->message);
    }
  }
  std::vector<std::vector<int64_t>> il(plan.ndim), io(plan.ndim);
  for (size_t i = 0; i < items.size(); ++i) {
    for (int d = 0; d < plan.ndim; ++d) expand(*items[i].task->dims[d], local[d], out[d]);
    Shard& shard = shards[i];
    if (shard.missing) {
      builder.add_task(-1, local, out, items[i].out_offset);
      continue;
    }
    plan.sources.insert(plan.sources.end(), shard.holders.begin(), shard.holders.end());
    for (size_t k = 0; k < inner_plans[i].tasks.size(); ++k) {
      const ChunkTask& it = inner_plans[i].tasks[k];
      for (int d = 0; d < plan.ndim; ++d) {
        expand(*it.dims[d], il[d], io[d]);
        for (int64_t& o : io[d]) o = out[d][o];  // position in the shard's list -> output position
      }
      const int64_t chunk = shard.inner[k] ? builder.unit(inner_key(items[i].key, it.coords), items[i].key, *shard.inner[k])
                                           : -1;
      builder.add_task(chunk, il, io, items[i].out_offset);
    }
  }
  builder.finish();
  return plan;
}

}  // namespace

ReadPlan plan_gpu_read(const array::Array& arr, const array::OrthogonalSelection& sel,
                       const array::ArrayOptions& options) {
  return build_plan(arr, std::span<const array::OrthogonalSelection>(&sel, 1), false, options);
}

ReadPlan plan_gpu_read_many(const array::Array& arr, const std::vector<array::OrthogonalSelection>& sels,
                            const array::ArrayOptions& options) {
  return build_plan(arr, sels, true, options);
}

ReadPlan plan_gpu_read_points(const array::Array& arr, const std::vector<std::vector<int64_t>>& points,
                              const array::ArrayOptions& options) {
  const metadata::ArrayMetadata& meta = arr.metadata();
  ReadPlan plan;
  plan.points = true;
  const bool on_gpu = start_plan(arr, plan);
  check(points.size() == meta.shape.size(), ErrorCode::kInvalidArgument,
        "a coordinate selection needs one index array per dimension");
  // Checks every coordinate (IndexError) and groups the points by chunk.
  std::vector<array::PointGroup> groups = array::plan_points(points, meta.shape, meta.chunk_shape);
  plan.sel_shape = plan.out_shape = Shape{points.empty() ? 0 : static_cast<int64_t>(points[0].size())};
  if (!on_gpu) return plan;
  const size_t nd = meta.shape.size();
  std::vector<std::string> keys;
  for (const array::PointGroup& g : groups) keys.push_back(arr.chunk_key(g.coords));
  Builder builder(arr, options, plan);
  std::vector<std::vector<int64_t>> local(nd);
  const auto columns = [&](const std::vector<int64_t>& flat, const std::vector<size_t>& which, const Shape* modulo) {
    for (size_t d = 0; d < nd; ++d) {
      local[d].clear();
      for (size_t k : which) local[d].push_back(modulo ? flat[k * nd + d] % (*modulo)[d] : flat[k * nd + d]);
    }
  };

  const codec::ShardingCodec* sharding = plan.chain.sharding;
  if (!sharding) {
    std::vector<std::optional<ByteBuffer>> fetched = arr.store()->get_many(keys);
    for (size_t i = 0; i < groups.size(); ++i) {
      std::vector<size_t> all(groups[i].out.size());
      for (size_t k = 0; k < all.size(); ++k) all[k] = k;
      columns(groups[i].local, all, nullptr);
      int64_t chunk = -1;
      if (fetched[i]) {
        auto source = std::make_shared<const ByteBuffer>(std::move(*fetched[i]));
        plan.sources.push_back(source);
        chunk = builder.unit(keys[i], keys[i], source->view());
      }
      builder.add_points_task(chunk, local, groups[i].out);
    }
    builder.finish();
    return plan;
  }

  // Sharded: the points of each shard by inner chunk; each shard's index
  // and the inner chunks with points are read by range.
  struct Inner {
    Shape coords;
    std::vector<size_t> points;  // indices into the group's points
  };
  std::vector<std::vector<Inner>> inner(groups.size());
  for (size_t i = 0; i < groups.size(); ++i) {
    std::map<Shape, size_t> of_coords;
    for (size_t k = 0; k < groups[i].out.size(); ++k) {
      Shape c(nd);
      for (size_t d = 0; d < nd; ++d) c[d] = groups[i].local[k * nd + d] / plan.chunk_shape[d];
      const auto [it, added] = of_coords.try_emplace(c, inner[i].size());
      if (added) inner[i].push_back({c, {}});
      inner[i][it->second].points.push_back(k);
    }
  }
  std::vector<Shard> shards(groups.size());
  if (auto f = parallel_for_first_error(ThreadPool::global(), groups.size(), [&](size_t i) {
        std::vector<Shape> wanted;
        for (const Inner& in : inner[i]) wanted.push_back(in.coords);
        fetch_inner_chunks(arr, *sharding, keys[i], false, wanted, options, shards[i]);
      })) {
    throw Error(f->code, "chunk '" + keys[f->index] + "': " + f->message);
  }
  std::vector<int64_t> out;
  for (size_t i = 0; i < groups.size(); ++i) {
    Shard& shard = shards[i];
    if (!shard.missing) plan.sources.insert(plan.sources.end(), shard.holders.begin(), shard.holders.end());
    for (size_t j = 0; j < inner[i].size(); ++j) {
      const Inner& in = inner[i][j];
      columns(groups[i].local, in.points, &plan.chunk_shape);
      out.clear();
      for (size_t k : in.points) out.push_back(groups[i].out[k]);
      const bool stored = !shard.missing && shard.inner[j];
      const int64_t chunk = stored ? builder.unit(inner_key(keys[i], in.coords), keys[i], *shard.inner[j]) : -1;
      builder.add_points_task(chunk, local, out);
    }
  }
  builder.finish();
  return plan;
}

ScatterTables scatter_tables(const ReadPlan& plan, uint64_t staging_base, uint64_t decoded_base) {
  ScatterTables t;
  const int nd = plan.ndim;
  scatter::Params& p = t.params;
  p.ndim = nd;
  p.itemsize = static_cast<int>(plan.itemsize);
  p.swap_unit = plan.chain.swap_unit;
  int64_t s = 1;
  for (int d = nd; d-- > 0;) {
    if (!plan.points) {  // points tasks name output positions directly
      p.out_strides[d] = s;
      s *= plan.sel_shape[d];
    }
    p.stored_strides[d] = plan.stored_strides[d];
    p.c_strides[d] = plan.c_strides[d];
  }
  std::memcpy(p.fill, plan.fill.data(), std::min(plan.fill.size(), sizeof p.fill));
  t.tasks.resize(plan.tasks.size());
  t.dims.resize(plan.tasks.size() * nd);
  for (size_t i = 0; i < plan.tasks.size(); ++i) {
    const ScatterTask& st = plan.tasks[i];
    scatter::Task& k = t.tasks[i];
    k.elements = st.elements;
    k.out_offset = st.out_offset;
    k.points = st.points ? 1 : 0;
    k.first_dim = i * nd;
    if (st.chunk >= 0) {
      const DeviceChunk& c = plan.chunks[st.chunk];
      k.src = c.compressor == GpuCompressor::kNone ? staging_base + c.staging_offset : decoded_base + c.decoded_offset;
      k.stored_layout = c.stored_layout ? 1 : 0;
    } else {
      k.src = 0;
    }
    for (int d = 0; d < nd; ++d) t.dims[i * nd + d] = {st.index_offset[d], st.count[d]};
    t.max_elements = std::max(t.max_elements, st.elements);
  }
  return t;
}

void scatter_on_host(const ReadPlan& plan, const uint8_t* staging, const uint8_t* decoded, uint8_t* out) {
  const ScatterTables t =
      scatter_tables(plan, reinterpret_cast<uint64_t>(staging), reinterpret_cast<uint64_t>(decoded));
  const auto run = [&](auto item) {
    constexpr int kItem = decltype(item)::value;
    for (const scatter::Task& task : t.tasks) {
      for (int64_t e = 0; e < task.elements; ++e) {
        scatter::copy_element<kItem>(task, t.dims.data(), plan.local_index.data(), plan.out_index.data(), t.params, e,
                                     out);
      }
    }
  };
  switch (plan.itemsize) {
    case 1: run(std::integral_constant<int, 1>{}); break;
    case 2: run(std::integral_constant<int, 2>{}); break;
    case 4: run(std::integral_constant<int, 4>{}); break;
    case 8: run(std::integral_constant<int, 8>{}); break;
    case 16: run(std::integral_constant<int, 16>{}); break;
    default: throw Error(ErrorCode::kTypeError, "GPU reads support items of 1, 2, 4, 8 or 16 bytes");
  }
}

ChecksumTables checksum_tables(const ReadPlan& plan, uint64_t decoded_base, uint64_t segment_bytes) {
  ChecksumTables t;
  for (size_t i = 0; i < plan.chunks.size(); ++i) {
    const DeviceChunk& c = plan.chunks[i];
    if (c.compressor == GpuCompressor::kNone || c.check == StreamCheck::kNone) continue;
    CheckedChunk k;
    k.first_segment = t.segments.size();
    k.kind = c.check == StreamCheck::kCrc32 ? kChecksumCrc32 : kChecksumAdler32;
    k.nsegments = static_cast<uint32_t>((c.decoded_size + segment_bytes - 1) / segment_bytes);
    k.last_len = c.decoded_size - (k.nsegments ? (k.nsegments - 1) * segment_bytes : 0);
    for (uint32_t s = 0; s < k.nsegments; ++s) {
      Segment seg;
      seg.ptr = decoded_base + c.decoded_offset + s * segment_bytes;
      seg.len = static_cast<uint32_t>(s + 1 < k.nsegments ? segment_bytes : k.last_len);
      seg.kind = k.kind;
      t.segments.push_back(seg);
    }
    t.chunks.push_back(k);
    t.plan_chunk.push_back(i);
  }
  return t;
}

std::vector<uint32_t> checksums_on_host(const ChecksumTables& tables, uint64_t segment_bytes) {
  uint32_t table[256];
  crc32_make_table(table);
  std::vector<uint32_t> sums(tables.segments.size()), out(tables.chunks.size());
  for (size_t i = 0; i < sums.size(); ++i) sums[i] = segment_sum(tables.segments[i], table);
  for (size_t i = 0; i < out.size(); ++i) out[i] = combine_segments(tables.chunks[i], sums.data(), segment_bytes);
  return out;
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
