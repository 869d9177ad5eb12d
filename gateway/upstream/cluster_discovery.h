#pragma once
// Keeps routes and the ClusterView current: Metadata from a bootstrap broker names the
// brokers (new ones get routes and listeners), ApiVersions from each broker feeds the clamp.
#include <cstdint>
#include <functional>
#include <set>

#include "gateway/config/gateway_config.h"
#include "gateway/net/asio.h"
#include "gateway/routing/published.h"
#include "gateway/routing/routing_table.h"
#include "gateway/upstream/cluster_view.h"

namespace kgate::gateway {

class ClusterDiscovery {
public:
    ClusterDiscovery(const GatewayConfig& config, RoutingTable& routing, Published<ClusterView>& view)
        : config_(config), routing_(routing), view_(view) {}

    // One refresh; true when the broker list and their versions were obtained.
    awaitable<bool> refresh();
    // Refreshes until the first success (retrying every second), calls `ready`, then keeps
    // refreshing every metadata-refresh interval until cancelled.
    awaitable<void> run(std::function<void()> ready);

private:
    awaitable<std::optional<ApiRanges>> fetch_versions(tcp::socket& socket, protocol::messages::ApiVersionsResponse* full);

    const GatewayConfig& config_;
    RoutingTable& routing_;
    Published<ClusterView>& view_;
    std::set<std::int32_t> told_own_address_;  // brokers already reported as advertising kgate itself
    std::int32_t next_correlation_ = 1;
};

}  // namespace kgate::gateway
