#include "codec/array_to_bytes/sharding_codec.h"

#include <algorithm>
#include <cstring>
#include <exception>
#include <string>

#include "codec/array_to_bytes/shard_util.h"
#include "codec/config_util.h"
#include "zarrnative/codec/registry.h"
#include "zarrnative/common/error.h"
#include "zarrnative/common/vlen.h"

namespace zarrnative::codec {
namespace {

constexpr std::string_view kName = names::kSharding;

// 16 bytes of index per inner chunk: 2^24 chunks make a 256 MiB index, far
// beyond any useful shard; the limit keeps hostile metadata from making us
// allocate more.
constexpr uint64_t kMaxInnerChunks = uint64_t{1} << 24;

json default_index_codecs() {
  return json::array({json{{"name", "bytes"}, {"configuration", {{"endian", "little"}}}},
                      json{{"name", "crc32c"}}});
}

// A codecs list for the inner chunks or the index: the pipeline validates
// each entry; errors are prefixed with the field's name.
std::shared_ptr<const CodecPipeline> make_pipeline(const json& codecs, const ChunkSpec& spec, const char* field) {
  try {
    return CodecPipeline::from_v3(codecs, spec);
  } catch (const Error& e) {
    throw Error(e.code(), std::string(kName) + ": " + field + ": " + e.what());
  }
}

// The order zarr-python lays inner chunks out in: ascending Morton code,
// where bit b of every dimension that still has a bit b (dimensions of
// extent c have bit_length(c - 1) bits) is interleaved, dimension 0 lowest.
std::vector<uint32_t> morton_order(const Shape& grid) {
  size_t n = 1;
  for (int64_t e : grid) n *= static_cast<size_t>(e);
  std::vector<int> bits(grid.size());
  int max_bits = 0;
  for (size_t d = 0; d < grid.size(); ++d) {
    uint64_t c = static_cast<uint64_t>(grid[d]);
    bits[d] = c <= 1 ? 0 : 64 - __builtin_clzll(c - 1);
    max_bits = std::max(max_bits, bits[d]);
  }
  std::vector<std::pair<uint64_t, uint32_t>> keyed(n);
  Shape coords(grid.size(), 0);
  for (size_t i = 0; i < n; ++i) {
    uint64_t z = 0;
    int out_bit = 0;
    for (int b = 0; b < max_bits; ++b) {
      for (size_t d = 0; d < grid.size(); ++d) {
        if (b < bits[d]) z |= ((static_cast<uint64_t>(coords[d]) >> b) & 1) << out_bit++;
      }
    }
    keyed[i] = {z, static_cast<uint32_t>(i)};
    for (size_t d = grid.size(); d-- > 0;) {  // next coordinates, C order
      if (++coords[d] < grid[d]) break;
      coords[d] = 0;
    }
  }
  std::sort(keyed.begin(), keyed.end());
  std::vector<uint32_t> order(n);
  for (size_t i = 0; i < n; ++i) order[i] = keyed[i].second;
  return order;
}

// True when every element of `a` (host, any strides) counts as the fill
// value `element` (same_as_fill: its bytes, or any NaN for a NaN fill); for
// strings and bytes, the text of `element`'s item.
bool all_equal(const NDArray& a, const uint8_t* element) {
  const int64_t isz = a.itemsize();
  const int nd = a.ndim();
  if (a.size() == 0) return true;
  // Strings and bytes: items are pointers, so their texts are compared.
  const bool vlen = a.dtype().is_vlen();
  const bool nan_fill = !vlen && has_nan(element, a.dtype());
  VlenItem fill_item{};
  if (vlen) std::memcpy(&fill_item, element, sizeof fill_item);
  auto same = [&](const uint8_t* e) {
    if (!vlen) return same_as_fill(e, element, a.dtype());
    VlenItem item;
    std::memcpy(&item, e, sizeof item);
    return item.view() == fill_item.view();
  };
  if (nd == 0) return same(static_cast<const uint8_t*>(a.data()));
  const int64_t inner = a.shape()[nd - 1];
  const int64_t inner_stride = a.strides()[nd - 1];
  // One row of fill value, compared against each contiguous row at once.
  std::vector<uint8_t> row;
  if (inner_stride == isz && !vlen && !nan_fill) {
    row.resize(static_cast<size_t>(inner * isz));
    for (int64_t k = 0; k < inner; ++k) std::memcpy(row.data() + k * isz, element, static_cast<size_t>(isz));
  }
  Shape idx(static_cast<size_t>(nd), 0);
  while (true) {
    const uint8_t* p = static_cast<const uint8_t*>(a.data());
    for (int d = 0; d < nd - 1; ++d) p += idx[d] * a.strides()[d];
    if (!row.empty()) {
      if (std::memcmp(p, row.data(), row.size()) != 0) return false;
    } else {
      for (int64_t k = 0; k < inner; ++k) {
        if (!same(p + k * inner_stride)) return false;
      }
    }
    int d = nd - 2;
    for (; d >= 0; --d) {
      if (++idx[d] < a.shape()[d]) break;
      idx[d] = 0;
    }
    if (d < 0) return true;
  }
}

}  // namespace

ShardingConfig parse_sharding_config(const json& config) {
  require_object(kName, config);
  allow_only(kName, config, {"chunk_shape", "codecs", "index_codecs", "index_location"});
  ShardingConfig c;
  if (!has(config, "chunk_shape")) config_error(kName, "configuration field 'chunk_shape' is required");
  const json& shape = config.at("chunk_shape");
  if (!shape.is_array()) config_error(kName, "'chunk_shape' must be a list of integers, got " + shape.dump());
  for (const json& e : shape) {
    if (!e.is_number_integer() || e.get<int64_t>() < 1 ||
        (e.is_number_unsigned() && e.get<uint64_t>() > (uint64_t{1} << 62))) {
      config_error(kName, "'chunk_shape' entries must be positive integers, got " + shape.dump());
    }
    c.chunk_shape.push_back(e.get<int64_t>());
  }
  if (!has(config, "codecs")) config_error(kName, "configuration field 'codecs' is required");
  c.codecs = config.at("codecs");
  if (!c.codecs.is_array()) config_error(kName, "'codecs' must be a list, got " + c.codecs.dump());
  c.index_codecs = has(config, "index_codecs") ? config.at("index_codecs") : default_index_codecs();
  if (!c.index_codecs.is_array()) {
    config_error(kName, "'index_codecs' must be a list, got " + c.index_codecs.dump());
  }
  std::string loc = get_string(kName, config, "index_location", "end");
  if (loc == "start") c.index_location = IndexLocation::kStart;
  else if (loc == "end") c.index_location = IndexLocation::kEnd;
  else config_error(kName, "'index_location' must be \"start\" or \"end\", got \"" + loc + "\"");
  return c;
}

std::shared_ptr<const ArrayToBytesCodec> make_sharding_codec(const json& config, const ChunkSpec& input) {
  return std::make_shared<ShardingCodec>(parse_sharding_config(config), input);
}

ShardingCodec::ShardingCodec(ShardingConfig config, const ChunkSpec& shard)
    : config_(std::move(config)), shard_(shard) {
  const Shape& cs = config_.chunk_shape;
  if (cs.size() != shard_.shape.size()) {
    config_error(kName, "'chunk_shape' " + shape_text(cs) + " has " + std::to_string(cs.size()) +
                            " dimensions, the shard " + shape_text(shard_.shape) + " has " +
                            std::to_string(shard_.shape.size()));
  }
  uint64_t n = 1;
  for (size_t d = 0; d < cs.size(); ++d) {
    if (cs[d] < 1 || shard_.shape[d] % cs[d] != 0) {
      config_error(kName, "'chunk_shape' " + shape_text(cs) + " does not divide the shard shape " +
                              shape_text(shard_.shape) + " in dimension " + std::to_string(d));
    }
    chunks_per_shard_.push_back(shard_.shape[d] / cs[d]);
    n *= static_cast<uint64_t>(chunks_per_shard_.back());
    if (n > kMaxInnerChunks) {
      config_error(kName, "'chunk_shape' " + shape_text(cs) + " makes more than " +
                              std::to_string(kMaxInnerChunks) + " inner chunks in the shard " +
                              shape_text(shard_.shape));
    }
  }
  num_chunks_ = static_cast<size_t>(n);

  inner_ = make_pipeline(config_.codecs, ChunkSpec{shard_.dtype, cs, shard_.fill_value}, "codecs");
  Shape index_shape = chunks_per_shard_;
  index_shape.push_back(2);
  index_ = make_pipeline(config_.index_codecs, ChunkSpec{DType(DTypeKind::kUInt, 8), index_shape, {}},
                         "index_codecs");
  EncodedSize isz = index_->encoded_size();
  if (!isz.is_fixed()) {
    config_error(kName, "'index_codecs' " + config_.index_codecs.dump() +
                            " must produce a fixed number of bytes (no compression)");
  }
  index_size_ = isz.bytes;
}

const std::vector<uint32_t>& ShardingCodec::write_order() const {
  std::call_once(write_order_once_, [&] { write_order_ = morton_order(chunks_per_shard_); });
  return write_order_;
}

std::string_view ShardingCodec::name() const { return kName; }

json ShardingCodec::to_json() const {
  return {{"name", kName},
          {"configuration",
           {{"chunk_shape", config_.chunk_shape},
            {"codecs", inner_->to_json()},
            {"index_codecs", index_->to_json()},
            {"index_location", config_.index_location == IndexLocation::kStart ? "start" : "end"}}}};
}

EncodedSize ShardingCodec::encoded_size(const ChunkSpec&) const {
  // Missing inner chunks are left out, so at best a bound.
  EncodedSize inner = inner_->encoded_size();
  if (!inner.is_known()) return EncodedSize::unknown();
  unsigned __int128 total = static_cast<unsigned __int128>(inner.bytes) * num_chunks_ + index_size_;
  if (total > UINT64_MAX) return EncodedSize::unknown();
  return EncodedSize::bounded(static_cast<uint64_t>(total));
}

Shape ShardingCodec::chunk_coords(size_t linear) const {
  Shape coords(chunks_per_shard_.size());
  for (size_t d = coords.size(); d-- > 0;) {
    coords[d] = static_cast<int64_t>(linear % static_cast<size_t>(chunks_per_shard_[d]));
    linear /= static_cast<size_t>(chunks_per_shard_[d]);
  }
  return coords;
}

void ShardingCodec::encode(const NDArray& chunk, const ChunkSpec&, ByteBuffer& out,
                           const CodecOptions& options) const {
  encode_shard(chunk, out, options);
}

bool ShardingCodec::encode_shard(const NDArray& chunk, ByteBuffer& out, const CodecOptions& options) const {
  out.clear();
  bool any = encode_shard_to(chunk, [&](std::span<const ByteView> pieces) {
    for (const ByteView& p : pieces) out.append(p);
  }, options);
  if (!any) encode_empty_shard(out, options);
  return any;
}

void ShardingCodec::encode_empty_shard(ByteBuffer& out, const CodecOptions& options) const {
  encode_index(ShardIndex::empty(chunks_per_shard_), out, options);
}

bool ShardingCodec::encode_shard_to(const NDArray& chunk, const ShardSink& sink, const CodecOptions& options) const {
  check(host_accessible(chunk.kind()), ErrorCode::kInvalidArgument,
        [&] { return std::string(kName) + ": encode: the shard must be in host memory"; });
  check(chunk.shape() == shard_.shape, ErrorCode::kInvalidArgument, [&] {
    return std::string(kName) + ": encode: the array's shape " + shape_text(chunk.shape()) +
           " differs from the shard shape " + shape_text(shard_.shape);
  });
  check(chunk.itemsize() == shard_.dtype.itemsize() && chunk.dtype().kind() == shard_.dtype.kind(),
        ErrorCode::kTypeError, [&] {
          return std::string(kName) + ": encode: dtype " + chunk.dtype().typestr() + " differs from " +
                 shard_.dtype.typestr();
        });
  // The fill value in the chunk's own byte order (fill_chunk's rules).
  NDArray one = NDArray::empty(chunk.dtype(), {});
  fill_chunk(one, shard_);
  const uint8_t* fill = static_cast<const uint8_t*>(one.data());
  const Shape& cs = config_.chunk_shape;
  const std::vector<uint32_t>& order = write_order();
  ThreadPool& pool = ThreadPool::global();

  // With the index at the end, inner chunks are encoded and handed on in
  // batches of about kBatchBytes (at least two per thread), in file order,
  // and the batch's buffers are reused: memory stays bounded and warm. With
  // the index at the start every inner chunk is held until the index is known.
  const bool index_first = config_.index_location == IndexLocation::kStart;
  const uint64_t inner_bytes = std::max<uint64_t>(1, static_cast<uint64_t>(inner_->spec().nbytes()));
  constexpr uint64_t kBatchBytes = uint64_t{2} << 20;
  size_t batch = index_first ? num_chunks_
                             : std::max<size_t>(2 * static_cast<size_t>(pool.threads()),
                                                static_cast<size_t>(kBatchBytes / inner_bytes));
  batch = std::min(batch, num_chunks_);
  // Two sets of buffers: while one batch is encoded into one set, the
  // previous batch, in the other, goes to the sink as one more pool item, so
  // that writing overlaps encoding even in a shard written alone.
  std::vector<ByteBuffer> parts[2] = {std::vector<ByteBuffer>(batch),
                                      std::vector<ByteBuffer>(index_first ? 0 : batch)};
  // Sized here, on the calling thread, which also frees them: the next shard
  // this thread writes finds them in its cache of freed blocks (big_alloc.h)
  // instead of mapping and faulting in fresh pages, which with 8 MiB batches
  // had been a tenth of a sharded zstd write.
  if (!index_first) {
    const EncodedSize bound = inner_->encoded_size();
    if (bound.is_known() && bound.bytes <= kBatchBytes) {
      for (auto& set : parts) {
        for (ByteBuffer& b : set) b.reserve(static_cast<size_t>(bound.bytes));
      }
    }
  }
  ShardIndex index = ShardIndex::empty(chunks_per_shard_);
  uint64_t pos = index_first ? index_size_ : 0;
  bool any = false;
  std::vector<ByteView> pending;  // encoded, not yet handed on
  std::exception_ptr sink_error;
  int cur = 0;
  for (size_t b = 0; b < num_chunks_; b += batch) {
    const size_t m = std::min(batch, num_chunks_ - b);
    std::vector<ByteBuffer>& bufs = parts[cur];
    const size_t lead = (!index_first && !pending.empty()) ? 1 : 0;  // item 0: the previous batch's write
    run_inner_chunks(
        *this, m + lead, pool,
        [&](size_t k) {
          if (k < lead) {
            try {
              sink(pending);
            } catch (...) {
              sink_error = std::current_exception();
            }
            return;
          }
          ByteBuffer& part = bufs[k - lead];
          part.clear();
          Shape start = chunk_coords(order[b + k - lead]);
          for (size_t d = 0; d < start.size(); ++d) start[d] *= cs[d];
          NDArray view = sub_view(chunk, start, cs);
          // Left missing, as zarr-python does, unless empty chunks are written.
          if (!options.write_empty_chunks && all_equal(view, fill)) return;
          inner_->encode(view, part, options);
        },
        [&](size_t k) { return static_cast<size_t>(order[b + k - lead]); });
    if (sink_error) std::rethrow_exception(sink_error);
    if (lead) pending.clear();
    for (size_t k = 0; k < m; ++k) {
      if (bufs[k].empty()) continue;  // zarr-python also drops zero-length inner chunks
      const uint32_t i = order[b + k];
      index.entries[2 * i] = pos;
      index.entries[2 * i + 1] = bufs[k].size();
      pos += bufs[k].size();
      pending.push_back(bufs[k].view());
      any = true;
    }
    if (!index_first && !pending.empty()) cur ^= 1;  // the next batch encodes into the other set
  }
  if (!index_first && !pending.empty()) sink(pending);
  if (!any) return false;
  ByteBuffer index_bytes;
  encode_index(index, index_bytes, options);
  if (index_first) {
    pending.insert(pending.begin(), index_bytes.view());
    sink(pending);
  } else {
    const ByteView last = index_bytes.view();
    sink(std::span<const ByteView>(&last, 1));
  }
  return true;
}

void ShardingCodec::decode(ByteView in, const ChunkSpec& spec, NDArray& out, const CodecOptions& options) const {
  check(spec.shape == shard_.shape, ErrorCode::kInvalidArgument, [&] {
    return std::string(kName) + ": decode: shape " + shape_text(spec.shape) + " differs from the shard shape " +
           shape_text(shard_.shape);
  });
  const uint64_t size = in.size();
  ByteRange r = index_range(size);
  ShardIndex index = decode_index(in.subspan(static_cast<size_t>(r.offset), static_cast<size_t>(r.length)), size,
                                  options);
  // Everything is in memory: one "read" spanning all present inner chunks.
  ShardReadOptions all;
  all.coalesce_max_gap = UINT64_MAX;
  all.coalesce_max_size = UINT64_MAX;
  ShardReadPlan plan = plan_shard_read(*this, index, ShardRegion{Shape(shard_.shape.size(), 0), shard_.shape}, all);
  std::vector<ByteView> reads;
  for (const ByteRange& rr : plan.reads) {  // inside `in`: decode_index checked every entry
    reads.push_back(in.subspan(static_cast<size_t>(rr.offset), static_cast<size_t>(rr.length)));
  }
  decode_shard_plan(*this, plan, reads, out, options);
}

}  // namespace zarrnative::codec
