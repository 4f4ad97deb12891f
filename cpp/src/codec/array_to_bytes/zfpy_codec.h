// zarrnative: numcodecs' ZFPY codec (zfp), an array -> bytes codec: the
// compressor "zfpy" of Zarr v2 arrays, "numcodecs.zfpy" in Zarr v3.
//
//   {"id": "zfpy", "mode": 4, "tolerance": 0.01, "rate": -1, "precision": -1}
// mode 4 (fixed accuracy) takes "tolerance", 2 (fixed rate) "rate" (bits per
// value), 3 (fixed precision) "precision" (bit planes); a negative value, as
// numcodecs' defaults are, means reversible (lossless) compression, which
// mode 5 asks for as well. "compression_kwargs" (written by numcodecs) is
// ignored.
// encode: zfpy.compress_numpy's stream: a full zfp header (scalar type,
//         dimensions, mode), then the compressed blocks of the chunk in C
//         order, its last dimension zfp's x. int32, int64, float32 and float64
//         chunks of 1 to 4 dimensions, in the machine's byte order.
// decode: the header must name the chunk's type and hold its number of
//         elements; the stream is decoded from a zero-padded copy as long as
//         the header's worst case, so a lying stream never reads past it.
// https://numcodecs.readthedocs.io/en/stable/compression/zfpy.html
#pragma once

#include <memory>

#include "zarrnative/codec/codec.h"

namespace zarrnative::codec {

std::shared_ptr<const ArrayToBytesCodec> make_zfpy_codec(const json& config, const ChunkSpec& input);

}  // namespace zarrnative::codec
