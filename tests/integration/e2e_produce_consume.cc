// kgate-e2e: the client side of the gateway's end-to-end tests (run_gateway_e2e.sh).
//
//   kgate-e2e produce --bootstrap GW --run-id R --gateway-ports A-B --upstream MOCK_LIST --count N ...
//   kgate-e2e txn-produce --bootstrap GW --run-id R --gateway-ports A-B --upstream LIST --count N --batch B ...
//   kgate-e2e consume --bootstrap GW --run-id R --gateway-ports A-B --upstream MOCK_LIST --group G --expect N ...
//   kgate-e2e version   (the librdkafka loaded at run time: the runners may swap in a newer one)
//
// Each prints one summary line and exits 0 when every check passed, 1 when one failed,
// 2 for usage errors.
#include <cstdio>
#include <exception>
#include <string_view>

#include <librdkafka/rdkafkacpp.h>

#include "e2e_consumer.h"
#include "e2e_options.h"
#include "e2e_producer.h"
#include "e2e_transactions.h"

int main(int argc, char** argv) {
  using namespace kgate::e2e;
  if (argc == 2 && std::string_view(argv[1]) == "version") {
    std::printf("librdkafka %s\n", RdKafka::version_str().c_str());
    return 0;
  }
  std::string error;
  const auto options = parse_options(argc, argv, error);
  if (!options) {
    std::fprintf(stderr, "kgate-e2e: %s\n", error.c_str());
    print_usage();
    return 2;
  }
  try {
    if (options->command == "produce") return run_produce(*options);
    if (options->command == "txn-produce") return run_txn_produce(*options);
    return run_consume(*options);
  } catch (const std::exception& e) {
    std::printf("%s[%s]: FAILED: %s\n", options->command.c_str(), options->label.c_str(), e.what());
    return 1;
  }
}
