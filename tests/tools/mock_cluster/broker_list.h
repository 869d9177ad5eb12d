// Broker ids and listener addresses of the mock cluster.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace kgate::mockcluster {

struct BrokerAddress {
  std::int32_t id = 0;
  std::string address;  // host:port
};

// The 2.0.2 mock has no per-broker query, but it builds its bootstrap list
// from the broker list in creation order, i.e. ids 1..N; this relies on that.
[[nodiscard]] std::vector<BrokerAddress> brokers_from_bootstraps(std::string_view bootstraps);

// "1=127.0.0.1:41001 2=127.0.0.1:41002 ..."
[[nodiscard]] std::string format_brokers(const std::vector<BrokerAddress>& brokers);

}  // namespace kgate::mockcluster
