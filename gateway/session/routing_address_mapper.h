#pragma once
// The AddressMapper sessions hand to the response rewriter: a lock-free lookup in the
// session's cached snapshot, and the routing table for a broker it has not seen yet.
#include "gateway/rewrite/address_mapper.h"
#include "gateway/routing/routing_table.h"

namespace kgate::gateway {

class RoutingAddressMapper : public AddressMapper {
public:
    explicit RoutingAddressMapper(RoutingTable& routing) : routing_(routing), snapshot_(routing.published()) {}

    std::optional<HostPort> client_address(std::int32_t node_id, std::string_view host, std::int32_t port) override;
    bool is_known(std::int32_t node_id) override { return snapshot_.get().find(node_id) != nullptr; }
    // Set while rewriting a Metadata response: its broker addresses are authoritative.
    void set_authoritative(bool on) { authoritative_ = on; }

private:
    bool authoritative_ = false;
    RoutingTable& routing_;
    Cached<RoutingSnapshot> snapshot_;
};

}  // namespace kgate::gateway
