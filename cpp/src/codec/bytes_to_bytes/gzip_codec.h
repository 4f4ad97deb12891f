// The gzip codec (Zarr v3 "gzip"; numcodecs id "gzip"): one gzip member
// (RFC 1952) per chunk.
// Spec: https://github.com/zarr-developers/zarr-specs/blob/main/docs/v3/codecs/gzip/index.rst
//
//   {"name": "gzip", "configuration": {"level": 5}}
//
// Encoding writes the header Python's gzip module writes (no file name,
// OS 255) with mtime 0, so equal data gives equal bytes. Decoding accepts
// several members and zero padding, as Python's reader does.
#pragma once

#include <memory>

#include "zarrnative/codec/codec.h"

namespace zarrnative::codec {

struct GzipConfig {
  int level = 5;  // 0..9 (the Zarr v3 default is 5)
};

GzipConfig parse_gzip_config(const json& config);

std::shared_ptr<const BytesToBytesCodec> make_gzip_codec(const json& config, const ChunkSpec& input);

}  // namespace zarrnative::codec
