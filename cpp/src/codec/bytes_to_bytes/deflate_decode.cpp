#include "codec/bytes_to_bytes/deflate_decode.h"

#include <libdeflate.h>

#include <memory>
#include <new>
#include <string>

#include "codec/bytes_to_bytes/bounded_output.h"
#include "zarrnative/codec/codec.h"

namespace zarrnative::codec::detail {
namespace {

struct DecompressorDeleter {
  void operator()(libdeflate_decompressor* d) const { libdeflate_free_decompressor(d); }
};

// A decompressor is small but not thread-safe: one per thread.
libdeflate_decompressor* thread_decompressor() {
  thread_local std::unique_ptr<libdeflate_decompressor, DecompressorDeleter> d(libdeflate_alloc_decompressor());
  if (!d) throw std::bad_alloc();
  return d.get();
}

constexpr size_t kGzipMinMember = 18;  // 10-byte header, empty block, 8-byte trailer
// DEFLATE expands at most 1032:1 (a 258-byte match in under 2 bits), so a
// size trailer claiming more than this is a lie, never allocated.
constexpr uint64_t kMaxDeflateRatio = 1032;

bool is_gzip_magic(ByteView rest) { return rest.size() >= 2 && rest[0] == 0x1f && rest[1] == 0x8b; }

// Decodes every member/stream of `in` into `out`; when `growable` is given,
// `out` is its buffer and grows up to `limit`. Returns the bytes produced.
size_t run(std::string_view codec, DeflateWrapper wrapper, ByteView in, uint8_t* dst, size_t cap,
           ByteBuffer* growable, uint64_t limit) {
  libdeflate_decompressor* d = thread_decompressor();
  if (in.empty()) corrupt_error(codec, "empty input is not a " + std::string(codec) + " stream");
  size_t pos = 0;
  size_t produced = 0;
  for (;;) {
    size_t used_in = 0;
    size_t used_out = 0;
    const uint8_t* src = in.data() + pos;
    size_t src_size = in.size() - pos;
    libdeflate_result r =
        wrapper == DeflateWrapper::kGzip
            ? libdeflate_gzip_decompress_ex(d, src, src_size, dst + produced, cap - produced, &used_in, &used_out)
            : libdeflate_zlib_decompress_ex(d, src, src_size, dst + produced, cap - produced, &used_in, &used_out);
    if (r == LIBDEFLATE_INSUFFICIENT_SPACE) {
      // Decoding restarts at this member with more room.
      if (growable && grow_bounded(*growable, produced, limit)) {
        dst = growable->data();
        cap = growable->size();
        continue;
      }
      uint64_t bound = growable ? limit : cap;
      corrupt_error(codec, "the data decodes to more than " + std::string(growable ? "the limit of " : "the expected ") +
                               std::to_string(bound) + " bytes");
    }
    if (r != LIBDEFLATE_SUCCESS) {
      corrupt_error(codec, "invalid or truncated stream at byte " + std::to_string(pos) +
                               " (bad data, checksum or size trailer)");
    }
    pos += used_in;
    produced += used_out;
    if (produced > limit) {
      corrupt_error(codec, "the data decodes to more than the limit of " + std::to_string(limit) + " bytes");
    }
    if (wrapper == DeflateWrapper::kGzip) {
      while (pos < in.size() && in[pos] == 0) ++pos;  // zero padding, as Python's gzip reader allows
      if (pos < in.size() && is_gzip_magic(in.subspan(pos))) continue;  // another member
    }
    if (pos != in.size()) {
      corrupt_error(codec, std::to_string(in.size() - pos) + " bytes of trailing data after the stream");
    }
    return produced;
  }
}

}  // namespace

void inflate_into(std::string_view codec, DeflateWrapper wrapper, ByteView in, MutableByteView out) {
  size_t n = run(codec, wrapper, in, out.data(), out.size(), nullptr, out.size());
  if (n != out.size()) {
    corrupt_error(codec, "decoded " + std::to_string(n) + " bytes, expected " + std::to_string(out.size()));
  }
}

void inflate_bounded(std::string_view codec, DeflateWrapper wrapper, ByteView in, ByteBuffer& out, uint64_t limit) {
  size_t cap = initial_capacity(in.size(), limit);
  if (wrapper == DeflateWrapper::kGzip && in.size() >= kGzipMinMember) {
    // The last member's trailer states its size modulo 2^32: the data
    // holds at least that much. Usually it is the exact size.
    // A trailer DEFLATE cannot reach is no trailer (trailing garbage, say):
    // decoding will tell what is wrong, and it is not used as a size.
    uint64_t isize = load_le32(in.data() + in.size() - 4);
    if (isize <= kMaxDeflateRatio * in.size()) {
      if (isize > limit) {
        corrupt_error(codec, "the size trailer claims " + std::to_string(isize) + " bytes, more than the limit of " +
                                 std::to_string(limit));
      }
      if (isize > 0) cap = static_cast<size_t>(isize);
    }
  }
  out.resize(cap);
  size_t n = run(codec, wrapper, in, out.data(), out.size(), &out, limit);
  out.resize(n);
}

}  // namespace zarrnative::codec::detail
