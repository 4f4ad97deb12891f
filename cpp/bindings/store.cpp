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
#include "zarrnative/store/prefetch_store.h"

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
  check(i >= 0, ErrorCode::kInvalidArgument, [&] { return std::string("get_ranges: negative ") + what; });
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

nb::object from_range(const ByteRange& r) {
  if (r.suffix) return nb::make_tuple("suffix", r.length);
  if (r.length == std::numeric_limits<uint64_t>::max()) return nb::make_tuple(r.offset, nb::none());
  return nb::make_tuple(r.offset, r.length);
}

std::optional<ByteBuffer> owned(nb::handle value) {
  if (value.is_none()) return std::nullopt;
  HeldBytes held(value);
  return ByteBuffer(held.view());  // copy: the cache outlives the Python object's buffer export
}

// A Store over a Python object (zarrnative.storage's Python stores): each
// call takes the GIL and calls one of the object's `_core_*` methods. This is
// the slow path, for metadata and listing; chunk reads and writes reach such
// stores in batches through a PrefetchStore instead (see prefetch_store.h).
// A Python exception becomes Error(kIoError) naming the store, the call and
// the key; keys are validated and read-only is enforced here, before Python.
class PythonStore final : public Store {
 public:
  explicit PythonStore(nb::handle obj)
      : obj_(nb::borrow(obj)), read_only_(nb::cast<bool>(obj.attr("read_only"))),
        describe_(nb::cast<std::string>(nb::str(obj))) {}
  ~PythonStore() override {
    // The GIL is held when Python frees the array that holds this store, also while the
    // interpreter shuts down (when Py_IsInitialized() is already false): release then.
    if (PyGILState_Check()) {
      obj_.reset();
    } else if (Py_IsInitialized()) {
      nb::gil_scoped_acquire gil;
      obj_.reset();
    } else {
      obj_.release();  // the interpreter is gone: nothing left to release
    }
  }
  PythonStore(const PythonStore&) = delete;
  PythonStore& operator=(const PythonStore&) = delete;

  bool read_only() const override { return read_only_; }
  std::string describe() const override { return describe_; }
  nb::handle object() const { return obj_; }

  std::optional<ByteBuffer> get(std::string_view key) override {
    store::validate_key(key);
    return call("get", key, [&] { return owned(obj_.attr("_core_get")(key)); });
  }
  std::vector<std::optional<ByteBuffer>> get_ranges(std::string_view key,
                                                    std::span<const ByteRange> ranges) override {
    store::validate_key(key);
    return call("get_ranges", key, [&] {
      nb::list rs;
      for (const auto& r : ranges) rs.append(from_range(r));
      nb::object got = obj_.attr("_core_get_ranges")(key, rs);
      std::vector<std::optional<ByteBuffer>> out;
      for (nb::handle v : got) out.push_back(owned(v));
      check(out.size() == ranges.size(), ErrorCode::kInternal, "_core_get_ranges returned a wrong count");
      return out;
    });
  }
  std::optional<uint64_t> size(std::string_view key) override {
    store::validate_key(key);
    return call("size", key, [&] {
      nb::object got = obj_.attr("_core_size")(key);
      return got.is_none() ? std::nullopt : std::optional<uint64_t>(nb::cast<uint64_t>(got));
    });
  }
  bool exists(std::string_view key) override { return size(key).has_value(); }
  void set(std::string_view key, ByteView value) override {
    store::validate_key(key);
    if (read_only_) store::throw_read_only(*this);
    call("set", key, [&] {
      obj_.attr("_core_set")(key, nb::bytes(value.data(), value.size()));
      return 0;
    });
  }
  bool erase(std::string_view key) override {
    store::validate_key(key);
    if (read_only_) store::throw_read_only(*this);
    return call("erase", key, [&] { return nb::cast<bool>(obj_.attr("_core_erase")(key)); });
  }
  void erase_many(std::span<const std::string> keys) override {
    for (const auto& k : keys) store::validate_key(k);
    if (read_only_) store::throw_read_only(*this);
    if (keys.empty()) return;
    call("erase_many", keys.front(), [&] {
      nb::list ks;
      for (const auto& k : keys) ks.append(nb::str(k.data(), k.size()));
      obj_.attr("_core_erase_many")(ks);
      return 0;
    });
  }
  void erase_prefix(std::string_view prefix) override {
    std::string_view p = store::validate_prefix(prefix);
    if (read_only_) store::throw_read_only(*this);
    call("erase_prefix", p, [&] {
      obj_.attr("_core_erase_prefix")(p);
      return 0;
    });
  }
  std::vector<std::string> list() override {
    return call("list", "", [&] { return nb::cast<std::vector<std::string>>(obj_.attr("_core_list")()); });
  }
  std::vector<std::string> list_prefix(std::string_view prefix) override {
    return call("list_prefix", prefix,
                [&] { return nb::cast<std::vector<std::string>>(obj_.attr("_core_list_prefix")(prefix)); });
  }
  std::vector<std::string> list_dir(std::string_view prefix) override {
    std::string_view p = store::validate_prefix(prefix);
    return call("list_dir", p,
                [&] { return nb::cast<std::vector<std::string>>(obj_.attr("_core_list_dir")(p)); });
  }

