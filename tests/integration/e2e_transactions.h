// `kgate-e2e txn-produce`: a transactional producer through the gateway that commits some
// transactions and aborts others, so a read_committed consumer can be checked against it.
#pragma once

namespace kgate::e2e {

struct Options;

// Committed messages carry the run id and ids 0..count-1 (what `consume --expect count`
// checks); aborted ones carry "<run id>-aborted", which a consumer counts as foreign.
// Prints one summary line, including how many messages were aborted; returns the exit status.
int run_txn_produce(const Options& options);

}  // namespace kgate::e2e
