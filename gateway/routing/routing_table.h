#pragma once
// The routing table: node id -> route. Reads go through lock-free snapshots; changes (a new
// broker, a moved broker) are rare and serialized here, persisted, then published.
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "gateway/config/gateway_config.h"
#include "gateway/control/control_result.h"
#include "gateway/routing/published.h"
#include "gateway/routing/route_store.h"
#include "gateway/routing/routing_snapshot.h"

namespace kgate::gateway {

class ListenerOpener {
public:
    virtual ~ListenerOpener() = default;
    // Binds a listener on `port` for broker `node_id`; false with `error` when it cannot.
    virtual bool open_broker_listener(std::uint16_t port, std::int32_t node_id, std::string& error) = 0;
    // Stops accepting on `port` (the broker moved to another one); open connections stay.
    virtual void close_broker_listener(std::uint16_t port) = 0;
};

class RoutingTable {
public:
    RoutingTable(const GatewayConfig& config, RouteStore store);

    // Loads the persisted routes, adds those the configuration alone defines (overrides with an
    // upstream and a listen port) and applies configured overrides. Throws RouteStoreError
    // when the state file is corrupt.
    void restore();
    // After restore(): whether the routes known before discovery can be served as they are
    // (there are some, and each has an upstream that is not kgate itself); else why not.
    const std::optional<std::string>& why_not_ready_without_discovery() const { return not_ready_without_discovery_; }
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

    // Operator changes (admin API). Each is validated as a whole, saved, then published: on
    // any error nothing changes. Errors name the field: INVALID_ARGUMENT for a bad value,
    // NOT_FOUND for an unknown node, FAILED_PRECONDITION for a port that cannot be had.
    ControlResult<BrokerRoute> update(std::int32_t node_id, const RouteChange& change);
    // Removes the admin overrides: the route is again as configured and advertised.
    ControlResult<BrokerRoute> reset(std::int32_t node_id);
    // DrainBroker and its undoing; kept in memory only.
    ControlResult<BrokerRoute> set_draining(std::int32_t node_id, bool draining);

private:
    std::vector<BrokerRoute>::iterator find_locked(std::int32_t node_id);
    // The route's effective override and client address from config and admin overrides.
    void apply_overrides(BrokerRoute& route) const;
    std::optional<ControlError> move_listener(BrokerRoute& route, std::int64_t port);
    // Saves `next` in place of the route of the same node, then publishes; on a failed save
    // nothing changes.
    ControlResult<BrokerRoute> commit(const BrokerRoute& next);
    bool assign_port(BrokerRoute& route, std::string& error);
    // Gives `route` the port it must have (claim_port) when that port is free and can be
    // listened on; says clearly why not otherwise. Does not close the route's old listener.
    bool take_claimed_port(BrokerRoute& route);
    void publish_and_save();

    const GatewayConfig& config_;
    RouteStore store_;
    std::mutex mutex_;                // serializes changes; readers never take it
    std::vector<BrokerRoute> routes_;  // the authoritative copy, under mutex_
    ListenerOpener* opener_ = nullptr;
    std::optional<std::string> not_ready_without_discovery_ = "no routes before discovery";
    Published<RoutingSnapshot> published_{std::make_shared<const RoutingSnapshot>()};
};

}  // namespace kgate::gateway
