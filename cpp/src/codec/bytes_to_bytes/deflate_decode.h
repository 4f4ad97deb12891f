// Decoding of the two DEFLATE wrappers (gzip, RFC 1952; zlib, RFC 1950) with
// libdeflate, shared by the gzip and zlib codecs. Private to these codecs.
//
// libdeflate decodes whole buffers only (no streaming), which is what a
// chunk is, and is 2-3x faster than zlib's inflate. It checks the CRC32 /
// Adler-32 and the gzip size trailer itself.
#pragma once

#include <cstdint>
#include <string_view>

#include "zarrnative/common/bytes.h"

namespace zarrnative::codec::detail {

enum class DeflateWrapper { kGzip, kZlib };

// Decodes `in` into exactly `out` (whose size is the expected size). gzip
// accepts several members and zero padding after them, as Python's gzip
// module does; any other trailing byte is a corrupt chunk.
void inflate_into(std::string_view codec, DeflateWrapper wrapper, ByteView in, MutableByteView out);

// Decodes `in` into `out` (resized to fit), producing at most `limit` bytes.
void inflate_bounded(std::string_view codec, DeflateWrapper wrapper, ByteView in, ByteBuffer& out, uint64_t limit);

}  // namespace zarrnative::codec::detail
