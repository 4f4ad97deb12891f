// The bz2 codec (Zarr v2, numcodecs id "bz2"): one bzip2 stream per chunk,
// as Python's bz2.compress writes.
//
//   {"id": "bz2", "level": 1}
//
// Decoding accepts concatenated streams, as Python's bz2.decompress does.
#pragma once

#include <memory>

#include "zarrnative/codec/codec.h"

namespace zarrnative::codec {

struct Bz2Config {
  int level = 1;  // block size in 100 kB, 1..9; numcodecs' default is 1
};

Bz2Config parse_bz2_config(const json& config);

std::shared_ptr<const BytesToBytesCodec> make_bz2_codec(const json& config, const ChunkSpec& input);

}  // namespace zarrnative::codec
