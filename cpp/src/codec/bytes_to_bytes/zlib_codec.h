// The zlib codec (Zarr v2, numcodecs id "zlib"): one zlib stream (RFC 1950)
// per chunk, as Python's zlib.compress writes.
//
//   {"id": "zlib", "level": 1}
#pragma once

#include <memory>

#include "zarrnative/codec/codec.h"

namespace zarrnative::codec {

struct ZlibConfig {
  int level = 1;  // -1 (zlib's default, 6) or 0..9; numcodecs' default is 1
};

ZlibConfig parse_zlib_config(const json& config);

std::shared_ptr<const BytesToBytesCodec> make_zlib_codec(const json& config, const ChunkSpec& input);

}  // namespace zarrnative::codec
