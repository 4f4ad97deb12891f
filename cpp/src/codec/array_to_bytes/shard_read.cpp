// Reading a region of a shard: planning (which inner chunks, which bytes,
// coalesced ranges), decoding a plan, and the whole ranged read.
#include <algorithm>
#include <numeric>
#include <string>

#include "codec/array_to_bytes/shard_util.h"
#include "zarrnative/codec/sharding.h"
#include "zarrnative/common/error.h"

namespace zarrnative::codec {
namespace {

void check_out(const ShardingCodec& codec, const NDArray& out, const char* what) {
  check(host_accessible(out.kind()), ErrorCode::kInvalidArgument,
        [&] { return std::string(codec.name()) + ": " + what + ": the destination must be in host memory"; });
  check(!out.readonly(), ErrorCode::kInvalidArgument,
        [&] { return std::string(codec.name()) + ": " + what + ": the destination is read-only"; });
  check(out.itemsize() == codec.shard_spec().dtype.itemsize() && out.dtype().kind() == codec.shard_spec().dtype.kind(),
        ErrorCode::kTypeError, [&] {
          return std::string(codec.name()) + ": " + what + ": the destination's dtype " + out.dtype().typestr() +
                 " differs from the array's " + codec.shard_spec().dtype.typestr();
        });
}

}  // namespace

Shape ShardRegion::shape() const {
  Shape s(start.size());
  for (size_t d = 0; d < s.size(); ++d) s[d] = stop[d] - start[d];
  return s;
}

ShardReadPlan plan_shard_read(const ShardingCodec& codec, const ShardIndex& index, const ShardRegion& region,
                              const ShardReadOptions& read_options) {
  const Shape& shard = codec.shard_spec().shape;
  const Shape& cs = codec.config().chunk_shape;
  const size_t nd = shard.size();
  check(region.start.size() == nd && region.stop.size() == nd, ErrorCode::kInvalidArgument, [&] {
    return std::string(codec.name()) + ": the region has " + std::to_string(region.start.size()) + " and " +
           std::to_string(region.stop.size()) + " bounds for a " + std::to_string(nd) + "-d shard";
  });
  check(index.entries.size() == 2 * codec.num_inner_chunks(), ErrorCode::kInvalidArgument,
        [&] { return std::string(codec.name()) + ": the index does not match the codec's inner chunk grid"; });
  ShardReadPlan plan;
  Shape first(nd), last(nd);  // inner chunk grid box [first, last)
  for (size_t d = 0; d < nd; ++d) {
    if (region.start[d] < 0 || region.start[d] > region.stop[d] || region.stop[d] > shard[d]) {
      throw Error(ErrorCode::kOutOfRange, std::string(codec.name()) + ": region [" +
                                              std::to_string(region.start[d]) + ", " + std::to_string(region.stop[d]) +
                                              ") is outside the shard's extent " + std::to_string(shard[d]) +
                                              " in dimension " + std::to_string(d));
    }
    if (region.start[d] == region.stop[d]) return plan;  // nothing to read
    first[d] = region.start[d] / cs[d];
    last[d] = (region.stop[d] + cs[d] - 1) / cs[d];
  }

  const Shape& grid = codec.chunks_per_shard();
  Shape k = first;
  while (true) {
    InnerChunkRead c;
    size_t linear = 0;
    c.whole = true;
    c.inner_start.resize(nd);
    c.shape.resize(nd);
    c.out_start.resize(nd);
    for (size_t d = 0; d < nd; ++d) {
      linear = linear * static_cast<size_t>(grid[d]) + static_cast<size_t>(k[d]);
      const int64_t origin = k[d] * cs[d];
      const int64_t lo = std::max(region.start[d], origin), hi = std::min(region.stop[d], origin + cs[d]);
      c.inner_start[d] = lo - origin;
      c.shape[d] = hi - lo;
      c.out_start[d] = lo - region.start[d];
      c.whole = c.whole && c.shape[d] == cs[d];
    }
    c.chunk = linear;
    c.coords = k;
    c.bytes = index.range(linear);
    plan.chunks.push_back(std::move(c));
    size_t d = nd;
    while (d-- > 0) {
      if (++k[d] < last[d]) break;
      k[d] = first[d];
    }
    if (d == SIZE_MAX) break;  // also ends the single pass of a 0-d shard
  }

  // Coalesce the present chunks' ranges in file order.
  std::vector<size_t> order;
  for (size_t i = 0; i < plan.chunks.size(); ++i) {
    if (plan.chunks[i].bytes) order.push_back(i);
  }
  std::sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    const ByteRange &ra = *plan.chunks[a].bytes, &rb = *plan.chunks[b].bytes;
    return ra.offset != rb.offset ? ra.offset < rb.offset : ra.length > rb.length;
  });
  uint64_t cur_begin = 0, cur_end = 0;
  for (size_t i : order) {
    InnerChunkRead& c = plan.chunks[i];
    const uint64_t begin = c.bytes->offset, end = begin + c.bytes->length;  // no overflow: decode_index checked
    const bool close = begin <= cur_end || begin - cur_end <= read_options.coalesce_max_gap;
    const bool small = std::max(end, cur_end) - cur_begin <= read_options.coalesce_max_size;
    if (plan.reads.empty() || !close || !small) {
      if (!plan.reads.empty()) plan.reads.back() = ByteRange::at(cur_begin, cur_end - cur_begin);
      plan.reads.push_back({});
      cur_begin = begin;
      cur_end = end;
    } else {
      cur_end = std::max(cur_end, end);
    }
    c.read = plan.reads.size() - 1;
    c.read_offset = begin - cur_begin;
  }
  if (!plan.reads.empty()) plan.reads.back() = ByteRange::at(cur_begin, cur_end - cur_begin);
  return plan;
}

