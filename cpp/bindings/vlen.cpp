// Python face of string and bytes arrays: Python str / bytes items in,
// numpy arrays out. Items are converted (their memory is Python objects
// on one side, one byte heap on the other), so both ways copy.
#include <nanobind/stl/optional.h>

#include <cstring>
#include <optional>
#include <string>
#include <vector>

#include "bindings.h"
#include "zarrnative/common/bytes.h"
#include "zarrnative/common/error.h"
#include "zarrnative/common/vlen.h"

using namespace nb::literals;

namespace zarrnative::bindings {
namespace {

DType vlen_dtype(const std::string& kind) {
  if (kind == "string") return DType(DTypeKind::kString, kVlenItemSize);
  if (kind == "bytes" || kind == "variable_length_bytes") return DType(DTypeKind::kBytes, kVlenItemSize);
  throw Error(ErrorCode::kInvalidArgument, "kind must be 'string' or 'bytes', not '" + kind + "'");
}

// Calls f(item) for every item of `a` (host memory, any strides) in C order.
template <class F>
void for_each_item(const NDArray& a, F&& f) {
  const int nd = a.ndim();
  if (a.size() == 0) return;
  std::vector<int64_t> index(static_cast<size_t>(nd), 0);
  const auto* p = static_cast<const uint8_t*>(a.data());
  for (int64_t n = a.size(); n > 0; --n) {
    VlenItem item;
    std::memcpy(&item, p, sizeof item);
    f(item);
    for (int k = nd - 1; k >= 0; --k) {
      p += a.strides()[k];
      if (++index[k] < a.shape()[k]) break;
      p -= a.strides()[k] * a.shape()[k];
      index[k] = 0;
    }
  }
}

NDArray vlen_from_python(nb::handle obj, const std::string& kind, std::optional<Shape> shape) {
  const DType dtype = vlen_dtype(kind);
  nb::module_ np = nb::module_::import_("numpy");
  // numpy object and StringDType arrays, nested lists, a single str: all
  // become an object array of the Python items (no copy of their bytes).
  nb::object arr = np.attr("asarray")(obj, "dtype"_a = np.attr("object_"));
  Shape arr_shape = nb::cast<Shape>(arr.attr("shape"));
  if (!shape) shape = arr_shape;
  int64_t want = 1, have = 1;
  for (int64_t e : *shape) want *= e;
  for (int64_t e : arr_shape) have *= e;
  if (want != have) {
    throw Error(ErrorCode::kInvalidArgument, "vlen_from_python: " + std::to_string(have) +
                                                 " items do not fill the shape (" + std::to_string(want) +
                                                 " elements)");
  }
  nb::list items = nb::cast<nb::list>(arr.attr("ravel")("C").attr("tolist")());
  const size_t n = items.size();

  // Pass 1: each item's bytes (the str objects cache their UTF-8 form).
  std::vector<std::pair<const char*, Py_ssize_t>> parts(n);
  size_t total = 0;
  const bool text = dtype.kind() == DTypeKind::kString;
  for (size_t i = 0; i < n; ++i) {
    PyObject* item = PyList_GET_ITEM(items.ptr(), static_cast<Py_ssize_t>(i));
    const char* data = nullptr;
    Py_ssize_t size = 0;
    if (item == Py_None) {
      // None is the empty item, as numcodecs encodes it.
    } else if (text && PyUnicode_Check(item)) {
      data = PyUnicode_AsUTF8AndSize(item, &size);  // raises on lone surrogates
      if (!data) throw nb::python_error();
    } else if (!text && PyBytes_Check(item)) {
      data = PyBytes_AS_STRING(item);
      size = PyBytes_GET_SIZE(item);
    } else {
      throw nb::type_error(("vlen_from_python: item " + std::to_string(i) + " is " + Py_TYPE(item)->tp_name +
                            ", expected " + (text ? "str" : "bytes"))
                               .c_str());
    }
    parts[i] = {data, size};
    total += static_cast<size_t>(size);
  }

  // Pass 2: one heap for all items, attached to the array's buffer.
  NDArray out = NDArray::empty(dtype, *shape);
  auto heap = std::make_shared<ByteBuffer>(total);
  auto* dst = static_cast<VlenItem*>(out.data());
  size_t pos = 0;
  for (size_t i = 0; i < n; ++i) {
    const auto [data, size] = parts[i];
    if (size == 0) continue;  // stays the all-zero item
    std::memcpy(heap->data() + pos, data, static_cast<size_t>(size));
    dst[i] = {heap->data() + pos, static_cast<uint64_t>(size)};
    pos += static_cast<size_t>(size);
  }
  if (total > 0) out.buffer()->attach(std::move(heap));
  return out;
}

}  // namespace

nb::object vlen_to_numpy(const NDArray& a, bool as_object) {
  if (!a.dtype().is_vlen()) {
    throw nb::type_error(("vlen_to_numpy: the array holds " + a.dtype().zarr_v3_name() +
                          ", not string or variable_length_bytes")
                             .c_str());
  }
  const bool text = a.dtype().kind() == DTypeKind::kString;
  nb::list items = nb::steal<nb::list>(PyList_New(static_cast<Py_ssize_t>(a.size())));
  if (!items.is_valid()) throw nb::python_error();
  Py_ssize_t i = 0;
  for_each_item(a, [&](const VlenItem& item) {
    const char* p = reinterpret_cast<const char*>(item.data);
    const auto size = static_cast<Py_ssize_t>(item.size);
    PyObject* o = text ? PyUnicode_DecodeUTF8(size ? p : "", size, "strict")
                       : PyBytes_FromStringAndSize(size ? p : "", size);
    if (!o) throw nb::python_error();
    PyList_SET_ITEM(items.ptr(), i++, o);  // steals the reference
  });
  nb::module_ np = nb::module_::import_("numpy");
  nb::object shape = nb::tuple(nb::cast(a.shape()));
  nb::object dtypes = np.attr("dtypes");
  if (text && !as_object && nb::hasattr(dtypes, "StringDType")) {
    // What zarr-python 3 returns for "string" arrays under numpy 2.
    return np.attr("array")(items, "dtype"_a = dtypes.attr("StringDType")()).attr("reshape")(shape);
  }
  // Filled by assignment: numpy never looks into the items for nesting.
  nb::object out = np.attr("empty")(items.size(), "dtype"_a = np.attr("object_"));
  out[nb::slice(nb::none(), nb::none(), nb::none())] = items;
  return out.attr("reshape")(shape);
}

void init_vlen(nb::module_& m) {
  m.def("vlen_from_python", &vlen_from_python, "items"_a, "kind"_a, "shape"_a = nb::none(),
        "A string (kind 'string': str items, stored as UTF-8) or bytes (kind 'bytes': bytes items) NDArray "
        "from a numpy object or StringDType array, a (nested) list or a single item; None items are empty. "
        "`shape` (default: the items' shape) may regroup the items in C order. The items' bytes are copied "
        "into one heap that the array keeps alive.");
  m.def("vlen_to_numpy", &vlen_to_numpy, "array"_a, "as_object"_a = false,
        "The items of a string or bytes NDArray as a numpy array: numpy.dtypes.StringDType for strings "
        "(as zarr-python 3 returns them; object with as_object=True or before numpy 2), object dtype "
        "holding bytes for bytes.");
}

}  // namespace zarrnative::bindings
