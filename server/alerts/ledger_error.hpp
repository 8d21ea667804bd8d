// Why the ledger refused or failed a request. Refusals are ordinary results, never exceptions.
#pragma once

#include <expected>
#include <functional>
#include <string>
#include <string_view>

namespace campus::alerts {

struct ledger_error {
  enum class code {
    not_found,          // no entry with that id (or no open entry for a cleared/updated alert)
    invalid_state,      // the handling state does not allow it (message names the state)
    condition_active,   // close asked while the condition is still active
    not_rectified,      // close asked before a rectification
    missing_note,       // rectification or verification note empty
    self_verification,  // the closer is the person who rectified
    invalid_argument,   // empty person, bad hazard fields, bad filter
    storage,            // SQLite failed; nothing was changed
    stopped,            // the ledger has been stopped
  };
  code what = code::invalid_argument;
  std::string message;
};

std::string_view to_string(ledger_error::code c);

template <class T>
using ledger_result = std::expected<T, ledger_error>;

// Invoked exactly once, on the ledger's thread; must not throw and should return quickly
// (post the result to the caller's own executor).
template <class T>
using ledger_callback = std::function<void(ledger_result<T>)>;

}  // namespace campus::alerts
