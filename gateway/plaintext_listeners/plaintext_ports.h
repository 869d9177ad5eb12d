#pragma once
// Where the plaintext twin of each TLS listener is and what its clients are told: the TLS port
// shifted by one fixed amount, so a broker's two listeners are found from each other and the
// routing table keeps one port per broker.
#include <cstdint>
#include <optional>

#include "gateway/config/gateway_config.h"
#include "gateway/routing/host_port.h"

namespace kgate::gateway {

// How far each plaintext port is from its TLS twin: plaintext-listen's port less listen's.
// Only meaningful with plaintext-listen set.
int plaintext_port_shift(const GatewayConfig& config);

class PlaintextPorts {
public:
    // nullopt when plaintext-listen is not set.
    static std::optional<PlaintextPorts> from(const GatewayConfig& config);

    const HostPort& bootstrap() const { return bootstrap_; }
    // The plaintext twin of TLS port `tls_port`; nullopt when the shift leaves 1-65535.
    std::optional<std::uint16_t> port_for(std::uint16_t tls_port) const;
    // The twin's address on the plaintext host.
    std::optional<HostPort> listen_for(std::uint16_t tls_port) const;
    // What a client of the plaintext listeners is told for a broker whose TLS listener is `tls_port`.
    std::optional<HostPort> told_for(std::uint16_t tls_port) const;
    int shift() const { return shift_; }

private:
    PlaintextPorts(HostPort bootstrap, std::string told_host, int shift)
        : bootstrap_(std::move(bootstrap)), told_host_(std::move(told_host)), shift_(shift) {}

    HostPort bootstrap_;
    std::string told_host_;
    int shift_;
};

}  // namespace kgate::gateway
