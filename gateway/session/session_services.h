#pragma once
// What every client session uses from the server. All of it outlives every session.
#include <atomic>
#include <cstdint>

#include "gateway/budget/memory_budget.h"
#include "gateway/budget/sasl_routes.h"
#include "gateway/config/gateway_config.h"
#include "gateway/kop/coordinator_notice.h"
#include "gateway/metrics/gateway_metrics.h"
#include "gateway/routing/published.h"
#include "gateway/routing/routing_table.h"
#include "gateway/upstream/cluster_view.h"
#include "gateway/upstream_tls/upstream_tls_contexts.h"

namespace kgate::gateway {

struct SessionServices {
    const GatewayConfig& config;
    RoutingTable& routing;
    const Published<ClusterView>& cluster;
    GatewayMetrics& metrics;
    std::atomic<std::uint64_t> next_session_id{1};
    std::atomic<std::uint64_t> bootstrap_round_robin{0};
    std::atomic<int> active_sessions{0};
    CoordinatorNotice coordinator_notice{};  // --broker-kind kop: InitProducerId dropped by a broker
    MemoryBudget request_budget{config.request_memory_budget};
    MemoryBudget response_budget{config.response_memory_budget};
    SaslRoutes sasl_routes{};  // broker addresses seen requiring SASL (the pre-auth frame cap)
    UpstreamTlsContexts upstream_tls{&metrics};  // brokers reached over TLS (gateway/upstream_tls/)
};

class SniRouter;
class PlaintextPorts;

// Which listener a client came in on.
struct ListenerTarget {
    bool bootstrap = true;
    std::int32_t node_id = -1;  // for a broker listener
    bool tls = false;           // it serves TLS
    // The SNI listener: the handshake's server name sets bootstrap and node_id (gateway/sni/).
    const SniRouter* sni = nullptr;
    // A plaintext listener beside TLS ones: its clients are told the plaintext ports
    // (gateway/plaintext_listeners/).
    const PlaintextPorts* plaintext = nullptr;
    bool cluster = false;  // cluster-listen: kgate is the whole cluster (gateway/cluster_mode/)
};

}  // namespace kgate::gateway
