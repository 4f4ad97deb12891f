// The lz4 codec (Zarr v2, numcodecs id "lz4"): numcodecs' framing, a 4-byte
// little-endian decoded size followed by one raw LZ4 block (not the LZ4
// frame format).
//
//   {"id": "lz4", "acceleration": 1}
#pragma once

#include <memory>

#include "zarrnative/codec/codec.h"

namespace zarrnative::codec {

struct Lz4Config {
  // LZ4_compress_fast's speed/ratio knob; LZ4 itself treats values below 1
  // as 1 and caps large ones, so every integer numcodecs accepts is taken.
  int acceleration = 1;
};

Lz4Config parse_lz4_config(const json& config);

std::shared_ptr<const BytesToBytesCodec> make_lz4_codec(const json& config, const ChunkSpec& input);

}  // namespace zarrnative::codec
