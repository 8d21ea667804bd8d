// One journaled MQTT message on disk, and how a segment file is read back.
//
//   magic "CSJ1" (4 bytes) | body length (u32 LE) | CRC-32 of the body (u32 LE) |
//   body: arrived (i64 LE, epoch ms) | topic length (u32 LE) | topic | payload
//
// A record is written with one writev(2); a crash in the middle of it leaves a short or
// damaged tail. Reading stops at nothing: a record that is short, has a bad magic or a bad
// CRC is skipped by searching for the next magic whose record checks out, so a torn record
// (the last one, or one left by a failed write) costs that record only.
#pragma once

#include <sys/uio.h>

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/reading.hpp"

namespace campus::journal {

struct journaled_message {
  std::string topic;
  std::string payload;
  core::time_point arrived;
};

// The fixed part written before the topic and the payload: magic, length, CRC, arrival time
// and topic length.
inline constexpr std::size_t record_head_size = 24;

// The three pieces of one record for writev(2): the head (filled in `head`), the topic and the
// payload, which are not copied. Their total size is record_size(topic, payload).
std::array<iovec, 3> encode_record(std::string_view topic, std::string_view payload,
                                   core::time_point arrived,
                                   std::array<char, record_head_size>& head);
std::size_t record_size(std::string_view topic, std::string_view payload);

struct decoded_segment {
  std::vector<journaled_message> messages;  // in file order
  std::uint64_t damaged_bytes = 0;          // bytes skipped: torn or damaged records
};

// Every intact record of a segment's contents, in order.
decoded_segment decode_segment(std::string_view data);

}  // namespace campus::journal
