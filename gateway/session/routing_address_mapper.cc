#include "gateway/session/routing_address_mapper.h"

#include <spdlog/spdlog.h>

namespace kgate::gateway {

std::optional<HostPort> RoutingAddressMapper::client_address(std::int32_t node_id, std::string_view host, std::int32_t port) {
    // The route is made either way: a client told a broker's SNI name connects to it next.
    auto route = routed(node_id, host, port);
    if (!route) return std::nullopt;
    if (sni_ != nullptr) {
        auto named = sni_->address_for(node_id);
        if (!named) spdlog::error("broker {} has no SNI name under {} (node ids below 0 have none)", node_id, kSniBrokerPatternSetting);
        return named;
    }
    if (plaintext_ != nullptr) {
        auto told = plaintext_->told_for(route->listen_port);
        if (!told) spdlog::error("broker {}'s gateway port {} has no plaintext twin within 1-65535", node_id, route->listen_port);
        return told;
    }
    return route->told;
}

std::optional<RoutingAddressMapper::Routed> RoutingAddressMapper::routed(std::int32_t node_id, std::string_view host, std::int32_t port) {
    if (port < 1 || port > 65535) return std::nullopt;
    const HostPort advertised{std::string(host), static_cast<std::uint16_t>(port)};
    if (const auto* r = snapshot_.get().find(node_id); r != nullptr && (r->broker_advertised == advertised || !authoritative_)) {
        return Routed{r->client_advertised, r->listen_port};
    }
    std::string error;
    auto route = routing_.ensure(node_id, advertised, authoritative_, error);
    if (!route) {
        spdlog::error("broker {} at {} has no gateway address: {}", node_id, advertised.to_string(), error);
        return std::nullopt;
    }
    return Routed{route->client_advertised, route->listen_port};
}

}  // namespace kgate::gateway
