// zarrnative: the Zarr v3 "bytes" codec (array -> bytes).
//
// Configuration: {"endian": "little" | "big"}; the field may be left out only
// for one-byte data types (bool, int8, uint8), where it means nothing.
// encode: the chunk's elements in C order, each in `endian` byte order
//         (complex numbers: each part on its own). The chunk may have any
//         strides and either byte order; the swap is fused with the copy.
// decode: exactly spec.nbytes() bytes into an array of any strides and
//         either byte order (any other length is a corrupt chunk).
// When `endian` is the machine's order the encoded bytes of a C-contiguous
// chunk are its memory (is_identity_for), so pipelines decode into place.
// https://zarr-specs.readthedocs.io/en/latest/v3/codecs/bytes/index.html
#pragma once

#include <memory>

#include "zarrnative/codec/codec.h"

namespace zarrnative::codec {

// `input` is the chunk's spec (its item size decides whether `endian` is needed).
std::shared_ptr<const ArrayToBytesCodec> make_bytes_codec(const json& config, const ChunkSpec& input);

}  // namespace zarrnative::codec
