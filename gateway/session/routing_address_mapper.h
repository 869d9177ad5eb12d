#pragma once
// The AddressMapper sessions hand to the response rewriter: a lock-free lookup in the
// session's cached snapshot, and the routing table for a broker it has not seen yet. On the SNI
// listener every broker is told by its SNI name and the listener's one port (gateway/sni/); on a
// plaintext listener beside TLS ones, by its plaintext port (gateway/plaintext_listeners/).
#include "gateway/plaintext_listeners/plaintext_ports.h"
#include "gateway/rewrite/address_mapper.h"
#include "gateway/routing/routing_table.h"
#include "gateway/sni/sni_router.h"

namespace kgate::gateway {

class RoutingAddressMapper : public AddressMapper {
public:
    // `sni`, `plaintext`: the SNI or plaintext listener the session came in on; null for the others.
    explicit RoutingAddressMapper(RoutingTable& routing, const SniRouter* sni = nullptr, const PlaintextPorts* plaintext = nullptr)
        : routing_(routing), snapshot_(routing.published()), sni_(sni), plaintext_(plaintext) {}

    std::optional<HostPort> client_address(std::int32_t node_id, std::string_view host, std::int32_t port) override;
    bool is_known(std::int32_t node_id) override { return snapshot_.get().find(node_id) != nullptr; }
    // Set while rewriting a Metadata response: its broker addresses are authoritative.
    void set_authoritative(bool on) { authoritative_ = on; }

private:
    // The broker's route (created when new): its port-per-broker address and listener port.
    struct Routed {
        HostPort told;
        std::uint16_t listen_port;
    };
    std::optional<Routed> routed(std::int32_t node_id, std::string_view host, std::int32_t port);

    bool authoritative_ = false;
    RoutingTable& routing_;
    Cached<RoutingSnapshot> snapshot_;
    const SniRouter* sni_;
    const PlaintextPorts* plaintext_;
};

}  // namespace kgate::gateway
