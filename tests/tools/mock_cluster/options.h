// Command line of kgate-mock-cluster.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace kgate::mockcluster {

// Also caps the control channel's `leader` partition: the mock creates a
// missing topic with PARTITION+1 partitions, so a typo must not allocate millions.
inline constexpr int kMaxPartitions = 10000;

struct TopicSpec {
  std::string name;
  int partitions = 1;
  int replication = 1;
};

struct Options {
  int brokers = 3;
  std::vector<TopicSpec> topics;
  int seconds = 3600;
  std::filesystem::path ready_file;         // empty: not written
  std::filesystem::path control_port_file;  // empty: not written
};

struct ParseResult {
  std::optional<Options> options;  // empty on error or --help
  std::string error;               // empty for --help
};

// Kafka's rule: 1..249 characters of [A-Za-z0-9._-], not "." or "..".
[[nodiscard]] bool valid_topic_name(std::string_view name);

[[nodiscard]] ParseResult parse_options(int argc, const char* const* argv);

void print_usage();

}  // namespace kgate::mockcluster
