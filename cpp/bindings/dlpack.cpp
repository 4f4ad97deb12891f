// DLPack export (__dlpack__, __dlpack_device__) and import of DLPack
// capsules, following the Python array API's protocol
// (https://dmlc.github.io/dlpack/latest/python_spec.html). Written here
// rather than through nb::ndarray because nanobind ignores `stream`; CUDA
// consumers need the producer's pending work ordered before theirs.
#include <nanobind/stl/optional.h>

#include <optional>
#include <string>

#include "bindings.h"
#include "dlpack_abi.h"
#include "zarrnative/common/error.h"
#include "zarrnative/cuda/runtime.h"

using namespace nb::literals;

namespace zarrnative::bindings {
namespace {

constexpr const char* kVersionedName = "dltensor_versioned";
constexpr const char* kLegacyName = "dltensor";
constexpr const char* kUsedVersionedName = "used_dltensor_versioned";
constexpr const char* kUsedLegacyName = "used_dltensor";

dlpack::Device dl_device_of(const NDArray& a) {
  switch (a.kind()) {
    case BufferKind::kHost: return {dlpack::kCPU, 0};
    case BufferKind::kPinned: return {dlpack::kCUDAHost, 0};
    case BufferKind::kDevice: return {dlpack::kCUDA, a.device()};
  }
  return {dlpack::kCPU, 0};
}

// What an exported tensor keeps alive: the array (and through it the
// memory), and the shape and strides the DLTensor points into.
struct ExportContext {
  NDArray array;
  dlpack::Device device;
  Shape shape, strides;
};

template <typename Managed>
void delete_managed(Managed* self) {
  delete static_cast<ExportContext*>(self->manager_ctx);  // may drop a Python owner: keep_alive takes the GIL
  delete self;
}

template <typename Managed>
void fill_tensor(Managed* m, ExportContext* ctx) {
  const NDArray& a = ctx->array;
  dlpack::Tensor& t = m->dl_tensor;
  t.data = a.data();
  t.device = ctx->device;
  t.ndim = a.ndim();
  t.dtype = {a.dtype().dlpack_code(), a.dtype().dlpack_bits(), 1};
  t.shape = ctx->shape.data();
  t.strides = ctx->strides.data();
  t.byte_offset = 0;
  m->manager_ctx = ctx;
  m->deleter = &delete_managed<Managed>;
}

// A pending exception survives the destructor: capsules are often freed while
// one is being raised, and the deleter may run Python code (it drops the
// array's owner).
class PreserveError {
 public:
#if PY_VERSION_HEX >= 0x030C0000
  PreserveError() : exc_(PyErr_GetRaisedException()) {}
  ~PreserveError() { PyErr_SetRaisedException(exc_); }

 private:
  PyObject* exc_;
#else
  PreserveError() { PyErr_Fetch(&type_, &value_, &traceback_); }
  ~PreserveError() { PyErr_Restore(type_, value_, traceback_); }

