// A tracker's state per subject (what inside a device a reading is about: a beacon's tag;
// usually the one empty subject). A short vector searched in order, not a hash map: most
// devices only ever have the empty subject, and an unordered_map costs a bucket array and a
// node per device and rule, about 200 bytes, for that one entry.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace campus::rules {

template <typename State>
class subject_list {
 public:
  using entry = std::pair<std::string, State>;

  // The subject's state, or null when it has none yet.
  State* find(std::string_view subject) {
    for (auto& e : entries_)
      if (e.first == subject) return &e.second;
    return nullptr;
  }

  // Adds a subject not held yet; the reference holds until the next add.
  entry& add(std::string subject, State state) {
    return entries_.emplace_back(std::move(subject), std::move(state));
  }

  auto begin() { return entries_.begin(); }
  auto end() { return entries_.end(); }
  auto begin() const { return entries_.begin(); }
  auto end() const { return entries_.end(); }

 private:
  std::vector<entry> entries_;
};

}  // namespace campus::rules
