// zarrnative: the numcodecs "delta" filter (Zarr v2), an array -> array codec.
//
// Configuration (numcodecs form; the "id" may be present or not):
//   {"id": "delta", "dtype": "<i4", "astype": "<i2"}
//   dtype   the decoded data type, a numpy typestr (required);
//   astype  the encoded data type (default: dtype).
// encode: out[0] = in[0], out[i] = in[i] - in[i-1] over the chunk flattened
//         in C order, computed in `dtype` (integers wrap) and cast to
//         `astype` as numpy's astype does;
// decode: the running sum, accumulated in numpy.result_type(astype, dtype) and
//         cast to `dtype` (what np.cumsum(enc, out=dec) does).
// Booleans are refused: numpy's diff of booleans is XOR and its cumsum OR, so
// numcodecs' Delta does not round-trip them.
// https://numcodecs.readthedocs.io/en/stable/filter/delta.html
#pragma once

#include <memory>

#include "zarrnative/codec/codec.h"

namespace zarrnative::codec {

// `input` is the chunk's spec: dtype must have its item size.
std::shared_ptr<const ArrayToArrayCodec> make_delta_codec(const json& config, const ChunkSpec& input);

}  // namespace zarrnative::codec
