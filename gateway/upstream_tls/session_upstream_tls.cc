#include "gateway/upstream_tls/session_upstream_tls.h"

#include "gateway/upstream_tls/upstream_handshake.h"

namespace kgate::gateway {

const UpstreamTls& upstream_tls_for(const RoutingSnapshot& routes, const UpstreamCandidate& candidate, const GatewayConfig& config) {
    const auto* route = candidate.node_id >= 0 ? routes.find(candidate.node_id) : nullptr;
    return route != nullptr ? route->tls : config.upstream_tls;
}

awaitable<std::string> secure_upstream(TransportStream& stream, const RoutingSnapshot& routes, const UpstreamCandidate& candidate,
                                       SessionServices& services) {
    const UpstreamTls& tls = upstream_tls_for(routes, candidate, services.config);
    if (!tls.enabled) co_return std::string();
    const auto* route = candidate.node_id >= 0 ? routes.find(candidate.node_id) : nullptr;
    const std::string advertised = route != nullptr ? route->broker_advertised.host : std::string();
    const std::string name = verified_name(tls, advertised, candidate.address.host);
    const auto outcome = co_await secure_broker_connection(stream, tls, name, services.config.connect_timeout, services.upstream_tls,
                                                           &services.metrics.upstream_tls());
    co_return outcome.ok() ? std::string() : describe_failure(outcome, name);
}

}  // namespace kgate::gateway
