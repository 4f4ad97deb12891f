// zarrnative: the numcodecs "astype" filter (Zarr v2), an array -> array codec.
//
// Configuration (numcodecs form; the "id" may be present or not):
//   {"id": "astype", "encode_dtype": "<f4", "decode_dtype": "<f8"}
//   both numpy typestrs, both required.
// encode: x.astype(encode_dtype); decode: y.astype(decode_dtype), with
// numpy's casting: float -> int truncates toward zero, integers wrap, complex
// -> real drops the imaginary part, anything -> bool is "!= 0".
// https://numcodecs.readthedocs.io/en/stable/filter/astype.html
#pragma once

#include <memory>

#include "zarrnative/codec/codec.h"

namespace zarrnative::codec {

// `input` is the chunk's spec: decode_dtype must have its item size.
std::shared_ptr<const ArrayToArrayCodec> make_astype_codec(const json& config, const ChunkSpec& input);

}  // namespace zarrnative::codec
