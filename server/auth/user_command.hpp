// The command line of `campus-shield user` (main.cpp hands it the arguments after "user"):
//
//   campus-shield user add NAME --role ROLE [--sites a,b] [--display NAME] (--config FILE | --data-dir DIR)
//   campus-shield user passwd NAME   (--config FILE | --data-dir DIR)
//   campus-shield user list          (--config FILE | --data-dir DIR)
//   campus-shield user disable NAME  (--config FILE | --data-dir DIR)
//   campus-shield user enable NAME   (--config FILE | --data-dir DIR)
//
// users.db lives in --data-dir, else in the configuration's data_dir. With --config, sites are
// checked against the district. The password (add, passwd) is one line on standard input; on a
// terminal it is asked for twice without echo. Every change is audited (who "cli").
//
// Exit status: 0 done, 1 users.db could not be opened or written, 2 bad arguments or a value
// refused (each with a message naming it).
#pragma once

#include <iosfwd>
#include <span>
#include <string_view>

namespace campus::auth {

inline constexpr const char* user_command_usage =
    "  campus-shield user add NAME --role ROLE [--sites a,b] [--display NAME]\n"
    "                     (--config FILE | --data-dir DIR)   password on stdin\n"
    "  campus-shield user passwd|disable|enable NAME (--config FILE | --data-dir DIR)\n"
    "  campus-shield user list (--config FILE | --data-dir DIR)\n";

int run_user_command(std::span<const std::string_view> args, std::istream& in);

}  // namespace campus::auth
