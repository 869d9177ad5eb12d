#include "gateway/routing/routing_snapshot.h"

#include <algorithm>

namespace kgate::gateway {

RoutingSnapshot::RoutingSnapshot(std::vector<BrokerRoute> routes) : routes_(std::move(routes)) {
    std::sort(routes_.begin(), routes_.end(), [](const auto& a, const auto& b) { return a.node_id < b.node_id; });
}

const BrokerRoute* RoutingSnapshot::find(std::int32_t node_id) const {
    const auto it = std::lower_bound(routes_.begin(), routes_.end(), node_id,
                                     [](const BrokerRoute& r, std::int32_t id) { return r.node_id < id; });
    return it != routes_.end() && it->node_id == node_id ? &*it : nullptr;
}

const BrokerRoute* RoutingSnapshot::find_by_listen_port(std::uint16_t port) const {
    for (const auto& r : routes_) {
        if (r.listen_port == port) return &r;
    }
    return nullptr;
}

}  // namespace kgate::gateway
