// Helpers for the tests of the array -> array and array -> bytes codecs:
// arrays from known bytes, strided copies, and a known-answer check for the
// numcodecs filters.
#pragma once

#include <gtest/gtest.h>

#include <cstring>
#include <functional>
#include <string>
#include <vector>

#include "zarrnative/codec/codec.h"
#include "zarrnative/codec/registry.h"
#include "zarrnative/common/error.h"
#include "zarrnative/ndarray/ndarray.h"

namespace zarrnative::array_codec_test {

using Bytes = std::vector<uint8_t>;
using codec::ChunkSpec;
using codec::json;

// A C-ordered host array of `dtype` and `shape` holding `bytes`.
inline NDArray from_bytes(const DType& dtype, const Shape& shape, const Bytes& bytes) {
  NDArray a = NDArray::empty(dtype, shape);
  EXPECT_EQ(static_cast<size_t>(a.nbytes()), bytes.size());
  if (!bytes.empty() && static_cast<size_t>(a.nbytes()) == bytes.size()) {
    std::memcpy(a.data(), bytes.data(), bytes.size());
  }
  return a;
}

// The elements of `a` (any strides) in C order.
inline Bytes c_bytes(const NDArray& a) {
  NDArray c = NDArray::empty(a.dtype(), a.shape());
  c.copy_from(a);
  const auto* p = static_cast<const uint8_t*>(c.data());
  return Bytes(p, p + c.nbytes());
}

// An uninitialised array whose layout is as far from C order as it gets:
// column-major, every other element of a buffer twice as large in each
// dimension.
inline NDArray strided_empty(const DType& dtype, const Shape& shape) {
  Shape big = shape;
  for (auto& e : big) e *= 2;
  NDArray b = NDArray::empty(dtype, big, BufferKind::kHost, 0, 'F');
  Shape strides = b.strides();
  for (auto& s : strides) s *= 2;
  return NDArray(b.buffer(), dtype, shape, strides, 0, false);
}

// `a`'s elements in the layout of strided_empty().
inline NDArray strided(const NDArray& a) {
  NDArray s = strided_empty(a.dtype(), a.shape());
  s.copy_from(a);
  EXPECT_FALSE(a.size() > 1 && s.is_c_contiguous());
  return s;
}

inline ErrorCode error_code_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const Error& e) {
    return e.code();
  }
  ADD_FAILURE() << "no zarrnative::Error was thrown";
  return ErrorCode::kInternal;
}

// The message of the Error that `f` throws with code `code`.
inline std::string error_message(const std::function<void()>& f, ErrorCode code) {
  try {
    f();
  } catch (const Error& e) {
    EXPECT_EQ(static_cast<int>(e.code()), static_cast<int>(code)) << e.what();
    return e.what();
  }
  ADD_FAILURE() << "no zarrnative::Error was thrown";
  return "";
}

// A known answer written by numcodecs: the codec's get_config(), the chunk
// shape, the input in the decoded type, codec.encode(input) and
// codec.decode(codec.encode(input)).
struct FilterVector {
  const char* config;
  Shape shape;
  Bytes input, encoded, decoded;
};

// Checks an array -> array numcodecs filter against known answers, with
// C-ordered and strided inputs; `decoded_key` / `encoded_key` name the
// config fields holding the two data types.
inline void check_filter_vectors(std::string_view name, const std::vector<FilterVector>& vectors,
                                 const char* decoded_key, const char* encoded_key) {
  for (const FilterVector& v : vectors) {
    SCOPED_TRACE(v.config);
    const json cfg = json::parse(v.config);
    const DType dtype = DType::from_typestr(cfg.at(decoded_key).get<std::string>());
    const DType astype = DType::from_typestr(cfg.at(encoded_key).get<std::string>());
    const ChunkSpec spec{dtype, v.shape, {}};
    auto c = codec::CodecRegistry::builtin().make_array_to_array(name, cfg, spec);
    EXPECT_EQ(c->name(), name);
    EXPECT_EQ(c->to_json(), cfg);
    const ChunkSpec enc_spec = c->encoded_spec(spec);
    EXPECT_EQ(enc_spec.dtype, astype);
    EXPECT_EQ(enc_spec.shape, v.shape);

    const NDArray x = from_bytes(dtype, v.shape, v.input);
    NDArray enc = c->encode(x);
    EXPECT_EQ(enc.dtype(), astype);
    EXPECT_EQ(enc.shape(), v.shape);
    EXPECT_EQ(c_bytes(enc), v.encoded);
    EXPECT_EQ(c_bytes(c->encode(strided(x))), v.encoded);

    const NDArray e = from_bytes(astype, v.shape, v.encoded);
    for (const NDArray& in : {e, strided(e)}) {
      NDArray dec = c->decode(in, spec);
      EXPECT_EQ(dec.dtype(), dtype);
      EXPECT_EQ(dec.shape(), v.shape);
      EXPECT_EQ(c_bytes(dec), v.decoded);
    }
    // The config without its "id" makes the same codec.
    json bare = cfg;
    bare.erase("id");
    EXPECT_EQ(codec::CodecRegistry::builtin().make_array_to_array(name, bare, spec)->to_json(), cfg);
  }
}

}  // namespace zarrnative::array_codec_test
