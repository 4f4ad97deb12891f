// Python face of array::Array: open / create, and one call per selection
// into the core (GIL released), returning or filling NDArrays.
#include <nanobind/ndarray.h>
#include <nanobind/stl/optional.h>
#include <nanobind/stl/shared_ptr.h>

#include <optional>
#include <string>
#include <vector>

#include "bindings.h"
#include "zarrnative/array/array.h"
#include "zarrnative/common/error.h"

using namespace nb::literals;

namespace zarrnative::bindings {

namespace {
using Int64Vector = nb::ndarray<const int64_t, nb::ndim<1>, nb::device::cpu>;

std::vector<int64_t> to_vector(const Int64Vector& v) {
  std::vector<int64_t> out(v.shape(0));
  for (size_t i = 0; i < out.size(); ++i) out[i] = v(i);
  return out;
}
}  // namespace

array::OrthogonalSelection to_selection(nb::handle sel) {
  array::OrthogonalSelection out;
  for (nb::handle item : sel) {
    if (nb::isinstance<nb::tuple>(item)) {
      auto t = nb::cast<std::tuple<int64_t, int64_t, int64_t>>(item);
      out.push_back(array::DimSelection::slice(std::get<0>(t), std::get<1>(t), std::get<2>(t)));
    } else {
      out.push_back(array::DimSelection::list(to_vector(nb::cast<Int64Vector>(item))));
    }
  }
  return out;
}

std::vector<std::vector<int64_t>> to_points(nb::handle points) {
  std::vector<std::vector<int64_t>> out;
  for (nb::handle item : points) out.push_back(to_vector(nb::cast<Int64Vector>(item)));
  return out;
}

namespace {

using array::Array;
using json = nlohmann::json;
using array::ArrayOptions;
using array::DimSelection;
using array::OrthogonalSelection;
// [(key, None) for a whole object, or (key, [(offset, length) or ("suffix", n), ...])]
nb::list requests_to_python(const std::vector<array::StoreRequest>& requests) {
  nb::list out;
  for (const auto& r : requests) {
    if (r.ranges.empty()) {
      out.append(nb::make_tuple(r.key, nb::none()));
      continue;
    }
    nb::list ranges;
    for (const auto& b : r.ranges) {
      ranges.append(b.suffix ? nb::make_tuple("suffix", b.length) : nb::make_tuple(b.offset, b.length));
    }
    out.append(nb::make_tuple(r.key, ranges));
  }
  return out;
}

ArrayOptions options(bool write_empty_chunks, bool validate_checksums) {
  ArrayOptions o;
  o.write_empty_chunks = write_empty_chunks;
  o.codec.validate_checksums = validate_checksums;
  return o;
}

}  // namespace

void init_array(nb::module_& m) {
  nb::class_<Array>(m, "Array", "An opened Zarr array in a native store.")
      .def_static("open",
                  [](std::shared_ptr<store::Store> s, std::string path, std::optional<int> zarr_format) {
                    nb::gil_scoped_release r;
                    return Array::open(std::move(s), std::move(path), zarr_format);
                  },
                  "store"_a, "path"_a, "zarr_format"_a = nb::none())
      .def_static("create",
                  [](std::shared_ptr<store::Store> s, std::string path, const std::string& document,
                     int zarr_format, bool overwrite) {
                    // ordered: the attributes keep the user's key order, as zarr-python writes them
                    metadata::json doc = metadata::parse_json_document(
                        document, std::string("new array metadata at '") + path + "': ");
                    nb::gil_scoped_release r;
                    auto meta = metadata::ArrayMetadata::from_json(doc, zarr_format, path);
                    return Array::create(std::move(s), std::move(path), std::move(meta), overwrite);
                  },
                  "store"_a, "path"_a, "metadata"_a, "zarr_format"_a, "overwrite"_a = false,
                  "Validates the metadata document (JSON text) in the core and writes a new array.")
      .def_static("from_metadata",
                  [](std::shared_ptr<store::Store> s, std::string path, const metadata::ArrayMetadata& meta) {
                    return Array::from_metadata(std::move(s), std::move(path), meta);
                  },
                  "store"_a, "path"_a, "metadata"_a,
                  "An array whose metadata is known already (consolidated metadata): reads nothing.")
      .def_prop_ro("metadata", [](const Array& a) { return a.metadata(); })
      .def_prop_ro("metadata_json", [](const Array& a) {
        metadata::json doc = a.metadata().to_json();
        if (a.metadata().zarr_format == 2) doc["attributes"] = a.metadata().attributes_json();
        return metadata::dump_json_document(doc);
      })
      .def_prop_ro("path", &Array::path)
      .def_prop_ro("store", &Array::store)
      .def("chunk_key", [](const Array& a, const Shape& coords) { return a.chunk_key(coords); })
      .def("read",
           [](const Array& a, nb::handle selection, std::optional<NDArray> out, bool validate_checksums) {
             OrthogonalSelection sel = to_selection(selection);
             NDArray dest = out ? *out : NDArray::empty(a.metadata().dtype, {0});  // placeholder, replaced below
             nb::gil_scoped_release r;
             if (!out) {
               Shape shape;
               for (const auto& s : sel) shape.push_back(s.count());
               dest = NDArray::empty(a.metadata().dtype, shape);
             }
             a.read(sel, dest, options(false, validate_checksums));
             return dest;
           },
           "selection"_a, "out"_a = nb::none(), "validate_checksums"_a = true,
           "Reads an orthogonal selection: per dimension (start, stop, step) or an int64 index array.")
      .def("read_many",
           [](const Array& a, nb::handle selections, std::optional<NDArray> out, bool validate_checksums) {
             std::vector<OrthogonalSelection> sels;
             for (nb::handle s : selections) sels.push_back(to_selection(s));
             NDArray dest = out ? *out : NDArray::empty(a.metadata().dtype, {0});  // placeholder, replaced below
             nb::gil_scoped_release r;
             if (!out) {
               Shape shape{static_cast<int64_t>(sels.size())};
               if (!sels.empty()) {
                 for (const auto& s : sels[0]) shape.push_back(s.count());
               } else {
                 for (size_t d = 0; d < a.metadata().shape.size(); ++d) shape.push_back(0);
               }
               dest = NDArray::empty(a.metadata().dtype, shape);
             }
             a.read_many(sels, dest, options(false, validate_checksums));
             return dest;
           },
           "selections"_a, "out"_a = nb::none(), "validate_checksums"_a = true,
           "Reads orthogonal selections of one shape into one array of shape (n, *shape), in one request.")
      .def("read_points",
           [](const Array& a, nb::handle points, std::optional<NDArray> out, bool validate_checksums) {
             auto pts = to_points(points);
             NDArray dest = out ? *out : NDArray::empty(a.metadata().dtype, {0});  // placeholder, replaced below
             nb::gil_scoped_release r;
             if (!out) dest = NDArray::empty(a.metadata().dtype, {pts.empty() ? 0 : static_cast<int64_t>(pts[0].size())});
             a.read_points(pts, dest, options(false, validate_checksums));
             return dest;
           },
           "points"_a, "out"_a = nb::none(), "validate_checksums"_a = true)
      .def("write",
           [](Array& a, nb::handle selection, const NDArray& value, bool write_empty_chunks) {
             OrthogonalSelection sel = to_selection(selection);
             nb::gil_scoped_release r;
             a.write(sel, value, options(write_empty_chunks, true));
           },
           "selection"_a, "value"_a, "write_empty_chunks"_a = false)
      .def("write_points",
           [](Array& a, nb::handle points, const NDArray& value, bool write_empty_chunks) {
             auto pts = to_points(points);
             nb::gil_scoped_release r;
             a.write_points(pts, value, options(write_empty_chunks, true));
           },
           "points"_a, "value"_a, "write_empty_chunks"_a = false)
      .def("with_store",
           [](const Array& a, std::shared_ptr<store::Store> s) { return a.with_store(std::move(s)); }, "store"_a,
           "The same array over another store (a per-call PrefetchStore); reads nothing.")
      .def("plan_read",
           [](const Array& a, nb::handle selection, const store::PrefetchStore& cache, bool validate_checksums) {
             OrthogonalSelection sel = to_selection(selection);
             std::vector<array::StoreRequest> got;
             {
               nb::gil_scoped_release r;
               got = a.plan_read(sel, cache, options(false, validate_checksums));
             }
             return requests_to_python(got);
           },
           "selection"_a, "cache"_a, "validate_checksums"_a = true,
           "The store reads that read(selection) needs and `cache` lacks: [(key, None) for a whole object, or "
           "(key, ranges)]. Empty when the cache holds everything.")
      .def("plan_read_points",
           [](const Array& a, nb::handle points, const store::PrefetchStore& cache) {
             auto pts = to_points(points);
             std::vector<array::StoreRequest> got;
             {
               nb::gil_scoped_release r;
               got = a.plan_read_points(pts, cache);
             }
             return requests_to_python(got);
           },
           "points"_a, "cache"_a)
      .def("plan_write",
           [](const Array& a, nb::handle selection, const store::PrefetchStore& cache) {
             OrthogonalSelection sel = to_selection(selection);
             std::vector<array::StoreRequest> got;
             {
               nb::gil_scoped_release r;
               got = a.plan_write(sel, cache);
             }
             return requests_to_python(got);
           },
           "selection"_a, "cache"_a, "The chunks that write(selection) reads (to merge into) and `cache` lacks.")
      .def("plan_write_points",
           [](const Array& a, nb::handle points, const store::PrefetchStore& cache) {
             auto pts = to_points(points);
             std::vector<array::StoreRequest> got;
             {
               nb::gil_scoped_release r;
               got = a.plan_write_points(pts, cache);
             }
             return requests_to_python(got);
           },
           "points"_a, "cache"_a)
      .def("resize", [](Array& a, const Shape& shape) { nb::gil_scoped_release r; a.resize(shape); }, "shape"_a)
      .def("set_attributes",
           [](Array& a, const std::string& attrs) {
             metadata::json doc = metadata::parse_json_document(attrs, "attributes of '" + a.path() + "': ");
             nb::gil_scoped_release r;
             a.set_attributes(doc);
           },
           "attributes"_a)
      .def("nchunks_initialized", [](const Array& a) { nb::gil_scoped_release r; return a.nchunks_initialized(); })
      .def("nbytes_stored", [](const Array& a) { nb::gil_scoped_release r; return a.nbytes_stored(); });
}

}  // namespace zarrnative::bindings
