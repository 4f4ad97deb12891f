#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <vector>

#include "zarrnative/common/dtype.h"
#include "zarrnative/common/error.h"

using zarrnative::ByteOrder;
using zarrnative::DType;
using zarrnative::DTypeKind;
using zarrnative::Error;
using zarrnative::ErrorCode;
using zarrnative::has_nan;
using zarrnative::same_as_fill;

TEST(DType, TypestrRoundTripsEveryZarrNumericType) {
  for (const char* s : {"|b1", "|i1", "|u1", "<i2", ">i2", "<i4", ">i4", "<i8", ">i8", "<u2", ">u2", "<u4",
                        ">u4", "<u8", ">u8", "<f2", ">f2", "<f4", ">f4", "<f8", ">f8", "<c8", ">c8", "<c16",
                        ">c16"}) {
    EXPECT_EQ(DType::from_typestr(s).typestr(), s);
  }
}

TEST(DType, ZarrV3Names) {
  EXPECT_EQ(DType::from_zarr_v3_name("uint16"), DType::from_typestr("<u2"));
  EXPECT_EQ(DType::from_typestr(">c16").zarr_v3_name(), "complex128");
  EXPECT_EQ(DType::from_typestr("|b1").zarr_v3_name(), "bool");
  EXPECT_THROW(DType::from_zarr_v3_name("bfloat16"), Error);
}

TEST(DType, OneByteTypesHaveNoByteOrder) {
  EXPECT_EQ(DType::from_typestr(">u1").byte_order(), ByteOrder::kNotApplicable);
  EXPECT_EQ(DType::from_typestr(">u1").typestr(), "|u1");
  EXPECT_TRUE(DType::from_typestr("|i1").is_native());
}

TEST(DType, BufferFormatsAreNativeUnlessSwapped) {
  EXPECT_EQ(DType::from_typestr("<f2").buffer_format(), "e");
  EXPECT_EQ(DType::from_typestr("<c8").buffer_format(), "Zf");
  EXPECT_EQ(DType::from_typestr(">i4").buffer_format(), ">i");
  EXPECT_EQ(DType::from_buffer_format("<q", 8), DType::from_typestr("<i8"));
  EXPECT_EQ(DType::from_buffer_format("l", 8), DType::from_typestr("<i8"));
  EXPECT_EQ(DType::from_buffer_format(">Zd", 16), DType::from_typestr(">c16"));
}

TEST(DType, DLPackCodes) {
  DType t = DType::from_dlpack(2, 32, 1);
  EXPECT_EQ(t, DType::from_typestr("<f4"));
  EXPECT_EQ(t.dlpack_code(), 2);
  EXPECT_EQ(DType::from_dlpack(6, 8, 1).kind(), DTypeKind::kBool);
  EXPECT_THROW(DType::from_dlpack(4, 16, 1), Error);  // bfloat16
  EXPECT_THROW(DType::from_dlpack(2, 32, 4), Error);  // vector lanes
}

TEST(DType, BadInputIsATypeError) {
  for (const char* s : {"", "<", "<x4", "<i3", "<f16", "<i99999999999", "U4"}) {
    try {
      DType::from_typestr(s);
      FAIL() << "accepted " << s;
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), ErrorCode::kTypeError) << s;
      EXPECT_NE(std::string(e.what()).find("unsupported data type"), std::string::npos);
    }
  }
}

TEST(DType, StringAndBytesKinds) {
  const DType s = DType::from_zarr_v3_name("string");
  const DType b = DType::from_zarr_v3_name("variable_length_bytes");
  EXPECT_EQ(s.kind(), DTypeKind::kString);
  EXPECT_EQ(b.kind(), DTypeKind::kBytes);
  EXPECT_EQ(DType::from_zarr_v3_name("bytes"), b);  // zarr-python's alias
  EXPECT_EQ(s.itemsize(), 16u);
  EXPECT_TRUE(s.is_vlen() && b.is_vlen());
  EXPECT_FALSE(DType::from_typestr("<c16").is_vlen());
  EXPECT_EQ(s.zarr_v3_name(), "string");
  EXPECT_EQ(b.zarr_v3_name(), "variable_length_bytes");
  EXPECT_EQ(s.typestr(), "|O");  // numpy's object dtype, for both
  EXPECT_EQ(b.typestr(), "|O");
  EXPECT_NE(s, b);
  EXPECT_EQ(s.byte_order(), ByteOrder::kNotApplicable);
  EXPECT_EQ(DType(DTypeKind::kString, 16, ByteOrder::kBig).byte_order(), ByteOrder::kNotApplicable);
  EXPECT_EQ(s.with_byte_order(ByteOrder::kBig), s);
  EXPECT_TRUE(s.is_native());
  EXPECT_THROW(DType(DTypeKind::kString, 8), Error);
}