 private:
  PyObject *type_, *value_, *traceback_;
#endif
};

template <typename Managed>
void capsule_destructor(PyObject* capsule) {
  // Only a capsule nobody consumed still owns its tensor; a consumer renames
  // it ("used_dltensor...") and calls the deleter itself.
  const char* name = std::is_same_v<Managed, dlpack::ManagedTensorVersioned> ? kVersionedName : kLegacyName;
  PreserveError preserve;
  if (PyCapsule_IsValid(capsule, name)) {
    auto* m = static_cast<Managed*>(PyCapsule_GetPointer(capsule, name));
    if (m && m->deleter) m->deleter(m);
  }
}

// True when every byte stride is a whole number of items, as DLPack's
// element strides need.
bool strides_in_items(const NDArray& a) {
  for (int64_t s : a.strides()) {
    if (s % a.itemsize() != 0) return false;
  }
  return true;
}

nb::object dlpack_export(const NDArray& self, nb::handle stream, nb::handle max_version, nb::handle dl_device,
                         nb::handle copy) {
  const bool want_copy = !copy.is_none() && nb::cast<bool>(copy);
  const bool forbid_copy = !copy.is_none() && !nb::cast<bool>(copy);
  bool versioned = false;
  if (!max_version.is_none()) {
    auto mv = nb::cast<std::tuple<int, int>>(max_version);
    versioned = std::get<0>(mv) >= 1;
  }
  // Checked before any copy is made: a copy would not help.
  if (self.dtype().is_vlen()) {
    throw nb::buffer_error(("__dlpack__: DLPack has no type for " + self.dtype().zarr_v3_name() +
                            " items (they are pointers); numpy.asarray(x) converts them")
                               .c_str());
  }
  try {
    (void)self.dtype().dlpack_code();
  } catch (const Error& e) {  // times, fixed-length text, raw bytes
    throw nb::buffer_error((std::string("__dlpack__: ") + e.what()).c_str());
  }
  if (!self.dtype().is_native()) {
    throw nb::buffer_error(("__dlpack__: DLPack has no byte order, and this array's dtype " + self.dtype().typestr() +
                            " is not in the machine's byte order; convert it (for example "
                            "numpy.asarray(x).astype(x.dtype.newbyteorder('='))) before exporting")
                               .c_str());
  }
  NDArray a = self;
  dlpack::Device device = dl_device_of(a);
  bool copied = false;

  if (!dl_device.is_none()) {
    auto requested = nb::cast<std::tuple<int, int>>(dl_device);
    int type = std::get<0>(requested), id = std::get<1>(requested);
    if (type == dlpack::kCPU && id == 0 && a.kind() == BufferKind::kPinned) {
      device = {dlpack::kCPU, 0};  // pinned memory is CPU memory too: no copy needed
    } else if (type != device.device_type || id != device.device_id) {
      if (forbid_copy) {
        throw nb::buffer_error("__dlpack__: dl_device differs from the array's device and copy=False");
      }
      BufferKind kind;
      if (type == dlpack::kCPU) kind = BufferKind::kHost;
      else if (type == dlpack::kCUDA) kind = BufferKind::kDevice;
      else if (type == dlpack::kCUDAHost) kind = BufferKind::kPinned;
      else throw nb::buffer_error(("__dlpack__: unsupported dl_device type " + std::to_string(type)).c_str());
      nb::gil_scoped_release r;
      a = a.to(kind, kind == BufferKind::kDevice ? id : 0, /*force_copy=*/true);
      device = dl_device_of(a);
      copied = true;
    }
  }
  // DLPack counts strides in items; a view whose byte strides are not whole
  // items (a field of a structured numpy array) is exported as a copy when the
  // consumer allows one and can be told (the versioned flag IS_COPIED).
  const bool need_copy = !copied && !strides_in_items(a);
  if (need_copy && (forbid_copy || !versioned)) {
    throw nb::buffer_error("__dlpack__: DLPack counts strides in elements, and this array's byte strides are not "
                           "multiples of its itemsize; export a copy (copy=True or .copy())");
  }
  if ((want_copy || need_copy) && !copied) {
    nb::gil_scoped_release r;
    a = a.to(a.kind(), a.device(), /*force_copy=*/true);
    copied = true;
  }

  // Streams: host memory takes none; for device memory, order our pending
  // work before the consumer's stream (None means the legacy default, -1
  // means the consumer asks for no synchronisation).
  if (a.kind() == BufferKind::kDevice) {
    if (stream.is_none()) {
      cuda::stream_wait(1, a.stream(), a.device());
    } else if (nb::cast<int64_t>(stream) != -1) {
      cuda::stream_wait(stream_from_python(stream, "__dlpack__"), a.stream(), a.device());
    }
  } else if (!stream.is_none() && a.kind() == BufferKind::kHost) {
    throw nb::buffer_error("__dlpack__: stream must be None for arrays in host memory");
  }

  if (!versioned && a.readonly()) {
    throw nb::buffer_error("__dlpack__: the array is read-only, which a DLPack 0.x capsule cannot say; the "
                           "consumer must ask with max_version=(1, 0) or newer");
  }
  auto* ctx = new ExportContext{a, device, a.shape(), a.strides()};
  for (int64_t& s : ctx->strides) s /= a.itemsize();

  if (versioned) {
    auto* m = new dlpack::ManagedTensorVersioned{};
    m->version = dlpack::kVersion;
    m->flags = (a.readonly() ? dlpack::kFlagReadOnly : 0) | (copied ? dlpack::kFlagIsCopied : 0);
    fill_tensor(m, ctx);
    PyObject* cap = PyCapsule_New(m, kVersionedName, &capsule_destructor<dlpack::ManagedTensorVersioned>);
    if (!cap) {
      delete_managed(m);
      throw nb::python_error();
    }
    return nb::steal(cap);
  }
  auto* m = new dlpack::ManagedTensor{};
  fill_tensor(m, ctx);
  PyObject* cap = PyCapsule_New(m, kLegacyName, &capsule_destructor<dlpack::ManagedTensor>);
  if (!cap) {
    delete_managed(m);
    throw nb::python_error();
  }
  return nb::steal(cap);
}

// Wraps a consumed capsule's tensor. `release` frees it through the
// producer's deleter when the last view goes.
NDArray wrap_tensor(const dlpack::Tensor& t, bool readonly, std::shared_ptr<void> release, uintptr_t stream) {
  DType dtype = DType::from_dlpack(t.dtype.code, t.dtype.bits, t.dtype.lanes);
  BufferKind kind;
  switch (t.device.device_type) {
    case dlpack::kCPU: kind = BufferKind::kHost; break;
    case dlpack::kCUDAHost: kind = BufferKind::kPinned; break;
    case dlpack::kCUDA:
    case dlpack::kCUDAManaged: kind = BufferKind::kDevice; break;
    default:
      throw Error(ErrorCode::kTypeError, "DLPack device type " + std::to_string(t.device.device_type) +
                                             " is not supported (CPU, CUDA and CUDA host memory are)");
  }
  check(t.ndim >= 0 && t.ndim <= kMaxDims, ErrorCode::kInvalidArgument,
        [&] { return "DLPack tensor has " + std::to_string(t.ndim) + " dimensions"; });
  Shape shape(t.shape, t.shape + t.ndim);
  const int64_t isz = dtype.itemsize();
  Shape strides = NDArray::c_strides(shape, isz);
  if (t.strides) {
    for (int i = 0; i < t.ndim; ++i) strides[i] = t.strides[i] * isz;
  }
  int64_t lo = 0, hi = isz;
  for (int i = 0; i < t.ndim; ++i) {
    if (shape[i] == 0) { lo = hi = 0; break; }
    int64_t span = strides[i] * (shape[i] - 1);
    if (span < 0) lo += span; else hi += span;
  }
  char* first = static_cast<char*>(t.data) + t.byte_offset;
  auto buffer = Buffer::wrap(first + lo, static_cast<size_t>(hi - lo), kind, t.device.device_id, readonly,
                             std::move(release));
  NDArray a(std::move(buffer), dtype, std::move(shape), std::move(strides), -lo, readonly);
  if (kind == BufferKind::kDevice) a.set_stream(stream);
  return a;
}

NDArray from_capsule(nb::handle capsule, nb::handle consumer_stream) {
  PyObject* cap = capsule.ptr();
  uintptr_t stream = stream_from_python(consumer_stream, "from_dlpack");
  if (PyCapsule_IsValid(cap, kVersionedName)) {
    auto* m = static_cast<dlpack::ManagedTensorVersioned*>(PyCapsule_GetPointer(cap, kVersionedName));
    if (m->version.major > dlpack::kVersion.major) {
      throw nb::buffer_error(("DLPack major version " + std::to_string(m->version.major) +
                              " is newer than this build understands (1)").c_str());
    }
    if (PyCapsule_SetName(cap, kUsedVersionedName) != 0) throw nb::python_error();
    std::shared_ptr<void> release(m, [](void* p) {
      auto* mt = static_cast<dlpack::ManagedTensorVersioned*>(p);
      if (mt->deleter) mt->deleter(mt);
    });
    return wrap_tensor(m->dl_tensor, (m->flags & dlpack::kFlagReadOnly) != 0, std::move(release), stream);
  }
  if (PyCapsule_IsValid(cap, kLegacyName)) {
    auto* m = static_cast<dlpack::ManagedTensor*>(PyCapsule_GetPointer(cap, kLegacyName));
    if (PyCapsule_SetName(cap, kUsedLegacyName) != 0) throw nb::python_error();
    std::shared_ptr<void> release(m, [](void* p) {
      auto* mt = static_cast<dlpack::ManagedTensor*>(p);
      if (mt->deleter) mt->deleter(mt);
    });
    return wrap_tensor(m->dl_tensor, false, std::move(release), stream);
  }
  throw nb::type_error("expected an unconsumed DLPack capsule ('dltensor' or 'dltensor_versioned')");
}

}  // namespace

nb::object dlpack_export_py(const NDArray& self, nb::handle stream, nb::handle max_version,
                            nb::handle dl_device, nb::handle copy) {
  return dlpack_export(self, stream, max_version, dl_device, copy);
}

nb::tuple dlpack_device(const NDArray& self) {
  dlpack::Device d = dl_device_of(self);
  return nb::make_tuple(d.device_type, d.device_id);
}

void init_dlpack(nb::module_& m) {
  m.def("from_dlpack_capsule", &from_capsule, "capsule"_a, "stream"_a.none() = nb::none(),
        "Consumes a DLPack capsule; `stream` is the consumer stream the producer was told to order its work "
        "before (None for host memory).");
}

}  // namespace zarrnative::bindings
