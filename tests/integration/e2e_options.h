// Command-line options of kgate-e2e: one subcommand (produce or consume) and its flags.
#pragma once

#include <cstdint>
#include <optional>
#include <set>
#include <string>

namespace kgate::e2e {

struct Options {
  std::string command;            // "produce", "txn-produce" or "consume"
  std::string label;              // names the run in the summary line
  std::string bootstrap;          // the gateway's bootstrap listener
  std::string topic = "orders";
  std::string run_id;             // tags every value; other runs' messages are skipped
  std::uint16_t gateway_first = 0;  // every broker a client sees must be in this port range
  std::uint16_t gateway_last = 0;
  std::set<std::string> upstream;   // mock broker addresses a client must never see
  int timeout_s = 60;
  std::string latency_log;        // per-record latency lines (e2e_latency_log.h); empty: none

  // produce
  int count = 0;
  int keys = 120;
  int duration_ms = 0;            // 0: as fast as the client goes, else paced evenly
  bool strict = false;            // no client error events at all (transport errors included)
  std::string started_file;       // created once the first message is delivered

  // txn-produce: transactions of --batch messages; every --abort-every'th one is aborted
  int batch = 100;
  int abort_every = 3;

  // consume
  std::string group;
  int consumers = 1;
  int expect = 0;
  std::string isolation = "read_uncommitted";  // or read_committed
  int expect_foreign = -1;        // >= 0: exactly this many messages of other runs must be seen
  int max_duplicates = 0;         // a broker known to write a retried batch twice now and then
};

// Parses argv; on failure returns nullopt with `error` set.
std::optional<Options> parse_options(int argc, char** argv, std::string& error);

void print_usage();

}  // namespace kgate::e2e
