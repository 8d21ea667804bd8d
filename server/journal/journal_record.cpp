#include "journal/journal_record.hpp"

#include <zlib.h>

#include <cstring>
#include <limits>

#include "core/segment_file.hpp"

namespace campus::journal {
namespace {

constexpr char magic[4] = {'C', 'S', 'J', '1'};
constexpr std::size_t frame_size = 12;  // magic, length, CRC
constexpr std::size_t body_head = 12;   // arrived, topic length

using core::get_le32;
using core::get_le64;
using core::put_le32;
using core::put_le64;
std::uint32_t crc_add(std::uint32_t crc, const char* p, std::size_t n) {
  return static_cast<std::uint32_t>(
      ::crc32(crc, reinterpret_cast<const Bytef*>(p), static_cast<uInt>(n)));
}

}  // namespace

std::size_t record_size(std::string_view topic, std::string_view payload) {
  return record_head_size + topic.size() + payload.size();
}

std::array<iovec, 3> encode_record(std::string_view topic, std::string_view payload,
                                   core::time_point arrived,
                                   std::array<char, record_head_size>& head) {
  char* h = head.data();
  std::memcpy(h, magic, 4);
  put_le32(h + 4, static_cast<std::uint32_t>(body_head + topic.size() + payload.size()));
  put_le64(h + 12, static_cast<std::uint64_t>(core::to_epoch_ms(arrived)));
  put_le32(h + 20, static_cast<std::uint32_t>(topic.size()));
  std::uint32_t crc = static_cast<std::uint32_t>(::crc32(0L, Z_NULL, 0));
  crc = crc_add(crc, h + frame_size, body_head);
  crc = crc_add(crc, topic.data(), topic.size());
  crc = crc_add(crc, payload.data(), payload.size());
  put_le32(h + 8, crc);
  return {iovec{h, record_head_size}, iovec{const_cast<char*>(topic.data()), topic.size()},
          iovec{const_cast<char*>(payload.data()), payload.size()}};
}

decoded_segment decode_segment(std::string_view data) {
  decoded_segment out;
  std::size_t at = 0;
  // A record that checks out at `at`, or nothing: its whole size then.
  auto intact = [&](std::size_t from) -> std::size_t {
    if (data.size() - from < frame_size + body_head) return 0;
    const char* p = data.data() + from;
    if (std::memcmp(p, magic, 4) != 0) return 0;
    const std::uint32_t body = get_le32(p + 4);
    if (body < body_head || body > data.size() - from - frame_size) return 0;
    const std::uint32_t crc = static_cast<std::uint32_t>(::crc32(0L, Z_NULL, 0));
    if (crc_add(crc, p + frame_size, body) != get_le32(p + 8)) return 0;
    if (get_le32(p + 20) > body - body_head) return 0;
    return frame_size + body;
  };
  while (at < data.size()) {
    std::size_t size = intact(at);
    if (size == 0) {
      // Damaged or torn: look for the next record that checks out.
      std::size_t next = at + 1;
      while (next < data.size()) {
        next = data.find(std::string_view(magic, 4), next);
        if (next == std::string_view::npos) next = data.size();
        if (next < data.size() && intact(next) > 0) break;
        if (next < data.size()) ++next;
      }
      out.damaged_bytes += next - at;
      at = next;
      continue;
    }
    const char* p = data.data() + at;
    const std::uint32_t topic_len = get_le32(p + 20);
    const std::size_t payload_len = size - record_head_size - topic_len;
    journaled_message m;
    m.arrived = core::from_epoch_ms(static_cast<std::int64_t>(get_le64(p + 12)));
    m.topic.assign(p + record_head_size, topic_len);
    m.payload.assign(p + record_head_size + topic_len, payload_len);
    out.messages.push_back(std::move(m));
    at += size;
  }
  return out;
}

}  // namespace campus::journal
