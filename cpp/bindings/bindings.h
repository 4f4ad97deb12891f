// The one header every binding file includes (nanobind's FAQ: sharing one
// header avoids ODR clashes between translation units of the module).
#pragma once

#include <nanobind/nanobind.h>
#include <nanobind/stl/string.h>
#include <nanobind/stl/tuple.h>
#include <nanobind/stl/vector.h>

#include <memory>
#include <vector>

#include "zarrnative/array/selection.h"
#include "zarrnative/ndarray/ndarray.h"

namespace nb = nanobind;

namespace zarrnative::bindings {

void init_errors(nb::module_& m);
void init_ndarray(nb::module_& m);
void init_dlpack(nb::module_& m);
void init_features(nb::module_& m);
void init_codec(nb::module_& m);
void init_metadata(nb::module_& m);
void init_array(nb::module_& m);
void init_store(nb::module_& m);
void init_vlen(nb::module_& m);
void init_gpu(nb::module_& m);

// An owner for Buffer::wrap that keeps a Python object alive and releases it
// with the GIL held, from whichever thread drops the last reference.
std::shared_ptr<void> keep_alive(nb::handle obj);

// DLPack: the NDArray's __dlpack__ and __dlpack_device__ (dlpack.cpp).
nb::object dlpack_export_py(const NDArray& self, nb::handle stream, nb::handle max_version,
                            nb::handle dl_device, nb::handle copy);
nb::tuple dlpack_device(const NDArray& self);

// The items of a string or bytes NDArray as a numpy array (vlen.cpp):
// StringDType for strings unless `as_object`, object dtype for bytes.
nb::object vlen_to_numpy(const NDArray& a, bool as_object);

// Selections as the Python layer passes them (array.cpp): per dimension
// (start, stop, step) or a 1-d int64 array of indices; points as ndim 1-d
// int64 arrays of equal length.
array::OrthogonalSelection to_selection(nb::handle sel);
std::vector<std::vector<int64_t>> to_points(nb::handle points);

// "cpu" or "cuda:N", as torch spells devices.
std::string device_name(const NDArray& a);

// Stream handles as the DLPack / CUDA-array-interface protocols pass them.
// None -> 0 (no stream); 0 itself is disallowed by both protocols.
uintptr_t stream_from_python(nb::handle stream, const char* protocol);

}  // namespace zarrnative::bindings
