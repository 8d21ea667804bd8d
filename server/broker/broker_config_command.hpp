// The command line of `campus-shield broker-config` (main.cpp hands it the arguments after
// the subcommand's name):
//
//   campus-shield broker-config --config FILE [--data-dir DIR] --out DIR [--no-simulator]
//
// Exit status: 0 written, 1 a file could not be read or written, 2 bad arguments or an
// invalid configuration (each error with its location).
#pragma once

#include <span>
#include <string_view>

namespace campus::broker {

inline constexpr const char* broker_config_usage =
    "  campus-shield broker-config --config FILE [--data-dir DIR] --out DIR [--no-simulator]\n";

int run_broker_config(std::span<const std::string_view> args);

}  // namespace campus::broker
