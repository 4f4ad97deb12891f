// The sharding codec (Zarr v3 "sharding_indexed"): configuration and
// factory. The codec class and the partial-read API are public, in
// zarrnative/codec/sharding.h.
//
//   {"name": "sharding_indexed", "configuration": {"chunk_shape": [32, 32],
//    "codecs": [{"name": "bytes", "configuration": {"endian": "little"}}],
//    "index_codecs": [{"name": "bytes", "configuration": {"endian": "little"}}, {"name": "crc32c"}],
//    "index_location": "end"}}
//
// "index_codecs" defaults to [bytes little, crc32c] and "index_location" to
// "end", as in zarr-python. Inner and index codecs come from the built-in
// registry, so inner codecs may themselves hold sharding_indexed.
#pragma once

#include <memory>

#include "zarrnative/codec/sharding.h"

namespace zarrnative::codec {

// Checks the fields' types and values; checks that need the shard's shape
// (ndim, divisibility) are made by the ShardingCodec constructor.
ShardingConfig parse_sharding_config(const json& config);

std::shared_ptr<const ArrayToBytesCodec> make_sharding_codec(const json& config, const ChunkSpec& input);

}  // namespace zarrnative::codec
