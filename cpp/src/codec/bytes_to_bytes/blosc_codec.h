// The blosc codec (Zarr v3 "blosc"; numcodecs id "blosc"): one c-blosc 1.x
// buffer per chunk (16-byte header, then blocks), the format numcodecs
// writes.
// Spec: https://github.com/zarr-developers/zarr-specs/blob/main/docs/v3/codecs/blosc/index.rst
//
//   {"name": "blosc", "configuration": {"cname": "zstd", "clevel": 5,
//    "shuffle": "shuffle", "typesize": 2, "blocksize": 0}}
//
// The numcodecs (v2) form is accepted too: "shuffle" as an integer (0 none,
// 1 byte, 2 bit, -1 automatic) and no "typesize" (the chunk's item size).
// to_json() always writes the v3 form. Decoding checks the header's sizes
// against the input and the expected size before blosc reads anything.
#pragma once

#include <memory>
#include <string>

#include "zarrnative/codec/codec.h"

namespace zarrnative::codec {

struct BloscConfig {
  enum class Shuffle { kNone = 0, kByte = 1, kBit = 2 };  // blosc's own numbers
  std::string cname = "zstd";  // blosclz, lz4, lz4hc, zlib, zstd
  int clevel = 5;              // 0..9
  Shuffle shuffle = Shuffle::kByte;
  int typesize = 1;      // bytes per element for shuffling; >= 1
  int64_t blocksize = 0;  // 0: blosc chooses
};

// Absent fields take zarr-python's defaults: cname "zstd", clevel 5,
// typesize the item size of `input`, shuffle "bitshuffle" for one-byte
// items and "shuffle" otherwise, blocksize 0.
BloscConfig parse_blosc_config(const json& config, const ChunkSpec& input);

std::shared_ptr<const BytesToBytesCodec> make_blosc_codec(const json& config, const ChunkSpec& input);

}  // namespace zarrnative::codec
