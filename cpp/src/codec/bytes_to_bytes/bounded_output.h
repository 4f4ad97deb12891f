// Shared by the bytes->bytes decoders whose format does not state the decoded
// size (zstd frames without a content size, gzip, zlib, bz2): an output
// buffer that grows by doubling up to a limit. Private to these codecs.
#pragma once

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "zarrnative/codec/codec.h"
#include "zarrnative/common/bytes.h"

namespace zarrnative::codec::detail {

// The first capacity to try for `in_size` encoded bytes: a guess of 4:1,
// at least 64 KiB, never more than limit + 1.
inline size_t initial_capacity(size_t in_size, uint64_t limit) {
  uint64_t guess = std::max<uint64_t>(uint64_t{in_size} * 4, uint64_t{1} << 16);
  return static_cast<size_t>(std::min(guess, limit + 1));
}

// Grows `out` to the next capacity, keeping its first `used` bytes. The
// capacity stops at limit + 1 so that output beyond the limit shows itself
// as one byte too many rather than by guessing. Returns false when `out`
// already holds limit + 1 bytes (the caller reports the bomb).
inline bool grow_bounded(ByteBuffer& out, size_t used, uint64_t limit) {
  uint64_t cap = out.size();
  if (cap > limit) return false;
  uint64_t next = std::min(std::max<uint64_t>(cap * 2, 4096), limit + 1);
  out.resize(used);  // reallocation copies only the bytes in use
  out.resize(static_cast<size_t>(next));
  return true;
}

// The output side of a streaming decoder's run() (bz2, lzma): dst[0..cap),
// growing `growable` (whose buffer dst is) up to `limit` when given. Once it
// is full the decoder gets a one-byte scratch, and any byte written there is
// a corrupt chunk: more than the limit, or than the expected size.
//
//   BoundedWindow out(kName, dst, cap, growable, limit);
//   auto [p, room] = out.next(max_step);  // hand p/room to the decoder
//   out.advance(room - what the decoder left unused);
//   return out.produced();
class BoundedWindow {
 public:
  BoundedWindow(std::string_view codec, uint8_t* dst, size_t cap, ByteBuffer* growable, uint64_t limit)
      : codec_(codec), dst_(dst), cap_(cap), growable_(growable), limit_(limit) {}

  // Where the decoder writes next, and at most `max_step` bytes of room.
  std::pair<uint8_t*, size_t> next(size_t max_step = SIZE_MAX) {
    if (produced_ == cap_ && growable_ && grow_bounded(*growable_, produced_, limit_)) {
      dst_ = growable_->data();
      cap_ = growable_->size();
    }
    overflow_ = produced_ == cap_;
    if (overflow_) return {&scratch_, 1};
    return {dst_ + produced_, std::min(cap_ - produced_, max_step)};
  }

  // The decoder wrote `made` bytes into the window next() gave.
  void advance(size_t made) {
    if (overflow_ && made > 0) {
      corrupt_error(codec_, "the data decodes to more than " + std::string(growable_ ? "the limit of " : "the expected ") +
                                std::to_string(limit_) + " bytes");
    }
    if (!overflow_) produced_ += made;
  }

  size_t produced() const { return produced_; }

 private:
  std::string_view codec_;
  uint8_t* dst_;
  size_t cap_;
  ByteBuffer* growable_;
  uint64_t limit_;
  size_t produced_ = 0;
  bool overflow_ = false;
  uint8_t scratch_ = 0;
};

// decode() and decode_into() of a stream codec (bz2, lzma) whose
// run(dst, cap, growable, limit) decodes into dst[0..cap), growing
// `growable` (whose buffer dst is) up to `limit` when given, and returns the
// bytes produced. decode_exact: exactly out.size() bytes into `out`.
template <class Run>
void decode_exact(std::string_view codec, MutableByteView out, Run&& run) {
  const size_t n = run(out.data(), out.size(), nullptr, out.size());
  if (n != out.size()) {
    corrupt_error(codec, "decoded " + std::to_string(n) + " bytes, expected " + std::to_string(out.size()));
  }
}

// decode: exactly `expected` bytes when known, otherwise a buffer grown up
// to `limit`.
template <class Run>
void decode_growing(std::string_view codec, ByteView in, ByteBuffer& out, std::optional<uint64_t> expected,
                    uint64_t limit, Run&& run) {
  if (expected) {
    out.resize(static_cast<size_t>(*expected));
    decode_exact(codec, out.mutable_view(), run);
    return;
  }
  out.resize(initial_capacity(in.size(), limit));
  out.resize(run(out.data(), out.size(), &out, limit));
}

// Little-endian integers of the formats (blosc, lz4, gzip trailers, crc32c).
inline uint32_t load_le32(const uint8_t* p) {
  return uint32_t{p[0]} | uint32_t{p[1]} << 8 | uint32_t{p[2]} << 16 | uint32_t{p[3]} << 24;
}
inline void store_le32(uint8_t* p, uint32_t v) {
  p[0] = static_cast<uint8_t>(v);
  p[1] = static_cast<uint8_t>(v >> 8);
  p[2] = static_cast<uint8_t>(v >> 16);
  p[3] = static_cast<uint8_t>(v >> 24);
}

}  // namespace zarrnative::codec::detail
