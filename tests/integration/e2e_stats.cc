#include "e2e_stats.h"

#include <charconv>

#include <nlohmann/json.hpp>

#include "e2e_options.h"

namespace kgate::e2e {
namespace {

constexpr std::size_t kKeptViolations = 5;

}  // namespace

StatsChecker::StatsChecker(const Options& options)
    : first_port_(options.gateway_first), last_port_(options.gateway_last), upstream_(options.upstream) {
  for (const std::string& address : upstream_) {
    const auto colon = address.rfind(':');
    unsigned port = 0;
    if (colon == std::string::npos) continue;
    std::from_chars(address.data() + colon + 1, address.data() + address.size(), port);
    if (port > 0 && port <= 65535) upstream_ports_.insert(static_cast<std::uint16_t>(port));
  }
}

void StatsChecker::violation(std::string text) {
  ++violations_;
  if (first_violations_.size() < kKeptViolations) first_violations_.push_back(std::move(text));
}

// `address` is "host:port"; names without a port (":0/internal" has an empty host,
// "GroupCoordinator" no colon) are librdkafka's internal or logical brokers, not addresses.
void StatsChecker::check_address(const std::string& entry, const char* field, std::string_view address) {
  const auto colon = address.rfind(':');
  if (address.empty() || colon == std::string_view::npos || colon == 0) return;
  const std::string_view host = address.substr(0, colon);
  const std::string_view port_text = address.substr(colon + 1);
  unsigned port = 0;
  const auto [end, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
  const bool parsed = ec == std::errc() && end == port_text.data() + port_text.size();
  const std::string where = "broker '" + entry + "' " + field + " " + std::string(address);
  if (upstream_.contains(std::string(address)) || (parsed && upstream_ports_.contains(static_cast<std::uint16_t>(port)))) {
    violation(where + " is an upstream broker");
  } else if (!parsed || host != "127.0.0.1" || port < first_port_ || port > last_port_) {
    violation(where + " is not a gateway address");
  } else {
    gateway_addresses_.insert(std::string(address));
  }
}

void StatsChecker::check(std::string_view json) {
  const auto doc = nlohmann::json::parse(json, nullptr, false);  // no exceptions: discarded on error
  std::lock_guard lock(mutex_);
  ++snapshots_;
  if (doc.is_discarded()) {
    violation("statistics JSON does not parse");
    return;
  }
  const auto brokers = doc.find("brokers");
  if (brokers == doc.end() || !brokers->is_object()) {
    violation("statistics JSON has no brokers object");
    return;
  }
  for (const auto& [entry, broker] : brokers->items()) {
    if (const auto name = broker.find("name"); name != broker.end() && name->is_string()) {
      // "host:port/nodeid" or "host:port/bootstrap": the address is before the slash.
      const std::string& text = name->get_ref<const std::string&>();
      check_address(entry, "name", std::string_view(text).substr(0, text.find('/')));
    }
    if (const auto nodename = broker.find("nodename"); nodename != broker.end() && nodename->is_string()) {
      check_address(entry, "nodename", nodename->get_ref<const std::string&>());
    }
  }
}

int StatsChecker::snapshots() const {
  std::lock_guard lock(mutex_);
  return snapshots_;
}

bool StatsChecker::ok() const {
  std::lock_guard lock(mutex_);
  return snapshots_ > 0 && violations_ == 0 && !gateway_addresses_.empty();
}

std::string StatsChecker::summary() const {
  std::lock_guard lock(mutex_);
  std::string out = "stats " + std::to_string(snapshots_) + " snapshots";
  if (violations_ > 0) {
    out += ", " + std::to_string(violations_) + " bad broker addresses:";
    for (const auto& v : first_violations_) out += " [" + v + "]";
    return out;
  }
  out += ", brokers";
  if (gateway_addresses_.empty()) out += " (none seen)";
  for (const auto& a : gateway_addresses_) out += " " + a;
  return out;
}

}  // namespace kgate::e2e