 private:
  template <typename Fn>
  auto call(const char* what, std::string_view key, const Fn& fn) -> decltype(fn()) {
    nb::gil_scoped_acquire gil;
    try {
      return fn();
    } catch (nb::python_error& e) {
      std::string type = nb::cast<std::string>(nb::str(e.type().attr("__name__")));
      std::string message = nb::cast<std::string>(nb::str(e.value()));
      throw Error(ErrorCode::kIoError, describe_ + ": " + what + " '" + std::string(key) + "' failed: " + type +
                                           (message.empty() ? "" : ": " + message));
    } catch (const nb::cast_error&) {
      throw Error(ErrorCode::kIoError, describe_ + ": " + what + " '" + std::string(key) +
                                           "': the Python store returned a value of the wrong type");
    }
  }

  nb::object obj_;
  bool read_only_;
  std::string describe_;
};

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

  nb::class_<PythonStore, Store>(m, "PythonStore",
                                 "A native store over a Python store object: each call takes the GIL and calls "
                                 "its _core_get / _core_get_ranges / _core_size / _core_set / _core_erase / "
                                 "_core_erase_many / _core_erase_prefix / _core_list / _core_list_prefix / _core_list_dir. The slow "
                                 "path (metadata, listing); chunks go through PrefetchStore in batches.")
      .def("__init__", [](PythonStore* self, nb::handle obj) { new (self) PythonStore(obj); }, "store"_a)
      .def_prop_ro("store", [](const PythonStore& s) { return nb::borrow(s.object()); });

  nb::class_<store::PrefetchStore, Store>(
      m, "PrefetchStore",
      "Answers reads from bytes fetched beforehand in batches (fill), falling back to `backing` (counted in "
      "misses); stages writes for take_writes().")
      .def(nb::init<std::shared_ptr<Store>, bool>(), "backing"_a, "stage_writes"_a = true)
      .def("fill",
           [](store::PrefetchStore& s, nb::handle items) {
             // Each item: (key, None, value or None) for a whole object, or (key, ranges, [part or None, ...]).
             for (nb::handle item : items) {
               nb::tuple t = nb::cast<nb::tuple>(item);
               check(t.size() == 3, ErrorCode::kInvalidArgument, "fill: each item is (key, ranges, value)");
               std::string key = nb::cast<std::string>(t[0]);
               if (t[1].is_none()) {
                 s.put(key, owned(t[2]));
                 continue;
               }
               std::vector<ByteRange> rs;
               for (nb::handle r : t[1]) rs.push_back(to_range(nb::cast<nb::tuple>(r)));
               std::vector<std::optional<ByteBuffer>> parts;
               for (nb::handle v : t[2]) parts.push_back(owned(v));
               s.put_ranges(key, rs, std::move(parts));
             }
           },
           "items"_a,
           "Adds fetched results: (key, None, bytes or None) for whole objects, (key, ranges, parts) for byte "
           "ranges (ranges as get_ranges takes them; all parts None: the key is missing).")
      .def("put_size", &store::PrefetchStore::put_size, "key"_a, "size"_a, "The object's size, where known.")
      .def("has", &store::PrefetchStore::has, "key"_a)
      .def("take_writes",
           [](store::PrefetchStore& s) {
             auto writes = s.take_writes();
             nb::list out;
             for (auto& [k, v] : writes) {
               out.append(nb::make_tuple(k, v ? nb::object(nb::bytes(v->data(), v->size())) : nb::none()));
             }
             return out;
           },
           "The staged writes as [(key, bytes or None for a delete)], in key order; forgets them.")
      .def_prop_ro("misses", &store::PrefetchStore::misses,
                   "Reads the cache could not answer (sent to the backing store one by one).")
      .def_prop_ro("backing", &store::PrefetchStore::backing);
}

}  // namespace zarrnative::bindings
