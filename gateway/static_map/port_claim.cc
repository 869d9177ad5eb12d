#include "gateway/static_map/port_claim.h"

#include <fmt/format.h>

#include "gateway/routing/own_address.h"

namespace kgate::gateway {
namespace {

// advertised-host when it is set and names more than this machine.
bool names_clients_host(const GatewayConfig& config, const std::string& host) {
    const auto& told = config.advertised_host;
    if (told.empty() || host != told) return false;
    return told != "localhost" && told != "::1" && !told.starts_with("127.");
}

}  // namespace

PortClaim claim_port(const GatewayConfig& config, std::int32_t node_id, const HostPort& advertised) {
    PortClaim claim;
    std::optional<std::uint16_t> own;
    if (advertised.port != 0) {
        own = own_broker_port(config, advertised);
        if (!own) {
            // kgate's bootstrap, HTTP or admin listener: no broker can be reached there.
            if (auto what = own_listener(config, {}, advertised)) {
                claim.problem = fmt::format(
                    "broker {} advertises {}, which is {}: a broker behind kgate must advertise one of the gateway's broker "
                    "ports ({}-{}) or its own address",
                    node_id, advertised.to_string(), *what, config.first_broker_port(), config.last_broker_port());
            } else if (names_clients_host(config, advertised.host)) {
                // The public name with a port kgate does not serve: most likely a proxy port of the
                // recipe that broker-ports leaves out. On loopback it may be a real broker.
                claim.problem = fmt::format(
                    "broker {} advertises {}, the name clients are told, with a port outside broker-ports ({}-{}): if that is "
                    "meant to be its gateway port, widen broker-ports; kgate dials it as the broker's own address",
                    node_id, advertised.to_string(), config.first_broker_port(), config.last_broker_port());
            }
        }
    }
    const auto* pinned = config.override_for(node_id);
    if (pinned != nullptr && pinned->listen_port) {
        claim.port = *pinned->listen_port;
        claim.pinned = true;
        claim.reason = fmt::format("pinned by overrides (node {} listen-port {})", node_id, claim.port);
        if (own && *own != claim.port) {
            claim.problem = fmt::format(
                "broker {} advertises {} but overrides pin its listen-port to {}: the broker's own transaction markers go "
                "to the address it advertises, so they would reach whichever broker has gateway port {}; make listen-port {} "
                "or change the broker's advertised listener to port {}",
                node_id, advertised.to_string(), claim.port, *own, *own, claim.port);
        }
        return claim;
    }
    if (own) {
        claim.port = *own;
        claim.reason = fmt::format("the gateway port it advertises ({})", advertised.to_string());
    }
    return claim;
}

}  // namespace kgate::gateway
