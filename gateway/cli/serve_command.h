#pragma once
// `kgate serve` and `kgate check-config`.
#include <CLI/CLI.hpp>

namespace kgate::cli {

void add_serve_command(CLI::App& app);
void add_check_config_command(CLI::App& app);

}  // namespace kgate::cli
