// A thin binding of the codec pipeline: build from metadata JSON, encode and
// decode one chunk or a batch, with the GIL released around the C++ work.
#include <nanobind/stl/optional.h>
#include <nanobind/stl/shared_ptr.h>

#include <optional>
#include <string>
#include <vector>

#include "bindings.h"
#include "zarrnative/codec/pipeline.h"
#include "zarrnative/common/error.h"
#include "zarrnative/common/thread_pool.h"

using namespace nb::literals;

namespace zarrnative::bindings {
namespace {

using codec::ChunkSpec;
using codec::CodecOptions;
using codec::CodecPipeline;
using codec::json;
using Pipeline = std::shared_ptr<const CodecPipeline>;

// Holds a contiguous buffer-protocol export for the duration of a call.
class BytesArg {
 public:
  explicit BytesArg(nb::handle obj) {
    if (PyObject_GetBuffer(obj.ptr(), &view_, PyBUF_C_CONTIGUOUS) != 0) throw nb::python_error();
  }
  ~BytesArg() { PyBuffer_Release(&view_); }
  BytesArg(const BytesArg&) = delete;
  BytesArg& operator=(const BytesArg&) = delete;
  ByteView view() const { return {static_cast<const uint8_t*>(view_.buf), static_cast<size_t>(view_.len)}; }

 private:
  Py_buffer view_{};
};

json parse(const std::string& text, const char* what) {
  try {
    return json::parse(text);
  } catch (const json::exception& e) {
    throw Error(ErrorCode::kCodecConfig, std::string(what) + ": malformed JSON: " + e.what());
  }
}

// A numpy typestr ("<u2"), or a Zarr v3 data type name for the types numpy
// spells "|O" ("string", "variable_length_bytes").
DType parse_dtype(const std::string& s) {
  if (!s.empty() && (s[0] == '<' || s[0] == '>' || s[0] == '|' || s[0] == '=')) return DType::from_typestr(s);
  return DType::from_zarr_v3_name(s);
}

ChunkSpec make_spec(const std::string& typestr, const Shape& shape, std::optional<nb::bytes> fill) {
  ChunkSpec spec;
  spec.dtype = parse_dtype(typestr);
  spec.shape = shape;
  if (fill) {
    auto* p = static_cast<const uint8_t*>(fill->data());
    spec.fill_value.assign(p, p + fill->size());
  }
  return spec;
}

CodecOptions make_options(bool validate_checksums) {
  CodecOptions o;
  o.validate_checksums = validate_checksums;
  return o;
}

NDArray destination(const CodecPipeline& p, std::optional<NDArray> out) {
  if (out) return *out;
  return NDArray::empty(p.spec().dtype, p.spec().shape);
}

}  // namespace

void init_codec(nb::module_& m) {
  nb::class_<CodecPipeline>(m, "CodecPipeline", "A validated chain of one array's codecs.")
      .def_static("from_v3",
                  [](const std::string& codecs, const std::string& typestr, const Shape& shape,
                     std::optional<nb::bytes> fill) {
                    return std::const_pointer_cast<CodecPipeline>(
                        CodecPipeline::from_v3(parse(codecs, "codecs"), make_spec(typestr, shape, fill)));
                  },
                  "codecs"_a, "typestr"_a, "shape"_a, "fill_value"_a = nb::none(),
                  "Builds the pipeline of a v3 `codecs` list (JSON text) for chunks of `shape` and dtype "
                  "`typestr` (a numpy typestr, or 'string' / 'variable_length_bytes'; their `fill_value` is "
                  "the fill string's bytes).")
      .def_static("from_v2",
                  [](const std::string& zarray, const std::string& typestr, const Shape& shape,
                     std::optional<nb::bytes> fill) {
                    return std::const_pointer_cast<CodecPipeline>(
                        CodecPipeline::from_v2(parse(zarray, ".zarray"), make_spec(typestr, shape, fill)));
                  },
                  "zarray"_a, "typestr"_a, "shape"_a, "fill_value"_a = nb::none(),
                  "Builds the pipeline of v2 metadata: the .zarray's order, filters and compressor (JSON text).")
      .def("to_json", [](const CodecPipeline& p) { return p.to_json().dump(); })
      .def_prop_ro("encoded_size",
                   [](const CodecPipeline& p) {
                     auto s = p.encoded_size();
                     const char* kind = s.kind == codec::EncodedSize::Kind::kFixed     ? "fixed"
                                        : s.kind == codec::EncodedSize::Kind::kBounded ? "bounded"
                                                                                       : "unknown";
                     return nb::make_tuple(kind, s.bytes);
                   })
      .def("encode",
           [](const CodecPipeline& p, const NDArray& chunk) {
             ByteBuffer out;
             {
               nb::gil_scoped_release r;
               p.encode(chunk, out, CodecOptions{});
             }
             return nb::bytes(out.data(), out.size());
           },
           "chunk"_a)
      .def("decode",
           [](const CodecPipeline& p, nb::handle data, std::optional<NDArray> out, bool validate_checksums) {
             BytesArg in(data);
             NDArray dest = destination(p, out);
             {
               nb::gil_scoped_release r;
               p.decode(in.view(), dest, make_options(validate_checksums));
             }
             return dest;
           },
           "data"_a, "out"_a = nb::none(), "validate_checksums"_a = true)
      .def("encode_batch",
           [](const CodecPipeline& p, const std::vector<NDArray>& chunks) {
             std::vector<ByteBuffer> outs;
             {
               nb::gil_scoped_release r;
               codec::encode_batch(p, chunks, outs, CodecOptions{}, ThreadPool::global());
             }
             nb::list result;
             for (const auto& b : outs) result.append(nb::bytes(b.data(), b.size()));
             return result;
           },
           "chunks"_a, "Encodes many chunks at once over the thread pool.")
      .def("decode_batch",
           [](const CodecPipeline& p, nb::list data, std::optional<std::vector<NDArray>> outs,
              bool validate_checksums) {
             size_t n = data.size();
             std::vector<std::unique_ptr<BytesArg>> held(n);
             std::vector<std::optional<ByteView>> inputs(n);
             for (size_t i = 0; i < n; ++i) {
               if (data[i].is_none()) continue;  // missing chunk: fill value
               held[i] = std::make_unique<BytesArg>(data[i]);
               inputs[i] = held[i]->view();
             }
             std::vector<NDArray> dest;
             if (outs) {
               check(outs->size() == n, ErrorCode::kInvalidArgument, "decode_batch: len(outs) != len(data)");
               dest = *outs;
             } else {
               nb::gil_scoped_release r;
               for (size_t i = 0; i < n; ++i) dest.push_back(NDArray::empty(p.spec().dtype, p.spec().shape));
             }
             {
               nb::gil_scoped_release r;
               codec::decode_batch(p, inputs, dest, make_options(validate_checksums), ThreadPool::global());
             }
             return dest;
           },
           "data"_a, "outs"_a = nb::none(), "validate_checksums"_a = true,
           "Decodes many chunks at once over the thread pool; None entries read as the fill value.");

  m.def("set_threads", [](int n) { ThreadPool::set_global_threads(n); }, "threads"_a,
        "Sets the size of the process-wide thread pool.");
  m.def("get_threads", []() { return ThreadPool::global().threads(); });
}

}  // namespace zarrnative::bindings
