#include "zarrnative/gpu/device_read.h"

#include "gpu/device_exec.h"
#include "zarrnative/common/error.h"
#include "zarrnative/cuda/runtime.h"
#include "zarrnative/gpu/read_plan.h"

namespace zarrnative::gpu {

bool device_read_compiled() { return execute_compiled(); }

namespace {

// Both entry points: `plan` from plan_gpu_read(_many); `read_on_cpu` fills a
// host array of the plan's output shape when the chain has no GPU decoder.
template <class ReadOnCpu>
NDArray execute(const array::Array& arr, ReadPlan plan, const DeviceReadOptions& device_options,
                std::string* report, ReadOnCpu read_on_cpu) {
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
  return out;
}

}  // namespace

NDArray read_to_device(const array::Array& arr, const array::OrthogonalSelection& sel,
                       const array::ArrayOptions& options, const DeviceReadOptions& device_options,
                       std::string* report) {
  // Before any I/O: a machine without a usable device says so, with the
  // CUDA runtime's own words (no driver, no device...).
  cuda::require_device(device_options.device);
  return execute(arr, plan_gpu_read(arr, sel, options), device_options, report,
                 [&](NDArray& host) { arr.read(sel, host, options); });
}

NDArray read_many_to_device(const array::Array& arr, const std::vector<array::OrthogonalSelection>& sels,
                            const array::ArrayOptions& options, const DeviceReadOptions& device_options,
                            std::string* report) {
  cuda::require_device(device_options.device);
  return execute(arr, plan_gpu_read_many(arr, sels, options), device_options, report,
                 [&](NDArray& host) { arr.read_many(sels, host, options); });
}

}  // namespace zarrnative::gpu
