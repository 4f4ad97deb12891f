// The core NDArray without Python: allocation, views, bounds checking,
// strided copies, and the behaviour of device requests on a machine without
// a usable GPU.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <memory>
#include <numeric>
#include <string>
#include <thread>
#include <vector>

#include "zarrnative/common/error.h"
#include "zarrnative/cuda/runtime.h"
#include "zarrnative/ndarray/ndarray.h"

using namespace zarrnative;

namespace {
DType u16() { return DType::from_typestr("<u2"); }
DType i32() { return DType::from_typestr("<i4"); }

NDArray iota_i32(const Shape& shape) {
  NDArray a = NDArray::empty(i32(), shape);
  auto* p = static_cast<int32_t*>(a.data());
  std::iota(p, p + a.size(), 0);
  return a;
}
}  // namespace

TEST(NDArray, EmptyIsAlignedAndContiguous) {
  NDArray a = NDArray::empty(u16(), {3, 4, 5});
  EXPECT_EQ(a.ndim(), 3);
  EXPECT_EQ(a.size(), 60);
  EXPECT_EQ(a.nbytes(), 120);
  EXPECT_EQ(a.strides(), (Shape{40, 10, 2}));
  EXPECT_TRUE(a.is_c_contiguous());
  EXPECT_FALSE(a.is_f_contiguous());
  EXPECT_EQ(reinterpret_cast<uintptr_t>(a.data()) % 64, 0u);
  EXPECT_EQ(a.kind(), BufferKind::kHost);

  NDArray f = NDArray::empty(u16(), {3, 4, 5}, BufferKind::kHost, 0, 'F');
  EXPECT_EQ(f.strides(), (Shape{2, 6, 24}));
  EXPECT_TRUE(f.is_f_contiguous());
}

TEST(NDArray, ZeroDimensionalAndZeroSize) {
  NDArray scalar = NDArray::empty(i32(), {});
  EXPECT_EQ(scalar.size(), 1);
  EXPECT_EQ(scalar.nbytes(), 4);
  EXPECT_TRUE(scalar.is_c_contiguous());
  NDArray none = NDArray::empty(i32(), {0, 7});
  EXPECT_EQ(none.size(), 0);
  EXPECT_NE(none.data(), nullptr);
  NDArray other = NDArray::empty(i32(), {0, 7});
  other.copy_from(none);  // nothing to move, and no fault
}

TEST(NDArray, ViewsOutsideTheBufferAreRefused) {
  auto buf = Buffer::allocate(64);
  EXPECT_NO_THROW(NDArray(buf, i32(), {4, 4}, {16, 4}, 0, false));
  EXPECT_THROW(NDArray(buf, i32(), {4, 5}, {16, 4}, 0, false), Error);   // one row too long
  EXPECT_THROW(NDArray(buf, i32(), {4, 4}, {16, 4}, 4, false), Error);   // offset pushes past the end
  EXPECT_THROW(NDArray(buf, i32(), {4}, {-4}, 0, false), Error);         // negative stride before the start
  EXPECT_NO_THROW(NDArray(buf, i32(), {4}, {-4}, 12, false));            // reversed view, inside
  EXPECT_THROW(NDArray(buf, i32(), {2}, {4, 4}, 0, false), Error);       // strides / shape mismatch
  EXPECT_THROW(NDArray(buf, i32(), {-1}, {4}, 0, false), Error);         // negative extent
  EXPECT_THROW(NDArray(buf, i32(), {2, 1LL << 40}, {1LL << 40, 1LL << 30}, 0, false), Error);
  EXPECT_NO_THROW(NDArray(buf, i32(), {0, 1000}, {4000, 4}, 0, false));  // empty views address nothing
  try {
    NDArray(buf, i32(), {17}, {4}, 0, false);
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kOutOfRange);
    EXPECT_NE(std::string(e.what()).find("buffer of 64 bytes"), std::string::npos);
  }
}

TEST(NDArray, ReadOnlyBuffersMakeReadOnlyViews) {
  static const int32_t data[4] = {1, 2, 3, 4};
  auto buf = Buffer::wrap(const_cast<int32_t*>(data), sizeof data, BufferKind::kHost, 0, true, nullptr);
  NDArray a(buf, i32(), {4}, {4}, 0, /*readonly=*/false);
  EXPECT_TRUE(a.readonly());
  NDArray b = NDArray::empty(i32(), {4});
  EXPECT_THROW(a.copy_from(b), Error);
  b.copy_from(a);
  EXPECT_EQ(std::memcmp(b.data(), data, sizeof data), 0);
}

