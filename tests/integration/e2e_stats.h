// Checks librdkafka statistics documents: every broker a client knows of (its `name` and
// `nodename`) must be a gateway address, never one of the upstream brokers behind it.
#pragma once

#include <cstdint>
#include <mutex>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace kgate::e2e {

struct Options;

class StatsChecker {
 public:
  explicit StatsChecker(const Options& options);

  // Called from librdkafka's event callback with one statistics JSON document.
  void check(std::string_view json);

  int snapshots() const;
  // At least one document, at least one address seen, and every address a gateway one.
  bool ok() const;
  // "stats: 7 snapshots, brokers 127.0.0.1:4001,..." or the first problems found.
  std::string summary() const;

 private:
  void check_address(const std::string& entry, const char* field, std::string_view address);
  void violation(std::string text);

  std::uint16_t first_port_;
  std::uint16_t last_port_;
  std::set<std::string> upstream_;
  std::set<std::uint16_t> upstream_ports_;

  mutable std::mutex mutex_;
  int snapshots_ = 0;
  int violations_ = 0;
  std::vector<std::string> first_violations_;
  std::set<std::string> gateway_addresses_;
};

}  // namespace kgate::e2e
