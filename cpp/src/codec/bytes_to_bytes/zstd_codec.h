// The zstd codec (Zarr v3 "zstd"; numcodecs id "zstd"): one zstd frame per
// chunk, with the content size in the frame header.
// Spec: https://github.com/zarr-developers/zarr-specs/blob/main/docs/v3/codecs/zstd/index.rst
//
//   {"name": "zstd", "configuration": {"level": 1, "checksum": false}}
//
// Decoding accepts frames without a content size (tensorstore writes those)
// and concatenated frames; a frame that claims more than the expected size
// is refused before anything is allocated.
#pragma once

#include <memory>

#include "zarrnative/codec/codec.h"

namespace zarrnative::codec {

struct ZstdConfig {
  int level = 0;          // ZSTD_minCLevel()..ZSTD_maxCLevel(); 0: zstd's default (3)
  bool checksum = false;  // write a content checksum into each frame
};

ZstdConfig parse_zstd_config(const json& config);

std::shared_ptr<const BytesToBytesCodec> make_zstd_codec(const json& config, const ChunkSpec& input);

}  // namespace zarrnative::codec
