// The shard index: where it lies, decoding with validation, encoding; and the
// in-memory ByteRangeReader.
#include <algorithm>
#include <cstring>
#include <string>

#include "codec/array_to_bytes/shard_util.h"
#include "zarrnative/codec/sharding.h"
#include "zarrnative/common/error.h"

namespace zarrnative::codec {
namespace {

[[noreturn]] void corrupt_entry(const ShardingCodec& codec, size_t chunk, uint64_t offset, uint64_t nbytes,
                                const std::string& why) {
  corrupt_error(codec.name(), "inner chunk " + shape_text(codec.chunk_coords(chunk)) + ": the index gives offset " +
                                  std::to_string(offset) + " and nbytes " + std::to_string(nbytes) + ", " + why);
}

}  // namespace

std::optional<ByteRange> ShardIndex::range(size_t chunk) const {
  if (missing(chunk)) return std::nullopt;
  return ByteRange::at(entries[2 * chunk], entries[2 * chunk + 1]);
}

ShardIndex ShardIndex::empty(const Shape& chunks_per_shard) {
  size_t n = 1;
  for (int64_t e : chunks_per_shard) n *= static_cast<size_t>(e);
  return ShardIndex{chunks_per_shard, std::vector<uint64_t>(2 * n, kMissing)};
}

ByteRange ShardingCodec::index_range(std::optional<uint64_t> shard_size) const {
  if (shard_size && *shard_size < index_size_) {
    corrupt_error(name(), "the shard has " + std::to_string(*shard_size) + " bytes, fewer than its " +
                              std::to_string(index_size_) + "-byte index");
  }
  if (config_.index_location == IndexLocation::kStart) return ByteRange::at(0, index_size_);
  if (shard_size) return ByteRange::at(*shard_size - index_size_, index_size_);
  return ByteRange::last(index_size_);
}

ShardIndex ShardingCodec::decode_index(ByteView index_bytes, std::optional<uint64_t> shard_size,
                                       const CodecOptions& options) const {
  if (index_bytes.size() != index_size_) {
    corrupt_error(name(), "the shard index has " + std::to_string(index_bytes.size()) + " bytes, expected " +
                              std::to_string(index_size_) + " (is the shard truncated?)");
  }
  Shape shape = chunks_per_shard_;
  shape.push_back(2);
  NDArray decoded = NDArray::empty(DType(DTypeKind::kUInt, 8), shape);
  try {
    index_->decode(index_bytes, decoded, options);
  } catch (const Error& e) {
    throw Error(e.code(), std::string(name()) + ": shard index: " + e.what());
  }
  ShardIndex index{chunks_per_shard_, std::vector<uint64_t>(2 * num_chunks_)};
  if (num_chunks_) std::memcpy(index.entries.data(), decoded.data(), 16 * num_chunks_);

  // Where the index itself lies, when the shard's size is known.
  uint64_t index_begin = 0, index_end = 0;
  if (shard_size) {
    ByteRange r = index_range(shard_size);
    index_begin = r.offset;
    index_end = r.offset + r.length;
  }
  for (size_t i = 0; i < num_chunks_; ++i) {
    const uint64_t offset = index.entries[2 * i], nbytes = index.entries[2 * i + 1];
    if (offset == ShardIndex::kMissing && nbytes == ShardIndex::kMissing) continue;
    if (offset == ShardIndex::kMissing || nbytes == ShardIndex::kMissing) {
      corrupt_entry(*this, i, offset, nbytes, "one of them the missing-chunk marker 2^64-1 and not the other");
    }
    if (offset > UINT64_MAX - nbytes) corrupt_entry(*this, i, offset, nbytes, "whose sum overflows");
    const uint64_t end = offset + nbytes;
    if (!shard_size) {
      // Reads are bounded by the reader; only refuse what no shard can hold.
      if (end > (uint64_t{1} << 62)) corrupt_entry(*this, i, offset, nbytes, "past any plausible shard size");
      continue;
    }
    if (end > *shard_size) {
      corrupt_entry(*this, i, offset, nbytes, "past the end of the " + std::to_string(*shard_size) + "-byte shard");
    }
    if (nbytes > 0 && offset < index_end && end > index_begin) {
      corrupt_entry(*this, i, offset, nbytes,
                    "overlapping the shard index at bytes [" + std::to_string(index_begin) + ", " +
                        std::to_string(index_end) + ")");
    }
  }
  return index;
}

void ShardingCodec::encode_index(const ShardIndex& index, ByteBuffer& out, const CodecOptions& options) const {
  check(index.entries.size() == 2 * num_chunks_, ErrorCode::kInvalidArgument, [&] {
    return std::string(name()) + ": the index has " + std::to_string(index.entries.size() / 2) + " entries, expected " +
           std::to_string(num_chunks_);
  });
  Shape shape = chunks_per_shard_;
  shape.push_back(2);
  NDArray a = NDArray::empty(DType(DTypeKind::kUInt, 8), shape);
  if (num_chunks_) std::memcpy(a.data(), index.entries.data(), 16 * num_chunks_);
  index_->encode(a, out, options);
  check(out.size() == index_size_, ErrorCode::kInternal, [&] {
    return std::string(name()) + ": the index codecs produced " + std::to_string(out.size()) + " bytes, not the " +
           std::to_string(index_size_) + " they announced";
  });
}

std::optional<uint64_t> BytesRangeReader::size() {
  if (!exists_) return std::nullopt;
  return bytes_.size();
}

std::vector<std::optional<ByteBuffer>> BytesRangeReader::read(std::span<const ByteRange> ranges) {
  std::vector<std::optional<ByteBuffer>> out(ranges.size());
  if (!exists_) return out;
  const uint64_t size = bytes_.size();
  for (size_t i = 0; i < ranges.size(); ++i) {
    const ByteRange& r = ranges[i];
    uint64_t begin, len;
    if (r.suffix) {
      len = std::min(r.length, size);
      begin = size - len;
    } else {
      begin = std::min(r.offset, size);
      len = std::min(r.length, size - begin);
    }
    out[i].emplace(bytes_.subspan(static_cast<size_t>(begin), static_cast<size_t>(len)));
  }
  return out;
}

}  // namespace zarrnative::codec
