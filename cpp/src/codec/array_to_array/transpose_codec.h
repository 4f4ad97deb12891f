// zarrnative: the Zarr v3 "transpose" codec (array -> array).
//
// Configuration: {"order": [2, 0, 1]}, a permutation of 0..ndim-1. The
// encoded array's dimension i is the decoded array's dimension order[i]:
// encoded shape[i] = decoded shape[order[i]]. Both directions return views
// (no bytes move); the array -> bytes codec that follows does the copy.
// The strings "C" and "F" of early v3 drafts are refused, as zarr-python 3
// refuses them.
// https://zarr-specs.readthedocs.io/en/latest/v3/codecs/transpose/index.html
#pragma once

#include <memory>

#include "zarrnative/codec/codec.h"

namespace zarrnative::codec {

// `input` is the chunk's spec: the order must have its number of dimensions.
std::shared_ptr<const ArrayToArrayCodec> make_transpose_codec(const json& config, const ChunkSpec& input);

}  // namespace zarrnative::codec
