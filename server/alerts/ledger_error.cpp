#include "alerts/ledger_error.hpp"

namespace campus::alerts {

std::string_view to_string(ledger_error::code c) {
  switch (c) {
    case ledger_error::code::not_found:
      return "not_found";
    case ledger_error::code::invalid_state:
      return "invalid_state";
    case ledger_error::code::condition_active:
      return "condition_active";
    case ledger_error::code::not_rectified:
      return "not_rectified";
    case ledger_error::code::missing_note:
      return "missing_note";
    case ledger_error::code::self_verification:
      return "self_verification";
    case ledger_error::code::invalid_argument:
      return "invalid_argument";
    case ledger_error::code::storage:
      return "storage";
    case ledger_error::code::stopped:
      return "stopped";
  }
  return "unknown";
}

}  // namespace campus::alerts
