// `kgate-e2e consume`: a consumer group (one thread per member) reading a run back through
// the gateway and checking it with a Verifier.
#pragma once

namespace kgate::e2e {

struct Options;

// Prints one summary line; returns the process exit status.
int run_consume(const Options& options);

}  // namespace kgate::e2e
