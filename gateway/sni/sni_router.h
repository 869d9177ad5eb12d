#pragma once
// What the SNI listener does with a ClientHello's server name, and what its clients are told.
//
// Immutable once built from the configuration, shared by every session of the SNI listener.
// Names come from the pattern, so a broker that appears later (a new node id) is served
// without a restart: it only needs a route, which Metadata gives it before any client can
// have heard its name.
#include <cstdint>
#include <memory>
#include <optional>
#include <string_view>

#include "gateway/metrics/gateway_metrics.h"
#include "gateway/routing/host_port.h"
#include "gateway/routing/routing_snapshot.h"
#include "gateway/sni/sni_settings.h"
#include "gateway/tls/sni_names.h"

namespace kgate::gateway {

struct SniChoice {
    SniRefusal refusal = SniRefusal::none;
    SniTarget target;  // bootstrap or broker when not refused
};

class SniRouter {
public:
    // From validated settings; throws std::invalid_argument naming the settings otherwise.
    static std::shared_ptr<const SniRouter> from(const SniSettings& settings);
    SniRouter(SniNames names, HostPort listen, std::uint16_t told_port)
        : names_(std::move(names)), listen_(std::move(listen)), told_port_(told_port) {}

    // What a ClientHello asking for `server_name` reaches (nullptr or empty: it sent no SNI).
    // A broker's name whose node has no route is refused: nothing could serve it.
    SniChoice choose(const char* server_name, const RoutingSnapshot& routes) const;
    // What clients of this listener are told for broker `node_id`: its name, the one port;
    // nullopt for a negative id, which has no name (the answer naming it must not reach them).
    std::optional<HostPort> address_for(std::int32_t node_id) const;

    const SniNames& names() const { return names_; }
    const HostPort& listen() const { return listen_; }
    std::uint16_t told_port() const { return told_port_; }

private:
    SniNames names_;
    HostPort listen_;
    std::uint16_t told_port_;
};

}  // namespace kgate::gateway
