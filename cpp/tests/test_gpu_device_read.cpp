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

TEST(GpuDeviceRead, WithoutADeviceRaisesDeviceUnavailableBeforeAnyIo) {
  std::string why;
  if (cuda::device_count(&why) > 0) GTEST_SKIP() << "a CUDA device is present";
  nlohmann::json doc = {{"zarr_format", 3},
                        {"node_type", "array"},
                        {"shape", {4}},
                        {"data_type", "uint8"},
                        {"chunk_grid", {{"name", "regular"}, {"configuration", {{"chunk_shape", {2}}}}}},
                        {"chunk_key_encoding", {{"name", "default"}}},
                        {"fill_value", 0},
                        {"codecs", nlohmann::json::array({{{"name", "bytes"}}})}};
  auto store = std::make_shared<store::MemoryStore>();
  auto arr = array::Array::create(store, "a", metadata::ArrayMetadata::from_json(doc, 3, "a"), false);
  try {
    gpu::read_to_device(*arr, {array::DimSelection::slice(0, 4, 1)}, {}, {});
    ADD_FAILURE() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kDeviceUnavailable);
    EXPECT_NE(std::string(e.what()).find(why), std::string::npos) << e.what() << " / " << why;
  }
}

TEST(GpuDeviceRead, ArraysOfTimesTextOrRecordsAreATypeErrorOnAnyMachine) {
  for (const char* type : {R"({"name": "numpy.datetime64", "configuration": {"unit": "s", "scale_factor": 1}})",
                           R"({"name": "raw_bytes", "configuration": {"length_bytes": 3}})"}) {
    nlohmann::json doc = {{"zarr_format", 3},
                          {"node_type", "array"},
                          {"shape", {4}},
                          {"data_type", nlohmann::json::parse(type)},
                          {"chunk_grid", {{"name", "regular"}, {"configuration", {{"chunk_shape", {2}}}}}},
                          {"chunk_key_encoding", {{"name", "default"}}},
                          {"fill_value", type[10] == 'n' ? nlohmann::json(0) : nlohmann::json("AAAA")},
                          {"codecs", nlohmann::json::array({{{"name", "bytes"}, {"configuration", {{"endian", "little"}}}}})}};
    auto store = std::make_shared<store::MemoryStore>();
    auto arr = array::Array::create(store, "a", metadata::ArrayMetadata::from_json(doc, 3, "a"), false);
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
