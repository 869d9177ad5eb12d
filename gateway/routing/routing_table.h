#pragma once
// The routing table: node id -> route. Reads go through lock-free snapshots; changes (a new
// broker, a moved broker) are rare and serialized here, persisted, then published.
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "gateway/config/gateway_config.h"
#include "gateway/routing/published.h"
#include "gateway/routing/route_store.h"
#include "gateway/routing/routing_snapshot.h"

namespace kgate::gateway {

class ListenerOpener {
public:
    virtual ~ListenerOpener() = default;
    // Binds a listener on `port` for broker `node_id`; false with `error` when it cannot.
    virtual bool open_broker_listener(std::uint16_t port, std::int32_t node_id, std::string& error) = 0;
};

class RoutingTable {
public:
    RoutingTable(const GatewayConfig& config, RouteStore store);

    // Loads the persisted routes and applies configured overrides. Throws RouteStoreError
    // when the state file is corrupt.
    void restore();
    // From now on every route has a listener: opens those of the known routes, and new
    // routes open theirs as they are created.
    void start_listening(ListenerOpener& opener);

    const Published<RoutingSnapshot>& published() const { return published_; }
    std::shared_ptr<const RoutingSnapshot> snapshot() const { return published_.load(); }

    // A broker named by the upstream cluster: returns its route, creating one (next free
    // port, listener) for a broker not seen before. `authoritative`: the address comes from
    // Metadata and replaces a changed one; other responses (a controller endpoint in
    // DescribeQuorum, say) never move an existing route.
    std::optional<BrokerRoute> ensure(std::int32_t node_id, const HostPort& advertised, bool authoritative, std::string& error);

private:
    bool assign_port(BrokerRoute& route, std::string& error);
    void publish_and_save();

    const GatewayConfig& config_;
    RouteStore store_;
    std::mutex mutex_;                // serializes changes; readers never take it
    std::vector<BrokerRoute> routes_;  // the authoritative copy, under mutex_
    ListenerOpener* opener_ = nullptr;
    Published<RoutingSnapshot> published_{std::make_shared<const RoutingSnapshot>()};
};

}  // namespace kgate::gateway
