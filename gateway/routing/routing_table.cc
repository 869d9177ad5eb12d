#include "gateway/routing/routing_table.h"

#include <algorithm>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

namespace kgate::gateway {

RoutingTable::RoutingTable(const GatewayConfig& config, RouteStore store) : config_(config), store_(std::move(store)) {}

void RoutingTable::restore() {
    std::lock_guard lock(mutex_);
    routes_ = store_.load();
    for (auto& r : routes_) {
        r.upstream_override.reset();
        for (const auto& o : config_.overrides) {
            if (o.node_id == r.node_id) r.upstream_override = o.address;
        }
        r.client_advertised = {config_.client_host(), r.listen_port};
    }
    published_.publish(std::make_shared<const RoutingSnapshot>(routes_));
    if (!routes_.empty()) spdlog::info("restored {} broker routes from {}", routes_.size(), store_.file().string());
}

void RoutingTable::start_listening(ListenerOpener& opener) {
    std::lock_guard lock(mutex_);
    opener_ = &opener;
    for (auto& r : routes_) {
        std::string error;
        if (!opener.open_broker_listener(r.listen_port, r.node_id, error)) {
            // The saved port is taken: a new one is better than no listener, and is persisted.
            spdlog::warn("broker {}: saved port {} unavailable ({}); assigning another", r.node_id, r.listen_port, error);
            r.listen_port = 0;
            if (!assign_port(r, error)) spdlog::error("broker {}: {}", r.node_id, error);
            r.client_advertised = {config_.client_host(), r.listen_port};
        }
    }
    publish_and_save();
}

std::optional<BrokerRoute> RoutingTable::ensure(std::int32_t node_id, const HostPort& advertised, bool authoritative,
                                                std::string& error) {
    std::lock_guard lock(mutex_);
    auto it = std::find_if(routes_.begin(), routes_.end(), [&](const BrokerRoute& r) { return r.node_id == node_id; });
    if (it != routes_.end()) {
        if (it->broker_advertised == advertised || !authoritative) return *it;
        spdlog::info("broker {} now advertises {} (was {})", node_id, advertised.to_string(), it->broker_advertised.to_string());
        it->broker_advertised = advertised;
        BrokerRoute copy = *it;
        publish_and_save();
        return copy;
    }
    BrokerRoute route;
    route.node_id = node_id;
    route.broker_advertised = advertised;
    for (const auto& o : config_.overrides) {
        if (o.node_id == node_id) route.upstream_override = o.address;
    }
    if (!assign_port(route, error)) return std::nullopt;
    route.client_advertised = {config_.client_host(), route.listen_port};
    routes_.push_back(route);
    spdlog::info("broker {} ({}) gets gateway port {}", node_id, route.upstream().to_string(), route.listen_port);
    publish_and_save();
    return route;
}

bool RoutingTable::assign_port(BrokerRoute& route, std::string& error) {
    for (unsigned p = config_.first_broker_port(); p <= config_.last_broker_port(); ++p) {
        const auto port = static_cast<std::uint16_t>(p);
        const bool taken = port == config_.listen.port ||
                           std::any_of(routes_.begin(), routes_.end(), [&](const BrokerRoute& r) { return r.listen_port == port; });
        if (taken) continue;
        std::string why;
        if (opener_ != nullptr && !opener_->open_broker_listener(port, route.node_id, why)) {
            spdlog::debug("port {} unavailable for broker {}: {}", port, route.node_id, why);
            continue;
        }
        route.listen_port = port;
        return true;
    }
    error = fmt::format("no free port in the broker port range {}-{} for broker {}", config_.first_broker_port(),
                        config_.last_broker_port(), route.node_id);
    return false;
}

void RoutingTable::publish_and_save() {
    published_.publish(std::make_shared<const RoutingSnapshot>(routes_));
    try {
        store_.save(routes_);
    } catch (const RouteStoreError& e) {
        // Serving goes on with the routes in memory; the next change tries to save again.
        spdlog::error("routes not saved: {}", e.what());
    }
}

}  // namespace kgate::gateway
