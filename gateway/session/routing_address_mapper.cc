#include "gateway/session/routing_address_mapper.h"

#include <spdlog/spdlog.h>

namespace kgate::gateway {

std::optional<HostPort> RoutingAddressMapper::client_address(std::int32_t node_id, std::string_view host, std::int32_t port) {
    // The route is made either way: a client told a broker's SNI name connects to it next.
    auto address = routed_address(node_id, host, port);
    if (!address || sni_ == nullptr) return address;
    auto named = sni_->address_for(node_id);
    if (!named) spdlog::error("broker {} has no SNI name under {} (node ids below 0 have none)", node_id, kSniBrokerPatternSetting);
    return named;
}

std::optional<HostPort> RoutingAddressMapper::routed_address(std::int32_t node_id, std::string_view host, std::int32_t port) {
    if (port < 1 || port > 65535) return std::nullopt;
    const HostPort advertised{std::string(host), static_cast<std::uint16_t>(port)};
    if (const auto* r = snapshot_.get().find(node_id); r != nullptr && (r->broker_advertised == advertised || !authoritative_)) {
        return r->client_advertised;
    }
    std::string error;
    auto route = routing_.ensure(node_id, advertised, authoritative_, error);
    if (!route) {
        spdlog::error("broker {} at {} has no gateway address: {}", node_id, advertised.to_string(), error);
        return std::nullopt;
    }
    return route->client_advertised;
}

}  // namespace kgate::gateway
