#pragma once
// Plaintext bootstrap and broker listeners beside TLS ones, in one gateway: one cluster served
// in plaintext to clients inside a network and over TLS (and SNI) to clients outside it. Plain
// data, so that the configuration can hold it; parsed and validated in plaintext_config.
#include <optional>
#include <string>

#include "gateway/routing/host_port.h"

namespace kgate::gateway {

struct PlaintextListenerSettings {
    // plaintext-listen: the plaintext bootstrap listener; every broker's plaintext listener is
    // its TLS port shifted by the same amount as this port is from listen's. nullopt: none.
    std::optional<HostPort> listen;
    std::string advertised_host;  // plaintext-advertised-host: told to its clients; empty: listen's host

    bool enabled() const { return listen.has_value(); }
    const std::string& told_host() const { return advertised_host.empty() ? listen->host : advertised_host; }
};

}  // namespace kgate::gateway
