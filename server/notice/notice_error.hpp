// Why the notice board refused or failed a request. Refusals are ordinary results, never
// exceptions.
#pragma once

#include <expected>
#include <functional>
#include <string>
#include <string_view>

namespace campus::notice {

struct notice_error {
  enum class code {
    not_found,         // no notice with that id
    not_targeted,      // the notice was not sent to any school of the reader
    invalid_argument,  // a draft or an outcome the board cannot store (the API checks first)
    storage,           // SQLite failed; nothing was changed
    stopped,           // the board has been stopped
  };
  code what = code::invalid_argument;
  std::string message;
};

std::string_view to_string(notice_error::code c);

template <class T>
using notice_result = std::expected<T, notice_error>;

// Invoked exactly once, on the board's worker thread; must not throw and should return quickly
// (post the result to the caller's own executor).
template <class T>
using notice_callback = std::function<void(notice_result<T>)>;

}  // namespace campus::notice
