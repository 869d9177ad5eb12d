#include "command.h"

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <limits>
#include <span>

#include "options.h"

namespace kgate::mockcluster {
namespace {

constexpr int kMaxRttMs = 3'600'000;
constexpr std::size_t kMaxEcho = 40;  // of an unknown command, in its error reply

std::vector<std::string_view> split_words(std::string_view line) {
  std::vector<std::string_view> words;
  std::size_t pos = 0;
  while (true) {
    pos = line.find_first_not_of(" \t", pos);
    if (pos == std::string_view::npos) break;
    const std::size_t end = std::min(line.find_first_of(" \t", pos), line.size());
    words.push_back(line.substr(pos, end - pos));
    pos = end;
  }
  return words;
}

bool parse_int(std::string_view text, std::int64_t low, std::int64_t high, std::int32_t& value) {
  std::int64_t parsed = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), parsed);
  if (ec != std::errc() || end != text.data() + text.size() || parsed < low || parsed > high) {
    return false;
  }
  value = static_cast<std::int32_t>(parsed);
  return true;
}

// -1 is the mock's "all brokers" / "no leader"; ids themselves start at 1.
bool parse_broker_id(std::string_view text, std::int32_t& id) {
  return parse_int(text, -1, std::numeric_limits<std::int32_t>::max(), id) && id != 0;
}

// Keeps the reply on one printable line whatever the client sent.
std::string printable(std::string_view text) {
  std::string out;
  for (const char c : text.substr(0, kMaxEcho)) out += (c >= 0x21 && c <= 0x7e) ? c : '?';
  if (text.size() > kMaxEcho) out += "...";
  return out;
}

Reply ok(std::string detail = {}) { return {detail.empty() ? "ok" : "ok " + detail}; }
Reply error(const std::string& reason) { return {"error " + reason}; }

Reply from_mock(rd_kafka_resp_err_t err) {
  if (err == RD_KAFKA_RESP_ERR_NO_ERROR) return ok();
  return error(std::string(rd_kafka_err2name(err)) + ": " + rd_kafka_err2str(err));
}

Reply usage(const char* synopsis) { return error(std::string("usage: ") + synopsis); }

}  // namespace

CommandRunner::CommandRunner(MockCluster& cluster, std::vector<BrokerAddress> brokers)
    : cluster_(cluster), brokers_(std::move(brokers)) {}

Reply CommandRunner::run(std::string_view line) {
  const std::vector<std::string_view> words = split_words(line);
  if (words.empty()) return error("empty command");
  const std::string_view verb = words[0];
  const std::span<const std::string_view> args = std::span(words).subspan(1);
  std::int32_t broker = 0;

  if (verb == "leader") {
    constexpr const char* kSynopsis = "leader TOPIC PARTITION BROKER_ID";
    std::int32_t partition = 0;
    // Bounded here: the mock indexes its partition array without a lower bound.
    if (args.size() != 3 || !valid_topic_name(args[0]) ||
        !parse_int(args[1], 0, kMaxPartitions - 1, partition) ||
        !parse_broker_id(args[2], broker)) {
      return usage(kSynopsis);
    }
    return from_mock(cluster_.set_leader(std::string(args[0]), partition, broker));
  }
  if (verb == "coordinator") {
    constexpr const char* kSynopsis = "coordinator group|txn KEY BROKER_ID";
    if (args.size() != 3 || !parse_broker_id(args[2], broker)) return usage(kSynopsis);
    std::string key_type;
    if (args[0] == "group") {
      key_type = "group";
    } else if (args[0] == "txn" || args[0] == "transaction") {
      key_type = "transaction";
    } else {
      return usage(kSynopsis);
    }
    return from_mock(cluster_.set_coordinator(key_type, std::string(args[1]), broker));
  }
  if (verb == "down" || verb == "up") {
    if (args.size() != 1 || !parse_broker_id(args[0], broker)) {
      return usage(verb == "down" ? "down BROKER_ID" : "up BROKER_ID");
    }
    return from_mock(verb == "down" ? cluster_.set_broker_down(broker)
                                    : cluster_.set_broker_up(broker));
  }
  if (verb == "rtt") {
    std::int32_t rtt_ms = 0;
    if (args.size() != 2 || !parse_broker_id(args[0], broker) ||
        !parse_int(args[1], 0, kMaxRttMs, rtt_ms)) {
      return usage("rtt BROKER_ID MS (0..3600000)");
    }
    return from_mock(cluster_.set_broker_rtt(broker, rtt_ms));
  }
  if (verb == "brokers") {
    if (!args.empty()) return usage("brokers");
    return ok(format_brokers(brokers_));
  }
  if (verb == "quit") {
    if (!args.empty()) return usage("quit");
    return {"ok", true};
  }
  return error("unknown command '" + printable(verb) +
               "' (leader, coordinator, down, up, rtt, brokers, quit)");
}

}  // namespace kgate::mockcluster