void decode_shard_plan(const ShardingCodec& codec, const ShardReadPlan& plan, std::span<const ByteView> reads,
                       NDArray& out, const CodecOptions& options, ThreadPool& pool) {
  check_out(codec, out, "decode");
  check(out.ndim() == static_cast<int>(codec.shard_spec().shape.size()), ErrorCode::kInvalidArgument, [&] {
    return std::string(codec.name()) + ": the destination has " + std::to_string(out.ndim()) +
           " dimensions, the shard " + std::to_string(codec.shard_spec().shape.size());
  });
  check(reads.size() == plan.reads.size(), ErrorCode::kInvalidArgument, [&] {
    return std::string(codec.name()) + ": " + std::to_string(reads.size()) + " reads given for a plan of " +
           std::to_string(plan.reads.size());
  });
  for (const InnerChunkRead& c : plan.chunks) {  // every part must land inside `out`
    for (size_t d = 0; d < c.shape.size(); ++d) {
      check(c.out_start[d] >= 0 && c.out_start[d] + c.shape[d] <= out.shape()[d], ErrorCode::kInvalidArgument, [&] {
        return std::string(codec.name()) + ": the destination's shape " + shape_text(out.shape()) +
               " does not match the planned region";
      });
    }
  }
  const CodecPipeline& inner = codec.inner_pipeline();
  const ChunkSpec& inner_spec = codec.inner_spec();
  run_inner_chunks(
      codec, plan.chunks.size(), pool,
      [&](size_t i) {
        const InnerChunkRead& c = plan.chunks[i];
        NDArray dst = sub_view(out, c.out_start, c.shape);
        if (!c.bytes) {
          fill_chunk(dst, inner_spec);
          return;
        }
        const ByteView data = reads[c.read];
        if (c.read_offset > data.size() || c.bytes->length > data.size() - c.read_offset) {
          throw Error(ErrorCode::kCorruptChunk,
                      "its bytes [" + std::to_string(c.bytes->offset) + ", " +
                          std::to_string(c.bytes->offset + c.bytes->length) + ") reach past the end of the shard");
        }
        ByteView bytes = data.subspan(static_cast<size_t>(c.read_offset), static_cast<size_t>(c.bytes->length));
        if (c.whole) {
          inner.decode(bytes, dst, options);  // straight into `out`
        } else {
          // Only part of it is wanted: decode up to the last element wanted
          // (in C order) where the codecs can stop early, else whole; then
          // copy the overlap.
          NDArray tmp = NDArray::empty(out.dtype(), inner_spec.shape);
          const uint64_t prefix = c_order_prefix(inner_spec.shape, c.inner_start, c.shape, tmp.itemsize());
          if (!inner.decode_prefix(bytes, tmp, prefix, options)) inner.decode(bytes, tmp, options);
          dst.copy_from(sub_view(tmp, c.inner_start, c.shape));
        }
      },
      [&](size_t i) { return plan.chunks[i].chunk; });
}

