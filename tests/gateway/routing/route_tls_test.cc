// A route's upstream TLS: the cluster default, the configuration file's per-node override and
// PutRoute's, which wins, persists across restarts and goes back with reset_tls.
#include <filesystem>
#include <memory>

#include <gtest/gtest.h>

#include "gateway/routing/recording_opener.h"
#include "gateway/routing/routing_table.h"
#include "gateway/tls/test_certs.h"

namespace kgate::gateway {
namespace {

namespace fs = std::filesystem;
using test::test_cert;

UpstreamTls tls_with(const std::string& ca, const std::string& name = "") {
    UpstreamTls t;
    t.enabled = true;
    t.ca_file = test_cert(ca);
    t.server_name = name;
    return t;
}

class RouteTlsTest : public ::testing::Test {
protected:
    void SetUp() override {
        dir = fs::temp_directory_path() / ("kgate-route-tls-" + std::to_string(::getpid()) + "-" +
                                          ::testing::UnitTest::GetInstance()->current_test_info()->name());
        fs::remove_all(dir);
        config.upstream = {{"k", 9092}};
        config.listen = {"127.0.0.1", 20000};
        config.broker_port_first = 20001;
        config.broker_port_last = 20010;
        config.state_dir = dir.string();
        config.upstream_tls = tls_with("ca.pem");
        config.route_tls[2] = tls_with("ca.pem", "kafka.test");
        start();
    }
    void TearDown() override { fs::remove_all(dir); }

    void start() {
        table = std::make_unique<RoutingTable>(config, RouteStore(dir));
        table->restore();
        table->start_listening(opener);
        std::string error;
        for (int node : {1, 2}) ASSERT_TRUE(table->ensure(node, {"broker-" + std::to_string(node) + ".internal", 9092}, true, error)) << error;
    }
    const BrokerRoute& route(int node) { return *table->snapshot()->find(node); }

    fs::path dir;
    GatewayConfig config;
    testing::RecordingOpener opener;
    std::unique_ptr<RoutingTable> table;
};

TEST_F(RouteTlsTest, TheClusterDefaultUnlessTheConfigurationSaysOtherwise) {
    EXPECT_EQ(route(1).tls, config.upstream_tls);
    EXPECT_EQ(route(1).tls_source, BrokerRoute::TlsSource::cluster_default);
    EXPECT_EQ(route(2).tls.server_name, "kafka.test");
    EXPECT_EQ(route(2).tls_source, BrokerRoute::TlsSource::configuration);
}

TEST_F(RouteTlsTest, PutRouteWinsPersistsAndResetsToTheConfiguration) {
    RouteChange change;
    change.tls = tls_with("other-ca.pem", "broker-2.kafka.test");
    const auto result = table->update(2, change);
    ASSERT_TRUE(result) << result.error().message;
    EXPECT_EQ(route(2).tls.ca_file, test_cert("other-ca.pem"));
    EXPECT_EQ(route(2).tls_source, BrokerRoute::TlsSource::admin);

    start();  // a restart reads routes.json
    EXPECT_EQ(route(2).tls.server_name, "broker-2.kafka.test");
    EXPECT_EQ(route(2).tls_source, BrokerRoute::TlsSource::admin);

    RouteChange reset;
    reset.reset_tls = true;
    ASSERT_TRUE(table->update(2, reset));
    EXPECT_EQ(route(2).tls, config.route_tls[2]);
    EXPECT_EQ(route(2).tls_source, BrokerRoute::TlsSource::configuration);
}

TEST_F(RouteTlsTest, PutRouteCanTurnTlsOffForOneBroker) {
    RouteChange change;
    change.tls = UpstreamTls{};
    ASSERT_TRUE(table->update(1, change));
    EXPECT_FALSE(route(1).tls.enabled);
    EXPECT_TRUE(route(2).tls.enabled);
}

TEST_F(RouteTlsTest, BadSettingsChangeNothingAndNameEveryProblem) {
    RouteChange change;
    change.tls = tls_with("no-such-ca.pem", "not a name");
    change.tls->certificate_file = test_cert("client.pem");  // no key
    const auto result = table->update(1, change);
    ASSERT_FALSE(result);
    EXPECT_EQ(result.error().code, ControlErrc::invalid_argument);
    EXPECT_NE(result.error().message.find("no-such-ca.pem"), std::string::npos) << result.error().message;
    EXPECT_NE(result.error().message.find("server-name"), std::string::npos) << result.error().message;
    EXPECT_NE(result.error().message.find("certificate and key"), std::string::npos) << result.error().message;
    EXPECT_EQ(route(1).tls, config.upstream_tls);

    RouteChange both;
    both.tls = tls_with("ca.pem");
    both.reset_tls = true;
    EXPECT_FALSE(table->update(1, both));
}

}  // namespace
}  // namespace kgate::gateway