TEST(DType, StringAndBytesHaveNoBufferFormatDLPackCodeOrTypestrSpelling) {
  for (const DType& t : {DType(DTypeKind::kString, 16), DType(DTypeKind::kBytes, 16)}) {
    for (auto f : {+[](const DType& x) { (void)x.buffer_format(); }, +[](const DType& x) { (void)x.dlpack_code(); }}) {
      try {
        f(t);
        FAIL() << "accepted " << t.zarr_v3_name();
      } catch (const Error& e) {
        EXPECT_EQ(e.code(), ErrorCode::kTypeError);
        EXPECT_NE(std::string(e.what()).find(t.zarr_v3_name()), std::string::npos) << e.what();
      }
    }
  }
  for (const char* s : {"|O", "<O", "|O8"}) {
    try {
      DType::from_typestr(s);
      FAIL() << "accepted " << s;
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), ErrorCode::kTypeError);
      EXPECT_NE(std::string(e.what()).find("\"string\""), std::string::npos) << e.what();
    }
  }
  EXPECT_THROW(DType::from_buffer_format("O", 8), Error);
}

TEST(DType, TimesFixedLengthTextAndRawBytes) {
  for (const char* s :
       {"<M8", "<M8[D]", ">M8[10ns]", "<m8[s]", ">m8[25us]", "<M8[as]", "|S1", "|S40", "<U3", ">U1", "|V5", "|V1"}) {
    EXPECT_EQ(DType::from_typestr(s).typestr(), s);
  }
  DType t = DType::from_typestr(">M8[10ns]");
  EXPECT_EQ(t.kind(), DTypeKind::kDatetime);
  EXPECT_EQ(t.time_unit(), zarrnative::TimeUnit::kns);
  EXPECT_EQ(t.time_scale(), 10u);
  EXPECT_EQ(t.itemsize(), 8u);
  EXPECT_NE(t, DType::from_typestr(">M8[ns]"));           // the unit and scale are part of the type
  EXPECT_EQ(t.with_byte_order(ByteOrder::kLittle).typestr(), "<M8[10ns]");  // and survive a byte-order change
  EXPECT_EQ(DType::from_typestr("|S4").with_byte_order(ByteOrder::kBig).typestr(), "|S4");
  EXPECT_TRUE(DType::from_typestr("<c8").is_number() && !t.is_number() && !DType::from_typestr("|V2").is_number());
  EXPECT_EQ(DType::from_typestr("<U3").itemsize(), 12u);  // numpy counts characters
  EXPECT_EQ(DType::from_typestr("|S4").byte_order(), ByteOrder::kNotApplicable);
  EXPECT_EQ(DType::from_typestr("<S4").typestr(), "|S4");
  EXPECT_EQ(DType::from_typestr("<U3").zarr_v3_name(), "fixed_length_utf32");
  for (const char* bad : {"<M8[]", "<M8[xs]", "<M8[0s]", "<M4", "<M8[s", "|S0", "|V", "<U0", "|S99999999999"}) {
    EXPECT_THROW(DType::from_typestr(bad), Error) << bad;
  }
  EXPECT_THROW(t.buffer_format(), Error);
  EXPECT_THROW(DType::from_typestr("|S3").dlpack_code(), Error);
}

