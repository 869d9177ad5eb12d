#pragma once
// The gateway's Prometheus metrics: owns the registry and every family. Sessions call the
// on_* methods from worker threads; each resolves to a labelled child that was looked up
// before (a fixed array, or a per-api slot filled on first use) and then one atomic update.
#include <array>
#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>

#include "gateway/metrics/tls_certificate_metrics.h"
#include "gateway/metrics/upstream_tls_metrics.h"

namespace kgate::gateway {

class MemoryBudget;

enum class RejectReason { too_large, malformed_header, unknown_api, unsupported_version, undecodable, too_large_before_auth };
enum class Direction { client_to_broker, broker_to_client };
// What kgate did about a KoP broker's quirk (gateway/kop/), with --broker-kind kop.
enum class KopQuirk {
    offset_fetch_upgraded,     // an all-topics OffsetFetch v2-7 asked as v8
    delete_topics_upgraded,    // a DeleteTopics v1-5 asked as v6
    topic_prefix_stripped,     // an OffsetFetch answer named tenant/namespace/topic
    controller_pinned,         // a Metadata or DescribeCluster answer named another controller
    init_producer_id_dropped,  // the broker closed the connection on InitProducerId
};

// Why a gateway connection to a broker failed: it could not be opened, the broker closed or
// broke it while requests were in flight, or it did not answer in time (gateway/timeouts/).
enum class UpstreamFailure { connect, lost, timeout };

// Why a new client connection was closed at once (gateway/limits/).
enum class ConnectionRefusal { max_connections, max_connections_per_address };
// Why accepting a connection failed: out of descriptors (EMFILE, ENFILE) or anything else.
enum class AcceptError { open_files, other };
// Which timeout closed a client connection (gateway/timeouts/).
enum class TimeoutKind { idle, slow_frame, upstream_request };

// How a client's TLS handshake ended (gateway/tls/): finished; not within
// tls-handshake-timeout-ms; the client closed or reset it part-way; its first bytes were not
// TLS (a plaintext Kafka client, say); no client certificate under tls-client-auth required; a
// client certificate that did not verify against tls-client-ca; any other TLS failure; a
// ClientHello the SNI listener refused (gateway/sni/).
enum class TlsHandshakeResult { ok, timeout, closed, not_tls, no_client_certificate, bad_client_certificate, failed, sni_refused };
// Why the SNI listener refused a ClientHello: no server name; a name that is neither the
// bootstrap name nor the broker pattern's; a broker's name whose node kgate has no route for.
enum class SniRefusal { none, no_sni, unknown_name, unknown_broker };

class GatewayMetrics {
public:
    GatewayMetrics();
    GatewayMetrics(const GatewayMetrics&) = delete;
    GatewayMetrics& operator=(const GatewayMetrics&) = delete;

    // The listener label: "bootstrap" or the broker's node id.
    static std::string listener_label(bool bootstrap, std::int32_t node_id);

    // Once per client connection (on accept and when it ends).
    void connection_opened(std::string_view listener);
    void connection_closed(std::string_view listener);

    // Per request/response; safe from any thread.
    void on_request(std::int16_t api_key, std::int16_t version);
    void on_rejected(RejectReason reason);
    void on_rewrite(std::int16_t api_key);
    void on_bytes(Direction direction, std::uint64_t n);
    void on_latency(std::int16_t api_key, double seconds);
    // Per broker response: the error code it reports (its first non-zero ErrorCode, 0 for
    // none), or nullopt when the gateway could not decode it.
    void on_response(std::int16_t api_key, std::optional<std::int16_t> error_code);
    // A request (client_to_broker) or response with bytes after its body, forwarded as it came.
    void on_trailing_bytes(Direction direction, std::int16_t api_key);
    void on_kop_quirk(KopQuirk quirk);

    // Once per gateway connection to a broker (-1: a bootstrap server not known as a broker).
    void upstream_opened(std::int32_t node_id);
    void upstream_closed(std::int32_t node_id);
    // A failed gateway connection to a broker (rare: looked up by label each time).
    void upstream_failed(std::int32_t node_id, UpstreamFailure why);

    // Connection limits and timeouts: per connection or per failed accept, never per request.
    void on_connection_refused(ConnectionRefusal why);
    void on_accept_error(AcceptError why);
    void on_timeout(TimeoutKind kind);
    // Client-facing TLS: once per handshake, once per certificate reload.
    void on_tls_handshake(TlsHandshakeResult result);
    void on_tls_reload(bool ok);
    void on_sni_refused(SniRefusal reason);