TEST(NDArray, ExternalOwnerIsReleasedWithTheLastView) {
  int released = 0;
  std::vector<int32_t> storage(8, 7);
  {
    std::shared_ptr<void> owner(&released, [](void* p) { ++*static_cast<int*>(p); });
    auto buf = Buffer::wrap(storage.data(), 32, BufferKind::kHost, 0, false, owner);
    owner.reset();
    NDArray view(buf, i32(), {8}, {4}, 0, false);
    buf.reset();
    EXPECT_EQ(released, 0);
    NDArray copy_of_view = view;
    EXPECT_EQ(released, 0);
  }
  EXPECT_EQ(released, 1);
}

TEST(NDArray, StridedCopyTransposes) {
  NDArray src = iota_i32({3, 4});
  // A transposed view (4, 3) of src, copied into a C-ordered array.
  NDArray t(src.buffer(), i32(), {4, 3}, {4, 16}, 0, false);
  EXPECT_FALSE(t.is_c_contiguous());
  EXPECT_TRUE(t.is_f_contiguous());
  NDArray dst = NDArray::empty(i32(), {4, 3});
  dst.copy_from(t);
  auto* d = static_cast<int32_t*>(dst.data());
  for (int i = 0; i < 4; ++i)
    for (int j = 0; j < 3; ++j) EXPECT_EQ(d[i * 3 + j], j * 4 + i);
}

TEST(NDArray, StridedCopyWithStepsAndNegativeStrides) {
  NDArray src = iota_i32({10});
  // src[8:0:-2] -> 8, 6, 4, 2
  NDArray rev(src.buffer(), i32(), {4}, {-8}, 32, false);
  NDArray dst = NDArray::empty(i32(), {4});
  dst.copy_from(rev);
  auto* d = static_cast<int32_t*>(dst.data());
  EXPECT_EQ((std::vector<int32_t>(d, d + 4)), (std::vector<int32_t>{8, 6, 4, 2}));
}

TEST(NDArray, StridedCopyOfSixteenByteItemsIntoAWindow) {
  DType c16 = DType::from_typestr("<c16");
  NDArray big = NDArray::empty(c16, {5, 6});
  std::memset(big.data(), 0, static_cast<size_t>(big.nbytes()));
  NDArray small = NDArray::empty(c16, {2, 3});
  auto* s = static_cast<double*>(small.data());
  for (int i = 0; i < 12; ++i) s[i] = i + 1;
  // big[1:3, 2:5] = small
  NDArray window(big.buffer(), c16, {2, 3}, {96, 16}, 96 + 32, false);
  window.copy_from(small);
  auto* b = static_cast<double*>(big.data());
  EXPECT_EQ(b[(1 * 6 + 2) * 2], 1);
  EXPECT_EQ(b[(2 * 6 + 4) * 2 + 1], 12);
  EXPECT_EQ(b[0], 0);
  EXPECT_EQ(b[(1 * 6 + 1) * 2], 0);
}

// Windows of a destination spread over more than 16 MiB are written with
// streaming stores; rows of every length and alignment must land exactly,
// and nothing outside the window may change.
TEST(NDArray, StridedCopyIntoAWindowOfALargeArray) {
  const int64_t rows = 300, cols = 32771;  // 39 MB of int32
  NDArray big = NDArray::empty(i32(), {rows, cols});
  std::memset(big.data(), 0xAB, static_cast<size_t>(big.nbytes()));
  const int64_t row_stride = cols * 4;
  for (int64_t width : {1, 15, 16, 17, 33, 100}) {
    for (int64_t col0 : {0, 1, 3, 7, 4000}) {
      NDArray small = iota_i32({rows / 3, width});
      // big[::3, col0:col0+width] = small
      NDArray window(big.buffer(), i32(), {rows / 3, width}, {3 * row_stride, 4}, col0 * 4, false);
      window.copy_from(small);
      auto* b = static_cast<int32_t*>(big.data());
      for (int64_t r = 0; r < rows; ++r) {
        for (int64_t c = std::max<int64_t>(0, col0 - 2); c < col0 + width + 2; ++c) {
          int32_t want;
          if (r % 3 == 0 && c >= col0 && c < col0 + width) {
            want = static_cast<int32_t>((r / 3) * width + (c - col0));
          } else {
            std::memset(&want, 0xAB, 4);
          }
          ASSERT_EQ(b[r * cols + c], want) << "width " << width << " col0 " << col0 << " at " << r << "," << c;
        }
      }
      std::memset(big.data(), 0xAB, static_cast<size_t>(big.nbytes()));
    }
  }
  // Rows walked backwards.
  NDArray small = iota_i32({rows, 40});
  NDArray rev(big.buffer(), i32(), {rows, 40}, {-row_stride, 4}, (rows - 1) * row_stride + 8, false);
  rev.copy_from(small);
  auto* b = static_cast<int32_t*>(big.data());
  for (int64_t r = 0; r < rows; ++r) {
    for (int64_t c = 0; c < 40; ++c) ASSERT_EQ(b[(rows - 1 - r) * cols + 2 + c], r * 40 + c);
  }
}

