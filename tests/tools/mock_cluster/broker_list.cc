#include "broker_list.h"

namespace kgate::mockcluster {

std::vector<BrokerAddress> brokers_from_bootstraps(std::string_view bootstraps) {
  std::vector<BrokerAddress> brokers;
  std::int32_t next_id = 1;
  while (!bootstraps.empty()) {
    const std::size_t comma = bootstraps.find(',');
    const std::string_view entry = bootstraps.substr(0, comma);
    if (!entry.empty()) brokers.push_back(BrokerAddress{next_id++, std::string(entry)});
    if (comma == std::string_view::npos) break;
    bootstraps.remove_prefix(comma + 1);
  }
  return brokers;
}

std::string format_brokers(const std::vector<BrokerAddress>& brokers) {
  std::string text;
  for (const BrokerAddress& broker : brokers) {
    if (!text.empty()) text += ' ';
    text += std::to_string(broker.id) + "=" + broker.address;
  }
  return text;
}

}  // namespace kgate::mockcluster
