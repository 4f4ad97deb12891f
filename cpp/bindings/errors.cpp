// Translates zarrnative::Error into the Python exception a user expects.
//
//   ErrorCode            Python
//   kInvalidArgument     ValueError
//   kTypeError           TypeError
//   kBufferError         BufferError
//   kDeviceUnavailable   _core.DeviceUnavailableError (a RuntimeError)
//   kCudaError           _core.CudaError (a RuntimeError)
//   kOutOfRange          IndexError
//   kCodecConfig         _core.CodecConfigError (a CodecError, a ValueError)
//   kCorruptChunk        _core.CorruptChunkError (a CodecError, a ValueError)
//   kIoError             OSError
//   kMetadata            _core.MetadataValidationError (a ValueError; zarr-python's name),
//                        also reachable as _core.MetadataError
//   kInternal            RuntimeError
#include "bindings.h"
#include "zarrnative/common/error.h"

namespace zarrnative::bindings {
namespace {
PyObject* device_unavailable_error = nullptr;
PyObject* cuda_error = nullptr;
PyObject* codec_config_error = nullptr;
PyObject* corrupt_chunk_error = nullptr;
PyObject* metadata_error = nullptr;

PyObject* python_type(ErrorCode code) {
  switch (code) {
    case ErrorCode::kInvalidArgument: return PyExc_ValueError;
    case ErrorCode::kTypeError: return PyExc_TypeError;
    case ErrorCode::kBufferError: return PyExc_BufferError;
    case ErrorCode::kDeviceUnavailable: return device_unavailable_error;
    case ErrorCode::kCudaError: return cuda_error;
    case ErrorCode::kOutOfRange: return PyExc_IndexError;
    case ErrorCode::kCodecConfig: return codec_config_error;
    case ErrorCode::kCorruptChunk: return corrupt_chunk_error;
    case ErrorCode::kIoError: return PyExc_OSError;
    case ErrorCode::kMetadata: return metadata_error;
    case ErrorCode::kInternal: return PyExc_RuntimeError;
  }
  return PyExc_RuntimeError;
}
}  // namespace

void init_errors(nb::module_& m) {
  device_unavailable_error = PyErr_NewExceptionWithDoc(
      "zarrnative._core.DeviceUnavailableError",
      "No CUDA device can be used: no CUDA build, no driver or no GPU.", PyExc_RuntimeError, nullptr);
  cuda_error = PyErr_NewExceptionWithDoc("zarrnative._core.CudaError", "A CUDA call failed.",
                                         PyExc_RuntimeError, nullptr);
  PyObject* codec_error = PyErr_NewExceptionWithDoc(
      "zarrnative._core.CodecError", "A codec's configuration or data is wrong.", PyExc_ValueError, nullptr);
  codec_config_error = PyErr_NewExceptionWithDoc(
      "zarrnative._core.CodecConfigError",
      "An unknown codec, invalid codec parameters, or codecs in an invalid order.", codec_error, nullptr);
  corrupt_chunk_error = PyErr_NewExceptionWithDoc(
      "zarrnative._core.CorruptChunkError",
      "Encoded chunk bytes that a codec cannot decode (truncated, corrupt, or lying about sizes).",
      codec_error, nullptr);
  metadata_error = PyErr_NewExceptionWithDoc(
      "zarrnative._core.MetadataValidationError",
      "Array or group metadata that is invalid or unsupported (the message names the file and the field).",
      PyExc_ValueError, nullptr);
  m.attr("MetadataValidationError") = nb::handle(metadata_error);
  m.attr("MetadataError") = nb::handle(metadata_error);
  m.attr("CodecError") = nb::handle(codec_error);
  m.attr("CodecConfigError") = nb::handle(codec_config_error);
  m.attr("CorruptChunkError") = nb::handle(corrupt_chunk_error);
  m.attr("DeviceUnavailableError") = nb::handle(device_unavailable_error);
  m.attr("CudaError") = nb::handle(cuda_error);
  nb::register_exception_translator([](const std::exception_ptr& p, void*) {
    try {
      std::rethrow_exception(p);
    } catch (const Error& e) {
      PyErr_SetString(python_type(e.code()), e.what());
    }
  });
}

}  // namespace zarrnative::bindings
