// What a GPU read does where it cannot run, and the nvCOMP loader (which
// needs no GPU). On a machine with a GPU the device path itself is tested
// from Python (tests/test_gpu_read.py, marked gpu).
#include <gtest/gtest.h>

#include <iostream>
#include <string>

#include "zarrnative/array/array.h"
#include "zarrnative/common/error.h"
#include "zarrnative/cuda/runtime.h"
#include "zarrnative/gpu/device_read.h"
#include "zarrnative/gpu/nvcomp.h"
#include "zarrnative/store/memory_store.h"

using namespace zarrnative;

namespace {

TEST(GpuNvcomp, StatusSaysWhetherTheLibraryLoaded) {
  const gpu::NvcompStatus s = gpu::nvcomp_status();
  std::cout << "nvCOMP: " << (s.loaded ? s.library + " " + s.version : s.reason) << "\n";
  EXPECT_EQ(s.compiled, gpu::device_read_compiled());
  if (s.loaded) {
    EXPECT_EQ(s.version.rfind("6.", 0), 0u) << s.version;
    EXPECT_NE(s.library.find("libnvcomp"), std::string::npos) << s.library;
    EXPECT_TRUE(s.reason.empty());
  } else {
    EXPECT_FALSE(s.reason.empty());
  }
  // Asking again gives the same answer (loaded once).
  EXPECT_EQ(gpu::nvcomp_status().loaded, s.loaded);
}

// A 4-element array in memory (chunks of 2, the bytes codec) of `data_type`.
std::shared_ptr<array::Array> small_array(const nlohmann::json& data_type, const nlohmann::json& fill_value,
                                          const nlohmann::json& bytes_codec) {
  nlohmann::json doc = {{"zarr_format", 3},
                        {"node_type", "array"},
                        {"shape", {4}},
                        {"data_type", data_type},
                        {"chunk_grid", {{"name", "regular"}, {"configuration", {{"chunk_shape", {2}}}}}},
                        {"chunk_key_encoding", {{"name", "default"}}},
                        {"fill_value", fill_value},
                        {"codecs", nlohmann::json::array({bytes_codec})}};
  auto store = std::make_shared<store::MemoryStore>();
  return array::Array::create(store, "a", metadata::ArrayMetadata::from_json(doc, 3, "a"), false);
}

TEST(GpuDeviceRead, WithoutADeviceRaisesDeviceUnavailableBeforeAnyIo) {
  std::string why;
  if (cuda::device_count(&why) > 0) GTEST_SKIP() << "a CUDA device is present";
  auto arr = small_array("uint8", 0, {{"name", "bytes"}});
  try {
    gpu::read_to_device(*arr, {array::DimSelection::slice(0, 4, 1)}, {}, {});
    ADD_FAILURE() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kDeviceUnavailable);
    EXPECT_NE(std::string(e.what()).find(why), std::string::npos) << e.what() << " / " << why;
  }
}

TEST(GpuDeviceRead, ArraysOfTimesTextOrRecordsAreATypeErrorOnAnyMachine) {
  const nlohmann::json little = {{"name", "bytes"}, {"configuration", {{"endian", "little"}}}};
  const std::pair<const char*, nlohmann::json> cases[] = {
      {R"({"name": "numpy.datetime64", "configuration": {"unit": "s", "scale_factor": 1}})", 0},
      {R"({"name": "raw_bytes", "configuration": {"length_bytes": 3}})", "AAAA"}};
  for (const auto& [type, fill] : cases) {
    auto arr = small_array(nlohmann::json::parse(type), fill, little);
    try {
      gpu::read_to_device(*arr, {array::DimSelection::slice(0, 4, 1)}, {}, {});
      ADD_FAILURE() << "no error";
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), ErrorCode::kTypeError) << e.what();
      EXPECT_NE(std::string(e.what()).find("numbers"), std::string::npos) << e.what();
    }
  }
}

}  // namespace
