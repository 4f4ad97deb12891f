// The crc32c codec (Zarr v3 "crc32c"): appends the CRC32C (Castagnoli) of
// the chunk as 4 little-endian bytes; decoding checks and strips it without
// copying (decode_view).
// Spec: https://github.com/zarr-developers/zarr-specs/blob/main/docs/v3/codecs/crc32c/index.rst
//
//   {"name": "crc32c"}
#pragma once

#include <cstdint>
#include <memory>

#include "zarrnative/codec/codec.h"

namespace zarrnative::codec {

// The standard CRC32C of `bytes` (crc32c("123456789") == 0xE3069283), with
// ISA-L's hardware implementation.
uint32_t crc32c(ByteView bytes);

std::shared_ptr<const BytesToBytesCodec> make_crc32c_codec(const json& config, const ChunkSpec& input);

}  // namespace zarrnative::codec
