// Python face of NDArray: properties, the buffer protocol, the array
// interfaces, and the constructors that wrap Python memory without copying.
#include <nanobind/stl/optional.h>

#include <cstring>
#include <optional>
#include <string>

#include "bindings.h"
#include "zarrnative/common/error.h"
#include "zarrnative/cuda/runtime.h"

using namespace nb::literals;

namespace zarrnative::bindings {
namespace {

nb::tuple to_tuple(const Shape& s) {
  nb::list l;
  for (int64_t v : s) l.append(v);
  return nb::tuple(l);
}

Shape to_shape(nb::handle seq, const char* what) {
  Shape out;
  for (nb::handle h : seq) out.push_back(nb::cast<int64_t>(h));
  (void)what;
  return out;
}

BufferKind kind_from_string(const std::string& s) {
  if (s == "host") return BufferKind::kHost;
  if (s == "pinned") return BufferKind::kPinned;
  if (s == "device") return BufferKind::kDevice;
  throw Error(ErrorCode::kInvalidArgument, "buffer kind must be 'host', 'pinned' or 'device', not '" + s + "'");
}

// The byte range [lo, hi) that a strided view starting at byte 0 reaches.
void extent(const Shape& shape, const Shape& strides, int64_t itemsize, int64_t* lo, int64_t* hi) {
  *lo = 0;
  *hi = itemsize;
  for (size_t i = 0; i < shape.size(); ++i) {
    if (shape[i] == 0) {
      *lo = *hi = 0;
      return;
    }
    int64_t span = strides[i] * (shape[i] - 1);
    if (span < 0) *lo += span; else *hi += span;
  }
}

// Wraps [ptr, shape, strides] owned by `owner`; the Buffer spans exactly the
// bytes the view reaches.
NDArray wrap_pointer(uintptr_t ptr, DType dtype, Shape shape, std::optional<Shape> strides, bool readonly,
                     BufferKind kind, int device, std::shared_ptr<void> owner) {
  Shape st = strides ? *strides : NDArray::c_strides(shape, dtype.itemsize());
  check(st.size() == shape.size(), ErrorCode::kInvalidArgument, "strides and shape differ in length");
  int64_t lo, hi;
  extent(shape, st, dtype.itemsize(), &lo, &hi);
  char* base = reinterpret_cast<char*>(ptr) + lo;
  auto buffer = Buffer::wrap(base, static_cast<size_t>(hi - lo), kind, device, readonly, std::move(owner));
  return NDArray(std::move(buffer), dtype, std::move(shape), std::move(st), -lo, readonly);
}

// Per-export storage for the Py_buffer's shape, strides and format.
struct ViewInfo {
  std::vector<Py_ssize_t> shape, strides;
  std::string format;
};

int ndarray_getbuffer(PyObject* self, Py_buffer* view, int flags) {
  NDArray* a = nb::inst_ptr<NDArray>(self);
  view->obj = nullptr;
  if (a->dtype().is_vlen()) {  // its memory is pointers, not values
    PyErr_SetString(PyExc_BufferError,
                    "an NDArray of string or bytes items has no buffer-protocol export; "
                    "numpy.asarray(x) converts its items");
    return -1;
  }
  if (!host_accessible(a->kind())) {
    PyErr_SetString(PyExc_BufferError, "NDArray lives in CUDA device memory; call .cpu() first");
    return -1;
  }
  if ((flags & PyBUF_WRITABLE) == PyBUF_WRITABLE && a->readonly()) {
    PyErr_SetString(PyExc_BufferError, "NDArray is read-only");
    return -1;
  }
  bool c = a->is_c_contiguous(), f = a->is_f_contiguous();
  if (((flags & PyBUF_C_CONTIGUOUS) == PyBUF_C_CONTIGUOUS && !c) ||
      ((flags & PyBUF_F_CONTIGUOUS) == PyBUF_F_CONTIGUOUS && !f) ||
      ((flags & PyBUF_ANY_CONTIGUOUS) == PyBUF_ANY_CONTIGUOUS && !c && !f) ||
      ((flags & PyBUF_STRIDES) != PyBUF_STRIDES && !c)) {
    PyErr_SetString(PyExc_BufferError, "NDArray is not contiguous in the layout the consumer asked for");
    return -1;
  }
  std::string format;
  try {  // no exception may leave a C slot
    format = a->dtype().buffer_format();
  } catch (const std::exception& e) {
    PyErr_SetString(PyExc_BufferError, e.what());
    return -1;
  }
  auto* info = new ViewInfo;
  info->format = std::move(format);
  for (int i = 0; i < a->ndim(); ++i) {
    info->shape.push_back(a->shape()[i]);
    info->strides.push_back(a->strides()[i]);
  }
  view->buf = a->data();
  view->obj = Py_NewRef(self);
  view->len = a->nbytes();
  view->readonly = a->readonly();
  view->itemsize = a->itemsize();
  view->format = (flags & PyBUF_FORMAT) ? info->format.data() : nullptr;
  // Without PyBUF_ND the consumer sees `len` plain bytes, one dimension
  // (as PyBuffer_FillInfo reports them); hashlib and zlib insist on it.
  const bool nd = (flags & PyBUF_ND) == PyBUF_ND;
  view->ndim = nd ? a->ndim() : 1;
  view->shape = nd ? info->shape.data() : nullptr;
  view->strides = (flags & PyBUF_STRIDES) == PyBUF_STRIDES ? info->strides.data() : nullptr;
  view->suboffsets = nullptr;
  view->internal = info;
  return 0;
}

void ndarray_releasebuffer(PyObject*, Py_buffer* view) { delete static_cast<ViewInfo*>(view->internal); }

PyType_Slot ndarray_slots[] = {{Py_bf_getbuffer, reinterpret_cast<void*>(ndarray_getbuffer)},
                               {Py_bf_releasebuffer, reinterpret_cast<void*>(ndarray_releasebuffer)},
                               {0, nullptr}};

nb::object stream_to_python(uintptr_t s) { return s == 0 ? nb::none() : nb::cast(s); }

nb::list descr(const NDArray& a) {
  nb::list l;
  l.append(nb::make_tuple("", a.dtype().typestr()));
  return l;
}

// String and bytes items are pointers: the array interfaces, which would
// hand them out as data, are absent (numpy then calls __array__).
void refuse_vlen(const NDArray& a, const char* protocol) {
  if (a.dtype().is_vlen()) {
    throw nb::attribute_error((std::string(protocol) + ": an NDArray of " + a.dtype().zarr_v3_name() +
                               " items has no array interface; numpy.asarray(x) converts its items")
                                  .c_str());
  }
}

nb::dict array_interface(const NDArray& a) {
  refuse_vlen(a, "__array_interface__");
  if (!host_accessible(a.kind())) {
    throw nb::attribute_error("__array_interface__: NDArray lives in CUDA device memory; call .cpu() first");
  }
  nb::dict d;
  d["shape"] = to_tuple(a.shape());
  d["typestr"] = a.dtype().typestr();
  d["descr"] = descr(a);
  d["data"] = nb::make_tuple(reinterpret_cast<uintptr_t>(a.data()), a.readonly());
  d["strides"] = a.is_c_contiguous() ? nb::none() : nb::object(to_tuple(a.strides()));
  d["version"] = 3;
  return d;
}

nb::dict cuda_array_interface(const NDArray& a) {
  refuse_vlen(a, "__cuda_array_interface__");
  if (a.kind() == BufferKind::kHost) {
    throw nb::attribute_error(
        "__cuda_array_interface__: NDArray lives in pageable host memory, which CUDA cannot address; "
        "call .cuda() first");
  }
  nb::dict d;
  d["shape"] = to_tuple(a.shape());
  d["typestr"] = a.dtype().typestr();
  d["descr"] = descr(a);
  d["data"] = nb::make_tuple(a.size() == 0 ? uintptr_t{0} : reinterpret_cast<uintptr_t>(a.data()), a.readonly());
  d["strides"] = a.is_c_contiguous() ? nb::none() : nb::object(to_tuple(a.strides()));
  d["stream"] = stream_to_python(a.stream());
  d["version"] = 3;
  return d;
}

nb::object to_numpy_dtype(const DType& t) {
  nb::module_ np = nb::module_::import_("numpy");
  // Strings convert to numpy 2's StringDType, as zarr-python 3 reads them.
  if (t.kind() == DTypeKind::kString && nb::hasattr(np.attr("dtypes"), "StringDType")) {
    return np.attr("dtypes").attr("StringDType")();
  }
  return np.attr("dtype")(t.typestr());
}

std::string repr(const NDArray& a) {
  std::string s = "NDArray(shape=(";
  for (int i = 0; i < a.ndim(); ++i) s += (i ? ", " : "") + std::to_string(a.shape()[i]);
  if (a.ndim() == 1) s += ",";
  std::string dtype = nb::cast<std::string>(nb::str(to_numpy_dtype(a.dtype())));
  return s + "), dtype=" + dtype + ", buffer_kind='" + to_string(a.kind()) + "', device='" + device_name(a) + "')";
}

// numpy's __array__ protocol, with numpy 2's meaning of `copy`: True always
// copies, False never does (so device memory refuses), None copies if needed.
nb::object array_dunder(nb::handle self, nb::handle dtype, nb::handle copy) {
  const NDArray& a = nb::cast<const NDArray&>(self);
  nb::module_ np = nb::module_::import_("numpy");
  if (a.dtype().is_vlen()) {  // the items become Python objects: always a copy
    if (!copy.is_none() && !nb::cast<bool>(copy)) {
      throw nb::value_error("an NDArray of string or bytes items converts to numpy only by a copy");
    }
    nb::object arr = vlen_to_numpy(a, /*as_object=*/false);
    return dtype.is_none() ? arr : arr.attr("astype")(dtype);
  }
  nb::object host = nb::borrow(self);
  bool copied = false;
  if (!host_accessible(a.kind())) {
    if (!copy.is_none() && !nb::cast<bool>(copy)) {
      throw nb::value_error("NDArray lives in CUDA device memory: converting it to numpy needs a copy");
    }
    host = nb::cast(a.to(BufferKind::kHost));
    copied = true;
  }
  nb::object arr = np.attr("asarray")(nb::steal(PyMemoryView_FromObject(host.ptr())));
  if (!copy.is_none() && nb::cast<bool>(copy) && !copied) {
    return np.attr("array")(arr, "dtype"_a = dtype, "copy"_a = true);
  }
  return np.attr("asarray")(arr, "dtype"_a = dtype, "copy"_a = copy);
}

}  // namespace

std::shared_ptr<void> keep_alive(nb::handle obj) {
  obj.inc_ref();
  return std::shared_ptr<void>(obj.ptr(), [](void* p) {
    if (!Py_IsInitialized()) return;  // interpreter gone: nothing left to release
    nb::gil_scoped_acquire gil;
    Py_DECREF(static_cast<PyObject*>(p));
  });
}

std::string device_name(const NDArray& a) {
  return a.kind() == BufferKind::kDevice ? "cuda:" + std::to_string(a.device()) : "cpu";
}

uintptr_t stream_from_python(nb::handle stream, const char* protocol) {
  if (!stream.is_valid() || stream.is_none()) return 0;
  int64_t s = nb::cast<int64_t>(stream);
  if (s == 0) {
    throw nb::value_error((std::string(protocol) + ": stream 0 is ambiguous and disallowed; "
                                                   "pass 1 for the legacy default stream or 2 for the "
                                                   "per-thread default stream").c_str());
  }
  return static_cast<uintptr_t>(s);
}

void init_ndarray(nb::module_& m) {
  nb::class_<NDArray>(m, "NDArray", nb::type_slots(ndarray_slots),
                      "An n-dimensional strided view of host, pinned or CUDA device memory.")
      .def_prop_ro("shape", [](const NDArray& a) { return to_tuple(a.shape()); })
      .def_prop_ro("strides", [](const NDArray& a) { return to_tuple(a.strides()); }, "Strides in bytes.")
      .def_prop_ro("ndim", &NDArray::ndim)
      .def_prop_ro("dtype", [](const NDArray& a) { return to_numpy_dtype(a.dtype()); })
      .def_prop_ro("typestr", [](const NDArray& a) { return a.dtype().typestr(); })
      .def_prop_ro("size", &NDArray::size)
      .def_prop_ro("itemsize", &NDArray::itemsize)
      .def_prop_ro("nbytes", &NDArray::nbytes)
      .def_prop_ro("buffer_size", [](const NDArray& a) { return a.buffer()->size(); },
                   "Size in bytes of the memory block the array views.")
      .def_prop_ro("buffer_kind", [](const NDArray& a) { return std::string(to_string(a.kind())); },
                   "'host', 'pinned' or 'device'.")
      .def_prop_ro("device", [](const NDArray& a) { return device_name(a); })
      .def_prop_ro("device_id", [](const NDArray& a) { return a.device(); })
      .def_prop_ro("readonly", &NDArray::readonly)
      .def_prop_ro("is_c_contiguous", &NDArray::is_c_contiguous)
      .def_prop_ro("is_f_contiguous", &NDArray::is_f_contiguous)
      .def_prop_ro("stream", [](const NDArray& a) { return stream_to_python(a.stream()); },
                   "CUDA stream with pending work on this array, or None.")
      .def_prop_ro("data_ptr", [](const NDArray& a) { return reinterpret_cast<uintptr_t>(a.data()); })
      .def_prop_ro("__array_interface__", &array_interface)
      .def_prop_ro("__cuda_array_interface__", &cuda_array_interface)
      .def("__dlpack__", &dlpack_export_py, nb::kw_only(), "stream"_a.none() = nb::none(),
           "max_version"_a.none() = nb::none(), "dl_device"_a.none() = nb::none(), "copy"_a.none() = nb::none(),
           "Exports the array as a DLPack capsule (versioned when max_version >= (1, 0)).")
      .def("__dlpack_device__", &dlpack_device)
      .def("__array__", &array_dunder, "dtype"_a = nb::none(), "copy"_a = nb::none())
      .def("cpu",
           [](nb::handle self) -> nb::object {
             const NDArray& a = nb::cast<const NDArray&>(self);
             if (host_accessible(a.kind())) return nb::borrow(self);  // host or pinned: the CPU reads it as is
             NDArray out = [&] {
               nb::gil_scoped_release r;
               return a.to(BufferKind::kHost);
             }();
             return nb::cast(std::move(out));
           },
           nb::sig("def cpu(self) -> NDArray"),
           "This array in host memory: itself when the CPU can read it already (host or pinned memory), "
           "else a copy.")
      .def("cuda",
           [](nb::handle self, int device) -> nb::object {
             const NDArray& a = nb::cast<const NDArray&>(self);
             if (a.kind() == BufferKind::kDevice && a.device() == device) return nb::borrow(self);
             NDArray out = [&] {
               nb::gil_scoped_release r;
               return a.to(BufferKind::kDevice, device);
             }();
             return nb::cast(std::move(out));
           },
           "device"_a = 0, nb::sig("def cuda(self, device: int = 0) -> NDArray"),
           "This array on CUDA device `device` (itself when it is already there).")
      .def("copy",
           [](const NDArray& a) {
             nb::gil_scoped_release r;
             return a.to(a.kind(), a.device(), /*force_copy=*/true);
           },
           "A C-ordered copy in the same kind of memory.")
      .def("__repr__", &repr);

  m.def("empty",
        [](const Shape& shape, const std::string& typestr, const std::string& kind, int device, char order) {
          DType t = DType::from_typestr(typestr);
          nb::gil_scoped_release r;
          return NDArray::empty(t, shape, kind_from_string(kind), device, order);
        },
        "shape"_a, "typestr"_a, "kind"_a = "host", "device"_a = 0, "order"_a = 'C',
        "A new uninitialised NDArray.");

  m.def("from_buffer",
        [](nb::handle obj) {
          auto* view = new Py_buffer;
          if (PyObject_GetBuffer(obj.ptr(), view, PyBUF_RECORDS) != 0) {
            PyErr_Clear();  // not writable: ask again for a read-only view
            if (PyObject_GetBuffer(obj.ptr(), view, PyBUF_RECORDS_RO) != 0) {
              delete view;
              throw nb::python_error();
            }
          }
          std::shared_ptr<void> owner(view, [](void* p) {
            auto* v = static_cast<Py_buffer*>(p);
            if (Py_IsInitialized()) {
              nb::gil_scoped_acquire gil;
              PyBuffer_Release(v);
            }
            delete v;
          });
          DType dtype = DType::from_buffer_format(view->format ? view->format : "B", view->itemsize);
          Shape shape, strides;
          if (view->ndim > 0 && view->shape) {
            shape.assign(view->shape, view->shape + view->ndim);
          } else if (view->ndim > 0) {
            shape.push_back(view->len / view->itemsize);
          }
          std::optional<Shape> st;
          if (view->strides) st = Shape(view->strides, view->strides + view->ndim);
          return wrap_pointer(reinterpret_cast<uintptr_t>(view->buf), dtype, std::move(shape), std::move(st),
                              view->readonly != 0, BufferKind::kHost, 0, std::move(owner));
        },
        "obj"_a, "Wraps an object's buffer-protocol memory without copying; holds the export.");

  m.def("from_pointer",
        [](uintptr_t ptr, const std::string& typestr, const Shape& shape, std::optional<Shape> strides,
           bool readonly, const std::string& kind, nb::handle owner, nb::handle stream) {
          DType dtype = DType::from_typestr(typestr);
          BufferKind k = kind_from_string(kind);
          int device = 0;
          if (k != BufferKind::kHost) {
            // __cuda_array_interface__ names no device, and its memory may be
            // pinned host memory: ask the driver.
            k = cuda::pointer_kind(reinterpret_cast<void*>(ptr), &device) == cuda::PointerKind::kPinned
                    ? BufferKind::kPinned
                    : BufferKind::kDevice;
          }
          NDArray a = wrap_pointer(ptr, dtype, shape, std::move(strides), readonly, k, device, keep_alive(owner));
          a.set_stream(stream_from_python(stream, "__cuda_array_interface__"));
          return a;
        },
        "ptr"_a, "typestr"_a, "shape"_a, "strides"_a.none(), "readonly"_a, "kind"_a, "owner"_a,
        "stream"_a.none() = nb::none(),
        "Wraps memory described by __array_interface__ (kind 'host') or __cuda_array_interface__ "
        "(kind 'device'), keeping `owner` alive.");
}

}  // namespace zarrnative::bindings
