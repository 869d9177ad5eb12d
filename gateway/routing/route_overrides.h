#pragma once
// What an operator changed about one route through the admin API. Persisted with the route
// and stronger than the configuration file's overrides; unset means "the default".
#include <cstdint>
#include <optional>
#include <string>

#include "gateway/routing/host_port.h"
#include "gateway/upstream_tls/upstream_tls_settings.h"

namespace kgate::gateway {

struct RouteOverrides {
    std::optional<HostPort> upstream;             // reach the broker here, not where it says
    std::optional<std::string> advertised_host;   // tell clients this host ...
    std::optional<std::uint16_t> advertised_port;  // ... and this port (a NAT in front, say)
    std::optional<UpstreamTls> tls{};             // reach the broker this way (TLS or not), whole

    bool empty() const { return !upstream && !advertised_host && !advertised_port && !tls; }
    friend bool operator==(const RouteOverrides&, const RouteOverrides&) = default;
};

// A partial update, as PutRoute carries it: fields left unset stay as they are.
struct RouteChange {
    std::optional<std::string> upstream_host;    // "" removes the upstream override
    std::optional<std::int64_t> upstream_port;   // without a host: the override's or broker's host
    std::optional<std::string> advertised_host;  // "" returns to the gateway's advertised host
    std::optional<std::int64_t> advertised_port;  // 0 returns to the listener port
    std::optional<std::int64_t> listen_port;     // moves the broker's gateway listener
    std::optional<UpstreamTls> tls{};            // the route's upstream TLS, replaced whole
    bool reset_tls = false;                      // back to the configuration's (file override, else upstream-tls)
};

}  // namespace kgate::gateway
