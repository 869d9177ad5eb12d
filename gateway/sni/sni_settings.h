#pragma once
// The SNI listener's settings: one TLS port serving bootstrap and every broker, the broker
// told apart by the server name its client asks for (gateway/sni/). Plain data, so that the
// configuration can hold it; parsed and validated in gateway/sni/sni_config.
#include <cstdint>
#include <optional>
#include <string>

#include "gateway/routing/host_port.h"

namespace kgate::gateway {

// Which client listeners serve TLS when tls-certificate is set.
enum class TlsListeners {
    all,       // the bootstrap and broker listeners serve TLS only (as the SNI listener does)
    sni_only,  // they stay plaintext: TLS is the SNI listener's alone
};

struct SniSettings {
    std::optional<HostPort> listen;     // sni-listen; nullopt: no SNI listener
    std::uint16_t advertised_port = 0;  // sni-advertised-port: the port clients are told; 0: listen's
    std::string bootstrap_name;         // sni-bootstrap-name
    std::string broker_pattern;         // sni-broker-pattern, with one {node}
    TlsListeners tls_listeners = TlsListeners::all;

    bool enabled() const { return listen.has_value(); }
    std::uint16_t told_port() const { return advertised_port != 0 ? advertised_port : listen ? listen->port : 0; }
};

}  // namespace kgate::gateway
