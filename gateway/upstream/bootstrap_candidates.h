#pragma once
// Where a bootstrap connection goes. Any broker will do, so the ones the latest discovery found
// serving come first, rotated so the load spreads; then the ones it did not find (a stopped
// broker keeps its route: on a host that is gone, dialling it first would cost every such
// client the connect timeout); then the configured bootstrap servers. Draining brokers never.
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "gateway/routing/broker_route.h"
#include "gateway/upstream/cluster_view.h"

namespace kgate::gateway {

struct UpstreamCandidate {
    HostPort address;
    std::int32_t node_id = -1;  // -1: a configured bootstrap server
    friend bool operator==(const UpstreamCandidate&, const UpstreamCandidate&) = default;
};

std::vector<UpstreamCandidate> bootstrap_candidates(std::span<const BrokerRoute> routes, const ClusterView& view,
                                                    std::span<const HostPort> configured, std::size_t rotation);

}  // namespace kgate::gateway
