// kgate: a Kafka-protocol gateway. Subcommands:
//   kgate serve          run the gateway in front of an upstream cluster
//   kgate check-config   validate a configuration
//   kgate check-tls      check a TLS certificate, its key and CA bundle
//   kgate decode         print or re-encode a captured Kafka frame
#include <CLI/CLI.hpp>

#include "gateway/cli/check_tls_command.h"
#include "gateway/cli/decode_command.h"
#include "gateway/cli/serve_command.h"

int main(int argc, char** argv) {
    CLI::App app{"kgate: one Kafka-protocol gateway in front of every broker"};
    app.require_subcommand(1);
    kgate::cli::add_serve_command(app);
    kgate::cli::add_check_config_command(app);
    kgate::cli::add_check_tls_command(app);
    kgate::cli::add_decode_command(app);
    CLI11_PARSE(app, argc, argv);
    return 0;
}
