// zarrnative: the numcodecs "shuffle" codec (Zarr v2), bytes -> bytes.
//
// Configuration (numcodecs form; the "id" may be present or not):
//   {"id": "shuffle", "elementsize": 4}   elementsize >= 1, default 4.
// encode: the first byte of every element, then every second byte, ...
//         (a byte transposition that helps compressors); decode: the inverse.
// As in numcodecs 0.16, the input must be a whole number of elements: a
// trailing partial element is refused (numcodecs raises "Shuffle buffer is
// not an integer multiple of elementsize") rather than passed through,
// because numcodecs could not read such output back. elementsize 1 copies.
// https://numcodecs.readthedocs.io/en/stable/filter/shuffle.html
#pragma once

#include <memory>

#include "zarrnative/codec/codec.h"

namespace zarrnative::codec {

std::shared_ptr<const BytesToBytesCodec> make_shuffle_codec(const json& config, const ChunkSpec& input);

}  // namespace zarrnative::codec
