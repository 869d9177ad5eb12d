#include "gateway/plaintext_listeners/plaintext_ports.h"

namespace kgate::gateway {

int plaintext_port_shift(const GatewayConfig& config) {
    return static_cast<int>(config.plaintext.listen->port) - static_cast<int>(config.listen.port);
}

std::optional<PlaintextPorts> PlaintextPorts::from(const GatewayConfig& config) {
    const auto& p = config.plaintext;
    if (!p.enabled()) return std::nullopt;
    return PlaintextPorts(*p.listen, p.told_host(), plaintext_port_shift(config));
}

std::optional<std::uint16_t> PlaintextPorts::port_for(std::uint16_t tls_port) const {
    const int port = static_cast<int>(tls_port) + shift_;
    if (port < 1 || port > 65535) return std::nullopt;
    return static_cast<std::uint16_t>(port);
}

std::optional<HostPort> PlaintextPorts::listen_for(std::uint16_t tls_port) const {
    const auto port = port_for(tls_port);
    if (!port) return std::nullopt;
    return HostPort{bootstrap_.host, *port};
}

std::optional<HostPort> PlaintextPorts::told_for(std::uint16_t tls_port) const {
    const auto port = port_for(tls_port);
    if (!port) return std::nullopt;
    return HostPort{told_host_, *port};
}

}  // namespace kgate::gateway
