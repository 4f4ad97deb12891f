// A thin binding of the native stores: keys and bytes in, bytes out, the GIL
// released around every I/O call. The base class Store is registered so
// that other bindings can take std::shared_ptr<store::Store> arguments.
#include <nanobind/stl/optional.h>
#include <nanobind/stl/shared_ptr.h>
#include <nanobind/stl/string_view.h>

#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "bindings.h"
#include "zarrnative/common/error.h"
#include "zarrnative/store/filesystem_store.h"
#include "zarrnative/store/memory_store.h"

using namespace nb::literals;

namespace zarrnative::bindings {
namespace {

using store::ByteRange;
using store::Store;

// Holds a contiguous buffer-protocol export for the duration of a call.
class HeldBytes {
 public:
  explicit HeldBytes(nb::handle obj) {
    if (PyObject_GetBuffer(obj.ptr(), &view_, PyBUF_C_CONTIGUOUS) != 0) throw nb::python_error();
  }
  ~HeldBytes() { PyBuffer_Release(&view_); }
  HeldBytes(const HeldBytes&) = delete;
  HeldBytes& operator=(const HeldBytes&) = delete;
  ByteView view() const { return {static_cast<const uint8_t*>(view_.buf), static_cast<size_t>(view_.len)}; }

 private:
  Py_buffer view_{};
};

std::optional<nb::bytes> to_python(const std::optional<ByteBuffer>& b) {
  if (!b) return std::nullopt;
  return nb::bytes(b->data(), b->size());
}

std::vector<std::optional<nb::bytes>> to_python(const std::vector<std::optional<ByteBuffer>>& bs) {
  std::vector<std::optional<nb::bytes>> out;
  out.reserve(bs.size());
  for (const auto& b : bs) out.push_back(to_python(b));
  return out;
}

uint64_t non_negative(nb::handle v, const char* what) {
  auto i = nb::cast<int64_t>(v);
  check(i >= 0, ErrorCode::kInvalidArgument, std::string("get_ranges: negative ") + what);
  return static_cast<uint64_t>(i);
}

// (offset, length) or ("suffix", n); a length of None reads to the end.
ByteRange to_range(const nb::tuple& t) {
  check(t.size() == 2, ErrorCode::kInvalidArgument,
        "get_ranges: each range is (offset, length) or ('suffix', n)");
  if (nb::isinstance<nb::str>(t[0])) {
    check(nb::cast<std::string>(t[0]) == "suffix", ErrorCode::kInvalidArgument,
          "get_ranges: the only named range is ('suffix', n)");
    return ByteRange::last(non_negative(t[1], "suffix"));
  }
  uint64_t length = t[1].is_none() ? std::numeric_limits<uint64_t>::max() : non_negative(t[1], "length");
  return ByteRange::at(non_negative(t[0], "offset"), length);
}

}  // namespace

void init_store(nb::module_& m) {
  m.def("validate_key", [](std::string_view key) { store::validate_key(key); }, "key"_a,
        "Raises ValueError unless `key` is a valid store key (relative, '/'-separated, no empty, '.' or '..' "
        "component, no backslash or NUL).");

  nb::class_<Store>(m, "Store", "A native store: a flat mapping of '/'-separated keys to bytes.")
      .def_prop_ro("read_only", &Store::read_only)
      .def("describe", &Store::describe, "'file:///root' or 'memory://<id>'.")
      .def("with_read_only", &Store::with_read_only, "read_only"_a = false,
           "A store over the same data, read-only or not.")
      .def("get",
           [](Store& s, std::string_view key) {
             std::optional<ByteBuffer> b;
             {
               nb::gil_scoped_release r;
               b = s.get(key);
             }
             return to_python(b);
           },
           "key"_a, "The value, or None when the key is missing.")
      .def("get_ranges",
           [](Store& s, std::string_view key, const std::vector<nb::tuple>& ranges) {
             std::vector<ByteRange> rs;
             for (const auto& t : ranges) rs.push_back(to_range(t));
             std::vector<std::optional<ByteBuffer>> got;
             {
               nb::gil_scoped_release r;
               got = s.get_ranges(key, rs);
             }
             return to_python(got);
           },
           "key"_a, "ranges"_a,
           "Reads byte ranges, each (offset, length), (offset, None) or ('suffix', n), clamped to the value; "
           "one bytes per range, or None entries when the key is missing.")
      .def("get_many",
           [](Store& s, const std::vector<std::string>& keys) {
             std::vector<std::optional<ByteBuffer>> got;
             {
               nb::gil_scoped_release r;
               got = s.get_many(keys);
             }
             return to_python(got);
           },
           "keys"_a, "Reads many keys at once (in parallel where the store can); None for missing keys.")
      .def("size",
           [](Store& s, std::string_view key) {
             nb::gil_scoped_release r;
             return s.size(key);
           },
           "key"_a, "The value's size in bytes, or None when the key is missing.")
      .def("exists",
           [](Store& s, std::string_view key) {
             nb::gil_scoped_release r;
             return s.exists(key);
           },
           "key"_a)
      .def("set",
           [](Store& s, std::string_view key, nb::handle value) {
             HeldBytes bytes(value);
             nb::gil_scoped_release r;
             s.set(key, bytes.view());
           },
           "key"_a, "value"_a, "Creates or replaces a value from any bytes-like object.")
      .def("set_many",
           [](Store& s, nb::dict items) {
             std::vector<std::string> keys;
             std::vector<std::unique_ptr<HeldBytes>> held;
             std::vector<ByteView> views;
             for (auto [k, v] : items) {
               keys.push_back(nb::cast<std::string>(k));
               held.push_back(std::make_unique<HeldBytes>(v));
               views.push_back(held.back()->view());
             }
             nb::gil_scoped_release r;
             s.set_many(keys, views);
           },
           "items"_a, "Writes a {key: bytes-like} mapping (in parallel where the store can).")
      .def("erase",
           [](Store& s, std::string_view key) {
             nb::gil_scoped_release r;
             return s.erase(key);
           },
           "key"_a, "Removes a key; True if it existed.")
      .def("erase_many",
           [](Store& s, const std::vector<std::string>& keys) {
             nb::gil_scoped_release r;
             s.erase_many(keys);
           },
           "keys"_a)
      .def("erase_prefix",
           [](Store& s, std::string_view prefix) {
             nb::gil_scoped_release r;
             s.erase_prefix(prefix);
           },
           "prefix"_a, "Removes every key under the prefix ('a' removes 'a/...', not 'ab'; '' removes all).")
      .def("list",
           [](Store& s) {
             nb::gil_scoped_release r;
             return s.list();
           },
           "Every key, sorted.")
      .def("list_prefix",
           [](Store& s, std::string_view prefix) {
             nb::gil_scoped_release r;
             return s.list_prefix(prefix);
           },
           "prefix"_a, "The keys that begin with `prefix` (as a string), sorted.")
      .def("list_dir",
           [](Store& s, std::string_view prefix) {
             nb::gil_scoped_release r;
             return s.list_dir(prefix);
           },
           "prefix"_a, "The immediate children (keys and sub-prefixes, no trailing '/') of a prefix, sorted.");

  nb::class_<store::FilesystemStore, Store>(m, "FilesystemStore", "Files under a root directory; atomic writes.")
      .def("__init__",
           [](store::FilesystemStore* self, std::string root, bool read_only, bool fsync) {
             new (self) store::FilesystemStore(std::move(root), read_only, {.fsync = fsync});
           },
           "root"_a, "read_only"_a = false, "fsync"_a = false)
      .def_prop_ro("root", &store::FilesystemStore::root, "The absolute root directory.");

  nb::class_<store::MemoryStore, Store>(m, "MemoryStore", "A thread-safe store in memory.")
      .def(nb::init<bool>(), "read_only"_a = false);
}

}  // namespace zarrnative::bindings