TEST(DType, SwapUnits) {
  EXPECT_EQ(DType::from_typestr("<i4").swap_unit(), 4u);
  EXPECT_EQ(DType::from_typestr("<c16").swap_unit(), 8u);
  EXPECT_EQ(DType::from_typestr("<U5").swap_unit(), 4u);
  EXPECT_EQ(DType::from_typestr("<m8[s]").swap_unit(), 8u);
  EXPECT_EQ(DType::from_typestr("|S8").swap_unit(), 1u);
  EXPECT_EQ(DType::from_typestr("|V8").swap_unit(), 1u);
  uint8_t u[8] = {'a', 0, 0, 0, 'b', 0, 0, 0};
  zarrnative::swap_elements(u, 8, DType::from_typestr("<U2"));  // each character on its own
  const uint8_t want[8] = {0, 0, 0, 'a', 0, 0, 0, 'b'};
  EXPECT_EQ(std::memcmp(u, want, 8), 0);
  uint8_t s[4] = {1, 2, 3, 4};
  zarrnative::swap_elements(s, 4, DType::from_typestr("|S4"));  // bytes never swap
  EXPECT_EQ(s[0], 1);
}

// The rule for chunks that are not stored: bytes, except that any NaN is a
// NaN fill value; both byte orders, float16, complex parts.
TEST(DType, SameAsFillComparesBitsAndAnyNaN) {
  auto item = [](auto v, bool swap) {
    std::vector<uint8_t> b(sizeof(v));
    std::memcpy(b.data(), &v, sizeof(v));
    if (swap) std::reverse(b.begin(), b.end());
    return b;
  };
  for (bool big : {false, true}) {
    const DType f8 = DType::from_typestr(big ? ">f8" : "<f8");
    const auto zero = item(0.0, big), neg = item(-0.0, big), nan = item(std::nan(""), big);
    const auto nan2 = item(-std::nan("5"), big), one = item(1.0, big), inf = item(INFINITY, big);
    EXPECT_TRUE(same_as_fill(zero.data(), zero.data(), f8));
    EXPECT_FALSE(same_as_fill(neg.data(), zero.data(), f8));
    EXPECT_FALSE(same_as_fill(zero.data(), neg.data(), f8));
    EXPECT_TRUE(same_as_fill(nan2.data(), nan.data(), f8));
    EXPECT_FALSE(same_as_fill(inf.data(), nan.data(), f8));  // all exponent bits, no mantissa
    EXPECT_FALSE(same_as_fill(one.data(), nan.data(), f8));
    EXPECT_TRUE(has_nan(nan2.data(), f8));
    EXPECT_FALSE(has_nan(inf.data(), f8));
    const DType f4 = DType::from_typestr(big ? ">f4" : "<f4");
    EXPECT_TRUE(same_as_fill(item(-std::nanf("3"), big).data(), item(std::nanf(""), big).data(), f4));
    EXPECT_FALSE(same_as_fill(item(-0.0f, big).data(), item(0.0f, big).data(), f4));
    const DType f2 = DType::from_typestr(big ? ">f2" : "<f2");
    EXPECT_TRUE(same_as_fill(item(uint16_t{0xFE01}, big).data(), item(uint16_t{0x7E00}, big).data(), f2));
    EXPECT_FALSE(same_as_fill(item(uint16_t{0x7C00}, big).data(), item(uint16_t{0x7E00}, big).data(), f2));
    EXPECT_FALSE(same_as_fill(item(uint16_t{0x8000}, big).data(), item(uint16_t{0}, big).data(), f2));
  }
  // complex: each part alone
  const DType c8 = DType::from_typestr("<c8");
  const float nan_zero[2] = {std::nanf(""), 0.0f}, nan_other[2] = {-std::nanf("9"), 0.0f};
  const float nan_negzero[2] = {std::nanf(""), -0.0f};
  auto bytes = [](const float* p) { return reinterpret_cast<const uint8_t*>(p); };
  EXPECT_TRUE(same_as_fill(bytes(nan_other), bytes(nan_zero), c8));
  EXPECT_FALSE(same_as_fill(bytes(nan_negzero), bytes(nan_zero), c8));
  EXPECT_TRUE(has_nan(bytes(nan_zero), c8));
  // integers and other kinds: bytes only, never NaN
  const DType i4 = DType::from_typestr("<i4");
  const int32_t a = 7, b = 7, c = 8;
  EXPECT_TRUE(same_as_fill(reinterpret_cast<const uint8_t*>(&a), reinterpret_cast<const uint8_t*>(&b), i4));
  EXPECT_FALSE(same_as_fill(reinterpret_cast<const uint8_t*>(&a), reinterpret_cast<const uint8_t*>(&c), i4));
  const int32_t all_ones = -1;
  EXPECT_FALSE(has_nan(reinterpret_cast<const uint8_t*>(&all_ones), i4));
}
