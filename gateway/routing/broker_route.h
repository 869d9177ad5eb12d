#pragma once
// One broker as the gateway routes it.
#include <cstdint>
#include <optional>

#include "gateway/routing/host_port.h"
#include "gateway/routing/route_overrides.h"

namespace kgate::gateway {

struct BrokerRoute {
    std::int32_t node_id = -1;
    // The address the broker advertises about itself (from upstream Metadata).
    HostPort broker_advertised;
    // "The broker says X, reach it at Y": set when the advertised address is unreachable
    // from the gateway (e.g. a KoP broker that advertises a proxy's address). The effective
    // value: the admin override, else the configuration file's.
    std::optional<HostPort> upstream_override;
    // The gateway listener that clients use for this broker.
    std::uint16_t listen_port = 0;
    // What clients are told in every response that names this broker.
    HostPort client_advertised;
    // What the admin API set; persisted.
    RouteOverrides admin;
    // DrainBroker: no new connections to this broker until it is resumed. Not persisted.
    bool draining = false;
    // How kgate reaches the broker (TLS or not): the admin override, else the configuration
    // file's for this node, else upstream-tls. The effective value, and where it came from.
    UpstreamTls tls{};
    enum class TlsSource { cluster_default, configuration, admin };
    TlsSource tls_source = TlsSource::cluster_default;

    const HostPort& upstream() const { return upstream_override ? *upstream_override : broker_advertised; }
    friend bool operator==(const BrokerRoute&, const BrokerRoute&) = default;
};

}  // namespace kgate::gateway
