#pragma once
// The routing table at one moment: immutable, shared by every session.
#include <cstdint>
#include <span>
#include <vector>

#include "gateway/routing/broker_route.h"

namespace kgate::gateway {

class RoutingSnapshot {
public:
    RoutingSnapshot() = default;
    explicit RoutingSnapshot(std::vector<BrokerRoute> routes);

    const BrokerRoute* find(std::int32_t node_id) const;
    const BrokerRoute* find_by_listen_port(std::uint16_t port) const;
    std::span<const BrokerRoute> routes() const { return routes_; }

private:
    std::vector<BrokerRoute> routes_;  // sorted by node id
};

}  // namespace kgate::gateway
