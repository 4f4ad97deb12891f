// The device half of a GPU read (cpp/src/gpu/cuda/device_exec.cpp where
// CUDA is compiled, device_exec_stub.cpp elsewhere). Private to cpp/src/gpu.
#pragma once

#include "zarrnative/gpu/device_read.h"
#include "zarrnative/gpu/read_plan.h"

namespace zarrnative::gpu {

// Runs `plan` (not whole_cpu) into `out`: C-contiguous device memory of
// plan.out_shape elements of plan.itemsize bytes on options.device.
void execute_plan(const ReadPlan& plan, void* out, const DeviceReadOptions& options);

// True where execute_plan is compiled with nvCOMP.
bool execute_compiled();

}  // namespace zarrnative::gpu
