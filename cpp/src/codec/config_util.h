// Reading codec configurations: typed fields with clear errors.
// Private to the codec implementations.
#pragma once

#include <string>
#include <string_view>

#include "zarrnative/codec/codec.h"

namespace zarrnative::codec {

// The configuration object itself must be a JSON object (or null: none).
inline void require_object(std::string_view codec, const json& config) {
  if (!config.is_null() && !config.is_object()) {
    config_error(codec, "configuration must be a JSON object, got " + config.dump());
  }
}

// Refuses fields other than `allowed` (a typo must not pass silently).
inline void allow_only(std::string_view codec, const json& config, std::initializer_list<std::string_view> allowed) {
  if (!config.is_object()) return;
  for (auto it = config.begin(); it != config.end(); ++it) {
    bool ok = false;
    for (auto a : allowed) ok = ok || it.key() == a;
    if (!ok) config_error(codec, "unknown configuration field '" + it.key() + "'");
  }
}

inline bool has(const json& config, std::string_view key) {
  return config.is_object() && config.contains(key) && !config.at(std::string(key)).is_null();
}

// An integer field in [lo, hi]; `fallback` when absent (nullopt: required).
inline int64_t get_int(std::string_view codec, const json& config, std::string_view key,
                       std::optional<int64_t> fallback, int64_t lo, int64_t hi) {
  if (!has(config, key)) {
    if (!fallback) config_error(codec, "configuration field '" + std::string(key) + "' is required");
    return *fallback;
  }
  const json& v = config.at(std::string(key));
  if (!v.is_number_integer()) {
    config_error(codec, "'" + std::string(key) + "' must be an integer, got " + v.dump());
  }
  int64_t x = v.is_number_unsigned() && v.get<uint64_t>() > static_cast<uint64_t>(INT64_MAX)
                  ? INT64_MAX
                  : v.get<int64_t>();
  if (x < lo || x > hi) {
    config_error(codec, "'" + std::string(key) + "' " + std::to_string(x) + " is outside [" +
                            std::to_string(lo) + ", " + std::to_string(hi) + "]");
  }
  return x;
}

inline bool get_bool(std::string_view codec, const json& config, std::string_view key, bool fallback) {
  if (!has(config, key)) return fallback;
  const json& v = config.at(std::string(key));
  if (!v.is_boolean()) config_error(codec, "'" + std::string(key) + "' must be true or false, got " + v.dump());
  return v.get<bool>();
}

inline std::string get_string(std::string_view codec, const json& config, std::string_view key,
                              std::optional<std::string> fallback) {
  if (!has(config, key)) {
    if (!fallback) config_error(codec, "configuration field '" + std::string(key) + "' is required");
    return *fallback;
  }
  const json& v = config.at(std::string(key));
  if (!v.is_string()) config_error(codec, "'" + std::string(key) + "' must be a string, got " + v.dump());
  return v.get<std::string>();
}

}  // namespace zarrnative::codec
