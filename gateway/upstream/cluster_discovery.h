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
#include "gateway/metrics/gateway_metrics.h"
#include "gateway/tls/transport_stream.h"
#include "gateway/upstream_tls/upstream_tls_contexts.h"

namespace kgate::gateway {

class ClusterDiscovery {
public:
    // `tls`: the client contexts for brokers reached over TLS, shared with the sessions (its own
    // when not given); `metrics`: where its TLS handshakes are counted, when given (only kept
    // here: it may be constructed after the discovery).
    ClusterDiscovery(const GatewayConfig& config, RoutingTable& routing, Published<ClusterView>& view, UpstreamTlsContexts* tls = nullptr,
                     GatewayMetrics* metrics = nullptr)
        : config_(config), routing_(routing), view_(view), tls_(tls != nullptr ? *tls : own_tls_), metrics_(metrics) {}

    // One refresh; true when the broker list and their versions were obtained.
    awaitable<bool> refresh();
    // Refreshes until the first success (retrying every second), calls `ready`, then keeps
    // refreshing every metadata-refresh interval until cancelled.
    awaitable<void> run(std::function<void()> ready);

private:
    awaitable<std::optional<ApiRanges>> fetch_versions(TransportStream& socket, protocol::messages::ApiVersionsResponse* full);
    // Connects `stream` to `target` and, when `tls` says so, runs the TLS handshake verifying
    // `name`; false (and a warning naming `who` and the reason) when either fails.
    awaitable<bool> open(TransportStream& stream, const HostPort& target, const UpstreamTls& tls, const std::string& name,
                         const std::string& who);

    const GatewayConfig& config_;
    RoutingTable& routing_;
    Published<ClusterView>& view_;
    UpstreamTlsContexts own_tls_;
    UpstreamTlsContexts& tls_;
    GatewayMetrics* metrics_;
    std::set<std::int32_t> told_own_address_;  // brokers already reported as advertising kgate itself
    std::int32_t next_correlation_ = 1;
};

}  // namespace kgate::gateway
