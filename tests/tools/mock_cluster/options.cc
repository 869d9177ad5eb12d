#include "options.h"
#include "common/parse_int.h"

#include <algorithm>
#include <cstdio>
#include <string_view>

namespace kgate::mockcluster {
namespace {

// Bounds keep a typo from opening thousands of listeners or partitions.
constexpr int kMaxBrokers = 64;
constexpr int kMaxSeconds = 7 * 24 * 3600;
constexpr std::size_t kMaxTopicName = 249;  // Kafka's own limit

using tools::parse_int;

// NAME:PARTITIONS[:REPLICATION]; replication is checked against --brokers later,
// since the options may come in any order.
bool parse_topic(std::string_view text, TopicSpec& topic) {
  const std::size_t first = text.find(':');
  if (first == std::string_view::npos) return false;
  const std::string_view name = text.substr(0, first);
  std::string_view rest = text.substr(first + 1);
  const std::size_t second = rest.find(':');
  const bool has_replication = second != std::string_view::npos;
  const std::string_view replication = has_replication ? rest.substr(second + 1) : "";
  rest = rest.substr(0, second);
  if (!valid_topic_name(name) || !parse_int(rest, 1, kMaxPartitions, topic.partitions)) {
    return false;
  }
  topic.name = std::string(name);
  topic.replication = 0;  // 0: default, filled in once --brokers is known
  return !has_replication || parse_int(replication, 1, kMaxBrokers, topic.replication);
}

}  // namespace

bool valid_topic_name(std::string_view name) {
  if (name.empty() || name.size() > kMaxTopicName || name == "." || name == "..") return false;
  for (const char c : name) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '.' || c == '_' || c == '-';
    if (!ok) return false;
  }
  return true;
}

void print_usage() {
  std::fprintf(
      stderr,
      "usage: kgate-mock-cluster [--brokers N] [--topic NAME:PARTITIONS[:REPLICATION]]...\n"
      "                          [--seconds S] [--ready-file PATH] [--control-port-file PATH]\n"
      "  --brokers N               mock brokers, ids 1..N, on 127.0.0.1 (1..%d, default 3)\n"
      "  --topic NAME:P[:R]        create a topic; repeatable (R defaults to min(3, N))\n"
      "  --seconds S               exit 0 after S seconds (1..%d, default 3600)\n"
      "  --ready-file PATH         atomically written with the bootstrap string when ready\n"
      "  --control-port-file PATH  atomically written with the control channel's TCP port\n"
      "Prints 'bootstrap=HOST:PORT,...' on stdout once the cluster is up; stops on\n"
      "SIGINT/SIGTERM, after --seconds, or on the control command 'quit'.\n",
      kMaxBrokers, kMaxSeconds);
}

ParseResult parse_options(int argc, const char* const* argv) {
  Options options;
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (arg == "--help" || arg == "-h") return {};
    if (i + 1 >= argc) return {std::nullopt, std::string(arg) + " needs a value"};
    const std::string_view value = argv[++i];
    if (arg == "--brokers") {
      if (!parse_int(value, 1, kMaxBrokers, options.brokers)) {
        return {std::nullopt, "--brokers must be 1.." + std::to_string(kMaxBrokers)};
      }
    } else if (arg == "--topic") {
      TopicSpec topic;
      if (!parse_topic(value, topic)) {
        return {std::nullopt, "bad --topic '" + std::string(value) +
                                  "' (NAME:PARTITIONS[:REPLICATION], NAME of [A-Za-z0-9._-])"};
      }
      options.topics.push_back(std::move(topic));
    } else if (arg == "--seconds") {
      if (!parse_int(value, 1, kMaxSeconds, options.seconds)) {
        return {std::nullopt, "--seconds must be 1.." + std::to_string(kMaxSeconds)};
      }
    } else if (arg == "--ready-file") {
      options.ready_file = std::filesystem::path(value);
    } else if (arg == "--control-port-file") {
      options.control_port_file = std::filesystem::path(value);
    } else {
      return {std::nullopt, "unknown option " + std::string(arg)};
    }
  }
  for (TopicSpec& topic : options.topics) {
    if (topic.replication == 0) topic.replication = std::min(3, options.brokers);
    if (topic.replication > options.brokers) {
      return {std::nullopt, "topic " + topic.name + ": replication " +
                                std::to_string(topic.replication) + " exceeds --brokers " +
                                std::to_string(options.brokers)};
    }
  }
  return {options, {}};
}

}  // namespace kgate::mockcluster
