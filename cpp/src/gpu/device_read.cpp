#include "zarrnative/gpu/device_read.h"

#include <chrono>

#include "gpu/device_exec.h"
#include "zarrnative/common/error.h"
#include "zarrnative/cuda/runtime.h"
#include "zarrnative/gpu/read_plan.h"

namespace zarrnative::gpu {

bool device_read_compiled() { return execute_compiled(); }

namespace {

double ms_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
}

// Every entry point: `make_plan` builds the host half (plan_gpu_read,
// _many or _points); `read_on_cpu` fills a host array of the plan's output
// shape when the chain has no GPU decoder.
template <class MakePlan, class ReadOnCpu>
NDArray execute(const array::Array& arr, MakePlan make_plan, const DeviceReadOptions& device_options,
                std::string* report, ReadOnCpu read_on_cpu) {
  // Numbers only: DLPack and the GPU frameworks have no time, text or
  // record types (checked before the device, so any machine says so).
  check(arr.metadata().dtype.is_number(), ErrorCode::kTypeError, [&] {
    return "device reads take arrays of numbers; this array holds " + arr.metadata().dtype.typestr();
  });
  // Before any I/O: a machine without a usable device says so, with the
  // CUDA runtime's own words (no driver, no device...).
  cuda::require_device(device_options.device);
  const auto t0 = std::chrono::steady_clock::now();
  const ReadPlan plan = make_plan();
  if (device_options.timings) {
    *device_options.timings = DeviceReadTimings{};
    device_options.timings->plan_ms = ms_since(t0);
  }
  if (report) *report = describe(plan);
  const DType dtype = arr.metadata().dtype.with_byte_order(native_byte_order());
  if (plan.whole_cpu) {
    // No GPU decoder for this chain: the CPU reads, the result is uploaded
    // (one copy; reading into pinned memory would save the driver's
    // staging of pageable memory, not the copy itself).
    NDArray host = NDArray::empty(dtype, plan.out_shape);
    read_on_cpu(host);
    return host.to(BufferKind::kDevice, device_options.device, /*force_copy=*/true);
  }
  NDArray out = NDArray::empty(dtype, plan.out_shape, BufferKind::kDevice, device_options.device);
  if (out.size() > 0) execute_plan(plan, out.data(), device_options);
  if (device_options.timings) device_options.timings->total_ms = ms_since(t0);
  return out;
}

}  // namespace

NDArray read_to_device(const array::Array& arr, const array::OrthogonalSelection& sel,
                       const array::ArrayOptions& options, const DeviceReadOptions& device_options,
                       std::string* report) {
  return execute(arr, [&] { return plan_gpu_read(arr, sel, options); }, device_options, report,
                 [&](NDArray& host) { arr.read(sel, host, options); });
}

NDArray read_many_to_device(const array::Array& arr, const std::vector<array::OrthogonalSelection>& sels,
                            const array::ArrayOptions& options, const DeviceReadOptions& device_options,
                            std::string* report) {
  return execute(arr, [&] { return plan_gpu_read_many(arr, sels, options); }, device_options, report,
                 [&](NDArray& host) { arr.read_many(sels, host, options); });
}

NDArray read_points_to_device(const array::Array& arr, const std::vector<std::vector<int64_t>>& points,
                              const array::ArrayOptions& options, const DeviceReadOptions& device_options,
                              std::string* report) {
  return execute(arr, [&] { return plan_gpu_read_points(arr, points, options); }, device_options, report,
                 [&](NDArray& host) { arr.read_points(points, host, options); });
}

}  // namespace zarrnative::gpu
