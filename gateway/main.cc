// kgate: a Kafka-protocol gateway. Subcommands:
//   kgate decode   print or re-encode a captured Kafka frame
#include <CLI/CLI.hpp>

#include "gateway/cli/decode_command.h"

int main(int argc, char** argv) {
    CLI::App app{"kgate: one Kafka-protocol gateway in front of every broker"};
    app.require_subcommand(1);
    kgate::cli::add_decode_command(app);
    CLI11_PARSE(app, argc, argv);
    return 0;
}
