// The 32-bit checksum codecs: each stores a checksum of the chunk's bytes as
// 4 little-endian bytes next to them; decoding checks it and strips it
// without copying (decode_view).
//
//   crc32c            Zarr v3 "crc32c" (spec: the checksum after the data),
//                     and numcodecs' CRC32C ("crc32c" in v2,
//                     "numcodecs.crc32c" in v3), which may put it first:
//                     {"location": "end"} by default, or "start".
//   crc32, adler32    numcodecs' CRC32 and Adler32 (zlib's checksums):
//                     {"location": "start"} by default, or "end".
//   fletcher32        numcodecs' Fletcher32: HDF5's Fletcher-32 of big-endian
//                     16-bit words (an odd last byte is the high byte of a
//                     word), after the data. No configuration.
//   jenkins_lookup3   numcodecs' JenkinsLookup3: Bob Jenkins' lookup3
//                     hashlittle (HDF5's variant) seeded with "initval"
//                     (default 0), after the data. A "prefix" other than null
//                     is refused: zarr-python cannot store one either.
//
// Spec: https://github.com/zarr-developers/zarr-specs/blob/main/docs/v3/codecs/crc32c/index.rst
// numcodecs: https://numcodecs.readthedocs.io/ (checksum codecs)
#pragma once

#include <cstdint>
#include <memory>

#include "zarrnative/codec/codec.h"

namespace zarrnative::codec {

// The standard CRC32C of `bytes` (crc32c("123456789") == 0xE3069283), with
// ISA-L's hardware implementation.
uint32_t crc32c(ByteView bytes);
// zlib's crc32 (crc32("123456789") == 0xCBF43926) and adler32
// (adler32("Wikipedia") == 0x11E60398), with libdeflate.
uint32_t crc32(ByteView bytes);
uint32_t adler32(ByteView bytes);
// HDF5's H5_checksum_fletcher32, as numcodecs computes it.
uint32_t fletcher32(ByteView bytes);
// lookup3's hashlittle(bytes, initval), as HDF5 and numcodecs compute it.
uint32_t jenkins_lookup3(ByteView bytes, uint32_t initval);

// True for the codecs made here: bytes -> bytes codecs whose decode_view
// only checks and strips (the GPU path runs them on the host).
bool is_checksum_codec(std::string_view name);

std::shared_ptr<const BytesToBytesCodec> make_crc32c_codec(const json& config, const ChunkSpec& input);
std::shared_ptr<const BytesToBytesCodec> make_crc32_codec(const json& config, const ChunkSpec& input);
std::shared_ptr<const BytesToBytesCodec> make_adler32_codec(const json& config, const ChunkSpec& input);
std::shared_ptr<const BytesToBytesCodec> make_fletcher32_codec(const json& config, const ChunkSpec& input);
std::shared_ptr<const BytesToBytesCodec> make_jenkins_lookup3_codec(const json& config, const ChunkSpec& input);

}  // namespace zarrnative::codec
