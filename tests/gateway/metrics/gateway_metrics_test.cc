#include "gateway/metrics/gateway_metrics.h"

#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "gateway/budget/memory_budget.h"
#include <prometheus/text_serializer.h>

namespace kgate::gateway {
namespace {

std::string text_of(const GatewayMetrics& m) { return prometheus::TextSerializer().Serialize(m.registry().Collect()); }

bool has_line(const std::string& text, const std::string& line) {
    return text.find("\n" + line + "\n") != std::string::npos;
}

TEST(GatewayMetrics, FixedLabelsReadZeroFromTheStart) {
    GatewayMetrics m;
    const auto t = text_of(m);
    EXPECT_TRUE(has_line(t, "kgate_client_connections_total 0")) << t;
    for (const char* reason : {"too_large", "malformed_header", "unknown_api", "unsupported_version", "undecodable", "too_large_before_auth"}) {
        EXPECT_TRUE(has_line(t, std::string("kgate_rejected_frames_total{reason=\"") + reason + "\"} 0")) << reason;
    }
    EXPECT_TRUE(has_line(t, "kgate_bytes_total{direction=\"client_to_broker\"} 0"));
    EXPECT_TRUE(has_line(t, "kgate_bytes_total{direction=\"broker_to_client\"} 0"));
    for (const char* reason : {"max_connections", "max_connections_per_address"}) {
        EXPECT_TRUE(has_line(t, std::string("kgate_connections_refused_total{reason=\"") + reason + "\"} 0")) << reason;
    }
    for (const char* reason : {"open_files", "other"}) {
        EXPECT_TRUE(has_line(t, std::string("kgate_accept_errors_total{reason=\"") + reason + "\"} 0")) << reason;
    }
    for (const char* kind : {"idle", "slow_frame", "upstream_request"}) {
        EXPECT_TRUE(has_line(t, std::string("kgate_timeouts_total{kind=\"") + kind + "\"} 0")) << kind;
    }
}

TEST(GatewayMetrics, LimitsAndTimeoutsByKind) {
    GatewayMetrics m;
    m.on_connection_refused(ConnectionRefusal::max_connections_per_address);
    m.on_connection_refused(ConnectionRefusal::max_connections_per_address);
    m.on_accept_error(AcceptError::open_files);
    m.on_timeout(TimeoutKind::slow_frame);
    m.upstream_failed(3, UpstreamFailure::timeout);
    const auto t = text_of(m);
    EXPECT_TRUE(has_line(t, "kgate_connections_refused_total{reason=\"max_connections_per_address\"} 2")) << t;
    EXPECT_TRUE(has_line(t, "kgate_accept_errors_total{reason=\"open_files\"} 1"));
    EXPECT_TRUE(has_line(t, "kgate_timeouts_total{kind=\"slow_frame\"} 1"));
    EXPECT_TRUE(has_line(t, "kgate_upstream_failures_total{broker=\"3\",reason=\"timeout\"} 1"));
}

TEST(GatewayMetrics, MemoryBudgetsAreSampledWhenServed) {
    GatewayMetrics m;
    MemoryBudget requests(64 * 1024 * 1024);
    MemoryBudget responses(0);
    requests.take_unconditionally(5000);
    requests.paused();
    requests.paused();
    requests.resumed();
    m.sample_budgets(requests, responses);
    requests.paused();
    m.sample_budgets(requests, responses);  // the counter adds only what is new
    const auto t = text_of(m);
    EXPECT_TRUE(has_line(t, "kgate_memory_budget_held_bytes{budget=\"requests\"} 5000")) << t;
    EXPECT_TRUE(has_line(t, "kgate_memory_budget_limit_bytes{budget=\"requests\"} 67108864")) << t;
    EXPECT_TRUE(has_line(t, "kgate_memory_budget_limit_bytes{budget=\"responses\"} 0")) << t;
    EXPECT_TRUE(has_line(t, "kgate_memory_budget_paused_connections{budget=\"requests\"} 2")) << t;
    EXPECT_TRUE(has_line(t, "kgate_memory_budget_pauses_total{budget=\"requests\"} 3")) << t;
    EXPECT_TRUE(has_line(t, "kgate_memory_budget_pauses_total{budget=\"responses\"} 0")) << t;
}

TEST(GatewayMetrics, ResponsesByErrorCodeAndUpstreamConnectionsByBroker) {
    GatewayMetrics m;
    m.on_response(3, 0);
    m.on_response(3, 0);
    m.on_response(0, 6);       // NOT_LEADER_OR_FOLLOWER
    m.on_response(0, -1);      // UNKNOWN_SERVER_ERROR: the first slot
    m.on_response(0, 30000);   // beyond the slots: still counted
    m.on_response(2, std::nullopt);
    m.upstream_opened(1);
    m.upstream_opened(1);
    m.upstream_opened(-1);
    m.upstream_closed(1);
    m.on_admin_call("PutRoute", "INVALID_ARGUMENT");
    const auto t = text_of(m);
    EXPECT_TRUE(has_line(t, "kgate_responses_total{api=\"Metadata\",error_code=\"0\"} 2")) << t;
    EXPECT_TRUE(has_line(t, "kgate_responses_total{api=\"Produce\",error_code=\"6\"} 1")) << t;
    EXPECT_TRUE(has_line(t, "kgate_responses_total{api=\"Produce\",error_code=\"-1\"} 1")) << t;
    EXPECT_TRUE(has_line(t, "kgate_responses_total{api=\"Produce\",error_code=\"30000\"} 1")) << t;
    EXPECT_TRUE(has_line(t, "kgate_responses_total{api=\"ListOffsets\",error_code=\"undecodable\"} 1")) << t;
    EXPECT_TRUE(has_line(t, "kgate_upstream_connections{broker=\"1\"} 1")) << t;
    EXPECT_TRUE(has_line(t, "kgate_upstream_connections{broker=\"-1\"} 1")) << t;
    EXPECT_TRUE(has_line(t, "kgate_admin_calls_total{code=\"INVALID_ARGUMENT\",method=\"PutRoute\"} 1")) << t;
}

TEST(GatewayMetrics, UpstreamFailuresByBrokerAndReason) {
    GatewayMetrics m;
    m.upstream_failed(1880146045, UpstreamFailure::connect);  // KoP's hashed node ids as they are
    m.upstream_failed(1880146045, UpstreamFailure::connect);
    m.upstream_failed(1880146045, UpstreamFailure::lost);
    m.upstream_failed(-1, UpstreamFailure::connect);  // a bootstrap server not known as a broker
    const auto t = text_of(m);
    EXPECT_TRUE(has_line(t, "kgate_upstream_failures_total{broker=\"1880146045\",reason=\"connect\"} 2")) << t;
    EXPECT_TRUE(has_line(t, "kgate_upstream_failures_total{broker=\"1880146045\",reason=\"lost\"} 1")) << t;
    EXPECT_TRUE(has_line(t, "kgate_upstream_failures_total{broker=\"-1\",reason=\"connect\"} 1")) << t;
    EXPECT_EQ(t.find("kgate_upstream_failures_total{broker=\"-1\",reason=\"lost\"}"), std::string::npos) << "no failure, no series";
}

TEST(GatewayMetrics, ConnectionsPerListener) {
    GatewayMetrics m;
    m.connection_opened(GatewayMetrics::listener_label(true, -1));
    m.connection_opened(GatewayMetrics::listener_label(false, 1834119876));
    m.connection_opened("bootstrap");
    m.connection_closed("bootstrap");
    const auto t = text_of(m);
    EXPECT_TRUE(has_line(t, "kgate_client_connections{listener=\"bootstrap\"} 1")) << t;
    EXPECT_TRUE(has_line(t, "kgate_client_connections{listener=\"1834119876\"} 1")) << t;
    EXPECT_TRUE(has_line(t, "kgate_client_connections_total 3")) << t;
}

TEST(GatewayMetrics, RequestsRejectionsRewritesAndBytes) {
    GatewayMetrics m;
    m.on_request(3, 12);  // Metadata v12
    m.on_request(3, 12);
    m.on_request(0, 9);   // Produce v9
    m.on_request(9999, 1);  // a key the codec does not know still counts
    m.on_rejected(RejectReason::unknown_api);
    m.on_rewrite(3);
    m.on_bytes(Direction::client_to_broker, 100);
    m.on_bytes(Direction::broker_to_client, 250);
    m.on_bytes(Direction::broker_to_client, 50);
    const auto t = text_of(m);
    EXPECT_TRUE(has_line(t, "kgate_requests_total{api=\"Metadata\",version=\"12\"} 2")) << t;
    EXPECT_TRUE(has_line(t, "kgate_requests_total{api=\"Produce\",version=\"9\"} 1")) << t;
    EXPECT_TRUE(has_line(t, "kgate_requests_total{api=\"9999\",version=\"1\"} 1")) << t;
    EXPECT_TRUE(has_line(t, "kgate_rejected_frames_total{reason=\"unknown_api\"} 1")) << t;
    EXPECT_TRUE(has_line(t, "kgate_rewrites_total{api=\"Metadata\"} 1")) << t;
    EXPECT_TRUE(has_line(t, "kgate_bytes_total{direction=\"client_to_broker\"} 100")) << t;
    EXPECT_TRUE(has_line(t, "kgate_bytes_total{direction=\"broker_to_client\"} 300")) << t;
}

TEST(GatewayMetrics, LatencyHistogramHasTheBuckets) {
    GatewayMetrics m;
    m.on_latency(1, 0.003);  // Fetch
    m.on_latency(1, 7.0);
    const auto t = text_of(m);
    EXPECT_TRUE(has_line(t, "kgate_upstream_latency_seconds_bucket{api=\"Fetch\",le=\"0.0005\"} 0")) << t;
    EXPECT_TRUE(has_line(t, "kgate_upstream_latency_seconds_bucket{api=\"Fetch\",le=\"0.005\"} 1")) << t;
    EXPECT_TRUE(has_line(t, "kgate_upstream_latency_seconds_bucket{api=\"Fetch\",le=\"5\"} 1")) << t;
    EXPECT_TRUE(has_line(t, "kgate_upstream_latency_seconds_bucket{api=\"Fetch\",le=\"+Inf\"} 2")) << t;
    EXPECT_TRUE(has_line(t, "kgate_upstream_latency_seconds_count{api=\"Fetch\"} 2")) << t;
}

TEST(GatewayMetrics, ConcurrentUpdatesAreAllCounted) {
    GatewayMetrics m;
    std::vector<std::thread> threads;
    for (int i = 0; i < 4; ++i) {
        threads.emplace_back([&m] {
            for (int n = 0; n < 10000; ++n) {
                m.on_request(18, 3);  // ApiVersions v3, first use races between threads
                m.on_bytes(Direction::client_to_broker, 1);
            }
        });
    }
    for (auto& t : threads) t.join();
    const auto t = text_of(m);
    EXPECT_TRUE(has_line(t, "kgate_requests_total{api=\"ApiVersions\",version=\"3\"} 40000")) << t;
    EXPECT_TRUE(has_line(t, "kgate_bytes_total{direction=\"client_to_broker\"} 40000")) << t;
}

}  // namespace
}  // namespace kgate::gateway