    // Once per admin API call; `code` is the gRPC status name (OK, NOT_FOUND, ...).
    void on_admin_call(std::string_view method, std::string_view code);

    // The memory budgets' state (gateway/budget/), read when /metrics is served: the budgets
    // keep only their own atomics on the data path.
    void sample_budgets(const MemoryBudget& requests, const MemoryBudget& responses);

    const prometheus::Registry& registry() const { return *registry_; }
    // Certificate expiry gauges, on this registry (gateway/metrics/tls_certificate_metrics.h).
    TlsCertificateMetrics& tls_certificates() { return tls_certificates_; }
    // kgate's TLS handshakes with brokers (gateway/metrics/upstream_tls_metrics.h).
    UpstreamTlsMetrics& upstream_tls() { return upstream_tls_; }

private:
    // Labelled children per api key (and version) are created on first use and cached as
    // atomic pointers: Family::Add takes a mutex, the cached path does not.
    prometheus::Counter& request_counter(std::int16_t api_key, std::int16_t version);
    template <class T, class... Args>
    T& cached(std::vector<std::atomic<T*>>& slots, std::size_t index, prometheus::Family<T>& family,
              const prometheus::Labels& labels, Args&&... args);

    std::shared_ptr<prometheus::Registry> registry_;
    prometheus::Family<prometheus::Gauge>& connections_;
    prometheus::Family<prometheus::Counter>& connections_total_family_;
    prometheus::Family<prometheus::Counter>& requests_;
    prometheus::Family<prometheus::Counter>& rejected_family_;
    prometheus::Family<prometheus::Counter>& rewrites_;
    prometheus::Family<prometheus::Counter>& bytes_family_;
    prometheus::Family<prometheus::Histogram>& latency_;
    prometheus::Family<prometheus::Counter>& admin_calls_;
    prometheus::Family<prometheus::Counter>& responses_;
    prometheus::Family<prometheus::Gauge>& upstream_connections_;
    prometheus::Family<prometheus::Counter>& upstream_failures_;
    prometheus::Family<prometheus::Counter>& trailing_;
    prometheus::Family<prometheus::Counter>& kop_quirks_family_;
    prometheus::Family<prometheus::Gauge>& budget_held_family_;
    prometheus::Family<prometheus::Gauge>& budget_limit_family_;
    prometheus::Family<prometheus::Gauge>& budget_paused_family_;
    prometheus::Family<prometheus::Counter>& budget_pauses_family_;
    prometheus::Family<prometheus::Counter>& refused_family_;
    prometheus::Family<prometheus::Counter>& accept_errors_family_;
    prometheus::Family<prometheus::Counter>& timeouts_family_;
    prometheus::Family<prometheus::Counter>& tls_handshakes_family_;
    prometheus::Family<prometheus::Counter>& tls_reloads_family_;
    prometheus::Family<prometheus::Counter>& sni_refused_family_;

    prometheus::Counter& connections_total_;
    std::array<prometheus::Counter*, 6> rejected_{};
    struct BudgetSeries {
        prometheus::Gauge* held = nullptr;
        prometheus::Gauge* limit = nullptr;
        prometheus::Gauge* paused = nullptr;
        prometheus::Counter* pauses = nullptr;
        std::uint64_t pauses_seen = 0;
    };
    std::array<BudgetSeries, 2> budgets_{};  // requests, responses
    std::mutex sample_mutex_;  // scrapes may overlap
    std::array<prometheus::Counter*, 2> bytes_{};
    std::array<prometheus::Counter*, 5> kop_quirks_{};
    std::array<prometheus::Counter*, 2> refused_{};
    std::array<prometheus::Counter*, 2> accept_errors_{};
    std::array<prometheus::Counter*, 3> timeouts_{};
    std::array<prometheus::Counter*, 8> tls_handshakes_{};
    std::array<prometheus::Counter*, 3> sni_refused_{};  // by SniRefusal, none excepted
    std::array<prometheus::Counter*, 2> tls_reloads_{};  // ok, failed

    std::mutex add_mutex_;  // serializes first-use creation of cached children
    std::vector<std::atomic<prometheus::Counter*>> request_slots_;  // [api_key * kVersionSlots + version]
    std::vector<std::atomic<prometheus::Counter*>> rewrite_slots_;  // [api_key]
    std::vector<std::atomic<prometheus::Histogram*>> latency_slots_;  // [api_key]
    std::vector<std::atomic<prometheus::Counter*>> response_slots_;  // [api_key * kErrorSlots + error_code + 1]
    TlsCertificateMetrics tls_certificates_{*registry_};
    UpstreamTlsMetrics upstream_tls_{*registry_};
};

}  // namespace kgate::gateway
