// zarrnative: the element of a variable-length string or bytes array.
//
// An NDArray of DTypeKind::kString (UTF-8 text) or DTypeKind::kBytes holds
// one VlenItem per element: a pointer and a length into a byte heap. The
// heap is kept alive by the array's Buffer (Buffer::attach), so items stay
// valid for as long as any view of the array lives:
//
//   auto heap = std::make_shared<ByteBuffer>(ByteView(text, n));
//   NDArray a = NDArray::empty(DType(DTypeKind::kString, 16), {1});   // zeroed: ""
//   *static_cast<VlenItem*>(a.data()) = {heap->data(), heap->size()};
//   a.buffer()->attach(heap);
//
// The all-zero item {nullptr, 0} is the empty string: NDArray::empty
// zero-fills string and bytes arrays, and decoders write every empty item
// that way. Compare items by content (view()), never by their bytes.
#pragma once

#include <cstdint>
#include <string_view>

namespace zarrnative {

struct VlenItem {
  const uint8_t* data;
  uint64_t size;

  std::string_view view() const {
    return size == 0 ? std::string_view() : std::string_view(reinterpret_cast<const char*>(data), size);
  }
};

static_assert(sizeof(VlenItem) == 16, "a VlenItem is the 16-byte element of string and bytes arrays");

// The item size of DTypeKind::kString and DTypeKind::kBytes.
inline constexpr uint32_t kVlenItemSize = sizeof(VlenItem);

}  // namespace zarrnative
