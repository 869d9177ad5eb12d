#pragma once
// Whether an upstream address is one of the gateway's own listeners. A route to it would connect
// kgate to itself, and every client connection would recurse until the open-files limit (seen
// with a broker that advertises the gateway's address, as KoP does in the Envoy-per-broker
// recipe, and with an operator's typo): such routes are refused and never dialled.
#include <optional>
#include <span>
#include <string>

#include "gateway/config/gateway_config.h"
#include "gateway/routing/broker_route.h"
#include "gateway/routing/host_port.h"

namespace kgate::gateway {

// What the address is ("the gateway's bootstrap listener ...", "... own broker port 34002")
// when it is one of the gateway's listeners: bootstrap, the broker port range or any route's
// listen port, the plaintext listeners beside TLS ones, HTTP, admin, SNI, cluster. nullopt otherwise.
std::optional<std::string> own_listener(const GatewayConfig& config, std::span<const BrokerRoute> routes, const HostPort& target);

// The gateway broker port `advertised` names, when it names one: an address that reaches the
// broker listeners (the listen host, the host clients are told, loopback for a loopback or
// wildcard bind) with a port in broker-ports. nullopt otherwise.
std::optional<std::uint16_t> own_broker_port(const GatewayConfig& config, const HostPort& advertised);

}  // namespace kgate::gateway
