// Python face of GPU reads: what this build and machine can do, a read into
// device memory (GIL released), and the host preparation of chunks for the
// tests.
#include <nanobind/ndarray.h>
#include <nanobind/stl/optional.h>

#include <string>
#include <vector>

#include "bindings.h"
#include "zarrnative/array/array.h"
#include "zarrnative/common/error.h"
#include "zarrnative/gpu/chain_plan.h"
#include "zarrnative/gpu/chunk_prep.h"
#include "zarrnative/gpu/device_read.h"
#include "zarrnative/gpu/nvcomp.h"

using namespace nb::literals;

namespace zarrnative::bindings {
namespace {

gpu::StoredFormat format_from_name(const std::string& name) {
  if (name == "zstd") return gpu::StoredFormat::kZstd;
  if (name == "gzip") return gpu::StoredFormat::kGzip;
  if (name == "zlib") return gpu::StoredFormat::kZlib;
  if (name == "lz4") return gpu::StoredFormat::kLz4;
  if (name == "bytes") return gpu::StoredFormat::kRaw;
  throw Error(ErrorCode::kInvalidArgument, "no GPU stream format for codec '" + name + "'");
}

// Runs `read` (GIL released) with the options the Python call names, and
// gives its C-contiguous device result `result_shape`: the selection's axes
// minus those Python drops (integer indices), the same memory. The read has
// finished: no stream is pending. Returns (NDArray, report, timings): a dict
// of DeviceReadTimings' fields when `timed`, else None.
template <class Read>
nb::tuple device_read(const Shape& result_shape, int device, uintptr_t stream, bool validate_checksums,
                      bool reuse_buffers, bool timed, Read read) {
  std::string report;
  std::optional<NDArray> out;
  gpu::DeviceReadTimings t;
  {
    nb::gil_scoped_release r;
    array::ArrayOptions o;
    o.codec.validate_checksums = validate_checksums;
    gpu::DeviceReadOptions d;
    d.device = device;
    d.stream = stream;
    d.reuse_buffers = reuse_buffers;
    d.verify_checksums = validate_checksums;
    if (timed) d.timings = &t;
    out = read(o, d, &report);
  }
  int64_t n = 1;
  for (int64_t e : result_shape) n *= e;
  if (n != out->size()) throw Error(ErrorCode::kInternal, "GPU read: the result shape does not match the selection");
  NDArray shaped(out->buffer(), out->dtype(), result_shape, NDArray::c_strides(result_shape, out->itemsize()),
                 out->byte_offset(), false);
  nb::object timings = nb::none();
  if (timed) {
    nb::dict dt;
    dt["plan_ms"] = t.plan_ms;
    dt["staging_ms"] = t.staging_ms;
    dt["upload_ms"] = t.upload_ms;
    dt["decompress_ms"] = t.decompress_ms;
    dt["checks_ms"] = t.checks_ms;
    dt["scatter_ms"] = t.scatter_ms;
    dt["total_ms"] = t.total_ms;
    dt["compressed_bytes"] = t.compressed_bytes;
    dt["decoded_bytes"] = t.decoded_bytes;
    dt["chunks"] = t.chunks;
    timings = dt;
  }
  return nb::make_tuple(shaped, report, timings);
}

// Defines `name`(array, <what>, result_shape, device=0, stream=1,
// validate_checksums=True, reuse_buffers=True, timings=False): `parse`
// turns <what> into the core's argument, `read` reads it to the device.
template <class Parse, class Read>
void def_device_read(nb::module_& m, const char* name, const char* what, Parse parse, Read read, const char* doc) {
  m.def(
      name,
      [parse, read](const array::Array& a, nb::handle arg, const Shape& result_shape, int device, uintptr_t stream,
                    bool validate_checksums, bool reuse_buffers, bool timings) {
        const auto parsed = parse(arg);
        return device_read(result_shape, device, stream, validate_checksums, reuse_buffers, timings,
                           [&](const array::ArrayOptions& o, const gpu::DeviceReadOptions& d, std::string* report) {
                             return read(a, parsed, o, d, report);
                           });
      },
      nb::arg("array"), nb::arg(what), nb::arg("result_shape"), nb::arg("device") = 0, nb::arg("stream") = 1,
      nb::arg("validate_checksums") = true, nb::arg("reuse_buffers") = true, nb::arg("timings") = false, doc);
}

}  // namespace

void init_gpu(nb::module_& m) {
  m.def("gpu_features", []() {
    const gpu::NvcompStatus s = gpu::nvcomp_status();
    nb::dict d;
    d["gpu_decode_compiled"] = gpu::device_read_compiled();
    d["nvcomp_loaded"] = s.loaded;
    d["nvcomp_library"] = s.loaded ? nb::object(nb::str(s.library.c_str())) : nb::none();
    d["nvcomp_version"] = s.loaded ? nb::object(nb::str(s.version.c_str())) : nb::none();
    d["nvcomp_unavailable_reason"] = s.loaded ? nb::none() : nb::object(nb::str(s.reason.c_str()));
    return d;
  }, "GPU decoding in this build and on this machine (loads nvCOMP on first call; needs no GPU).");

  m.def("set_nvcomp_library", &gpu::set_nvcomp_library, "path"_a,
        "The libnvcomp.so.6 to try first (the nvidia-libnvcomp-cu13 wheel's); no effect once loaded.");

  m.def("gpu_chain_plan", [](const array::Array& a) {
    const gpu::ChainPlan p = gpu::plan_chain(a.pipeline());
    return nb::make_tuple(p.on_gpu, p.on_gpu ? nb::none() : nb::object(nb::str(p.cpu_reason.c_str())));
  }, "array"_a, "(True, None) when the array's codecs decode on the GPU, else (False, why not).");

  def_device_read(
      m, "gpu_read", "selection", [](nb::handle h) { return to_selection(h); },
      [](const array::Array& a, const array::OrthogonalSelection& sel, const array::ArrayOptions& o,
         const gpu::DeviceReadOptions& d, std::string* report) { return gpu::read_to_device(a, sel, o, d, report); },
      "Reads an orthogonal selection into CUDA memory; returns (NDArray, report of where chunks were decoded, "
      "timings dict or None).");
  def_device_read(
      m, "gpu_read_many", "selections",
      [](nb::handle h) {
        std::vector<array::OrthogonalSelection> sels;
        for (nb::handle s : h) sels.push_back(to_selection(s));
        return sels;
      },
      [](const array::Array& a, const std::vector<array::OrthogonalSelection>& sels, const array::ArrayOptions& o,
         const gpu::DeviceReadOptions& d, std::string* report) {
        return gpu::read_many_to_device(a, sels, o, d, report);
      },
      "Reads a batch of orthogonal selections of one shape into one CUDA array of shape (n, *result shape), "
      "every chunk in one GPU batch; returns (NDArray, report, timings dict or None).");
  def_device_read(
      m, "gpu_read_points", "points", [](nb::handle h) { return to_points(h); },
      [](const array::Array& a, const std::vector<std::vector<int64_t>>& pts, const array::ArrayOptions& o,
         const gpu::DeviceReadOptions& d, std::string* report) {
        return gpu::read_points_to_device(a, pts, o, d, report);
      },
      "Reads a coordinate selection (ndim int64 index arrays) into CUDA memory, the chunks holding points in one "
      "GPU batch; returns (NDArray, report, timings dict or None).");

  m.def("gpu_prepare_chunk",
        [](const std::string& codec, nb::bytes data, uint64_t decoded_size) {
          const ByteView in(static_cast<const uint8_t*>(data.data()), data.size());
          const gpu::PreparedChunk p = gpu::prepare_chunk(format_from_name(codec), in, decoded_size, codec);
          nb::dict d;
          d["compressor"] = gpu::to_string(p.compressor);
          d["payload"] = nb::bytes(reinterpret_cast<const char*>(p.payload.data()), p.payload.size());
          d["offset"] = p.payload.empty() ? 0 : static_cast<size_t>(p.payload.data() - in.data());
          d["check"] = p.check == gpu::StreamCheck::kCrc32     ? nb::object(nb::str("crc32"))
                       : p.check == gpu::StreamCheck::kAdler32 ? nb::object(nb::str("adler32"))
                                                               : nb::none();
          d["checksum"] = p.checksum;
          d["cpu_reason"] = p.cpu_reason ? nb::object(nb::str(p.cpu_reason->c_str())) : nb::none();
          return d;
        },
        "codec"_a, "data"_a, "decoded_size"_a,
        "The raw stream nvCOMP would decode in a stored chunk (tests): zstd, gzip, zlib, lz4 or bytes.");
}

}  // namespace zarrnative::bindings
