#pragma once
// `kgate check-tls`: checks a certificate, its key and optionally a CA bundle before they are
// configured, and which host names the certificate covers.
#include <CLI/CLI.hpp>

namespace kgate::cli {

void add_check_tls_command(CLI::App& app);

}  // namespace kgate::cli
