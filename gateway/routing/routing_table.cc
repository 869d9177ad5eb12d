#include "gateway/routing/routing_table.h"

#include <algorithm>
#include <chrono>

#include "gateway/routing/host_name.h"
#include "gateway/routing/own_address.h"
#include "gateway/static_map/port_claim.h"
#include "gateway/static_map/starting_routes.h"

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <spdlog/spdlog.h>

namespace kgate::gateway {

RoutingTable::RoutingTable(const GatewayConfig& config, RouteStore store) : config_(config), store_(std::move(store)) {}

void RoutingTable::restore() {
    std::lock_guard lock(mutex_);
    auto saved = store_.load();
    const auto saved_count = saved.size();
    auto start = starting_routes(config_, std::move(saved));
    for (const auto& note : start.notes) spdlog::info("{}", note);
    for (const auto& problem : start.problems) spdlog::error("{}", problem);
    routes_ = std::move(start.routes);
    for (auto& r : routes_) apply_overrides(r);
    published_.publish(std::make_shared<const RoutingSnapshot>(routes_));
    if (saved_count != 0) spdlog::info("restored {} broker routes from {}", saved_count, store_.file().string());
    if (routes_.size() > saved_count) spdlog::info("{} broker routes from the configuration (overrides with upstream and listen-port)", routes_.size() - saved_count);
    not_ready_without_discovery_.reset();
    if (routes_.empty()) not_ready_without_discovery_ = "no routes before discovery";
    for (const auto& r : routes_) {
        if (auto why = why_not_servable(config_, routes_, r)) {
            not_ready_without_discovery_ = std::move(why);
            break;
        }
    }
}

void RoutingTable::start_listening(ListenerOpener& opener) {
    std::lock_guard lock(mutex_);
    opener_ = &opener;
    for (auto& r : routes_) {
        std::string error;
        if (r.listen_port == 0) {  // it lost its saved port to a broker that must have it
            if (!assign_port(r, error)) spdlog::error("broker {}: {}", r.node_id, error);
            apply_overrides(r);
            continue;
        }
        if (!opener.open_broker_listener(r.listen_port, r.node_id, error)) {
            // The saved port is taken: a new one is better than no listener, and is persisted.
            spdlog::warn("broker {}: saved port {} unavailable ({}); assigning another", r.node_id, r.listen_port, error);
            r.listen_port = 0;
            if (!assign_port(r, error)) spdlog::error("broker {}: {}", r.node_id, error);
            apply_overrides(r);
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
        if (it->broker_advertised.port == 0) spdlog::info("broker {} advertises {}", node_id, advertised.to_string());
        else spdlog::info("broker {} now advertises {} (was {})", node_id, advertised.to_string(), it->broker_advertised.to_string());
        it->broker_advertised = advertised;
        const std::uint16_t old_port = it->listen_port;
        if (take_claimed_port(*it) && it->listen_port != old_port) {
            if (opener_ != nullptr) opener_->close_broker_listener(old_port);
            apply_overrides(*it);
            spdlog::info("broker {} moved from gateway port {} to {}", node_id, old_port, it->listen_port);
        }
        BrokerRoute copy = *it;
        publish_and_save();
        return copy;
    }
    BrokerRoute route;
    route.node_id = node_id;
    route.broker_advertised = advertised;
    if (!take_claimed_port(route) && !assign_port(route, error)) return std::nullopt;
    apply_overrides(route);
    routes_.push_back(route);
    spdlog::info("broker {} ({}) gets gateway port {}", node_id, route.upstream().to_string(), route.listen_port);
    publish_and_save();
    return route;
}

std::vector<BrokerRoute>::iterator RoutingTable::find_locked(std::int32_t node_id) {
    return std::find_if(routes_.begin(), routes_.end(), [&](const BrokerRoute& r) { return r.node_id == node_id; });
}

void RoutingTable::apply_overrides(BrokerRoute& route) const {
    route.upstream_override.reset();
    if (const auto* o = config_.override_for(route.node_id); o != nullptr && o->address) route.upstream_override = o->address;
    if (route.admin.upstream) route.upstream_override = route.admin.upstream;
    route.client_advertised = {route.admin.advertised_host.value_or(config_.client_host()),
                               route.admin.advertised_port.value_or(route.listen_port)};
    route.tls = config_.upstream_tls;
    route.tls_source = BrokerRoute::TlsSource::cluster_default;
    if (const auto it = config_.route_tls.find(route.node_id); it != config_.route_tls.end()) {
        route.tls = it->second;
        route.tls_source = BrokerRoute::TlsSource::configuration;
    }
    if (route.admin.tls) {
        route.tls = *route.admin.tls;
        route.tls_source = BrokerRoute::TlsSource::admin;
    }
}

namespace {

ControlError invalid(std::string message) { return {ControlErrc::invalid_argument, std::move(message)}; }

std::optional<ControlError> check_port(std::string_view field, std::int64_t port) {
    if (port >= 1 && port <= 65535) return std::nullopt;
    return invalid(fmt::format("{}: {} is outside 1-65535", field, port));
}

std::optional<ControlError> check_host(std::string_view field, const std::string& host) {
    if (auto why = host_problem(host)) return invalid(fmt::format("{}: {}", field, *why));
    return std::nullopt;
}

std::string known_nodes(const std::vector<BrokerRoute>& routes) {
    std::string out;
    for (const auto& r : routes) out += (out.empty() ? "" : ", ") + std::to_string(r.node_id);
    return out.empty() ? "none yet" : out;
}

}  // namespace

ControlResult<BrokerRoute> RoutingTable::update(std::int32_t node_id, const RouteChange& change) {
    std::lock_guard lock(mutex_);
    const auto it = find_locked(node_id);
    if (it == routes_.end()) return ControlError{ControlErrc::not_found, fmt::format("node_id: no broker {} (known: {})", node_id, known_nodes(routes_))};
    BrokerRoute next = *it;
    // Values first, all of them: a request with one bad field changes nothing.
    if (change.upstream_host && change.upstream_host->empty()) {
        if (change.upstream_port && *change.upstream_port != 0) {
            return invalid("upstream_port: given with an empty upstream_host, which removes the override");
        }
        next.admin.upstream.reset();
    } else if (change.upstream_host || change.upstream_port) {
        const HostPort base = next.admin.upstream.value_or(next.upstream());
        HostPort target{change.upstream_host.value_or(base.host), base.port};
        if (change.upstream_host) {
            if (auto e = check_host("upstream_host", target.host)) return *e;
        }
        if (change.upstream_port) {
            if (auto e = check_port("upstream_port", *change.upstream_port)) return *e;
            target.port = static_cast<std::uint16_t>(*change.upstream_port);
        }
        next.admin.upstream = target;
    }
    if (change.advertised_host) {
        if (change.advertised_host->empty()) {
            next.admin.advertised_host.reset();
        } else {
            if (auto e = check_host("advertised_host", *change.advertised_host)) return *e;
            next.admin.advertised_host = *change.advertised_host;
        }
    }
    if (change.advertised_port) {
        if (*change.advertised_port == 0) {
            next.admin.advertised_port.reset();
        } else {
            if (auto e = check_port("advertised_port", *change.advertised_port)) return *e;
            next.admin.advertised_port = static_cast<std::uint16_t>(*change.advertised_port);
        }
    }
    if (change.reset_tls && change.tls) return invalid("tls, reset_tls: give one: new TLS settings, or back to the configuration's");
    if (change.reset_tls) next.admin.tls.reset();
    if (change.tls) {
        const auto problems = upstream_tls_problems(*change.tls, "tls", std::chrono::system_clock::now());
        if (!problems.empty()) return invalid(fmt::format("{}", fmt::join(problems, "; ")));
        next.admin.tls = *change.tls;
    }
    if (change.listen_port) {
        if (auto e = check_port("listen_port", *change.listen_port)) return *e;
        const auto claim = claim_port(config_, node_id, next.broker_advertised);
        if (claim.port != 0 && *change.listen_port != claim.port) {
            return ControlError{ControlErrc::failed_precondition,
                                fmt::format("listen_port: broker {}'s gateway port must stay {}: {}", node_id, claim.port, claim.reason)};
        }
    }
    BrokerRoute probe = next;
    apply_overrides(probe);
    if (auto own = own_listener(config_, routes_, probe.upstream())) {
        return invalid(fmt::format("upstream_host, upstream_port: {} is {}; a route to it would connect kgate to itself",
                                   probe.upstream().to_string(), *own));
    }
    // Then the port, which has effects (a new listener); undone if saving fails.
    const std::uint16_t old_port = next.listen_port;
    if (change.listen_port && *change.listen_port != old_port) {
        if (auto e = move_listener(next, *change.listen_port)) return *e;
    }
    apply_overrides(next);
    auto result = commit(next);
    if (next.listen_port != old_port && opener_ != nullptr) opener_->close_broker_listener(result ? old_port : next.listen_port);
    if (result) spdlog::info("admin: broker {} route now upstream {} (TLS {}), clients told {}, listener {}", node_id,
                             result->upstream().to_string(), describe(result->tls), result->client_advertised.to_string(), result->listen_port);
    if (result && result->tls.enabled && !result->tls.verify) {
        spdlog::warn("admin: broker {}: upstream TLS with insecure-skip-verify: the broker's certificate is NOT checked; anyone on the "
                     "path can pose as the broker",
                     node_id);
    }
    return result;
}

std::optional<ControlError> RoutingTable::move_listener(BrokerRoute& route, std::int64_t port) {
    const auto p = static_cast<std::uint16_t>(port);
    if (p == config_.listen.port) {
        return ControlError{ControlErrc::failed_precondition, fmt::format("listen_port: {} is the bootstrap listener's port", p)};
    }
    for (const auto& other : routes_) {
        if (other.node_id != route.node_id && other.listen_port == p) {
            return ControlError{ControlErrc::failed_precondition, fmt::format("listen_port: {} is broker {}'s listener", p, other.node_id)};
        }
    }
    if (opener_ == nullptr) {
        return ControlError{ControlErrc::failed_precondition, "listen_port: listeners are not open yet; try again once the gateway is ready"};
    }
    std::string why;
    if (!opener_->open_broker_listener(p, route.node_id, why)) {
        return ControlError{ControlErrc::failed_precondition, fmt::format("listen_port: cannot listen on {}: {}", p, why)};
    }
    route.listen_port = p;
    return std::nullopt;
}

ControlResult<BrokerRoute> RoutingTable::reset(std::int32_t node_id) {
    std::lock_guard lock(mutex_);
    const auto it = find_locked(node_id);
    if (it == routes_.end()) return ControlError{ControlErrc::not_found, fmt::format("node_id: no broker {} (known: {})", node_id, known_nodes(routes_))};
    BrokerRoute next = *it;
    next.admin = {};
    apply_overrides(next);
    auto result = commit(next);
    if (result) spdlog::info("admin: broker {} route reset to upstream {}, clients told {}", node_id, result->upstream().to_string(),
                             result->client_advertised.to_string());
    return result;
}

ControlResult<BrokerRoute> RoutingTable::set_draining(std::int32_t node_id, bool draining) {
    std::lock_guard lock(mutex_);
    const auto it = find_locked(node_id);
    if (it == routes_.end()) return ControlError{ControlErrc::not_found, fmt::format("node_id: no broker {} (known: {})", node_id, known_nodes(routes_))};
    it->draining = draining;
    published_.publish(std::make_shared<const RoutingSnapshot>(routes_));
    return *it;
}

ControlResult<BrokerRoute> RoutingTable::commit(const BrokerRoute& next) {
    auto candidate = routes_;
    *std::find_if(candidate.begin(), candidate.end(), [&](const BrokerRoute& r) { return r.node_id == next.node_id; }) = next;
    try {
        store_.save(candidate);
    } catch (const RouteStoreError& e) {
        return ControlError{ControlErrc::internal, fmt::format("not changed: the routes could not be saved: {}", e.what())};
    }
    routes_ = std::move(candidate);
    published_.publish(std::make_shared<const RoutingSnapshot>(routes_));
    return next;
}

bool RoutingTable::assign_port(BrokerRoute& route, std::string& error) {
    for (unsigned p = config_.first_broker_port(); p <= config_.last_broker_port(); ++p) {
        const auto port = static_cast<std::uint16_t>(p);
        const auto pinned_for = std::find_if(config_.overrides.begin(), config_.overrides.end(),
                                              [&](const UpstreamOverride& o) { return o.listen_port == port && o.node_id != route.node_id; });
        const bool taken = port == config_.listen.port || pinned_for != config_.overrides.end() ||
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

bool RoutingTable::take_claimed_port(BrokerRoute& route) {
    const auto claim = claim_port(config_, route.node_id, route.broker_advertised);
    if (claim.problem) spdlog::error("{}", *claim.problem);
    if (claim.port == 0 || claim.port == route.listen_port) return claim.port != 0;
    const auto holder = std::find_if(routes_.begin(), routes_.end(),
                                     [&](const BrokerRoute& r) { return r.listen_port == claim.port && r.node_id != route.node_id; });
    if (holder != routes_.end()) {
        // A holder only configured, never seen in the cluster, most likely has a mistyped node id.
        const std::string unseen = holder->broker_advertised.port == 0
                                       ? fmt::format(" (configured in overrides but not named by the cluster: is node id {} right?)", holder->node_id)
                                       : "";
        spdlog::error("broker {} must have gateway port {}, {}, but broker {}{} has it; broker {} gets {}: clients still reach it, "
                      "but the address it advertises leads to broker {}",
                      route.node_id, claim.port, claim.reason, holder->node_id, unseen, route.node_id,
                      route.listen_port == 0 ? std::string("another port") : fmt::format("port {}", route.listen_port), holder->node_id);
        return false;
    }
    const auto pinned_for = std::find_if(config_.overrides.begin(), config_.overrides.end(),
                                         [&](const UpstreamOverride& o) { return o.listen_port == claim.port && o.node_id != route.node_id; });
    if (pinned_for != config_.overrides.end()) {
        spdlog::error("broker {} must have gateway port {}, {}, but overrides pin it for node {}; broker {} gets another port: "
                      "clients still reach it, but the address it advertises leads to node {}",
                      route.node_id, claim.port, claim.reason, pinned_for->node_id, route.node_id, pinned_for->node_id);
        return false;
    }
    std::string why;
    if (opener_ != nullptr && !opener_->open_broker_listener(claim.port, route.node_id, why)) {
        spdlog::error("broker {} must have gateway port {}, {}, but it cannot be listened on: {}", route.node_id, claim.port, claim.reason, why);
        return false;
    }
    route.listen_port = claim.port;
    return true;
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
