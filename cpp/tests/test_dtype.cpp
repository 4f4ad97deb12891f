#include <gtest/gtest.h>

#include "zarrnative/common/dtype.h"
#include "zarrnative/common/error.h"

using zarrnative::ByteOrder;
using zarrnative::DType;
using zarrnative::DTypeKind;
using zarrnative::Error;
using zarrnative::ErrorCode;

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
