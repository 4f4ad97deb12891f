// Internal helpers shared by the stores.
#pragma once

#include <algorithm>
#include <cstdint>
#include <string_view>
#include <utility>

#include "zarrnative/store/store.h"

namespace zarrnative::store::detail {

// A range clamped to an object of `size` bytes: [first, second).
inline std::pair<uint64_t, uint64_t> clamp(const ByteRange& r, uint64_t size) {
  if (r.suffix) return {size - std::min(r.length, size), size};
  uint64_t start = std::min(r.offset, size);
  uint64_t end = start + std::min(r.length, size - start);
  return {start, end};
}

inline ByteBuffer slice(ByteView object, const ByteRange& r) {
  auto [start, end] = clamp(r, object.size());
  return ByteBuffer(object.subspan(start, end - start));
}

// "a/b" under prefix "a" (already validated, no trailing '/'); "" holds all.
inline bool under(std::string_view key, std::string_view prefix) {
  return prefix.empty() || (key.size() > prefix.size() && key.starts_with(prefix) && key[prefix.size()] == '/');
}

}  // namespace zarrnative::store::detail
