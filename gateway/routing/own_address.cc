#include "gateway/routing/own_address.h"

#include <algorithm>
#include <string_view>

#include <fmt/format.h>

#include "gateway/plaintext_listeners/plaintext_ports.h"

namespace kgate::gateway {
namespace {

bool is_wildcard(std::string_view host) { return host.empty() || host == "0.0.0.0" || host == "::"; }

bool is_loopback(std::string_view host) {
    return host == "localhost" || host == "::1" || host.starts_with("127.");
}

// Whether a connection to `host` reaches a listener bound to `bound` on this machine.
bool reaches(std::string_view bound, std::string_view host, std::string_view advertised) {
    if (host == bound || host == advertised) return true;
    if (is_wildcard(bound)) return is_loopback(host) || is_wildcard(host);
    return is_loopback(bound) && is_loopback(host);
}

// Whether `port` is one of the broker listeners' (TLS) ports: in broker-ports, or any route's.
bool broker_listener_port(const GatewayConfig& config, std::span<const BrokerRoute> routes, int port) {
    if (port >= config.first_broker_port() && port <= config.last_broker_port()) return true;
    return std::any_of(routes.begin(), routes.end(), [&](const BrokerRoute& r) { return r.listen_port == port; });
}

}  // namespace

std::optional<std::string> own_listener(const GatewayConfig& config, std::span<const BrokerRoute> routes, const HostPort& target) {
    const std::string advertised = config.client_host();
    if (reaches(config.listen.host, target.host, advertised)) {
        if (target.port == config.listen.port) return fmt::format("the gateway's bootstrap listener {}", config.listen.to_string());
        if (broker_listener_port(config, routes, target.port)) return fmt::format("the gateway's own broker port {}", target.port);
    }
    if (const auto& p = config.plaintext; p.enabled() && reaches(p.listen->host, target.host, p.told_host())) {
        if (target.port == p.listen->port) return fmt::format("the gateway's plaintext bootstrap listener {}", p.listen->to_string());
        // A plaintext broker port is a TLS one shifted.
        if (broker_listener_port(config, routes, static_cast<int>(target.port) - plaintext_port_shift(config))) {
            return fmt::format("the gateway's own plaintext broker port {}", target.port);
        }
    }
    for (const auto& [name, listener] : {std::pair{"HTTP", &config.http_listen}, std::pair{"admin", &config.admin_listen},
                                         std::pair{"SNI", &config.sni.listen}, std::pair{"cluster", &config.cluster_listen}}) {
        if (*listener && target.port == (*listener)->port && reaches((*listener)->host, target.host, advertised)) {
            return fmt::format("the gateway's {} listener {}", name, (*listener)->to_string());
        }
    }
    return std::nullopt;
}

std::optional<std::uint16_t> own_broker_port(const GatewayConfig& config, const HostPort& advertised) {
    if (!reaches(config.listen.host, advertised.host, config.client_host())) return std::nullopt;
    if (advertised.port < config.first_broker_port() || advertised.port > config.last_broker_port()) return std::nullopt;
    if (advertised.port == config.listen.port) return std::nullopt;
    return advertised.port;
}

}  // namespace kgate::gateway
