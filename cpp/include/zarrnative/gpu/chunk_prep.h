// zarrnative: turning a chunk's stored bytes into what nvCOMP's batched
// decoders take. Host code only; it runs (and is tested) without a GPU.
//
// nvCOMP decodes raw formats: zstd frames, raw DEFLATE (RFC 1951) and raw
// LZ4 blocks. Zarr's codecs wrap them:
//   - zstd:  one zstd frame (taken as it is);
//   - gzip:  a 10-byte header with optional fields, raw DEFLATE, CRC32 and
//            ISIZE (RFC 1952);
//   - zlib:  a 2-byte header, raw DEFLATE, an Adler-32 (RFC 1950);
//   - lz4:   numcodecs' 4-byte little-endian decoded size, a raw LZ4 block.
// prepare_chunk() finds the raw stream inside the stored bytes (a view: no
// byte is copied) and keeps what the wrapper says about the decoded bytes
// (their CRC32 / Adler-32) so that the device can verify them.
//
// Typical usage (what the GPU read does for each chunk):
//   1. PreparedChunk p = prepare_chunk(GpuCompressor::kGzip, "gzip", bytes, chunk_nbytes);
//   2. if (p.cpu_reason) -> decode this chunk with the CPU pipeline instead;
//   3. else copy p.payload into the batch of p.compressor's nvCOMP decoder
//      and, after decoding, verify p.check / p.checksum on the device.
//
// Malformed wrappers throw Error(kCorruptChunk) "<codec>: <what is wrong>",
// the error the CPU decoders throw for such chunks. Well-formed streams that
// nvCOMP cannot take (several gzip members, zstd frames with a dictionary,
// skippable or concatenated frames) are not errors: cpu_reason says why the
// chunk goes to the CPU pipeline, which decodes them as it always does.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "zarrnative/common/bytes.h"

namespace zarrnative::gpu {

// The nvCOMP decoder a chunk's stream goes to. kNone: the payload is the
// decoded bytes themselves (no compressor, or decoded by the CPU).
enum class GpuCompressor : uint8_t { kNone, kZstd, kDeflate, kLz4 };

// "none", "zstd", "deflate", "lz4".
const char* to_string(GpuCompressor c);

// A checksum of the decoded bytes that the wrapper stores.
enum class StreamCheck : uint8_t { kNone, kCrc32, kAdler32 };

// The Zarr codec a stream comes from (its name is in every message).
enum class StoredFormat : uint8_t { kRaw, kZstd, kGzip, kZlib, kLz4 };

struct PreparedChunk {
  GpuCompressor compressor = GpuCompressor::kNone;
  ByteView payload;               // the raw stream: a sub-range of the stored bytes
  uint64_t decoded_size = 0;      // the exact size the stream must decode to
  StreamCheck check = StreamCheck::kNone;
  uint32_t checksum = 0;          // gzip's CRC32 or zlib's Adler-32 of the decoded bytes
  // Set when the chunk is well formed but must be decoded by the CPU
  // pipeline; says why ("gzip: several members").
  std::optional<std::string> cpu_reason;
};

// Each throws Error(kCorruptChunk) "<codec>: ..." for a malformed wrapper.
// `decoded_size` is the chunk's size in bytes after this codec.
PreparedChunk prepare_gzip(ByteView in, uint64_t decoded_size, std::string_view codec = "gzip");
PreparedChunk prepare_zlib(ByteView in, uint64_t decoded_size, std::string_view codec = "zlib");
PreparedChunk prepare_lz4(ByteView in, uint64_t decoded_size, std::string_view codec = "lz4");
PreparedChunk prepare_zstd(ByteView in, uint64_t decoded_size, std::string_view codec = "zstd");
// Stored bytes that are the decoded bytes (no compressor): only the size is checked.
PreparedChunk prepare_raw(ByteView in, uint64_t decoded_size, std::string_view codec = "bytes");

PreparedChunk prepare_chunk(StoredFormat format, ByteView in, uint64_t decoded_size, std::string_view codec);

// The largest decoded chunk nvCOMP 6's batched decoders take (their
// headers' *DecompressionMaxAllowedChunkSize); larger chunks go to the CPU.
uint64_t nvcomp_max_decoded_bytes(GpuCompressor c);

// The checksums of the wrappers, computed on the host (tests, and chunks
// verified on the CPU): CRC32 (gzip, zlib's polynomial 0xEDB88320) and Adler-32.
uint32_t crc32(ByteView data, uint32_t crc = 0);
uint32_t adler32(ByteView data, uint32_t adler = 1);

}  // namespace zarrnative::gpu
