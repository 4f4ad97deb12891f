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
//   kNodeNotFound        _core.ArrayNotFoundError (a NodeNotFoundError: a BaseZarrError and a
//                        FileNotFoundError; the core opens arrays only, so a missing node is an array)
//   kContainsArray       _core.ContainsArrayError (a BaseZarrError)
//   kContainsGroup       _core.ContainsGroupError (a BaseZarrError)
//   kIoError             OSError
//   kMetadata            _core.MetadataValidationError (a BaseZarrError; zarr-python's name),
//                        also reachable as _core.MetadataError
//   kInternal            RuntimeError
//
// BaseZarrError is a ValueError, as in zarr-python; CodecError and
// MetadataValidationError derive from it. zarr-python's other names
// (GroupNotFoundError, NodeTypeValidationError, UnknownCodecError) are made
// here too so that Python has one hierarchy.
#include <initializer_list>

#include "bindings.h"
#include "zarrnative/common/error.h"

namespace zarrnative::bindings {
namespace {
PyObject* device_unavailable_error = nullptr;
PyObject* cuda_error = nullptr;
PyObject* codec_config_error = nullptr;
PyObject* corrupt_chunk_error = nullptr;
PyObject* metadata_error = nullptr;
PyObject* array_not_found_error = nullptr;
PyObject* contains_array_error = nullptr;
PyObject* contains_group_error = nullptr;

// A new exception type deriving from every type in `bases`.
PyObject* new_error(const char* name, const char* doc, std::initializer_list<PyObject*> bases) {
  PyObject* tuple = PyTuple_New(static_cast<Py_ssize_t>(bases.size()));
  Py_ssize_t i = 0;
  for (PyObject* b : bases) {
    Py_INCREF(b);
    PyTuple_SET_ITEM(tuple, i++, b);
  }
  PyObject* type = PyErr_NewExceptionWithDoc(name, doc, tuple, nullptr);
  Py_DECREF(tuple);
  if (!type) throw nb::python_error();
  return type;
}

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
    case ErrorCode::kNodeNotFound: return array_not_found_error;
    case ErrorCode::kContainsArray: return contains_array_error;
    case ErrorCode::kContainsGroup: return contains_group_error;
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
  PyObject* base_zarr_error = new_error("zarrnative._core.BaseZarrError",
                                       "The base of zarrnative's (and zarr-python's) errors; a ValueError.",
                                       {PyExc_ValueError});
  PyObject* node_not_found_error = new_error(
      "zarrnative._core.NodeNotFoundError", "No array or group at a path.",
      {base_zarr_error, PyExc_FileNotFoundError});
  array_not_found_error = new_error("zarrnative._core.ArrayNotFoundError", "No array at a path.",
                                    {node_not_found_error});
  PyObject* group_not_found_error = new_error("zarrnative._core.GroupNotFoundError", "No group at a path.",
                                              {node_not_found_error});
  contains_array_error = new_error("zarrnative._core.ContainsArrayError",
                                   "An array already exists where a node was to be created.", {base_zarr_error});
  contains_group_error = new_error("zarrnative._core.ContainsGroupError",
                                   "A group already exists where a node was to be created.", {base_zarr_error});
  PyObject* unknown_codec_error = new_error("zarrnative._core.UnknownCodecError",
                                            "A codec name that zarrnative does not know.", {base_zarr_error});
  PyObject* codec_error = PyErr_NewExceptionWithDoc(
      "zarrnative._core.CodecError", "A codec's configuration or data is wrong.", base_zarr_error, nullptr);
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
      base_zarr_error, nullptr);
  PyObject* node_type_validation_error = new_error(
      "zarrnative._core.NodeTypeValidationError",
      "A node_type that is not what was expected (a group where an array was expected, say).",
      {metadata_error});
  m.attr("BaseZarrError") = nb::handle(base_zarr_error);
  m.attr("NodeNotFoundError") = nb::handle(node_not_found_error);
  m.attr("ArrayNotFoundError") = nb::handle(array_not_found_error);
  m.attr("GroupNotFoundError") = nb::handle(group_not_found_error);
  m.attr("ContainsArrayError") = nb::handle(contains_array_error);
  m.attr("ContainsGroupError") = nb::handle(contains_group_error);
  m.attr("UnknownCodecError") = nb::handle(unknown_codec_error);
  m.attr("NodeTypeValidationError") = nb::handle(node_type_validation_error);
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
