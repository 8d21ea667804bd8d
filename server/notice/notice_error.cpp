#include "notice/notice_error.hpp"

namespace campus::notice {

std::string_view to_string(notice_error::code c) {
  switch (c) {
    case notice_error::code::not_found:
      return "not_found";
    case notice_error::code::not_targeted:
      return "not_targeted";
    case notice_error::code::invalid_argument:
      return "invalid_argument";
    case notice_error::code::storage:
      return "storage";
    case notice_error::code::stopped:
      return "stopped";
  }
  return "unknown";
}

}  // namespace campus::notice