bool read_shard_region(const ShardingCodec& codec, ByteRangeReader& reader, const ShardRegion& region,
                       NDArray& out, const CodecOptions& options, const ShardReadOptions& read_options,
                       ThreadPool& pool) {
  check_out(codec, out, "read");
  check(region.start.size() == region.stop.size() && out.shape() == region.shape(), ErrorCode::kInvalidArgument, [&] {
    return std::string(codec.name()) + ": the destination's shape " + shape_text(out.shape()) +
           " differs from the region's " + shape_text(region.shape());
  });
  const ByteRange index_at = codec.index_range(reader.size());
  auto got = reader.read(std::span<const ByteRange>(&index_at, 1));
  check(got.size() == 1, ErrorCode::kInternal, [&] {
    return std::string(codec.name()) + ": the reader returned " + std::to_string(got.size()) + " results for 1 range";
  });
  if (!got[0]) {
    fill_chunk(out, codec.inner_spec());
    return false;
  }
  if (got[0]->size() != codec.index_size()) {
    corrupt_error(codec.name(), "reading the " + std::to_string(codec.index_size()) + "-byte shard index gave " +
                                    std::to_string(got[0]->size()) + " bytes (is the shard truncated?)");
  }
  // A suffix read may have taught the reader the shard's size.
  ShardIndex index = codec.decode_index(got[0]->view(), reader.size(), options);
  ShardReadOptions batched = read_options;
  batched.coalesce_max_size = std::min(read_options.coalesce_max_size, std::max<uint64_t>(read_options.max_buffered, 1));
  ShardReadPlan plan = plan_shard_read(codec, index, region, batched);
  // Batches of ranges in file order: read a batch, decode its inner chunks, let it go.
  const uint64_t budget = std::max<uint64_t>(read_options.max_buffered, 1);
  const size_t nreads = plan.reads.size();
  size_t r0 = 0;
  for (bool first = true;; first = false) {
    size_t r1 = r0;
    uint64_t total = 0;
    while (r1 < nreads && (r1 == r0 || total + plan.reads[r1].length <= budget)) {
      total += plan.reads[r1++].length;
    }
    ShardReadPlan batch;
    if (r0 == 0 && r1 == nreads) {
      batch = std::move(plan);  // one batch: the whole plan
    } else {
      batch.reads.assign(plan.reads.begin() + static_cast<ptrdiff_t>(r0), plan.reads.begin() + static_cast<ptrdiff_t>(r1));
      for (const InnerChunkRead& c : plan.chunks) {
        if (c.bytes ? (c.read >= r0 && c.read < r1) : first) {  // missing chunks: filled with the first batch
          batch.chunks.push_back(c);
          if (c.bytes) batch.chunks.back().read -= r0;
        }
      }
    }
    std::vector<std::optional<ByteBuffer>> data;
    if (!batch.reads.empty()) {
      data = reader.read(batch.reads);
      check(data.size() == batch.reads.size(), ErrorCode::kInternal, [&] {
        return std::string(codec.name()) + ": the reader returned " + std::to_string(data.size()) + " results for " +
               std::to_string(batch.reads.size()) + " ranges";
      });
    }
    std::vector<ByteView> views;
    views.reserve(data.size());
    for (const auto& d : data) {
      if (!d) corrupt_error(codec.name(), "the shard disappeared after its index was read");
      views.push_back(d->view());
    }
    decode_shard_plan(codec, batch, views, out, options, pool);
    if (r1 >= nreads) break;
    r0 = r1;
  }
  return true;
}

}  // namespace zarrnative::codec
