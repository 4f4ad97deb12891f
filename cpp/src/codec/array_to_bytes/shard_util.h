// Helpers shared by the sharding codec's sources. Private.
#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include "zarrnative/codec/sharding.h"
#include "zarrnative/common/error.h"

namespace zarrnative::codec {

// "(1, 2, 3)"
inline std::string shape_text(const Shape& s) {
  std::string out = "(";
  for (size_t i = 0; i < s.size(); ++i) out += (i ? ", " : "") + std::to_string(s[i]);
  return out + (s.size() == 1 ? ",)" : ")");
}

// The box [start, start + shape) of `a`, as a view sharing its buffer and strides.
inline NDArray sub_view(const NDArray& a, const Shape& start, const Shape& shape) {
  int64_t offset = a.byte_offset();
  for (size_t d = 0; d < start.size(); ++d) offset += start[d] * a.strides()[d];
  return NDArray(a.buffer(), a.dtype(), shape, a.strides(), offset, a.readonly());
}

// Runs fn(i) for i in [0, n) on `pool`. Every item runs; the failure of the
// lowest item is rethrown with its code, naming the codec and the inner
// chunk: "sharding_indexed: inner chunk (0, 1): zstd: ...". `chunk_of(i)`
// gives item i's C-order inner chunk index (identity when absent).
inline void run_inner_chunks(const ShardingCodec& codec, size_t n, ThreadPool& pool,
                             const std::function<void(size_t)>& fn,
                             const std::function<size_t(size_t)>& chunk_of = {}) {
  if (auto failed = parallel_for_first_failure(pool, n, fn)) {
    size_t chunk = chunk_of ? chunk_of(failed->index) : failed->index;
    throw Error(failed->code, std::string(codec.name()) + ": inner chunk " + shape_text(codec.chunk_coords(chunk)) +
                                  ": " + failed->message);
  }
}

}  // namespace zarrnative::codec
