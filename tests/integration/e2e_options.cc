#include "e2e_options.h"
#include "common/parse_int.h"

#include <cstdio>
#include <string_view>

namespace kgate::e2e {
namespace {

using tools::parse_int;

bool parse_port_range(std::string_view text, std::uint16_t& first, std::uint16_t& last) {
  const auto dash = text.find('-');
  int a = 0;
  int b = 0;
  if (dash == std::string_view::npos || !parse_int(text.substr(0, dash), 1, 65535, a) ||
      !parse_int(text.substr(dash + 1), 1, 65535, b) || a > b) {
    return false;
  }
  first = static_cast<std::uint16_t>(a);
  last = static_cast<std::uint16_t>(b);
  return true;
}

// "host:port,host:port" as the mock cluster writes its ready file.
std::set<std::string> split_list(std::string_view text) {
  std::set<std::string> out;
  while (!text.empty()) {
    const auto comma = text.find(',');
    std::string_view item = text.substr(0, comma);
    while (!item.empty() && (item.back() == '\n' || item.back() == ' ')) item.remove_suffix(1);
    if (!item.empty()) out.emplace(item);
    if (comma == std::string_view::npos) break;
    text.remove_prefix(comma + 1);
  }
  return out;
}

}  // namespace

void print_usage() {
  std::fprintf(stderr,
               "usage: kgate-e2e version\n"
               "       kgate-e2e produce|txn-produce|consume --bootstrap HOST:PORT --run-id ID\n"
               "         --gateway-ports FROM-TO --upstream HOST:PORT[,...] [--topic T]\n"
               "         [--label L] [--timeout-s S] [--latency-log FILE]\n"
               "  produce: --count N [--keys K] [--duration-ms D] [--strict] [--started-file F]\n"
               "  txn-produce: --count N [--batch B] [--abort-every K] [--keys K]\n"
               "  consume: --group G --expect N [--consumers C] [--isolation read_committed]\n"
               "           [--expect-foreign N] [--max-duplicates N]\n");
}

std::optional<Options> parse_options(int argc, char** argv, std::string& error) {
  Options o;
  if (argc < 2) {
    error = "missing subcommand";
    return std::nullopt;
  }
  o.command = argv[1];
  if (o.command != "produce" && o.command != "txn-produce" && o.command != "consume") {
    error = "unknown subcommand '" + o.command + "'";
    return std::nullopt;
  }
  for (int i = 2; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (arg == "--strict") {
      o.strict = true;
      continue;
    }
    if (i + 1 >= argc) {
      error = std::string(arg) + " needs a value";
      return std::nullopt;
    }
    const std::string_view value = argv[++i];
    bool ok = true;
    if (arg == "--label") o.label = value;
    else if (arg == "--bootstrap") o.bootstrap = value;
    else if (arg == "--topic") o.topic = value;
    else if (arg == "--run-id") o.run_id = value;
    else if (arg == "--group") o.group = value;
    else if (arg == "--started-file") o.started_file = value;
    else if (arg == "--latency-log") o.latency_log = value;
    else if (arg == "--gateway-ports") ok = parse_port_range(value, o.gateway_first, o.gateway_last);
    else if (arg == "--upstream") o.upstream = split_list(value);
    else if (arg == "--timeout-s") ok = parse_int(value, 1, 4 * 3600, o.timeout_s);  // the soak runs an hour
    else if (arg == "--count") ok = parse_int(value, 1, 10'000'000, o.count);
    else if (arg == "--keys") ok = parse_int(value, 1, 100'000, o.keys);
    else if (arg == "--duration-ms") ok = parse_int(value, 0, 4 * 3'600'000, o.duration_ms);
    else if (arg == "--consumers") ok = parse_int(value, 1, 16, o.consumers);
    else if (arg == "--expect") ok = parse_int(value, 1, 10'000'000, o.expect);
    else if (arg == "--batch") ok = parse_int(value, 1, 100'000, o.batch);
    else if (arg == "--abort-every") ok = parse_int(value, 2, 1000, o.abort_every);
    else if (arg == "--expect-foreign") ok = parse_int(value, 0, 10'000'000, o.expect_foreign);
    else if (arg == "--max-duplicates") ok = parse_int(value, 0, 10'000'000, o.max_duplicates);
    else if (arg == "--isolation") {
      o.isolation = value;
      ok = value == "read_committed" || value == "read_uncommitted";
    }
    else {
      error = "unknown option " + std::string(arg);
      return std::nullopt;
    }
    if (!ok) {
      error = "bad value '" + std::string(value) + "' for " + std::string(arg);
      return std::nullopt;
    }
  }
  if (o.bootstrap.empty() || o.run_id.empty() || o.gateway_first == 0 || o.upstream.empty()) {
    error = "--bootstrap, --run-id, --gateway-ports and --upstream are required";
    return std::nullopt;
  }
  if (o.command != "consume" && o.count == 0) error = o.command + " needs --count";
  if (o.command == "txn-produce" && !o.latency_log.empty()) error = "--latency-log is for produce and consume";
  // Produce latency runs from each message's due time, which only a paced run has.
  if (o.command == "produce" && !o.latency_log.empty() && o.duration_ms == 0) error = "--latency-log needs --duration-ms";
  if (o.command == "consume" && (o.group.empty() || o.expect == 0)) error = "consume needs --group and --expect";
  if (!error.empty()) return std::nullopt;
  if (o.label.empty()) o.label = o.command;
  return o;
}

}  // namespace kgate::e2e
