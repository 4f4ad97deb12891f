#include "zarrnative/ndarray/ndarray.h"

#include <cstring>
#include <string>

#include "zarrnative/common/error.h"
#include "zarrnative/cuda/runtime.h"

namespace zarrnative {
namespace {

std::string shape_string(const Shape& s) {
  std::string out = "(";
  for (size_t i = 0; i < s.size(); ++i) out += (i ? ", " : "") + std::to_string(s[i]);
  return out + (s.size() == 1 ? ",)" : ")");
}

bool is_contiguous(const Shape& shape, const Shape& strides, int64_t itemsize, bool c_order) {
  int64_t expected = itemsize;
  int n = static_cast<int>(shape.size());
  for (int k = 0; k < n; ++k) {
    int i = c_order ? n - 1 - k : k;
    if (shape[i] == 0) return true;
    if (shape[i] != 1 && strides[i] != expected) return false;
    expected *= shape[i];
  }
  return true;
}

}  // namespace

NDArray::NDArray(std::shared_ptr<Buffer> buffer, DType dtype, Shape shape, Shape byte_strides,
                 int64_t byte_offset, bool readonly)
    : buffer_(std::move(buffer)), dtype_(dtype), shape_(std::move(shape)),
      strides_(std::move(byte_strides)), offset_(byte_offset), readonly_(readonly) {
  check(buffer_ != nullptr, ErrorCode::kInvalidArgument, "NDArray needs a buffer");
  check(shape_.size() == strides_.size(), ErrorCode::kInvalidArgument, [&] {
    return "NDArray shape " + shape_string(shape_) + " and strides " + shape_string(strides_) + " differ in length";
  });
  check(static_cast<int>(shape_.size()) <= kMaxDims, ErrorCode::kInvalidArgument, [&] {
    return "NDArray has " + std::to_string(shape_.size()) + " dimensions; at most " + std::to_string(kMaxDims) +
           " are supported";
  });
  readonly_ = readonly_ || buffer_->readonly();
  // Every addressable byte must lie in the buffer: the lowest and highest
  // element addresses, relative to the start of the buffer.
  int64_t lo = offset_, hi = offset_;
  bool empty = false;
  for (size_t i = 0; i < shape_.size(); ++i) {
    check(shape_[i] >= 0, ErrorCode::kInvalidArgument,
          [&] { return "NDArray shape " + shape_string(shape_) + " has a negative extent"; });
    if (shape_[i] == 0) empty = true;
    __int128 span = static_cast<__int128>(strides_[i]) * (shape_[i] > 0 ? shape_[i] - 1 : 0);
    check(span < (static_cast<__int128>(1) << 62) && span > -(static_cast<__int128>(1) << 62),
          ErrorCode::kInvalidArgument, "NDArray strides overflow");
    if (span < 0) lo += static_cast<int64_t>(span); else hi += static_cast<int64_t>(span);
  }
  if (!empty) {
    check(lo >= 0 && hi + dtype_.itemsize() <= static_cast<int64_t>(buffer_->size()), ErrorCode::kOutOfRange, [&] {
      return "NDArray of shape " + shape_string(shape_) + ", strides " + shape_string(strides_) + " and offset " +
             std::to_string(offset_) + " reaches bytes [" + std::to_string(lo) + ", " +
             std::to_string(hi + dtype_.itemsize()) + ") of a buffer of " + std::to_string(buffer_->size()) + " bytes";
    });
  }
}

Shape NDArray::c_strides(const Shape& shape, int64_t itemsize) {
  Shape s(shape.size());
  int64_t acc = itemsize;
  for (size_t k = shape.size(); k-- > 0;) {
    s[k] = acc;
    acc *= shape[k] > 0 ? shape[k] : 1;
  }
  return s;
}

Shape NDArray::f_strides(const Shape& shape, int64_t itemsize) {
  Shape s(shape.size());
  int64_t acc = itemsize;
  for (size_t k = 0; k < shape.size(); ++k) {
    s[k] = acc;
    acc *= shape[k] > 0 ? shape[k] : 1;
  }
  return s;
}

NDArray NDArray::empty(DType dtype, const Shape& shape, BufferKind kind, int device, char order) {
  check(order == 'C' || order == 'F', ErrorCode::kInvalidArgument,
        [&] { return std::string("order must be 'C' or 'F', not '") + order + "'"; });
  __int128 n = dtype.itemsize();
  for (int64_t e : shape) {
    check(e >= 0, ErrorCode::kInvalidArgument, [&] { return "negative extent in shape " + shape_string(shape); });
    n *= e;
    check(n < (static_cast<__int128>(1) << 56), ErrorCode::kInvalidArgument,
          [&] { return "shape " + shape_string(shape) + " is too large to allocate"; });
  }
  check(!dtype.is_vlen() || host_accessible(kind), ErrorCode::kTypeError, [&] {
    return dtype.zarr_v3_name() + " arrays hold pointers to host memory and cannot live in " + to_string(kind) +
           " memory";
  });
  auto buffer = Buffer::allocate(static_cast<size_t>(n), kind, device);
  // String and bytes items must never be garbage pointers: all-zero is "".
  if (dtype.is_vlen()) std::memset(buffer->data(), 0, buffer->size());
  Shape strides = order == 'C' ? c_strides(shape, dtype.itemsize()) : f_strides(shape, dtype.itemsize());
  return NDArray(std::move(buffer), dtype, shape, std::move(strides), 0, false);
}

int64_t NDArray::size() const {
  int64_t n = 1;
  for (int64_t e : shape_) n *= e;
  return n;
}

bool NDArray::is_c_contiguous() const { return is_contiguous(shape_, strides_, itemsize(), true); }
bool NDArray::is_f_contiguous() const { return is_contiguous(shape_, strides_, itemsize(), false); }

NDArray NDArray::with_dtype(DType dtype) const {
  check(dtype.itemsize() == dtype_.itemsize(), ErrorCode::kInvalidArgument,
        [&] { return "with_dtype: item sizes differ (" + dtype_.typestr() + " -> " + dtype.typestr() + ")"; });
  check((!dtype.is_vlen() && !dtype_.is_vlen()) || dtype.kind() == dtype_.kind(), ErrorCode::kTypeError, [&] {
    return "with_dtype: cannot reinterpret " + dtype_.zarr_v3_name() + " as " + dtype.zarr_v3_name() +
           " (string and bytes items are pointers)";
  });
  NDArray out = *this;
  out.dtype_ = dtype;
  return out;
}

NDArray NDArray::to(BufferKind kind, int device, bool force_copy) const {
  bool same_place = this->kind() == kind && (kind != BufferKind::kDevice || this->device() == device);
  if (same_place && !force_copy) return *this;
  NDArray out = empty(dtype_, shape_, kind, device, 'C');
  out.copy_from(*this);
  return out;
}

void NDArray::copy_from(const NDArray& src) {
  check(!readonly_, ErrorCode::kInvalidArgument, "copy into a read-only NDArray");
  check(src.shape_ == shape_, ErrorCode::kInvalidArgument,
        [&] { return "copy between shapes " + shape_string(src.shape_) + " and " + shape_string(shape_); });
  check(src.dtype_ == dtype_, ErrorCode::kTypeError,
        [&] { return "copy between dtypes " + src.dtype_.typestr() + " and " + dtype_.typestr(); });
  if (size() == 0) return;
  const int n = ndim();
  const int64_t isz = itemsize();
  if (dtype_.is_vlen()) {
    check(host_accessible(src.kind()) && host_accessible(kind()), ErrorCode::kTypeError,
          [&] { return "copy of " + dtype_.zarr_v3_name() + " items needs host memory on both sides"; });
    // The copied items point into the source's heaps: keep them alive.
    if (src.buffer_ != buffer_) {
      for (auto& heap : src.buffer_->attachments()) buffer_->attach(std::move(heap));
    }
  }
  const bool src_host = host_accessible(src.kind()), dst_host = host_accessible(kind());
  if (src.kind() == BufferKind::kDevice) cuda::synchronize_stream(src.stream(), src.device());
  if (kind() == BufferKind::kDevice) cuda::synchronize_stream(stream_, device());

  if (src_host && dst_host) {
    strided_copy_host(data(), strides_.data(), src.data(), src.strides_.data(), shape_.data(), n, isz);
    return;
  }
  const int dev = kind() == BufferKind::kDevice ? device() : src.device();
  const bool same_layout = (is_c_contiguous() && src.is_c_contiguous()) ||
                           (is_f_contiguous() && src.is_f_contiguous());
  if (same_layout) {  // one DMA transfer
    cuda::copy(data(), src.data(), static_cast<size_t>(nbytes()), dev);
    return;
  }
  if (!src_host && !dst_host && src.device() == device()) {  // gather/scatter kernel on the device
    cuda::strided_copy_device(data(), strides_.data(), src.data(), src.strides_.data(), shape_.data(), n,
                              isz, dev);
    return;
  }
  // Mixed strided layouts across the bus: stage through a compact copy on the
  // side that is strided, so that exactly one bus transfer moves nbytes.
  if (!src.is_c_contiguous()) {
    NDArray compact = empty(dtype_, shape_, src.kind(), src.device(), 'C');
    compact.copy_from(src);
    copy_from(compact);
    return;
  }
  NDArray staged = empty(dtype_, shape_, src.kind() == BufferKind::kDevice ? BufferKind::kHost : kind(),
                         device(), 'C');
  staged.copy_from(src);  // the bus transfer, C order to C order
  copy_from(staged);      // strided, on the destination's side
}

}  // namespace zarrnative
