#pragma once
// A gateway configuration on 127.0.0.1 for tests: the bootstrap port, broker ports right after
// it up to `last_broker_port`, and the HTTP and admin ports.
#include <cstdint>

#include "gateway/config/gateway_config.h"

namespace kgate::gateway::testing {

inline GatewayConfig loopback_gateway(std::uint16_t bootstrap, std::uint16_t last_broker_port, std::uint16_t http, std::uint16_t admin) {
    GatewayConfig c;
    c.upstream = {{"kop-1.internal", 9092}};
    c.listen = {"127.0.0.1", bootstrap};
    c.broker_port_first = static_cast<std::uint16_t>(bootstrap + 1);
    c.broker_port_last = last_broker_port;
    c.http_listen = HostPort{"127.0.0.1", http};
    c.admin_listen = HostPort{"127.0.0.1", admin};
    return c;
}

}  // namespace kgate::gateway::testing
