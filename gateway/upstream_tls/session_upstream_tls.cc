#include "gateway/upstream_tls/session_upstream_tls.h"

#include "gateway/upstream_tls/upstream_handshake.h"

namespace kgate::gateway {

awaitable<std::string> secure_upstream(TransportStream& stream, const RoutingSnapshot& routes, const UpstreamCandidate& candidate,
                                       SessionServices& services) {
    const auto* route = candidate.node_id >= 0 ? routes.find(candidate.node_id) : nullptr;
    const UpstreamTls& tls = route != nullptr ? route->tls : services.config.upstream_tls;
    if (!tls.enabled) co_return std::string();
    const std::string advertised = route != nullptr ? route->broker_advertised.host : std::string();
    const std::string name = verified_name(tls, advertised, candidate.address.host);
    const auto outcome = co_await secure_broker_connection(stream, tls, name, services.config.connect_timeout, services.upstream_tls,
                                                           &services.metrics.upstream_tls());
    co_return outcome.ok() ? std::string() : describe_failure(outcome, name);
}

}  // namespace kgate::gateway
