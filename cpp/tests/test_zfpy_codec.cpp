// The zfpy codec (numcodecs' ZFPY, zfp): zfpy's known answers byte for byte,
// strided and big chunks, and streams that lie: truncated, bit-flipped,
// garbage, headers of another type or size. Never a read or write out of
// bounds (the ASan build runs these too).
#include "array_codec_test_util.h"

#include <zfp.h>

#include <random>

namespace zarrnative::codec {
namespace {

using namespace array_codec_test;

struct ZfpVector {
  const char* dtype;
  Shape shape;
  const char* config;
  Bytes input, encoded, decoded;
};

// Made by zfpy 1.0.1 (numcodecs' ZFPY): zfpy.compress_numpy(x, **kwargs) and
// zfpy.decompress_numpy of it, x = (sin(i / 3) * 100 + i / 4) cast to the type.
const std::vector<ZfpVector> kZfpVectors = {
    {"<f4", {5, 6}, R"({})",
     {0, 0, 0, 0, 189, 224, 3, 66, 17, 89, 121, 66, 80, 203, 169, 66, 56, 99, 196, 66, 227, 148, 201, 66, 7, 220, 184, 66, 255, 29, 148, 66, 184, 232, 62, 66, 97, 229, 130, 65, 82, 116, 132, 193, 197, 130, 61, 194, 74, 92, 145, 194, 139, 77, 179, 194, 126, 202, 192, 194, 236, 72, 184, 194, 119, 170, 154, 194, 128, 71, 86, 194, 75, 136, 187, 193, 6, 52, 28, 65, 22, 169, 41, 66, 183, 229, 141, 66, 215, 127, 184, 66, 102, 0, 208, 66, 36, 223, 209, 66, 117, 245, 189, 66, 159, 130, 150, 66, 239, 216, 63, 66, 197, 13, 129, 65, 34, 161, 133, 193},
     {122, 102, 112, 5, 86, 0, 0, 64, 0, 0, 0, 136, 25, 238, 32, 162, 24, 27, 114, 48, 66, 52, 3, 116, 229, 239, 22, 109, 20, 14, 224, 35, 130, 28, 193, 122, 52, 41, 209, 147, 161, 63, 231, 197, 67, 188, 22, 62, 213, 75, 193, 47, 80, 215, 166, 109, 227, 67, 192, 10, 117, 14, 52, 0, 213, 38, 5, 80, 206, 80, 103, 224, 85, 74, 43, 85, 162, 153, 138, 84, 8, 148, 138, 7, 226, 15, 138, 10, 226, 75, 170, 66, 66, 67, 106, 13, 72, 7, 10, 9, 96, 69, 104, 143, 42, 212, 192, 64, 226, 66, 202, 4, 200, 71, 106, 77, 200, 134, 74, 213, 72, 75, 138, 64, 32, 67, 109, 229, 52, 73, 51, 10, 0, 34, 136, 4, 24, 8, 32, 137, 0, 152, 40, 2, 0, 6, 136, 72, 0, 136, 2, 0, 72, 2, 128, 34, 204, 117, 10, 0, 0, 146, 0, 104, 130, 36, 104, 2, 128, 72, 10, 6, 9, 146, 2, 104, 2, 0, 0, 0, 0, 0, 0, 0},
     {0, 0, 0, 0, 189, 224, 3, 66, 17, 89, 121, 66, 80, 203, 169, 66, 56, 99, 196, 66, 227, 148, 201, 66, 7, 220, 184, 66, 255, 29, 148, 66, 184, 232, 62, 66, 97, 229, 130, 65, 82, 116, 132, 193, 197, 130, 61, 194, 74, 92, 145, 194, 139, 77, 179, 194, 126, 202, 192, 194, 236, 72, 184, 194, 119, 170, 154, 194, 128, 71, 86, 194, 75, 136, 187, 193, 6, 52, 28, 65, 22, 169, 41, 66, 183, 229, 141, 66, 215, 127, 184, 66, 102, 0, 208, 66, 36, 223, 209, 66, 117, 245, 189, 66, 159, 130, 150, 66, 239, 216, 63, 66, 197, 13, 129, 65, 34, 161, 133, 193}},
    {"<f8", {3, 4, 5}, R"({"mode": 4, "tolerance": 0.01})",
     {0, 0, 0, 0, 0, 0, 0, 0, 155, 52, 28, 149, 23, 124, 64, 64, 142, 236, 178, 43, 34, 43, 79, 64, 26, 18, 191, 15, 106, 57, 85, 64, 34, 117, 190, 14, 103, 140, 88, 64, 172, 12, 226, 101, 156, 50, 89, 64, 215, 212, 115, 231, 128, 27, 87, 64, 189, 162, 156, 232, 191, 131, 82, 64, 112, 215, 101, 241, 22, 221, 71, 64, 175, 214, 182, 21, 172, 92, 48, 64, 33, 142, 149, 51, 138, 142, 48, 192, 0, 30, 0, 162, 88, 176, 71, 192, 248, 247, 83, 53, 137, 43, 82, 192, 27, 177, 223, 91, 177, 105, 86, 192, 142, 217, 117, 188, 79, 25, 88, 192, 176, 119, 23, 136, 29, 9, 87, 192, 87, 117, 9, 224, 78, 85, 83, 192, 80, 211, 160, 255, 239, 200, 74, 192, 76, 254, 179, 104, 9, 113, 55, 192, 70, 10, 114, 190, 128, 134, 35, 64, 199, 19, 153, 192, 34, 53, 69, 64, 214, 47, 229, 215, 182, 188, 81, 64, 241, 224, 5, 223, 250, 15, 87, 64, 145, 75, 25, 194, 12, 0, 90, 64, 24, 226, 31, 141, 228, 59, 90, 64, 74, 1, 173, 170, 174, 190, 87, 64, 59, 228, 44, 233, 83, 208, 82, 64, 41, 133, 57, 218, 29, 251, 71, 64, 174, 224, 138, 162, 184, 33, 48, 64, 104, 104, 70, 50, 36, 180, 48, 192, 240, 43, 76, 96, 120, 115, 71, 192, 222, 11, 179, 234, 36, 199, 81, 192, 48, 82, 217, 206, 238, 168, 85, 192, 144, 99, 84, 244, 239, 239, 86, 192, 29, 126, 245, 201, 101, 118, 85, 192, 18, 16, 65, 61, 29, 100, 81, 192, 210, 142, 64, 35, 34, 84, 70, 192, 2, 135, 113, 14, 207, 175, 43, 192, 103, 176, 29, 196, 70, 131, 51, 64, 237, 97, 165, 88, 35, 226, 73, 64, 206, 111, 186, 49, 74, 217, 83, 64, 180, 6, 173, 23, 150, 216, 88, 64, 166, 41, 113, 23, 227, 99, 91, 64, 1, 193, 11, 30, 65, 53, 91, 64, 107, 81, 165, 73, 149, 83, 88, 64, 69, 136, 233, 152, 215, 17, 83, 64, 132, 82, 36, 97, 225, 11, 72, 64, 166, 118, 87, 249, 200, 193, 47, 64, 132, 163, 20, 45, 83, 202, 48, 192, 60, 10, 214, 2, 22, 37, 71, 192, 52, 92, 197, 250, 15, 86, 81, 192, 98, 250, 147, 166, 241, 216, 84, 192, 83, 232, 179, 201, 120, 182, 85, 192, 102, 147, 194, 94, 127, 212, 83, 192, 28, 223, 157, 2, 163, 204, 78, 192, 112, 243, 112, 136, 15, 206, 65, 192, 160, 239, 97, 143, 161, 191, 16, 192, 194, 207, 255, 71, 219, 60, 61, 64, 198, 132, 55, 63, 158, 129, 78, 64, 245, 181, 33, 221, 178, 234, 85, 64},
     {122, 102, 112, 5, 75, 0, 48, 0, 32, 0, 192, 202, 13, 136, 12, 128, 17, 64, 16, 66, 5, 67, 68, 1, 0, 48, 18, 16, 106, 6, 0, 9, 12, 32, 33, 181, 68, 80, 144, 5, 6, 53, 140, 48, 10, 4, 96, 18, 128, 67, 141, 69, 18, 8, 144, 97, 3, 79, 41, 112, 83, 24, 136, 122, 84, 76, 138, 62, 219, 22, 52, 107, 179, 120, 97, 160, 206, 152, 192, 152, 72, 248, 235, 164, 130, 115, 181, 148, 148, 14, 78, 180, 128, 162, 61, 12, 192, 211, 99, 130, 72, 36, 165, 222, 239, 200, 249, 6, 9, 237, 163, 109, 170, 144, 142, 60, 176, 51, 70, 36, 175, 153, 169, 126, 245, 132, 40, 118, 51, 162, 193, 250, 243, 191, 82, 250, 13, 255, 73, 107, 37, 88, 151, 183, 198, 32, 193, 114, 192, 184, 96, 179, 1, 9, 80, 129, 0, 42, 0, 104, 24, 0, 32, 130, 129, 66, 64, 128, 25, 80, 192, 64, 35, 32, 64, 2, 130, 24, 104, 132, 4, 8, 64, 28, 2, 133, 16, 0, 8, 136, 1, 132, 0, 16, 32, 0, 5, 8, 36, 0, 2, 4, 0, 14, 128, 6, 64, 128, 4, 80, 33, 192, 0, 1, 16, 0, 16, 68, 18, 0, 0, 18, 16, 194, 72, 32, 36, 0, 2, 40, 24, 97, 4, 4, 64, 0, 21, 0, 9, 128, 0, 1, 160, 99, 4, 1, 0, 0, 1, 52, 8, 4, 2, 0, 0, 32, 0, 0, 64, 0, 0, 0, 0, 48, 82, 8, 9, 0, 0, 10, 4, 16, 32, 0, 16, 16, 0, 0, 0, 0},
     {0, 0, 0, 0, 0, 96, 49, 191, 0, 0, 0, 112, 25, 124, 64, 64, 0, 0, 0, 16, 36, 43, 79, 64, 0, 0, 0, 152, 104, 57, 85, 64, 0, 0, 0, 96, 101, 140, 88, 64, 0, 0, 0, 56, 164, 50, 89, 64, 0, 0, 0, 232, 133, 27, 87, 64, 0, 0, 0, 88, 188, 131, 82, 64, 0, 0, 0, 16, 13, 221, 71, 64, 0, 0, 0, 128, 176, 92, 48, 64, 0, 0, 0, 224, 134, 142, 48, 192, 0, 0, 0, 208, 88, 176, 71, 192, 0, 0, 0, 216, 143, 43, 82, 192, 0, 0, 0, 8, 171, 105, 86, 192, 0, 0, 0, 32, 82, 25, 88, 192, 0, 0, 0, 40, 31, 9, 87, 192, 0, 0, 0, 56, 77, 85, 83, 192, 0, 0, 0, 16, 239, 200, 74, 192, 0, 0, 0, 96, 236, 112, 55, 192, 0, 0, 0, 0, 117, 134, 35, 64, 0, 0, 0, 112, 39, 53, 69, 64, 0, 0, 0, 104, 182, 188, 81, 64, 0, 0, 0, 216, 249, 15, 87, 64, 0, 0, 0, 8, 13, 0, 90, 64, 0, 0, 0, 32, 229, 59, 90, 64, 0, 0, 0, 232, 192, 190, 87, 64, 0, 0, 0, 120, 104, 208, 82, 64, 0, 0, 0, 144, 20, 251, 71, 64, 0, 0, 0, 96, 173, 33, 48, 64, 0, 0, 0, 128, 18, 180, 48, 192, 0, 0, 0, 208, 114, 115, 71, 192, 0, 0, 0, 248, 27, 199, 81, 192, 0, 0, 0, 200, 244, 168, 85, 192, 0, 0, 0, 216, 232, 239, 86, 192, 0, 0, 0, 96, 101, 118, 85, 192, 0, 0, 0, 56, 30, 100, 81, 192, 0, 0, 0, 208, 47, 84, 70, 192, 0, 0, 0, 192, 210, 175, 43, 192, 0, 0, 0, 224, 45, 131, 51, 64, 0, 0, 0, 192, 29, 226, 73, 64, 0, 0, 0, 72, 89, 217, 83, 64, 0, 0, 0, 152, 148, 216, 88, 64, 0, 0, 0, 40, 225, 99, 91, 64, 0, 0, 0, 248, 63, 53, 91, 64, 0, 0, 0, 224, 150, 83, 88, 64, 0, 0, 0, 24, 218, 17, 83, 64, 0, 0, 0, 16, 233, 11, 72, 64, 0, 0, 0, 192, 213, 193, 47, 64, 0, 0, 0, 96, 33, 202, 48, 192, 0, 0, 0, 192, 14, 37, 71, 192, 0, 0, 0, 152, 17, 86, 81, 192, 0, 0, 0, 8, 241, 216, 84, 192, 0, 0, 0, 56, 112, 182, 85, 192, 0, 0, 0, 40, 122, 212, 83, 192, 0, 0, 0, 64, 157, 204, 78, 192, 0, 0, 0, 144, 13, 206, 65, 192, 0, 0, 0, 128, 177, 191, 16, 192, 0, 0, 0, 96, 221, 60, 61, 64, 0, 0, 0, 16, 159, 129, 78, 64, 0, 0, 0, 32, 181, 234, 85, 64}},
    {"<i4", {7}, R"({"mode": 3, "precision": 9})",
     {0, 0, 0, 0, 32, 0, 0, 0, 62, 0, 0, 0, 84, 0, 0, 0, 98, 0, 0, 0, 100, 0, 0, 0, 92, 0, 0, 0},
     {122, 102, 112, 5, 96, 0, 0, 0, 0, 0, 128, 128, 0, 0, 0, 0},
     {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}},
    {"<i8", {2, 3, 2, 3}, R"({})",
     {0, 0, 0, 0, 0, 0, 0, 0, 32, 0, 0, 0, 0, 0, 0, 0, 62, 0, 0, 0, 0, 0, 0, 0, 84, 0, 0, 0, 0, 0, 0, 0, 98, 0, 0, 0, 0, 0, 0, 0, 100, 0, 0, 0, 0, 0, 0, 0, 92, 0, 0, 0, 0, 0, 0, 0, 74, 0, 0, 0, 0, 0, 0, 0, 47, 0, 0, 0, 0, 0, 0, 0, 16, 0, 0, 0, 0, 0, 0, 0, 240, 255, 255, 255, 255, 255, 255, 255, 209, 255, 255, 255, 255, 255, 255, 255, 184, 255, 255, 255, 255, 255, 255, 255, 167, 255, 255, 255, 255, 255, 255, 255, 160, 255, 255, 255, 255, 255, 255, 255, 164, 255, 255, 255, 255, 255, 255, 255, 179, 255, 255, 255, 255, 255, 255, 255, 203, 255, 255, 255, 255, 255, 255, 255, 233, 255, 255, 255, 255, 255, 255, 255, 9, 0, 0, 0, 0, 0, 0, 0, 42, 0, 0, 0, 0, 0, 0, 0, 70, 0, 0, 0, 0, 0, 0, 0, 92, 0, 0, 0, 0, 0, 0, 0, 104, 0, 0, 0, 0, 0, 0, 0, 104, 0, 0, 0, 0, 0, 0, 0, 94, 0, 0, 0, 0, 0, 0, 0, 75, 0, 0, 0, 0, 0, 0, 0, 47, 0, 0, 0, 0, 0, 0, 0, 16, 0, 0, 0, 0, 0, 0, 0, 240, 255, 255, 255, 255, 255, 255, 255, 210, 255, 255, 255, 255, 255, 255, 255, 185, 255, 255, 255, 255, 255, 255, 255, 170, 255, 255, 255, 255, 255, 255, 255, 165, 255, 255, 255, 255, 255, 255, 255, 171, 255, 255, 255, 255, 255, 255, 255, 187, 255, 255, 255, 255, 255, 255, 255},
     {122, 102, 112, 5, 45, 0, 1, 32, 0, 1, 0, 136, 63, 0, 0, 0, 0, 0, 0, 8, 0, 0, 0, 32, 0, 16, 0, 0, 3, 0, 96, 0, 0, 0, 0, 0, 3, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 128, 16, 64, 128, 16, 0, 0, 64, 1, 0, 0, 0, 4, 129, 0, 0, 0, 0, 4, 8, 0, 0, 64, 128, 0, 0, 0, 192, 32, 68, 10, 32, 64, 0, 4, 64, 32, 0, 0, 136, 33, 48, 128, 0, 0, 152, 1, 2, 14, 32, 16, 0, 8, 0, 0, 16, 108, 192, 32, 99, 40, 32, 66, 0, 6, 114, 0, 32, 68, 8, 98, 56, 128, 140, 2, 40, 0, 2, 14, 160, 0, 32, 192, 1, 16, 16, 16, 16, 12, 72, 143, 10, 200, 89, 129, 130, 20, 10, 168, 130, 129, 24, 10, 21, 11, 1, 8, 128, 0, 1, 48, 2, 0, 34, 8, 0, 0, 4, 4, 1, 208, 70, 14, 28, 42, 113, 172, 3, 224, 194, 48, 16, 197, 161, 70, 205, 64, 8, 16, 113, 20, 2, 0, 64, 142, 131, 0, 160, 128, 32, 32, 140, 232, 77, 117, 201, 255, 222, 56, 224, 92, 140, 224, 56, 196, 129, 0, 144, 1, 64, 1, 65, 0, 32, 64, 81, 0, 0, 64, 0, 0, 192, 4, 73, 114, 36, 213, 112, 13, 2, 1, 151, 32, 4, 129, 57, 32, 1, 50, 64, 172, 80, 8, 2, 4, 44, 0, 0, 2, 2, 0, 0, 192, 145, 81, 79, 65, 92, 10, 35, 88, 210, 19, 2, 96, 16, 155, 88, 0, 4, 0, 2, 14, 33, 128, 0, 133, 0, 0, 0, 65, 16, 0, 84, 16, 172, 25, 14, 128, 102, 8, 143, 209, 3, 96, 8, 187, 131, 15, 16, 0, 80, 130, 112, 4, 16, 160, 40, 8, 8, 40, 8, 2, 2, 0, 0, 0, 0},
     {0, 0, 0, 0, 0, 0, 0, 0, 32, 0, 0, 0, 0, 0, 0, 0, 62, 0, 0, 0, 0, 0, 0, 0, 84, 0, 0, 0, 0, 0, 0, 0, 98, 0, 0, 0, 0, 0, 0, 0, 100, 0, 0, 0, 0, 0, 0, 0, 92, 0, 0, 0, 0, 0, 0, 0, 74, 0, 0, 0, 0, 0, 0, 0, 47, 0, 0, 0, 0, 0, 0, 0, 16, 0, 0, 0, 0, 0, 0, 0, 240, 255, 255, 255, 255, 255, 255, 255, 209, 255, 255, 255, 255, 255, 255, 255, 184, 255, 255, 255, 255, 255, 255, 255, 167, 255, 255, 255, 255, 255, 255, 255, 160, 255, 255, 255, 255, 255, 255, 255, 164, 255, 255, 255, 255, 255, 255, 255, 179, 255, 255, 255, 255, 255, 255, 255, 203, 255, 255, 255, 255, 255, 255, 255, 233, 255, 255, 255, 255, 255, 255, 255, 9, 0, 0, 0, 0, 0, 0, 0, 42, 0, 0, 0, 0, 0, 0, 0, 70, 0, 0, 0, 0, 0, 0, 0, 92, 0, 0, 0, 0, 0, 0, 0, 104, 0, 0, 0, 0, 0, 0, 0, 104, 0, 0, 0, 0, 0, 0, 0, 94, 0, 0, 0, 0, 0, 0, 0, 75, 0, 0, 0, 0, 0, 0, 0, 47, 0, 0, 0, 0, 0, 0, 0, 16, 0, 0, 0, 0, 0, 0, 0, 240, 255, 255, 255, 255, 255, 255, 255, 210, 255, 255, 255, 255, 255, 255, 255, 185, 255, 255, 255, 255, 255, 255, 255, 170, 255, 255, 255, 255, 255, 255, 255, 165, 255, 255, 255, 255, 255, 255, 255, 171, 255, 255, 255, 255, 255, 255, 255, 187, 255, 255, 255, 255, 255, 255, 255}},
    {"<f4", {9}, R"({"mode": 2, "rate": 8.5})",
     {0, 0, 0, 0, 189, 224, 3, 66, 17, 89, 121, 66, 80, 203, 169, 66, 56, 99, 196, 66, 227, 148, 201, 66, 7, 220, 184, 66, 255, 29, 148, 66, 184, 232, 62, 66},
     {122, 102, 112, 5, 130, 0, 0, 0, 0, 0, 16, 2, 13, 237, 20, 173, 53, 180, 194, 43, 186, 208, 10, 160, 32, 0, 0, 0, 0, 0, 0, 0},
     {0, 0, 0, 64, 0, 0, 8, 66, 0, 0, 120, 66, 0, 0, 172, 66, 0, 0, 194, 66, 0, 0, 202, 66, 0, 0, 186, 66, 0, 0, 146, 66, 0, 224, 62, 66}},
    {"<f8", {6, 5}, R"({"mode": 2, "rate": 3})",
     {0, 0, 0, 0, 0, 0, 0, 0, 155, 52, 28, 149, 23, 124, 64, 64, 142, 236, 178, 43, 34, 43, 79, 64, 26, 18, 191, 15, 106, 57, 85, 64, 34, 117, 190, 14, 103, 140, 88, 64, 172, 12, 226, 101, 156, 50, 89, 64, 215, 212, 115, 231, 128, 27, 87, 64, 189, 162, 156, 232, 191, 131, 82, 64, 112, 215, 101, 241, 22, 221, 71, 64, 175, 214, 182, 21, 172, 92, 48, 64, 33, 142, 149, 51, 138, 142, 48, 192, 0, 30, 0, 162, 88, 176, 71, 192, 248, 247, 83, 53, 137, 43, 82, 192, 27, 177, 223, 91, 177, 105, 86, 192, 142, 217, 117, 188, 79, 25, 88, 192, 176, 119, 23, 136, 29, 9, 87, 192, 87, 117, 9, 224, 78, 85, 83, 192, 80, 211, 160, 255, 239, 200, 74, 192, 76, 254, 179, 104, 9, 113, 55, 192, 70, 10, 114, 190, 128, 134, 35, 64, 199, 19, 153, 192, 34, 53, 69, 64, 214, 47, 229, 215, 182, 188, 81, 64, 241, 224, 5, 223, 250, 15, 87, 64, 145, 75, 25, 194, 12, 0, 90, 64, 24, 226, 31, 141, 228, 59, 90, 64, 74, 1, 173, 170, 174, 190, 87, 64, 59, 228, 44, 233, 83, 208, 82, 64, 41, 133, 57, 218, 29, 251, 71, 64, 174, 224, 138, 162, 184, 33, 48, 64, 104, 104, 70, 50, 36, 180, 48, 192},
     {122, 102, 112, 5, 71, 0, 0, 80, 0, 0, 240, 2, 13, 136, 12, 11, 16, 164, 13, 72, 16, 25, 129, 160, 13, 104, 9, 4, 106, 214, 13, 104, 67, 128, 0, 40, 0, 0, 0, 0},
     {0, 0, 0, 0, 0, 0, 32, 64, 0, 0, 0, 0, 0, 0, 64, 64, 0, 0, 0, 0, 0, 0, 76, 64, 0, 0, 0, 0, 0, 0, 84, 64, 0, 0, 0, 0, 0, 0, 91, 64, 0, 0, 0, 0, 0, 0, 90, 64, 0, 0, 0, 0, 0, 0, 84, 64, 0, 0, 0, 0, 0, 0, 76, 64, 0, 0, 0, 0, 0, 0, 64, 64, 0, 0, 0, 0, 0, 0, 52, 64, 0, 0, 0, 0, 0, 0, 48, 192, 0, 0, 0, 0, 0, 0, 68, 192, 0, 0, 0, 0, 0, 0, 80, 192, 0, 0, 0, 0, 0, 0, 86, 192, 0, 0, 0, 0, 0, 0, 89, 192, 0, 0, 0, 0, 0, 0, 88, 192, 0, 0, 0, 0, 0, 0, 82, 192, 0, 0, 0, 0, 0, 0, 72, 192, 0, 0, 0, 0, 0, 0, 56, 192, 0, 0, 0, 0, 0, 0, 16, 64, 0, 0, 0, 0, 0, 0, 67, 64, 0, 0, 0, 0, 0, 128, 82, 64, 0, 0, 0, 0, 0, 128, 87, 64, 0, 0, 0, 0, 0, 128, 88, 64, 0, 0, 0, 0, 0, 0, 89, 64, 0, 0, 0, 0, 0, 128, 87, 64, 0, 0, 0, 0, 0, 128, 84, 64, 0, 0, 0, 0, 0, 0, 75, 64, 0, 0, 0, 0, 0, 0, 36, 64, 0, 0, 0, 0, 0, 0, 40, 192}},
};

std::shared_ptr<const ArrayToBytesCodec> zfpy(const DType& dtype, const Shape& shape, const json& config) {
  return CodecRegistry::builtin().make_array_to_bytes("zfpy", config, ChunkSpec{dtype, shape, {}});
}

Bytes encode(const ArrayToBytesCodec& codec, const NDArray& chunk, const ChunkSpec& spec) {
  ByteBuffer out;
  codec.encode(chunk, spec, out, CodecOptions{});
  return Bytes(out.data(), out.data() + out.size());
}

NDArray decode(const ArrayToBytesCodec& codec, const Bytes& in, const ChunkSpec& spec) {
  NDArray out = NDArray::empty(spec.dtype, spec.shape);
  codec.decode(ByteView(in.data(), in.size()), spec, out, CodecOptions{});
  return out;
}

TEST(ZfpyCodec, MatchesZfpyByteForByte) {
  for (const ZfpVector& v : kZfpVectors) {
    SCOPED_TRACE(std::string(v.dtype) + " " + v.config);
    const DType dtype = DType::from_typestr(v.dtype);
    const ChunkSpec spec{dtype, v.shape, {}};
    auto codec = zfpy(dtype, v.shape, json::parse(v.config));
    const NDArray in = from_bytes(dtype, v.shape, v.input);
    EXPECT_EQ(encode(*codec, in, spec), v.encoded);
    EXPECT_EQ(encode(*codec, strided(in), spec), v.encoded);  // strided input: the same stream
    EXPECT_EQ(c_bytes(decode(*codec, v.encoded, spec)), v.decoded);
    NDArray into = strided_empty(dtype, v.shape);  // decoding into strided memory
    codec->decode(ByteView(v.encoded.data(), v.encoded.size()), spec, into, CodecOptions{});
    EXPECT_EQ(c_bytes(into), v.decoded);
  }
}

TEST(ZfpyCodec, ReversibleIsLosslessAtEverySizeAndRank) {
  std::mt19937 rng(5);
  for (const char* t : {"<f4", "<f8", "<i4", "<i8"}) {
    for (const Shape& shape : {Shape{1}, Shape{3}, Shape{17}, Shape{5, 9}, Shape{4, 1, 7}, Shape{2, 3, 5, 6},
                               Shape{64, 64, 4}}) {
      SCOPED_TRACE(std::string(t) + " of " + std::to_string(shape.size()) + " dimensions");
      const DType dtype = DType::from_typestr(t);
      const ChunkSpec spec{dtype, shape, {}};
      Bytes bytes(static_cast<size_t>(spec.nbytes()));
      for (auto& b : bytes) b = static_cast<uint8_t>(rng());  // any bits: NaNs and denormals too
      auto codec = zfpy(dtype, shape, json::object());
      const Bytes enc = encode(*codec, from_bytes(dtype, shape, bytes), spec);
      EXPECT_EQ(enc.size() % 8, 0u);  // ends on a 64-bit word, as zfpy's streams do
      EXPECT_EQ(c_bytes(decode(*codec, enc, spec)), bytes);
    }
  }
}

TEST(ZfpyCodec, LowRatesStayInsideTheBuffer) {
  // Below a float block's exponent bits zfp's per-block budget wraps around
  // and blocks run to full precision: the stream is still bounded.
  for (double rate : {0.0, 0.1, 1.0, 2.0}) {
    const DType f4 = DType::from_typestr("<f4");
    const Shape shape{100};
    const ChunkSpec spec{f4, shape, {}};
    Bytes bytes(400);
    for (size_t i = 0; i < bytes.size(); ++i) bytes[i] = static_cast<uint8_t>(i * 37 + 11);
    auto codec = zfpy(f4, shape, {{"mode", 2}, {"rate", rate}});
    const Bytes enc = encode(*codec, from_bytes(f4, shape, bytes), spec);
    EXPECT_NO_THROW(decode(*codec, enc, spec));
  }
}

TEST(ZfpyCodec, LyingStreamsAreCorruptChunks) {
  const ZfpVector& v = kZfpVectors[1];  // float64, 3-D, fixed accuracy
  const DType dtype = DType::from_typestr(v.dtype);
  const ChunkSpec spec{dtype, v.shape, {}};
  auto codec = zfpy(dtype, v.shape, json::parse(v.config));
  auto outcome = [&](const Bytes& bad) {
    try {
      decode(*codec, bad, spec);
      return ErrorCode::kInternal;  // decoded: allowed for flips inside the blocks
    } catch (const Error& e) {
      return e.code();
    }
  };
  // Truncations: any length decodes (zero bits past the end) or is refused.
  for (size_t keep = 0; keep < v.encoded.size(); keep += 3) {
    const ErrorCode c = outcome(Bytes(v.encoded.begin(), v.encoded.begin() + static_cast<std::ptrdiff_t>(keep)));
    EXPECT_TRUE(c == ErrorCode::kCorruptChunk || c == ErrorCode::kInternal) << keep;
  }
  EXPECT_EQ(outcome({}), ErrorCode::kCorruptChunk);
  EXPECT_EQ(outcome({'z', 'f', 'p'}), ErrorCode::kCorruptChunk);
  // Every bit flip: refused, or decoded within the buffers.
  for (size_t bit = 0; bit < v.encoded.size() * 8; ++bit) {
    Bytes bad = v.encoded;
    bad[bit / 8] ^= static_cast<uint8_t>(1u << (bit % 8));
    const ErrorCode c = outcome(bad);
    EXPECT_TRUE(c == ErrorCode::kCorruptChunk || c == ErrorCode::kInternal) << bit;
  }
  // Garbage behind a valid magic.
  std::mt19937 rng(9);
  for (int i = 0; i < 200; ++i) {
    Bytes bad(v.encoded.begin(), v.encoded.begin() + 4);
    bad.resize(4 + rng() % 300);
    for (size_t k = 4; k < bad.size(); ++k) bad[k] = static_cast<uint8_t>(rng());
    const ErrorCode c = outcome(bad);
    EXPECT_TRUE(c == ErrorCode::kCorruptChunk || c == ErrorCode::kInternal) << i;
  }
}

// A full zfp header for `shape` (C order) of `type` with expert parameters,
// then `body` random bytes: what a hostile chunk can make the decoder see.
Bytes expert_stream(zfp_type type, const Shape& shape, unsigned minbits, unsigned maxbits, unsigned maxprec,
                    int minexp, size_t body, std::mt19937& rng) {
  Bytes out(64 + body);
  zfp_field* field = shape.size() == 1   ? zfp_field_1d(nullptr, type, shape[0])
                     : shape.size() == 2 ? zfp_field_2d(nullptr, type, shape[1], shape[0])
                                         : zfp_field_3d(nullptr, type, shape[2], shape[1], shape[0]);
  zfp_stream* zs = zfp_stream_open(nullptr);
  bitstream* bs = stream_open(out.data(), out.size());
  zfp_stream_set_bit_stream(zs, bs);
  zfp_stream_rewind(zs);
  EXPECT_TRUE(zfp_stream_set_params(zs, minbits, maxbits, maxprec, minexp));
  const size_t bits = zfp_write_header(zs, field, ZFP_HEADER_FULL);
  zfp_stream_flush(zs);
  stream_close(bs);
  zfp_stream_close(zs);
  zfp_field_free(field);
  EXPECT_GT(bits, 0u);
  const size_t head = (bits + 7) / 8;
  out.resize(head + body);
  for (size_t i = head; i < out.size(); ++i) out[i] = static_cast<uint8_t>(rng());
  if (bits % 8) out[head - 1] &= static_cast<uint8_t>((1u << (bits % 8)) - 1);  // keep the header's bits
  return out;
}

TEST(ZfpyCodec, RandomBlocksBehindValidHeadersStayInBounds) {
  // Valid headers of every mode (expert ones with large minimum and maximum
  // bits per block) followed by random bits, cut anywhere: each decodes or is
  // refused; valgrind and the padded copy keep every read inside.
  std::mt19937 rng(13);
  struct Params {
    unsigned minbits, maxbits, maxprec;
    int minexp;
  };
  const std::vector<Params> params = {{0, ZFP_MAX_BITS, ZFP_MAX_PREC, ZFP_MIN_EXP},
                                      {ZFP_MAX_BITS, ZFP_MAX_BITS, ZFP_MAX_PREC, ZFP_MIN_EXP},
                                      {4, 4, ZFP_MAX_PREC, ZFP_MIN_EXP},
                                      {1, 64, 7, -20},
                                      {0, 5000, 64, ZFP_MIN_EXP - 1}};
  int decoded = 0;
  for (const char* t : {"<f4", "<f8", "<i4", "<i8"}) {
    const DType dtype = DType::from_typestr(t);
    const zfp_type type = dtype.kind() == DTypeKind::kFloat ? (dtype.itemsize() == 4 ? zfp_type_float : zfp_type_double)
                                                            : (dtype.itemsize() == 4 ? zfp_type_int32 : zfp_type_int64);
    for (const Shape& shape : {Shape{37}, Shape{9, 6}, Shape{5, 4, 7}}) {
      auto codec = zfpy(dtype, shape, json::object());
      const ChunkSpec spec{dtype, shape, {}};
      for (const Params& p : params) {
        for (size_t body : {size_t{0}, size_t{3}, size_t{40}, size_t{600}}) {
          const Bytes stream = expert_stream(type, shape, p.minbits, p.maxbits, p.maxprec, p.minexp, body, rng);
          try {
            decode(*codec, stream, spec);
            ++decoded;
          } catch (const Error& e) {
            EXPECT_EQ(e.code(), ErrorCode::kCorruptChunk) << e.what();
          }
        }
      }
    }
  }
  EXPECT_GT(decoded, 200);  // most reach the blocks: zfp decodes whatever bits it is given
}

TEST(ZfpyCodec, HeadersOfAnotherTypeOrSizeAreRefused) {
  const ZfpVector& f4 = kZfpVectors[0];  // float32 (5, 6)
  const DType f4_type = DType::from_typestr("<f4");
  const DType i4_type = DType::from_typestr("<i4");
  EXPECT_NE(error_message([&] { decode(*zfpy(i4_type, {5, 6}, json::object()), f4.encoded, {i4_type, {5, 6}, {}}); },
                          ErrorCode::kCorruptChunk)
                .find("zfpy: the stream holds float32 values, the chunk int32"),
            std::string::npos);
  EXPECT_NE(error_message([&] { decode(*zfpy(f4_type, {5, 7}, json::object()), f4.encoded, {f4_type, {5, 7}, {}}); },
                          ErrorCode::kCorruptChunk)
                .find("do not hold the chunk's 35 elements"),
            std::string::npos);
  // The same number of elements in another shape decodes, as zarr-python's reshape does.
  EXPECT_EQ(c_bytes(decode(*zfpy(f4_type, {30}, json::object()), f4.encoded, {f4_type, {30}, {}})), f4.decoded);
}

TEST(ZfpyCodec, RefusesWhatNumcodecsCannotWrite) {
  const Shape s{4, 4};
  for (const char* t : {"<u2", "<i2", "|u1", "<c8", ">f8", "|b1"}) {
    SCOPED_TRACE(t);
    EXPECT_EQ(error_code_of([&] { zfpy(DType::from_typestr(t), s, json::object()); }), ErrorCode::kCodecConfig);
  }
  const DType f8 = DType::from_typestr("<f8");
  EXPECT_EQ(error_code_of([&] { zfpy(f8, {}, json::object()); }), ErrorCode::kCodecConfig);
  EXPECT_EQ(error_code_of([&] { zfpy(f8, {2, 2, 2, 2, 2}, json::object()); }), ErrorCode::kCodecConfig);
  for (const char* bad : {R"({"mode": 1})", R"({"mode": 7})", R"({"tolerance": "small"})", R"({"level": 3})",
                          R"({"precision": 65})", R"({"compression_kwargs": 1})"}) {
    SCOPED_TRACE(bad);
    EXPECT_EQ(error_code_of([&] { zfpy(f8, s, json::parse(bad)); }), ErrorCode::kCodecConfig);
  }
  // A rate past a block's capacity is refused when encoding, not allocated;
  // one past zfp's arithmetic (its bit count overflows) stays in bounds.
  const NDArray chunk = NDArray::empty(f8, {4, 4});
  std::memset(chunk.data(), 0, 128);
  const ChunkSpec spec{f8, {4, 4}, {}};
  EXPECT_EQ(error_code_of([&] { encode(*zfpy(f8, {4, 4}, {{"mode", 2}, {"rate", 2000}}), chunk, spec); }),
            ErrorCode::kCodecConfig);
  EXPECT_NO_THROW(encode(*zfpy(f8, {4, 4}, {{"mode", 2}, {"rate", 100}}), chunk, spec));
  try {
    auto huge = zfpy(f8, {4, 4}, {{"mode", 2}, {"rate", 1e300}});
    EXPECT_EQ(c_bytes(decode(*huge, encode(*huge, chunk, spec), spec)), Bytes(128, 0));
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kCodecConfig);
  }
  // What numcodecs' get_config writes is taken whole.
  EXPECT_NO_THROW(zfpy(f8, s, json::parse(R"({"id": "zfpy", "mode": 4, "compression_kwargs": {"tolerance": -1},
                                              "tolerance": -1, "rate": -1, "precision": -1})")));
}

}  // namespace
}  // namespace zarrnative::codec
