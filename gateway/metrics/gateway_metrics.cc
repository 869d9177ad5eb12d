#include "gateway/metrics/gateway_metrics.h"

#include <algorithm>

#include "gateway/budget/memory_budget.h"
#include "protocol/codec/api_table.h"

namespace kgate::gateway {
namespace {

constexpr std::size_t kVersionSlots = 32;
// Error codes -1 (UNKNOWN_SERVER_ERROR) up to 158 get a lock-free slot; Kafka uses about 130.
constexpr std::size_t kErrorSlots = 160;

std::size_t api_slots() {
    std::int16_t max_key = 0;
    for (const auto& api : protocol::all_apis()) max_key = std::max(max_key, api.key);
    return static_cast<std::size_t>(max_key) + 1;
}

std::string api_label(std::int16_t api_key) {
    if (const auto* api = protocol::find_api(api_key)) return std::string(api->name);
    return std::to_string(api_key);
}

const prometheus::Histogram::BucketBoundaries& latency_buckets() {
    static const prometheus::Histogram::BucketBoundaries buckets{0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
                                                                 0.1,    0.25,  0.5,    1.0,   2.5,  5.0};
    return buckets;
}

}  // namespace

GatewayMetrics::GatewayMetrics()
    : registry_(std::make_shared<prometheus::Registry>()),
      connections_(prometheus::BuildGauge().Name("kgate_client_connections").Help("Open client connections per listener").Register(*registry_)),
      connections_total_family_(prometheus::BuildCounter().Name("kgate_client_connections_total").Help("Client connections accepted").Register(*registry_)),
      requests_(prometheus::BuildCounter().Name("kgate_requests_total").Help("Client requests by API and version").Register(*registry_)),
      rejected_family_(prometheus::BuildCounter().Name("kgate_rejected_frames_total").Help("Client frames refused, by reason").Register(*registry_)),
      rewrites_(prometheus::BuildCounter().Name("kgate_rewrites_total").Help("Responses rewritten to gateway addresses").Register(*registry_)),
      bytes_family_(prometheus::BuildCounter().Name("kgate_bytes_total").Help("Kafka bytes forwarded, by direction").Register(*registry_)),
      latency_(prometheus::BuildHistogram().Name("kgate_upstream_latency_seconds").Help("Time from forwarding a request to its broker response").Register(*registry_)),
      admin_calls_(prometheus::BuildCounter().Name("kgate_admin_calls_total").Help("Admin API calls by method and gRPC status").Register(*registry_)),
      responses_(prometheus::BuildCounter().Name("kgate_responses_total").Help("Broker responses by API and the Kafka error code they report").Register(*registry_)),
      upstream_connections_(prometheus::BuildGauge().Name("kgate_upstream_connections").Help("Open gateway connections to each broker").Register(*registry_)),
      upstream_failures_(prometheus::BuildCounter().Name("kgate_upstream_failures_total").Help("Gateway connections to a broker that could not be opened or were lost with requests in flight").Register(*registry_)),
      trailing_(prometheus::BuildCounter().Name("kgate_frames_with_trailing_bytes_total").Help("Frames forwarded with bytes after the end of their body, which Kafka ignores").Register(*registry_)),
      kop_quirks_family_(prometheus::BuildCounter().Name("kgate_kop_quirks_total").Help("KoP protocol quirks kgate smoothed or saw, by quirk").Register(*registry_)),
      budget_held_family_(prometheus::BuildGauge().Name("kgate_memory_budget_held_bytes").Help("Bytes held against each memory budget: requests read and not yet sent to a broker, answers read and not yet written to their client").Register(*registry_)),
      budget_limit_family_(prometheus::BuildGauge().Name("kgate_memory_budget_limit_bytes").Help("Each memory budget's configured size (0: off)").Register(*registry_)),
      budget_paused_family_(prometheus::BuildGauge().Name("kgate_memory_budget_paused_connections").Help("Connections whose reads the budget pauses now").Register(*registry_)),
      budget_pauses_family_(prometheus::BuildCounter().Name("kgate_memory_budget_pauses_total").Help("Times a connection's read was paused by the budget").Register(*registry_)),
      refused_family_(prometheus::BuildCounter().Name("kgate_connections_refused_total").Help("New client connections closed at once because a connection limit was reached, by limit").Register(*registry_)),
      accept_errors_family_(prometheus::BuildCounter().Name("kgate_accept_errors_total").Help("Failed accepts of client connections, by reason").Register(*registry_)),
      timeouts_family_(prometheus::BuildCounter().Name("kgate_timeouts_total").Help("Client connections closed by a timeout, by kind").Register(*registry_)),
      tls_handshakes_family_(prometheus::BuildCounter().Name("kgate_tls_handshakes_total").Help("Client TLS handshakes, by result").Register(*registry_)),
      tls_reloads_family_(prometheus::BuildCounter().Name("kgate_tls_reloads_total").Help("Reloads of the client-facing TLS certificate (SIGHUP, admin API), by result").Register(*registry_)),
      sni_refused_family_(prometheus::BuildCounter().Name("kgate_tls_sni_refused_total").Help("ClientHellos the SNI listener refused, by reason").Register(*registry_)),
      connections_total_(connections_total_family_.Add({})),
      request_slots_(api_slots() * kVersionSlots),
      rewrite_slots_(api_slots()),
      latency_slots_(api_slots()),
      response_slots_(api_slots() * kErrorSlots) {
    // Fixed label sets are created up front so they read 0 before anything happens.
    static constexpr std::array<const char*, 6> reasons{"too_large",           "malformed_header", "unknown_api",
                                                        "unsupported_version", "undecodable",      "too_large_before_auth"};
    for (std::size_t i = 0; i < reasons.size(); ++i) rejected_[i] = &rejected_family_.Add({{"reason", reasons[i]}});
    bytes_[0] = &bytes_family_.Add({{"direction", "client_to_broker"}});
    bytes_[1] = &bytes_family_.Add({{"direction", "broker_to_client"}});
    static constexpr std::array<const char*, 5> quirks{"offset_fetch_upgraded", "delete_topics_upgraded", "topic_prefix_stripped",
                                                       "controller_pinned", "init_producer_id_dropped"};
    for (std::size_t i = 0; i < quirks.size(); ++i) kop_quirks_[i] = &kop_quirks_family_.Add({{"quirk", quirks[i]}});
    static constexpr std::array<const char*, 2> budget_names{"requests", "responses"};
    for (std::size_t i = 0; i < budget_names.size(); ++i) {
        const prometheus::Labels labels{{"budget", budget_names[i]}};
        budgets_[i].held = &budget_held_family_.Add(labels);
        budgets_[i].limit = &budget_limit_family_.Add(labels);
        budgets_[i].paused = &budget_paused_family_.Add(labels);
        budgets_[i].pauses = &budget_pauses_family_.Add(labels);
    }
    static constexpr std::array<const char*, 2> refusals{"max_connections", "max_connections_per_address"};
    for (std::size_t i = 0; i < refusals.size(); ++i) refused_[i] = &refused_family_.Add({{"reason", refusals[i]}});
    static constexpr std::array<const char*, 2> accept_errors{"open_files", "other"};
    for (std::size_t i = 0; i < accept_errors.size(); ++i) accept_errors_[i] = &accept_errors_family_.Add({{"reason", accept_errors[i]}});
    static constexpr std::array<const char*, 3> timeouts{"idle", "slow_frame", "upstream_request"};
    for (std::size_t i = 0; i < timeouts.size(); ++i) timeouts_[i] = &timeouts_family_.Add({{"kind", timeouts[i]}});
    static constexpr std::array<const char*, 8> handshakes{"ok", "timeout", "closed", "not_tls", "no_client_certificate",
                                                           "bad_client_certificate", "failed", "sni_refused"};
    for (std::size_t i = 0; i < handshakes.size(); ++i) tls_handshakes_[i] = &tls_handshakes_family_.Add({{"result", handshakes[i]}});
    tls_reloads_[0] = &tls_reloads_family_.Add({{"result", "ok"}});
    tls_reloads_[1] = &tls_reloads_family_.Add({{"result", "failed"}});
    static constexpr std::array<const char*, 3> sni_refusals{"no_sni", "unknown_name", "unknown_broker"};
    for (std::size_t i = 0; i < sni_refusals.size(); ++i) sni_refused_[i] = &sni_refused_family_.Add({{"reason", sni_refusals[i]}});
}

void GatewayMetrics::on_tls_handshake(TlsHandshakeResult result) {
    tls_handshakes_[static_cast<std::size_t>(result)]->Increment();
}

void GatewayMetrics::on_tls_reload(bool ok) {
    tls_reloads_[ok ? 0 : 1]->Increment();
}

void GatewayMetrics::on_sni_refused(SniRefusal reason) {
    if (reason == SniRefusal::none) return;
    sni_refused_[static_cast<std::size_t>(reason) - 1]->Increment();
}

void GatewayMetrics::sample_budgets(const MemoryBudget& requests, const MemoryBudget& responses) {
    std::lock_guard lock(sample_mutex_);
    for (std::size_t i = 0; i < budgets_.size(); ++i) {
        const MemoryBudget& budget = i == 0 ? requests : responses;
        BudgetSeries& series = budgets_[i];
        series.held->Set(static_cast<double>(budget.held()));
        series.limit->Set(static_cast<double>(budget.limit()));
        series.paused->Set(static_cast<double>(budget.paused_now()));
        const std::uint64_t pauses = budget.pauses();
        if (pauses > series.pauses_seen) series.pauses->Increment(static_cast<double>(pauses - series.pauses_seen));
        series.pauses_seen = pauses;
    }
}

void GatewayMetrics::on_connection_refused(ConnectionRefusal why) {
    refused_[static_cast<std::size_t>(why)]->Increment();
}

void GatewayMetrics::on_accept_error(AcceptError why) {
    accept_errors_[static_cast<std::size_t>(why)]->Increment();
}

void GatewayMetrics::on_timeout(TimeoutKind kind) {
    timeouts_[static_cast<std::size_t>(kind)]->Increment();
}

std::string GatewayMetrics::listener_label(bool bootstrap, std::int32_t node_id) {
    return bootstrap ? std::string("bootstrap") : std::to_string(node_id);
}

void GatewayMetrics::connection_opened(std::string_view listener) {
    // Per connection, not per request: Family::Add's lookup under its mutex is acceptable here.
    connections_.Add({{"listener", std::string(listener)}}).Increment();
    connections_total_.Increment();
}

void GatewayMetrics::connection_closed(std::string_view listener) {
    connections_.Add({{"listener", std::string(listener)}}).Decrement();
}

template <class T, class... Args>
T& GatewayMetrics::cached(std::vector<std::atomic<T*>>& slots, std::size_t index, prometheus::Family<T>& family,
                          const prometheus::Labels& labels, Args&&... args) {
    if (T* hit = slots[index].load(std::memory_order_acquire)) return *hit;
    std::lock_guard lock(add_mutex_);
    T* made = &family.Add(labels, std::forward<Args>(args)...);  // Add returns the existing child for equal labels
    slots[index].store(made, std::memory_order_release);
    return *made;
}

prometheus::Counter& GatewayMetrics::request_counter(std::int16_t api_key, std::int16_t version) {
    const bool in_table = api_key >= 0 && version >= 0 && static_cast<std::size_t>(version) < kVersionSlots &&
                          static_cast<std::size_t>(api_key) < rewrite_slots_.size();
    const std::size_t index = in_table ? static_cast<std::size_t>(api_key) * kVersionSlots + static_cast<std::size_t>(version) : 0;
    if (in_table) {
        if (auto* hit = request_slots_[index].load(std::memory_order_acquire)) return *hit;
    }
    const prometheus::Labels labels{{"api", api_label(api_key)}, {"version", std::to_string(version)}};
    if (!in_table) return requests_.Add(labels);  // out of the table: rare, so the locked path is fine
    return cached(request_slots_, index, requests_, labels);
}

void GatewayMetrics::on_request(std::int16_t api_key, std::int16_t version) {
    request_counter(api_key, version).Increment();
}

void GatewayMetrics::on_kop_quirk(KopQuirk quirk) {
    kop_quirks_[static_cast<std::size_t>(quirk)]->Increment();
}

void GatewayMetrics::on_rejected(RejectReason reason) {
    rejected_[static_cast<std::size_t>(reason)]->Increment();
}

void GatewayMetrics::on_rewrite(std::int16_t api_key) {
    if (api_key < 0 || static_cast<std::size_t>(api_key) >= rewrite_slots_.size()) {
        rewrites_.Add({{"api", api_label(api_key)}}).Increment();
        return;
    }
    const auto index = static_cast<std::size_t>(api_key);
    if (auto* hit = rewrite_slots_[index].load(std::memory_order_acquire)) return hit->Increment();
    cached(rewrite_slots_, index, rewrites_, {{"api", api_label(api_key)}}).Increment();
}

void GatewayMetrics::on_bytes(Direction direction, std::uint64_t n) {
    bytes_[static_cast<std::size_t>(direction)]->Increment(static_cast<double>(n));
}

void GatewayMetrics::on_latency(std::int16_t api_key, double seconds) {
    // prometheus-cpp 1.0's Histogram::Observe takes a per-child mutex: one per api, rarely contended.
    if (api_key < 0 || static_cast<std::size_t>(api_key) >= latency_slots_.size()) {
        latency_.Add({{"api", api_label(api_key)}}, latency_buckets()).Observe(seconds);
        return;
    }
    const auto index = static_cast<std::size_t>(api_key);
    if (auto* hit = latency_slots_[index].load(std::memory_order_acquire)) return hit->Observe(seconds);
    cached(latency_slots_, index, latency_, {{"api", api_label(api_key)}}, latency_buckets()).Observe(seconds);
}

void GatewayMetrics::on_trailing_bytes(Direction direction, std::int16_t api_key) {
    // Rare (some clients' requests, no known broker's responses): the family's own lookup will do.
    const char* dir = direction == Direction::client_to_broker ? "request" : "response";
    trailing_.Add({{"api", api_label(api_key)}, {"frame", dir}}).Increment();
}

void GatewayMetrics::on_admin_call(std::string_view method, std::string_view code) {
    // Rare: the family's own lookup (under its mutex) is cheap enough.
    admin_calls_.Add({{"method", std::string(method)}, {"code", std::string(code)}}).Increment();
}

void GatewayMetrics::on_response(std::int16_t api_key, std::optional<std::int16_t> error_code) {
    const std::string code = error_code ? std::to_string(*error_code) : std::string("undecodable");
    const bool in_table = error_code && api_key >= 0 && static_cast<std::size_t>(api_key) < api_slots() && *error_code >= -1 &&
                          *error_code < static_cast<std::int16_t>(kErrorSlots) - 1;
    if (!in_table) {
        responses_.Add({{"api", api_label(api_key)}, {"error_code", code}}).Increment();
        return;
    }
    const auto index = static_cast<std::size_t>(api_key) * kErrorSlots + static_cast<std::size_t>(*error_code + 1);
    if (auto* hit = response_slots_[index].load(std::memory_order_acquire)) return hit->Increment();
    cached(response_slots_, index, responses_, {{"api", api_label(api_key)}, {"error_code", code}}).Increment();
}

void GatewayMetrics::upstream_opened(std::int32_t node_id) {
    upstream_connections_.Add({{"broker", std::to_string(node_id)}}).Increment();
}

void GatewayMetrics::upstream_closed(std::int32_t node_id) {
    upstream_connections_.Add({{"broker", std::to_string(node_id)}}).Decrement();
}

void GatewayMetrics::upstream_failed(std::int32_t node_id, UpstreamFailure why) {
    static constexpr std::array<const char*, 3> reasons{"connect", "lost", "timeout"};
    upstream_failures_.Add({{"broker", std::to_string(node_id)}, {"reason", reasons[static_cast<std::size_t>(why)]}}).Increment();
}

}  // namespace kgate::gateway
