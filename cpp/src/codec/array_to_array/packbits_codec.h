// zarrnative: the numcodecs "packbits" filter, an array -> array codec that
// packs a chunk of booleans into bits.
//
//   {"id": "packbits"}   (v3: {"name": "numcodecs.packbits"})
// encode: the chunk flattened in C order becomes a 1-d uint8 array of
//         1 + ceil(n / 8) bytes: the number of padding bits in the last byte
//         (0..7), then the bits, the first element in the highest bit of the
//         first byte (numpy.packbits). Nonzero items are 1 bits.
// decode: the bits back into items of 0 and 1 of the chunk's shape; a header
//         or length that does not fit the chunk is a corrupt chunk.
// Takes 1-byte data types: bool, and int8/uint8 in v2 as numcodecs packs
// them ("numcodecs.packbits" in v3 takes bool only, as zarr-python checks).
// https://numcodecs.readthedocs.io/en/stable/filter/packbits.html
#pragma once

#include <memory>

#include "zarrnative/codec/codec.h"

namespace zarrnative::codec {

std::shared_ptr<const ArrayToArrayCodec> make_packbits_codec(const json& config, const ChunkSpec& input);

}  // namespace zarrnative::codec
