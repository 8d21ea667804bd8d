// What the on-disk queues share — the InfluxDB spool (server/history/influx/disk_spool) and the
// crash journal (server/journal/): little-endian integers in their records, and segment files
// named `segment-<20-digit sequence><suffix>`, which sort by name in the order they were made.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <fmt/format.h>

namespace campus::core {

inline void put_le32(char* p, std::uint32_t v) {
  for (int i = 0; i < 4; ++i) p[i] = static_cast<char>((v >> (8 * i)) & 0xff);
}
inline void put_le64(char* p, std::uint64_t v) {
  for (int i = 0; i < 8; ++i) p[i] = static_cast<char>((v >> (8 * i)) & 0xff);
}
inline std::uint32_t get_le32(const char* p) {
  std::uint32_t v = 0;
  for (int i = 3; i >= 0; --i) v = (v << 8) | static_cast<unsigned char>(p[i]);
  return v;
}
inline std::uint64_t get_le64(const char* p) {
  std::uint64_t v = 0;
  for (int i = 7; i >= 0; --i) v = (v << 8) | static_cast<unsigned char>(p[i]);
  return v;
}

inline std::string segment_file_name(std::uint64_t seq, std::string_view suffix) {
  return fmt::format("segment-{:020}{}", seq, suffix);
}

// The sequence of a file named by segment_file_name with this suffix; nullopt for any other.
inline std::optional<std::uint64_t> segment_file_seq(std::string_view name,
                                                     std::string_view suffix) {
  constexpr std::string_view prefix = "segment-";
  if (name.size() != prefix.size() + 20 + suffix.size() || !name.starts_with(prefix) ||
      !name.ends_with(suffix))
    return std::nullopt;
  std::uint64_t seq = 0;
  for (char c : name.substr(prefix.size(), 20)) {
    if (c < '0' || c > '9') return std::nullopt;
    seq = seq * 10 + static_cast<std::uint64_t>(c - '0');
  }
  return seq;
}

}  // namespace campus::core
