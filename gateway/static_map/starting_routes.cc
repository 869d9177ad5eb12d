#include "gateway/static_map/starting_routes.h"

#include <algorithm>
#include <map>

#include <fmt/format.h>

#include "gateway/routing/own_address.h"
#include "gateway/static_map/port_claim.h"

namespace kgate::gateway {
namespace {

// How strongly a route holds its port when two want the same one.
int strength(const PortClaim& claim, std::uint16_t port) {
    if (claim.port != port) return 0;
    return claim.pinned ? 2 : 1;
}

}  // namespace

StartingRoutes starting_routes(const GatewayConfig& config, std::vector<BrokerRoute> saved) {
    StartingRoutes out;
    out.routes = std::move(saved);
    for (const auto& o : config.overrides) {
        if (!o.address || !o.listen_port) continue;
        const bool known = std::any_of(out.routes.begin(), out.routes.end(), [&](const BrokerRoute& r) { return r.node_id == o.node_id; });
        if (known) continue;
        BrokerRoute route;
        route.node_id = o.node_id;  // what it advertises is learnt from the first Metadata
        route.listen_port = *o.listen_port;
        out.routes.push_back(std::move(route));
    }
    std::sort(out.routes.begin(), out.routes.end(), [](const BrokerRoute& a, const BrokerRoute& b) { return a.node_id < b.node_id; });

    std::vector<PortClaim> claims;
    for (auto& r : out.routes) {
        auto claim = claim_port(config, r.node_id, r.broker_advertised);
        if (claim.problem) out.problems.push_back(*claim.problem);
        if (claim.port != 0 && claim.port != r.listen_port) {
            out.notes.push_back(fmt::format("broker {}: gateway port {}, {}, instead of the saved {}", r.node_id, claim.port, claim.reason, r.listen_port));
            r.listen_port = claim.port;
        }
        claims.push_back(std::move(claim));
    }
    // Ports pinned for brokers not known yet stay free for them.
    std::map<std::uint16_t, std::int32_t> reserved;
    for (const auto& o : config.overrides) {
        if (o.listen_port) reserved.emplace(*o.listen_port, o.node_id);
    }
    // One route per port: the strongest claim keeps it (the lowest node id among equals).
    for (std::size_t i = 0; i < out.routes.size(); ++i) {
        auto& r = out.routes[i];
        if (r.listen_port == 0) continue;
        if (const auto it = reserved.find(r.listen_port); it != reserved.end() && it->second != r.node_id) {
            if (claims[i].port == r.listen_port) {
                out.problems.push_back(fmt::format(
                    "broker {} must have gateway port {}, {}, but overrides pin it for node {}; broker {} gets another port: clients "
                    "still reach it, but the address it advertises leads to node {}",
                    r.node_id, r.listen_port, claims[i].reason, it->second, r.node_id, it->second));
            } else {
                out.notes.push_back(fmt::format("broker {}: saved port {} is pinned for node {}; it gets another one", r.node_id, r.listen_port, it->second));
            }
            r.listen_port = 0;
            continue;
        }
        for (std::size_t j = 0; j < out.routes.size(); ++j) {
            auto& other = out.routes[j];
            if (j == i || other.listen_port != r.listen_port) continue;
            const int mine = strength(claims[i], r.listen_port);
            const int theirs = strength(claims[j], r.listen_port);
            auto& loser = (mine > theirs || (mine == theirs && i < j)) ? other : r;
            const auto& loser_claim = &loser == &r ? claims[i] : claims[j];
            const auto& winner = &loser == &r ? other : r;
            if (loser_claim.port == loser.listen_port) {
                out.problems.push_back(fmt::format(
                    "broker {} must have gateway port {}, {}, but broker {} has it; broker {} gets another port: clients still reach "
                    "it, but the address it advertises leads to broker {}",
                    loser.node_id, loser.listen_port, loser_claim.reason, winner.node_id, loser.node_id, winner.node_id));
            } else {
                out.notes.push_back(fmt::format("broker {}: saved port {} now belongs to broker {}; it gets another one", loser.node_id,
                                                loser.listen_port, winner.node_id));
            }
            loser.listen_port = 0;
            if (&loser == &r) break;
        }
    }
    return out;
}

std::optional<std::string> why_not_servable(const GatewayConfig& config, std::span<const BrokerRoute> routes, const BrokerRoute& route) {
    const HostPort& upstream = route.upstream();
    if (upstream.port == 0) return fmt::format("broker {} has no upstream address yet", route.node_id);
    if (auto own = own_listener(config, routes, upstream)) {
        return fmt::format("broker {}'s upstream {} is {}; give node {} an upstream override", route.node_id, upstream.to_string(), *own,
                           route.node_id);
    }
    return std::nullopt;
}

}  // namespace kgate::gateway
