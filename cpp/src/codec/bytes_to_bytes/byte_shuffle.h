// Internal: byte shuffling (the transpose of `count` elements of `size`
// bytes into `size` planes of `count` bytes: byte b of element i goes to
// out[b * count + i]), as numcodecs' Shuffle and blosc's byte shuffle lay it
// out. AVX2 kernels for 2- and 4-byte elements where the CPU has AVX2.
#pragma once

#include <cstddef>
#include <cstdint>

namespace zarrnative::codec {

using ShuffleKernel = void (*)(const uint8_t* in, uint8_t* out, size_t count, size_t size);

// The fastest shuffle for elements of `size` bytes on this CPU.
ShuffleKernel shuffle_kernel(size_t size);
// Whether shuffle_kernel(size) is a vector kernel (faster than blosc's own).
bool shuffle_is_vectorised(size_t size);
// The inverse.
ShuffleKernel unshuffle_kernel(size_t size);

}  // namespace zarrnative::codec
