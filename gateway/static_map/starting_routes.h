#pragma once
// The routes kgate starts from, before any discovery: those saved in the state directory, and
// those the configuration alone defines (an override with both an upstream and a listen port,
// what one proxy per broker would be configured with). Each route gets the port it must have
// (claim_port): a pinned port wins over an advertised one, which wins over a saved one; a route
// that loses its port gets port 0, and a free one when the listeners open.
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "gateway/config/gateway_config.h"
#include "gateway/routing/broker_route.h"

namespace kgate::gateway {

struct StartingRoutes {
    std::vector<BrokerRoute> routes;
    std::vector<std::string> notes;     // a route put on another port than the saved one
    std::vector<std::string> problems;  // what the operator must fix
};

StartingRoutes starting_routes(const GatewayConfig& config, std::vector<BrokerRoute> saved);

// Whether a route can be served before discovery has confirmed it: it has an upstream, and
// that upstream is not kgate itself. nullopt when it can; else why not.
std::optional<std::string> why_not_servable(const GatewayConfig& config, std::span<const BrokerRoute> routes, const BrokerRoute& route);

}  // namespace kgate::gateway
