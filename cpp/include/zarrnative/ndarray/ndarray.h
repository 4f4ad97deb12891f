// zarrnative: NDArray, the one array type the core passes around.
//
// An NDArray is a strided view (dtype, shape, byte strides, byte offset) of a
// shared Buffer that lives on the host, in pinned host memory or on a CUDA
// device. Views share their buffer; copying bytes is always explicit.
//
// Typical usage:
//   1. Allocate a destination:   auto out = NDArray::empty(DType::from_typestr("<u2"), {64, 64, 64});
//   2. Fill it (a decoder writes to out.data(), or out.copy_from(other) does a
//      strided copy between any two memory kinds).
//   3. Move it:                  auto on_gpu = out.to(BufferKind::kDevice, 0);
//
// Invariants checked by the constructor: every element the view can address
// lies inside the buffer, so no later access through the view is out of
// bounds.
//
// Producer stream: a device NDArray may carry the CUDA stream on which work
// writing it is still pending (0: none). Consumers wait on it (see
// cuda::stream_wait) before touching the data; copies synchronise it.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "zarrnative/common/dtype.h"
#include "zarrnative/ndarray/buffer.h"

namespace zarrnative {

using Shape = std::vector<int64_t>;

// At most this many dimensions (the DLPack and numpy limit is 64; numpy's 2.x
// limit is 64 too).
inline constexpr int kMaxDims = 64;

class NDArray {
 public:
  NDArray(std::shared_ptr<Buffer> buffer, DType dtype, Shape shape, Shape byte_strides,
          int64_t byte_offset, bool readonly);

  // A new, uninitialised array; order 'C' (row-major) or 'F' (column-major).
  // String and bytes arrays (host memory only) are zero-filled instead: every
  // item is the empty string.
  static NDArray empty(DType dtype, const Shape& shape, BufferKind kind = BufferKind::kHost,
                       int device = 0, char order = 'C');
  static Shape c_strides(const Shape& shape, int64_t itemsize);
  static Shape f_strides(const Shape& shape, int64_t itemsize);

  const std::shared_ptr<Buffer>& buffer() const { return buffer_; }
  const DType& dtype() const { return dtype_; }
  const Shape& shape() const { return shape_; }
  const Shape& strides() const { return strides_; }  // in bytes
  int64_t byte_offset() const { return offset_; }
  int ndim() const { return static_cast<int>(shape_.size()); }
  int64_t size() const;  // number of elements
  int64_t itemsize() const { return dtype_.itemsize(); }
  int64_t nbytes() const { return size() * itemsize(); }
  BufferKind kind() const { return buffer_->kind(); }
  int device() const { return buffer_->device(); }
  bool readonly() const { return readonly_; }
  bool is_c_contiguous() const;
  bool is_f_contiguous() const;

  // Address of element (0, ..., 0).
  void* data() const { return static_cast<char*>(buffer_->data()) + offset_; }

  uintptr_t stream() const { return stream_; }
  void set_stream(uintptr_t stream) { stream_ = stream; }

  // A copy in another kind of memory (C order). Returns a view of *this when
  // it already is of that kind, on that device, unless `force_copy`.
  NDArray to(BufferKind kind, int device = 0, bool force_copy = false) const;

  // Copies the elements of `src` (same shape, same dtype) into this array,
  // whatever the strides and memory kinds of both. Throws on a read-only
  // destination. String and bytes items are copied as items (host memory
  // only), and this array's buffer then keeps the source buffer's
  // attachments (the heaps the items point into) alive.
  void copy_from(const NDArray& src);

  // The same bytes reinterpreted as `dtype` of the same itemsize (used to
  // swap byte order labels after an explicit byte swap). Never turns values
  // into string or bytes items, or the other way round (kTypeError).
  NDArray with_dtype(DType dtype) const;

 private:
  std::shared_ptr<Buffer> buffer_;
  DType dtype_;
  Shape shape_;
  Shape strides_;
  int64_t offset_;
  bool readonly_;
  uintptr_t stream_ = 0;
};

// Copies an n-d strided region between two host-accessible memory areas.
// Strides are in bytes and may be negative; dimensions are coalesced first so
// contiguous runs become one memcpy.
void strided_copy_host(void* dst, const int64_t* dst_strides, const void* src,
                       const int64_t* src_strides, const int64_t* shape, int ndim,
                       int64_t itemsize);

}  // namespace zarrnative
