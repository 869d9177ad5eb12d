#pragma once
// What response rewriting needs from routing: the client-facing address of a broker.
#include <cstdint>
#include <optional>
#include <string_view>

#include "gateway/routing/host_port.h"

namespace kgate::gateway {

class AddressMapper {
public:
    virtual ~AddressMapper() = default;
    // The address clients must be told for broker `node_id`, which advertises host:port.
    // A broker not seen before gets a route (and listener) here. nullopt when no gateway
    // address can be given: the response must then not reach the client.
    virtual std::optional<HostPort> client_address(std::int32_t node_id, std::string_view host, std::int32_t port) = 0;
    // Whether the gateway already routes `node_id`. Nodes only DescribeQuorum names (KRaft
    // controllers) must not get a route: a client could then reach a controller.
    virtual bool is_known(std::int32_t node_id) = 0;
};

}  // namespace kgate::gateway
