#pragma once
// The AddressMapper sessions hand to the response rewriter: a lock-free lookup in the
// session's cached snapshot, and the routing table for a broker it has not seen yet. On the SNI
// listener every broker is told by its SNI name and the listener's one port (gateway/sni/).
#include "gateway/rewrite/address_mapper.h"
#include "gateway/routing/routing_table.h"
#include "gateway/sni/sni_router.h"

namespace kgate::gateway {

class RoutingAddressMapper : public AddressMapper {
public:
    // `sni`: the SNI listener the session came in on; null for the others.
    explicit RoutingAddressMapper(RoutingTable& routing, const SniRouter* sni = nullptr)
        : routing_(routing), snapshot_(routing.published()), sni_(sni) {}

    std::optional<HostPort> client_address(std::int32_t node_id, std::string_view host, std::int32_t port) override;
    bool is_known(std::int32_t node_id) override { return snapshot_.get().find(node_id) != nullptr; }
    // Set while rewriting a Metadata response: its broker addresses are authoritative.
    void set_authoritative(bool on) { authoritative_ = on; }

private:
    // The broker's route (created when new) and its port-per-broker address.
    std::optional<HostPort> routed_address(std::int32_t node_id, std::string_view host, std::int32_t port);

    bool authoritative_ = false;
    RoutingTable& routing_;
    Cached<RoutingSnapshot> snapshot_;
    const SniRouter* sni_;
};

}  // namespace kgate::gateway
