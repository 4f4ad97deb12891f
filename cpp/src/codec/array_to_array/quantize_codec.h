// zarrnative: the numcodecs "quantize" and "bitround" filters (lossy), array
// -> array codecs.
//
// quantize {"id": "quantize", "digits": 2, "dtype": "<f8", "astype": "<f4"}
//   encode: with scale = 2^ceil(log2(10^-e)), e = log10(10^-digits) rounded
//   away from zero, x -> rint(x * scale) / scale, computed in `dtype` as numpy
//   does, then cast to `astype` (default: dtype). decode: cast back to
//   `dtype`. Both types floats.
// bitround {"id": "bitround", "keepbits": 7}
//   encode: the float's mantissa rounded (to nearest, ties to even) to its
//   `keepbits` leading bits, on the bits of the same-width integer; decode:
//   nothing. float16/32/64 arrays, 0 <= keepbits <= the mantissa's bits.
// https://numcodecs.readthedocs.io/en/stable/filter/quantize.html
// https://numcodecs.readthedocs.io/en/stable/filter/bitround.html
#pragma once

#include <memory>

#include "zarrnative/codec/codec.h"

namespace zarrnative::codec {

std::shared_ptr<const ArrayToArrayCodec> make_quantize_codec(const json& config, const ChunkSpec& input);
std::shared_ptr<const ArrayToArrayCodec> make_bitround_codec(const json& config, const ChunkSpec& input);

}  // namespace zarrnative::codec