TEST(NDArray, CopyChecksShapeAndDtype) {
  NDArray a = NDArray::empty(i32(), {4});
  EXPECT_THROW(a.copy_from(NDArray::empty(i32(), {5})), Error);
  EXPECT_THROW(a.copy_from(NDArray::empty(DType::from_typestr("<f4"), {4})), Error);
}

TEST(NDArray, HostCopyIsAViewUnlessForced) {
  NDArray a = iota_i32({4});
  EXPECT_EQ(a.to(BufferKind::kHost).data(), a.data());
  NDArray c = a.to(BufferKind::kHost, 0, true);
  EXPECT_NE(c.data(), a.data());
  EXPECT_EQ(std::memcmp(c.data(), a.data(), 16), 0);
}

TEST(NDArray, DeviceRequestsWithoutAGpuSaySo) {
  std::string why;
  if (cuda::device_count(&why) > 0) GTEST_SKIP() << "a CUDA device is present";
  EXPECT_FALSE(why.empty());
  try {
    NDArray::empty(i32(), {4}, BufferKind::kDevice);
    FAIL() << "allocated device memory without a device";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kDeviceUnavailable);
  }
  EXPECT_THROW(iota_i32({4}).to(BufferKind::kDevice), Error);
}

TEST(NDArray, DeviceRoundTripWhenAGpuIsPresent) {
  if (cuda::device_count() == 0) GTEST_SKIP() << "no CUDA device";
  NDArray src = iota_i32({6, 5});
  NDArray t(src.buffer(), i32(), {5, 6}, {4, 20}, 0, false);  // transposed view
  NDArray dev = t.to(BufferKind::kDevice);
  EXPECT_EQ(dev.kind(), BufferKind::kDevice);
  NDArray back = dev.to(BufferKind::kHost);
  NDArray expect = NDArray::empty(i32(), {5, 6});
  expect.copy_from(t);
  EXPECT_EQ(std::memcmp(back.data(), expect.data(), 120), 0);
  // device -> device strided (transpose on the GPU)
  NDArray dev_src = src.to(BufferKind::kDevice);
  NDArray dev_t(dev_src.buffer(), i32(), {5, 6}, {4, 20}, 0, false);
  NDArray dev_c = NDArray::empty(i32(), {5, 6}, BufferKind::kDevice);
  dev_c.copy_from(dev_t);
  NDArray back2 = dev_c.to(BufferKind::kHost);
  EXPECT_EQ(std::memcmp(back2.data(), expect.data(), 120), 0);
}

// --- string and bytes arrays (VlenItem elements) ------------------------------

TEST(NDArray, StringArraysStartEmptyAndStayOnTheHost) {
  const DType s(DTypeKind::kString, 16);
  NDArray a = NDArray::empty(s, {3, 5}, BufferKind::kHost, 0, 'F');
  const auto* p = static_cast<const uint8_t*>(a.data());
  for (int64_t i = 0; i < a.nbytes(); ++i) ASSERT_EQ(p[i], 0) << i;  // every item is ""
  try {
    NDArray::empty(s, {3}, BufferKind::kDevice);
    FAIL() << "a string array on a device";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kTypeError);
  }
  EXPECT_THROW(a.with_dtype(DType::from_typestr("<c16")), Error);
  EXPECT_THROW(NDArray::empty(DType::from_typestr("<c16"), {2}).with_dtype(s), Error);
  EXPECT_THROW(a.with_dtype(DType(DTypeKind::kBytes, 16)), Error);
}

TEST(NDArray, CopiesOfStringArraysKeepTheHeaps) {
  const DType s(DTypeKind::kString, 16);
  NDArray a = NDArray::empty(s, {2});
  std::weak_ptr<void> watch;
  {
    auto heap = std::make_shared<std::string>("hello");
    watch = heap;
    auto* items = static_cast<uint64_t*>(a.data());
    items[0] = reinterpret_cast<uint64_t>(heap->data());
    items[1] = heap->size();
    a.buffer()->attach(heap);
    a.buffer()->attach(heap);     // a repeat is not stored twice
    a.buffer()->attach(nullptr);  // ignored
  }
  EXPECT_EQ(a.buffer()->attachments().size(), 1u);
  NDArray b = NDArray::empty(s, {2});
  b.copy_from(a);
  a = NDArray::empty(s, {1});
  EXPECT_FALSE(watch.expired());
  EXPECT_EQ(std::memcmp(reinterpret_cast<const char*>(static_cast<const uint64_t*>(b.data())[0]), "hello", 5), 0);
  b = NDArray::empty(s, {1});
  EXPECT_TRUE(watch.expired());
}

TEST(NDArray, BufferAttachIsThreadSafe) {
  auto buf = Buffer::allocate(16);
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 1000; ++i) buf->attach(std::make_shared<int>(i));
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(buf->attachments().size(), 8000u);
}
