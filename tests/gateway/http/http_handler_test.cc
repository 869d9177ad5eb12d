#include "gateway/http/http_handler.h"

#include <map>
#include <regex>
#include <sstream>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "gateway/metrics/gateway_metrics.h"

namespace kgate::gateway {
namespace {

HttpResponse get(const std::string& target, const HttpContext& c) { return handle_http(HttpRequest{"GET", target}, c); }

HttpContext ready_context() {
    HttpContext c;
    c.listening = true;
    c.cluster_known = true;
    return c;
}

TEST(HttpHandler, HealthzIsOkWhileServing) {
    const auto r = get("/healthz", HttpContext{});
    EXPECT_EQ(r.status, 200);
    EXPECT_EQ(r.body, "ok\n");
}

TEST(HttpHandler, ReadyzWaitsForMetadataAndListeners) {
    HttpContext c;
    auto r = get("/readyz", c);
    EXPECT_EQ(r.status, 503);
    EXPECT_NE(r.body.find("metadata"), std::string::npos);
    EXPECT_EQ(r.body.find('\n'), r.body.size() - 1) << "one line";

    c.cluster_known = true;
    r = get("/readyz", c);
    EXPECT_EQ(r.status, 503);
    EXPECT_NE(r.body.find("listeners"), std::string::npos);

    c.listening = true;
    EXPECT_EQ(get("/readyz", c).status, 200);
    EXPECT_EQ(get("/readyz?verbose=1", c).status, 200);

    c.draining = true;
    EXPECT_EQ(get("/readyz", c).status, 503);
}

TEST(HttpHandler, ConfiguredRoutesMakeItReadyBeforeDiscovery) {
    HttpContext c;
    c.not_ready_without_discovery = "broker 2's upstream 127.0.0.1:18112 is the gateway's own broker port 18112";
    c.listening = true;
    auto r = get("/readyz", c);
    EXPECT_EQ(r.status, 503);
    EXPECT_NE(r.body.find("metadata not fetched yet (broker 2's upstream"), std::string::npos) << r.body;

    c.not_ready_without_discovery.reset();
    r = get("/readyz", c);
    EXPECT_EQ(r.status, 200);
    EXPECT_NE(r.body.find("discovery has not confirmed them yet"), std::string::npos) << r.body;
    c.listening = false;
    EXPECT_EQ(get("/readyz", c).status, 503);
    c.listening = true;
    c.cluster_known = true;
    EXPECT_EQ(get("/readyz", c).body, "ready\n");
}

TEST(HttpHandler, RoutesListEveryBroker) {
    BrokerRoute a{1, {"b1.internal", 9092}, std::nullopt, 19001, {"gw.example.com", 19001}, {}, false};
    BrokerRoute b{2, {"b2.internal", 9092}, HostPort{"10.0.0.2", 9093}, 19002, {"gw.example.com", 19002}, {}, false};
    auto c = ready_context();
    c.routes = std::make_shared<const RoutingSnapshot>(std::vector<BrokerRoute>{b, a});
    const auto r = get("/routes", c);
    ASSERT_EQ(r.status, 200);
    EXPECT_EQ(r.content_type, "application/json");
    const auto j = nlohmann::json::parse(r.body);
    ASSERT_TRUE(j.is_array());
    ASSERT_EQ(j.size(), 2u);
    EXPECT_EQ(j[0]["node_id"], 1);
    EXPECT_EQ(j[0]["broker_advertised"]["host"], "b1.internal");
    EXPECT_EQ(j[0]["broker_advertised"]["port"], 9092);
    EXPECT_TRUE(j[0]["upstream_override"].is_null());
    EXPECT_EQ(j[0]["listen_port"], 19001);
    EXPECT_EQ(j[0]["client_advertised"]["host"], "gw.example.com");
    EXPECT_EQ(j[1]["upstream_override"]["host"], "10.0.0.2");
    EXPECT_EQ(j[1]["upstream_override"]["port"], 9093);
}

TEST(HttpHandler, RoutesSayWhichBrokersTheLatestDiscoveryFound) {
    // KoP's hashed node ids; the second broker was stopped and left the cluster's Metadata,
    // the third is being drained by the operator.
    BrokerRoute kept{1880146045, {"localhost", 18104}, std::nullopt, 18111, {"127.0.0.1", 18111}, {}, false};
    BrokerRoute gone{-1562490967, {"localhost", 18107}, std::nullopt, 18112, {"127.0.0.1", 18112}, {}, false};
    BrokerRoute drained{7, {"localhost", 18109}, std::nullopt, 18113, {"127.0.0.1", 18113}, {}, true};
    auto c = ready_context();
    c.routes = std::make_shared<const RoutingSnapshot>(std::vector<BrokerRoute>{kept, gone, drained});
    ClusterView view;
    view.known = true;
    view.broker_versions[kept.node_id] = {};
    view.broker_versions[drained.node_id] = {};
    c.cluster = std::make_shared<const ClusterView>(view);
    std::map<std::int64_t, std::string> state;
    for (const auto& r : nlohmann::json::parse(get("/routes", c).body)) state[r["node_id"]] = r["state"];
    EXPECT_EQ(state, (std::map<std::int64_t, std::string>{{-1562490967, "absent"}, {7, "draining"}, {1880146045, "serving"}}));

    c.cluster.reset();  // nothing discovered yet: no broker is serving
    for (const auto& r : nlohmann::json::parse(get("/routes", c).body)) EXPECT_NE(r["state"], "serving") << r;
}

TEST(HttpHandler, RoutesWithoutSnapshotIsAnEmptyArray) {
    const auto r = get("/routes", HttpContext{});
    EXPECT_EQ(r.status, 200);
    EXPECT_EQ(nlohmann::json::parse(r.body), nlohmann::json::array());
}

TEST(HttpHandler, MetricsIsPrometheusText) {
    GatewayMetrics metrics;
    metrics.connection_opened("bootstrap");
    metrics.on_request(3, 12);
    metrics.on_latency(3, 0.002);
    auto c = ready_context();
    c.metrics = &metrics.registry();
    const auto r = get("/metrics", c);
    ASSERT_EQ(r.status, 200);
    EXPECT_NE(r.content_type.find("version=0.0.4"), std::string::npos);
    // Every sample line is `name{labels} value` or `name value`.
    const std::regex sample(R"(^[a-zA-Z_:][a-zA-Z0-9_:]*(\{([a-zA-Z_][a-zA-Z0-9_]*="[^"]*",?)*\})? ([-+0-9.eE]+|[-+]?Inf|NaN)$)");
    std::istringstream lines(r.body);
    std::string line;
    int samples = 0;
    while (std::getline(lines, line)) {
        if (line.empty() || line.starts_with('#')) continue;
        EXPECT_TRUE(std::regex_match(line, sample)) << line;
        ++samples;
    }
    EXPECT_GT(samples, 10);
    EXPECT_NE(r.body.find("kgate_client_connections_total 1"), std::string::npos) << r.body;
}

TEST(HttpHandler, UnknownPathIs404AndOtherMethodsAre405) {
    const auto c = ready_context();
    EXPECT_EQ(get("/", c).status, 404);
    EXPECT_EQ(get("/nope", c).status, 404);
    EXPECT_EQ(handle_http(HttpRequest{"POST", "/healthz"}, c).status, 405);
    EXPECT_EQ(handle_http(HttpRequest{"DELETE", "/routes"}, c).status, 405);
}

}  // namespace
}  // namespace kgate::gateway
