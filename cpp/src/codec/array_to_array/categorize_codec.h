// zarrnative: the numcodecs "categorize" filter (Zarr v2), an array -> array
// codec that stores fixed-length strings from a known list as integer codes.
//
//   {"id": "categorize", "labels": ["female", "male"], "dtype": "<U6", "astype": "|u1"}
//   labels: strings, required; dtype: a numpy "U" typestr, required;
//   astype: an integer typestr, "|u1" when absent.
// encode: the chunk's bytes read as items of `dtype` (numpy's view: a "<U3"
//         chunk read as "<U1" gives three items per element), flattened in C
//         order; each item becomes 1 + the index of the last label equal to
//         it (trailing NULs ignored, as numpy compares strings), 0 when none.
// decode: each code 1..n becomes its label (cut to `dtype`'s length, as numpy
//         stores it), any other code the empty string.
// Object ("|O") dtypes are refused: zarr-python 3 stores no such arrays.
// https://numcodecs.readthedocs.io/en/stable/filter/categorize.html
#pragma once

#include <memory>

#include "zarrnative/codec/codec.h"

namespace zarrnative::codec {

// `input` is the chunk's spec: a fixed-length string type whose item size is
// a multiple of `dtype`'s.
std::shared_ptr<const ArrayToArrayCodec> make_categorize_codec(const json& config, const ChunkSpec& input);

}  // namespace zarrnative::codec
