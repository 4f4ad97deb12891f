// zarrnative: byte views and an owned byte buffer for encoded chunks.
//
// ByteView / MutableByteView are plain spans. ByteBuffer owns a block of
// uninitialised bytes (resizing never zero-fills: decoders overwrite every
// byte they report), 64-byte aligned, growable.
//
//   ByteBuffer out;
//   out.resize(bound);               // room for the worst case
//   size_t n = compress(out.data(), bound, ...);
//   out.resize(n);                   // shrink: keeps the bytes, never reallocates
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <algorithm>
#include <new>
#include <span>
#include <utility>

#include "zarrnative/common/big_alloc.h"

namespace zarrnative {

using ByteView = std::span<const uint8_t>;
using MutableByteView = std::span<uint8_t>;

class ByteBuffer {
 public:
  ByteBuffer() = default;
  explicit ByteBuffer(size_t size) { resize(size); }
  ByteBuffer(ByteView bytes) { assign(bytes); }
  ByteBuffer(const ByteBuffer& o) { assign(o.view()); }
  ByteBuffer& operator=(const ByteBuffer& o) {
    if (this != &o) assign(o.view());
    return *this;
  }
  ByteBuffer(ByteBuffer&& o) noexcept
      : data_(std::exchange(o.data_, nullptr)), size_(std::exchange(o.size_, 0)),
        capacity_(std::exchange(o.capacity_, 0)) {}
  ByteBuffer& operator=(ByteBuffer&& o) noexcept {
    std::swap(data_, o.data_);
    std::swap(size_, o.size_);
    std::swap(capacity_, o.capacity_);
    return *this;
  }
  ~ByteBuffer() { big_free(data_, capacity_); }

  uint8_t* data() { return data_; }
  const uint8_t* data() const { return data_; }
  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  ByteView view() const { return {data_, size_}; }
  MutableByteView mutable_view() { return {data_, size_}; }

  // Grows capacity as needed, keeping the first min(size, n) bytes; new
  // bytes are uninitialised.
  void resize(size_t n) {
    if (n > capacity_) reserve(n);
    size_ = n;
  }
  void reserve(size_t n) {
    if (n <= capacity_) return;
    size_t cap = 0;
    auto* p = static_cast<uint8_t*>(big_alloc(n, 64, cap));
    if (size_) std::memcpy(p, data_, size_);
    big_free(data_, capacity_);
    data_ = p;
    capacity_ = cap;
  }
  void assign(ByteView bytes) {
    resize(bytes.size());
    if (!bytes.empty()) std::memcpy(data_, bytes.data(), bytes.size());
  }
  void append(ByteView bytes) {
    size_t old = size_;
    if (old + bytes.size() > capacity_) reserve(std::max(old + bytes.size(), capacity_ * 2));
    size_ = old + bytes.size();
    if (!bytes.empty()) std::memcpy(data_ + old, bytes.data(), bytes.size());
  }
  void clear() { size_ = 0; }

 private:
  uint8_t* data_ = nullptr;
  size_t size_ = 0;
  size_t capacity_ = 0;
};

}  // namespace zarrnative
