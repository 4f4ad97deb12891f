#include "zarrnative/gpu/chunk_prep.h"

#include <libdeflate.h>
#include <zstd.h>

#include <cstdint>
#include <string>

#include "zarrnative/codec/codec.h"
#include "zarrnative/common/error.h"

namespace zarrnative::gpu {
namespace {

using codec::corrupt_error;

uint32_t le32(const uint8_t* p) {
  return uint32_t{p[0]} | uint32_t{p[1]} << 8 | uint32_t{p[2]} << 16 | uint32_t{p[3]} << 24;
}
uint32_t be32(const uint8_t* p) {
  return uint32_t{p[0]} << 24 | uint32_t{p[1]} << 16 | uint32_t{p[2]} << 8 | uint32_t{p[3]};
}

// RFC 1952 header flags.
constexpr uint8_t kFHCRC = 0x02, kFEXTRA = 0x04, kFNAME = 0x08, kFCOMMENT = 0x10, kFReserved = 0xE0;
constexpr size_t kGzipFixedHeader = 10, kGzipTrailer = 8;
// An empty DEFLATE stream is 2 bytes (one final, empty fixed block).
constexpr size_t kMinDeflate = 2;

// Skips a zero-terminated field starting at `pos`; returns the position after it.
size_t skip_zstring(std::string_view codec, ByteView in, size_t pos, const char* field) {
  for (; pos < in.size(); ++pos) {
    if (in[pos] == 0) return pos + 1;
  }
  corrupt_error(codec, std::string("the header's ") + field + " field has no terminating zero byte");
}

}  // namespace

const char* to_string(GpuCompressor c) {
  switch (c) {
    case GpuCompressor::kNone: return "none";
    case GpuCompressor::kZstd: return "zstd";
    case GpuCompressor::kDeflate: return "deflate";
    case GpuCompressor::kLz4: return "lz4";
  }
  return "?";
}

uint64_t nvcomp_max_decoded_bytes(GpuCompressor c) {
  switch (c) {
    case GpuCompressor::kZstd: return (uint64_t{1} << 31) - 1;
    case GpuCompressor::kDeflate: return (uint64_t{1} << 32) - 1;
    case GpuCompressor::kLz4: return (uint64_t{1} << 32) - 1;
    case GpuCompressor::kNone: break;
  }
  return UINT64_MAX;
}

uint32_t crc32(ByteView data, uint32_t crc) { return libdeflate_crc32(crc, data.data(), data.size()); }
uint32_t adler32(ByteView data, uint32_t adler) { return libdeflate_adler32(adler, data.data(), data.size()); }

PreparedChunk prepare_gzip(ByteView in, uint64_t decoded_size, std::string_view codec) {
  if (in.empty()) corrupt_error(codec, "empty input is not a " + std::string(codec) + " stream");
  if (in.size() < kGzipFixedHeader + kMinDeflate + kGzipTrailer) {
    corrupt_error(codec, "input of " + std::to_string(in.size()) + " bytes is too short for a gzip member");
  }
  if (in[0] != 0x1f || in[1] != 0x8b) corrupt_error(codec, "bad magic number (not a gzip member)");
  if (in[2] != 8) corrupt_error(codec, "unknown compression method " + std::to_string(in[2]) + " (8 is DEFLATE)");
  const uint8_t flags = in[3];
  if (flags & kFReserved) corrupt_error(codec, "reserved header flags are set");
  size_t pos = kGzipFixedHeader;  // magic, method, flags, mtime (4), xfl, os
  const size_t body_end = in.size() - kGzipTrailer;
  if (flags & kFEXTRA) {
    if (pos + 2 > body_end) corrupt_error(codec, "truncated header: the FEXTRA length is missing");
    const size_t xlen = size_t{in[pos]} | size_t{in[pos + 1]} << 8;
    pos += 2;
    if (xlen > body_end - pos) corrupt_error(codec, "truncated header: FEXTRA claims " + std::to_string(xlen) + " bytes");
    pos += xlen;
  }
  if (flags & kFNAME) pos = skip_zstring(codec, in.first(body_end), pos, "FNAME");
  if (flags & kFCOMMENT) pos = skip_zstring(codec, in.first(body_end), pos, "FCOMMENT");
  if (flags & kFHCRC) {
    // Skipped, not verified: the CPU decoder (libdeflate) does not verify
    // it either, and both paths must accept the same chunks.
    if (pos + 2 > body_end) corrupt_error(codec, "truncated header: the header CRC is missing");
    pos += 2;
  }
  if (body_end - pos < kMinDeflate) {
    corrupt_error(codec, "truncated member: no DEFLATE data after the header");
  }
  PreparedChunk p;
  p.decoded_size = decoded_size;
  const uint32_t isize = le32(in.data() + body_end + 4);
  if (isize != static_cast<uint32_t>(decoded_size)) {
    // One member decoding to decoded_size ends with that size (mod 2^32):
    // this is either several members, zero padding or a corrupt chunk. The
    // CPU decoder tells them apart (and raises for the last).
    p.cpu_reason = std::string(codec) + ": the size trailer says " + std::to_string(isize) + " bytes, not " +
                   std::to_string(static_cast<uint32_t>(decoded_size)) +
                   " (several members or padding; decoded on the CPU)";
    return p;
  }
  p.compressor = GpuCompressor::kDeflate;
  p.payload = in.subspan(pos, body_end - pos);
  p.check = StreamCheck::kCrc32;
  p.checksum = le32(in.data() + body_end);
  return p;
}

PreparedChunk prepare_zlib(ByteView in, uint64_t decoded_size, std::string_view codec) {
  if (in.empty()) corrupt_error(codec, "empty input is not a " + std::string(codec) + " stream");
  constexpr size_t kHeader = 2, kTrailer = 4;
  if (in.size() < kHeader + kMinDeflate + kTrailer) {
    corrupt_error(codec, "input of " + std::to_string(in.size()) + " bytes is too short for a zlib stream");
  }
  const uint8_t cmf = in[0], flg = in[1];
  if ((cmf & 0x0F) != 8) corrupt_error(codec, "unknown compression method " + std::to_string(cmf & 0x0F) + " (8 is DEFLATE)");
  if ((cmf >> 4) > 7) corrupt_error(codec, "window size field " + std::to_string(cmf >> 4) + " is larger than 7");
  if ((uint32_t{cmf} * 256 + flg) % 31 != 0) corrupt_error(codec, "header check bits are wrong");
  if (flg & 0x20) corrupt_error(codec, "the stream needs a preset dictionary (FDICT), which Zarr never stores");
  PreparedChunk p;
  p.compressor = GpuCompressor::kDeflate;
  p.payload = in.subspan(kHeader, in.size() - kHeader - kTrailer);
  p.decoded_size = decoded_size;
  p.check = StreamCheck::kAdler32;
  p.checksum = be32(in.data() + in.size() - kTrailer);  // RFC 1950 stores it big-endian
  return p;
}

PreparedChunk prepare_lz4(ByteView in, uint64_t decoded_size, std::string_view codec) {
  // The checks and messages of the CPU codec (lz4_codec.cpp).
  constexpr size_t kHeader = 4;
  if (in.size() < kHeader + 1) {
    corrupt_error(codec, "input of " + std::to_string(in.size()) + " bytes is too short for the size header and a block");
  }
  const uint32_t stated = le32(in.data());
  if (stated != decoded_size) {
    corrupt_error(codec, "the size header claims " + std::to_string(stated) + " bytes, expected " +
                             std::to_string(decoded_size));
  }
  if (uint64_t{stated} > uint64_t{255} * (in.size() - kHeader) + 64) {
    corrupt_error(codec, "the size header claims " + std::to_string(stated) + " bytes, more than a block of " +
                             std::to_string(in.size() - kHeader) + " bytes can hold");
  }
  PreparedChunk p;
  p.compressor = GpuCompressor::kLz4;
  p.payload = in.subspan(kHeader);
  p.decoded_size = decoded_size;
  return p;
}

PreparedChunk prepare_zstd(ByteView in, uint64_t decoded_size, std::string_view codec) {
  if (in.empty()) corrupt_error(codec, "empty input is not a zstd frame");
  PreparedChunk p;
  p.decoded_size = decoded_size;
  if (in.size() >= 4 && (le32(in.data()) & 0xFFFFFFF0u) == 0x184D2A50u) {
    p.cpu_reason = std::string(codec) + ": starts with a skippable frame (decoded on the CPU)";
    return p;
  }
  const unsigned long long size = ZSTD_getFrameContentSize(in.data(), in.size());
  if (size == ZSTD_CONTENTSIZE_ERROR) {
    corrupt_error(codec, "the input is not a zstd frame (bad magic number or header)");
  }
  if (size != ZSTD_CONTENTSIZE_UNKNOWN && size != decoded_size) {
    if (size > decoded_size) {
      corrupt_error(codec, "the frame claims " + std::to_string(size) + " decoded bytes, more than the expected size " +
                               std::to_string(decoded_size));
    }
    // Fewer: concatenated frames may add up to the size; the CPU knows.
    p.cpu_reason = std::string(codec) + ": the first frame holds " + std::to_string(size) + " of " +
                   std::to_string(decoded_size) + " bytes (several frames; decoded on the CPU)";
    return p;
  }
  const size_t frame = ZSTD_findFrameCompressedSize(in.data(), in.size());
  if (ZSTD_isError(frame)) {
    corrupt_error(codec, std::string("invalid or truncated frame (") + ZSTD_getErrorName(frame) + ")");
  }
  if (frame != in.size()) {
    p.cpu_reason = std::string(codec) + ": " + std::to_string(in.size() - frame) +
                   " bytes follow the first frame (several frames; decoded on the CPU)";
    return p;
  }
  if (ZSTD_getDictID_fromFrame(in.data(), in.size()) != 0) {
    p.cpu_reason = std::string(codec) + ": the frame needs a dictionary (decoded on the CPU)";
    return p;
  }
  // nvCOMP's documentation says nothing of content checksums: frames that
  // carry one are decoded by the CPU, which verifies them.
  if (in[4] & 0x04) {
    p.cpu_reason = std::string(codec) + ": the frame carries a content checksum (decoded on the CPU)";
    return p;
  }
  p.compressor = GpuCompressor::kZstd;
  p.payload = in;
  return p;
}

PreparedChunk prepare_raw(ByteView in, uint64_t decoded_size, std::string_view codec) {
  if (in.size() != decoded_size) {
    corrupt_error(codec, "chunk holds " + std::to_string(in.size()) + " bytes, expected " + std::to_string(decoded_size));
  }
  PreparedChunk p;
  p.payload = in;
  p.decoded_size = decoded_size;
  return p;
}

PreparedChunk prepare_chunk(StoredFormat format, ByteView in, uint64_t decoded_size, std::string_view codec) {
  PreparedChunk p;
  switch (format) {
    case StoredFormat::kRaw: p = prepare_raw(in, decoded_size, codec); break;
    case StoredFormat::kZstd: p = prepare_zstd(in, decoded_size, codec); break;
    case StoredFormat::kGzip: p = prepare_gzip(in, decoded_size, codec); break;
    case StoredFormat::kZlib: p = prepare_zlib(in, decoded_size, codec); break;
    case StoredFormat::kLz4: p = prepare_lz4(in, decoded_size, codec); break;
  }
  if (!p.cpu_reason && decoded_size > nvcomp_max_decoded_bytes(p.compressor)) {
    p.cpu_reason = std::string(codec) + ": a chunk of " + std::to_string(decoded_size) +
                   " bytes is larger than nvCOMP's " + to_string(p.compressor) + " decoder takes (decoded on the CPU)";
    p.compressor = GpuCompressor::kNone;
  }
  return p;
}

}  // namespace zarrnative::gpu
