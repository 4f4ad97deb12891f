// zarrnative: the core's error type.
//
// Every failure in the core is a zarrnative::Error carrying an ErrorCode. The
// code says what kind of fault it is, so that the Python bindings can map it
// onto the exception type a zarr-python user expects (see the table in
// cpp/bindings/errors.cpp), and C++ callers can branch on it.
//
//   try { arr = NDArray::empty(dtype, shape, BufferKind::kDevice); }
//   catch (const zarrnative::Error& e) {
//     if (e.code() == ErrorCode::kDeviceUnavailable) { /* fall back to host */ }
//   }
//
// Messages name the object, the value and what was wrong with it.
#pragma once

#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>

namespace zarrnative {

enum class ErrorCode {
  kInvalidArgument,    // a caller passed a bad value (Python: ValueError)
  kTypeError,          // a value of the wrong type / unsupported dtype (TypeError)
  kBufferError,        // an export or import of memory that cannot be honoured (BufferError)
  kDeviceUnavailable,  // no CUDA build, driver or device (RuntimeError)
  kCudaError,          // a CUDA call failed (RuntimeError)
  kOutOfRange,         // an index or region outside an array (IndexError)
  kCodecConfig,        // an unknown codec, bad parameters or a bad codec order (CodecConfigError, a ValueError)
  kCorruptChunk,       // encoded bytes a codec cannot decode (CorruptChunkError, a ValueError)
  kNodeNotFound,       // no array / group at a path (ArrayNotFoundError, a FileNotFoundError)
  kContainsArray,      // creating where an array exists (ContainsArrayError)
  kContainsGroup,      // creating where a group exists (ContainsGroupError)
  kIoError,            // a store's system call failed: permissions, disk full, not a directory (OSError)
  kMetadata,           // invalid or unsupported array/group metadata (MetadataValidationError, a ValueError)
  kInternal,           // a broken invariant inside zarrnative (RuntimeError)
};

class Error : public std::runtime_error {
 public:
  Error(ErrorCode code, const std::string& message)
      : std::runtime_error(message), code_(code) {}
  ErrorCode code() const noexcept { return code_; }

 private:
  ErrorCode code_;
};

// Throws Error(code, message) when `condition` is false.
inline void check(bool condition, ErrorCode code, std::string_view message) {
  if (!condition) [[unlikely]] throw Error(code, std::string(message));
}

// The same, with a message that is only built when the check fails: checks on
// every chunk or element path take one, so that passing costs no strings.
//   check(a.shape() == b, ErrorCode::kInvalidArgument, [&] { return "shape " + shape_string(a.shape()); });
template <typename MakeMessage, typename = std::enable_if_t<std::is_invocable_v<MakeMessage>>>
inline void check(bool condition, ErrorCode code, MakeMessage&& make_message) {
  if (!condition) [[unlikely]] throw Error(code, std::string(make_message()));
}

}  // namespace zarrnative
