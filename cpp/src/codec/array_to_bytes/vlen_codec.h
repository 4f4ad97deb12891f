// zarrnative: the "vlen-utf8" and "vlen-bytes" codecs (array -> bytes) for
// variable-length strings and byte strings.
//
// Configuration: {} in Zarr v3 ({"name": "vlen-utf8", "configuration": {}});
// the numcodecs filter form {"id": "vlen-utf8"} of Zarr v2 ('|O' arrays) too.
// vlen-utf8 serialises arrays of data type "string", vlen-bytes arrays of
// "variable_length_bytes" (elements: VlenItem, common/vlen.h).
//
// Encoded form (numcodecs VLenUTF8 / VLenBytes; the zarr-extensions spec):
//   uint32 LE  number of items
//   per item, in C order: uint32 LE byte length, then the bytes
// vlen-utf8 requires valid UTF-8 both ways: encode refuses invalid text
// (kInvalidArgument), decode refuses it as Python's strict decoder does
// (kCorruptChunk). Bytes after the last item are ignored, as numcodecs does.
//
// decode copies the chunk's items into one heap, writes VlenItems pointing
// into it into the destination (any strides) and attaches the heap to the
// destination's Buffer. It allocates at most the input's size, whatever
// the header claims. encoded_size() is unknown.
// https://github.com/zarr-developers/zarr-extensions/tree/main/codecs/vlen-utf8
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string_view>
#include <vector>

#include "zarrnative/codec/codec.h"

namespace zarrnative::codec {

// `input` is the chunk's spec; its data type must be "string".
std::shared_ptr<const ArrayToBytesCodec> make_vlen_utf8_codec(const json& config, const ChunkSpec& input);
// `input` is the chunk's spec; its data type must be "variable_length_bytes".
std::shared_ptr<const ArrayToBytesCodec> make_vlen_bytes_codec(const json& config, const ChunkSpec& input);

// Writes `value` (the fill value's bytes: UTF-8 text for "string") into
// every element of `out` (a string or bytes array in host memory, any
// strides). A non-empty value goes into one heap attached to out's buffer;
// the empty value writes all-zero items. Used by fill_chunk().
void fill_vlen(NDArray& out, ByteView value);

// True when [p, p + n) is well-formed UTF-8 (no overlong forms, no
// surrogates, nothing above U+10FFFF): what Python's strict decoder accepts.
bool is_valid_utf8(const uint8_t* p, size_t n);

// UTF-8 text -> code points; nullopt for text is_valid_utf8 refuses.
std::optional<std::vector<uint32_t>> utf8_code_points(std::string_view s);

}  // namespace zarrnative::codec
