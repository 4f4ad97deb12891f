// zarrnative: the numcodecs "fixedscaleoffset" filter (Zarr v2), an
// array -> array codec.
//
// Configuration (numcodecs form; the "id" may be present or not):
//   {"id": "fixedscaleoffset", "offset": 1000, "scale": 10,
//    "dtype": "<f8", "astype": "<u2"}
//   offset, scale  numbers (required); integers and floats differ, as Python
//                  ints and floats do in numpy 2 (NEP 50): with an integer
//                  dtype, integer parameters keep the arithmetic in dtype
//                  (wrapping), a float parameter moves it to float64;
//   dtype          the decoded data type, a numpy typestr (required);
//   astype         the encoded data type (default: dtype).
// encode: np.around((x - offset) * scale).astype(astype)  (round half to even)
// decode: (y / scale + offset).astype(dtype), in float64 for an integer
//         astype, in astype itself for a float one.
// https://numcodecs.readthedocs.io/en/stable/filter/fixedscaleoffset.html
#pragma once

#include <memory>

#include "zarrnative/codec/codec.h"

namespace zarrnative::codec {

// `input` is the chunk's spec: dtype must have its item size.
std::shared_ptr<const ArrayToArrayCodec> make_fixedscaleoffset_codec(const json& config, const ChunkSpec& input);

}  // namespace zarrnative::codec
