#pragma once
// Which gateway port a broker must have. Behind one proxy per broker (KoP's recipe) each broker
// advertises its proxy's address, and KoP sends transaction markers to the advertised address
// of a partition's leader. When kgate stands in for the proxies, the gateway port a broker
// advertises must be the one that leads to it: otherwise the markers reach another broker and
// transactions break (commits succeed, read_committed consumers see nothing) while plain
// clients seem fine.
#include <cstdint>
#include <optional>
#include <string>

#include "gateway/config/gateway_config.h"
#include "gateway/routing/host_port.h"

namespace kgate::gateway {

struct PortClaim {
    std::uint16_t port = 0;              // the port the broker must have; 0: any free one will do
    std::string reason;                  // why, for messages: pinned, or advertised
    bool pinned = false;                 // by overrides: listen-port (stronger than advertised)
    std::optional<std::string> problem;  // the configuration and the broker disagree; an error to log
};

// The pinned port (overrides: listen-port), else the broker port of kgate's own address that the
// broker advertises. `advertised` has port 0 when not known yet (a route only configured).
PortClaim claim_port(const GatewayConfig& config, std::int32_t node_id, const HostPort& advertised);

}  // namespace kgate::gateway
