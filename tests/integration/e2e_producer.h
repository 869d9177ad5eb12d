// `kgate-e2e produce`: an idempotent, acks=all producer through the gateway.
#pragma once

namespace kgate::e2e {

struct Options;

// Prints one summary line; returns the process exit status (0: every message delivered,
// statistics named only gateway brokers).
int run_produce(const Options& options);

}  // namespace kgate::e2e
