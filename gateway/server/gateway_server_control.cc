// GatewayServer's GatewayControl side: what the admin API reads and changes.
#include <algorithm>
#include <thread>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "gateway/server/gateway_server.h"
#include "gateway/server/session_sweep.h"

#ifndef KGATE_VERSION
#error "KGATE_VERSION must be defined by the build"
#endif
#ifndef KGATE_KAFKA_SPEC_VERSION
#error "KGATE_KAFKA_SPEC_VERSION must be defined by the build"
#endif

namespace kgate::gateway {
namespace {

// Workers answer within microseconds unless they are stopping; a late one fails the call.
constexpr std::chrono::milliseconds kSweepTimeout{2000};
constexpr std::chrono::milliseconds kDrainPoll{10};

ControlError workers_late() {
    return {ControlErrc::internal, fmt::format("the worker loops did not answer within {} ms", kSweepTimeout.count())};
}

ControlError no_broker(std::int32_t node_id) { return {ControlErrc::not_found, fmt::format("node_id: no broker {}", node_id)}; }

bool belongs_to(const ClientSession& s, std::int32_t node_id) {
    return s.upstream_node() == node_id || (!s.target().bootstrap && s.target().node_id == node_id);
}

}  // namespace

std::vector<BrokerRoute> GatewayServer::routes() const {
    const auto snapshot = routing_.snapshot();
    return {snapshot->routes().begin(), snapshot->routes().end()};
}

ControlResult<BrokerRoute> GatewayServer::route(std::int32_t node_id) const {
    const auto snapshot = routing_.snapshot();
    if (const auto* r = snapshot->find(node_id)) return *r;
    return no_broker(node_id);
}

ControlResult<BrokerRoute> GatewayServer::put_route(std::int32_t node_id, const RouteChange& change) {
    const auto before = route(node_id);
    auto after = routing_.update(node_id, change);
    if (before) drain_moved_upstream(*before, after);
    return after;
}

ControlResult<BrokerRoute> GatewayServer::delete_route(std::int32_t node_id) {
    const auto before = route(node_id);
    auto after = routing_.reset(node_id);
    if (before) drain_moved_upstream(*before, after);
    return after;
}

void GatewayServer::drain_moved_upstream(const BrokerRoute& before, const ControlResult<BrokerRoute>& after) {
    if (!after || after->upstream() == before.upstream()) return;
    // New connections already use the new address (the snapshot is published); the old
    // ones finish what they have in flight, then close, and their clients reconnect.
    const std::string old_name = before.upstream().to_string();
    std::uint32_t drained = 0;
    const bool in_time = for_each_session(workers_, [&](ClientSession& s) {
        if (s.upstream_node() == before.node_id && s.upstream_name() == old_name) {
            s.drain();
            ++drained;
        }
    }, kSweepTimeout);
    spdlog::info("broker {} moved from {} to {}: draining {} connections{}", before.node_id, old_name, after->upstream().to_string(),
                 drained, in_time ? "" : " (some workers did not answer)");
}

ControlResult<std::vector<BrokerInfo>> GatewayServer::brokers() {
    const auto snapshot = routing_.snapshot();
    const auto view = cluster_.load();
    std::vector<BrokerInfo> out;
    for (const auto& r : snapshot->routes()) {
        BrokerInfo b;
        b.route = r;
        b.state = broker_state(r, *view);
        out.push_back(std::move(b));
    }
    const bool in_time = for_each_session(workers_, [&](ClientSession& s) {
        for (auto& b : out) {
            if (!s.target().bootstrap && s.target().node_id == b.route.node_id) ++b.client_connections;
            if (s.upstream_node() == b.route.node_id) ++b.upstream_connections;
        }
    }, kSweepTimeout);
    if (!in_time) return workers_late();
    return out;
}

ControlResult<std::vector<ConnectionInfo>> GatewayServer::connections() {
    std::vector<ConnectionInfo> out;
    if (!for_each_session(workers_, [&](ClientSession& s) { out.push_back(s.info()); }, kSweepTimeout)) return workers_late();
    std::sort(out.begin(), out.end(), [](const ConnectionInfo& a, const ConnectionInfo& b) { return a.id < b.id; });
    return out;
}

ControlResult<ConnectionInfo> GatewayServer::close_connection(std::uint64_t id, bool graceful) {
    std::optional<ConnectionInfo> found;
    const bool in_time = for_each_session(workers_, [&](ClientSession& s) {
        if (s.id() != id) return;
        found = s.info();
        if (graceful) s.drain();
        else s.abort("closed by the admin API");
    }, kSweepTimeout);
    if (found) {
        spdlog::info("admin: connection {} from {} {}", id, found->client, graceful ? "draining" : "closed");
        return *found;
    }
    if (!in_time) return workers_late();
    return ControlError{ControlErrc::not_found, fmt::format("id: no open connection {}", id)};
}

std::optional<std::uint32_t> GatewayServer::sessions_of(std::int32_t node_id) {
    std::uint32_t n = 0;
    if (!for_each_session(workers_, [&](ClientSession& s) { n += belongs_to(s, node_id) ? 1 : 0; }, kSweepTimeout)) return std::nullopt;
    return n;
}

ControlResult<DrainOutcome> GatewayServer::drain_broker(std::int32_t node_id, std::chrono::milliseconds timeout) {
    const auto start = std::chrono::steady_clock::now();
    if (auto r = routing_.set_draining(node_id, true); !r) return r.error();
    DrainOutcome outcome;
    if (!for_each_session(workers_, [&](ClientSession& s) {
            if (!belongs_to(s, node_id)) return;
            s.drain();
            ++outcome.drained;
        }, kSweepTimeout)) {
        return workers_late();
    }
    spdlog::info("admin: draining broker {}: {} connections, up to {} ms", node_id, outcome.drained, timeout.count());
    const auto deadline = start + timeout;
    for (;;) {
        const auto left = sessions_of(node_id);
        if (!left) return workers_late();
        if (*left == 0) break;
        if (std::chrono::steady_clock::now() >= deadline) {
            outcome.closed_at_timeout = *left;
            break;
        }
        std::this_thread::sleep_for(kDrainPoll);
    }
    if (outcome.closed_at_timeout > 0) {
        for_each_session(workers_, [&](ClientSession& s) {
            if (belongs_to(s, node_id)) s.abort("drain timeout");
        }, kSweepTimeout);
        outcome.drained -= std::min(outcome.drained, outcome.closed_at_timeout);
        spdlog::warn("admin: broker {} drain timed out: closed {} busy connections", node_id, outcome.closed_at_timeout);
    }
    outcome.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    return outcome;
}

ControlResult<BrokerRoute> GatewayServer::resume_broker(std::int32_t node_id) {
    auto r = routing_.set_draining(node_id, false);
    if (r) spdlog::info("admin: broker {} accepts connections again", node_id);
    return r;
}

GatewayStatus GatewayServer::status() const {
    GatewayStatus s;
    s.version = KGATE_VERSION;
    s.kafka_spec_version = KGATE_KAFKA_SPEC_VERSION;
    s.uptime_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count();
    s.ready = listening_.load() && (cluster_.load()->known || !routing_.why_not_ready_without_discovery());
    s.stopping = stopping_.load();
    s.routes = routing_.snapshot()->routes().size();
    s.client_connections = static_cast<std::size_t>(std::max(0, services_.active_sessions.load()));
    s.config = &config_;
    if (const auto tls = tls_.load()) s.client_tls = tls->certificate();
    return s;
}

ControlResult<CertificateSummary> GatewayServer::reload_certificates() {
    services_.upstream_tls.clear();  // brokers' CA bundles and kgate's client certificate: read again by the next connections
    if (!config_.tls.enabled()) return ControlError{ControlErrc::failed_precondition, "client TLS is off: no tls-certificate is configured"};
    std::string error;
    auto loaded = ServerTlsContext::load(config_.tls, error);
    metrics_.on_tls_reload(loaded != nullptr);
    if (!loaded) {
        spdlog::error("TLS reload failed; the previous certificate keeps serving: {}", error);
        return ControlError{ControlErrc::failed_precondition, error};
    }
    CertificateSummary summary = loaded->certificate();
    metrics_.tls_certificates().set_client_tls(summary);
    tls_.publish(std::move(loaded));  // each worker picks it up at its next handshake
    spdlog::info("TLS reloaded: certificate {} (serial {}, not after {}); open connections keep theirs", summary.subject, summary.serial,
                 summary.not_after);
    return summary;
}

}  // namespace kgate::gateway
