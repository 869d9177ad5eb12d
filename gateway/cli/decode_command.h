#pragma once
// `kgate decode`: prints a captured Kafka frame as JSON, or re-encodes it, to debug traffic.
#include <CLI/CLI.hpp>

namespace kgate::cli {

void add_decode_command(CLI::App& app);

}  // namespace kgate::cli
