// The address mapper of a session that came in on the SNI listener (the mapper lives in
// gateway/session/; what it tells on the SNI listener comes from gateway/sni/).
#include <filesystem>

#include <gtest/gtest.h>

#include "gateway/rewrite/response_rewriter.h"
#include "gateway/routing/recording_opener.h"
#include "gateway/session/routing_address_mapper.h"

namespace kgate::gateway {
namespace {

namespace fs = std::filesystem;

struct SniMapperTest : ::testing::Test {
    fs::path dir = fs::temp_directory_path() / ("kgate-sni-mapper-" + std::to_string(::getpid()));
    GatewayConfig config;
    testing::RecordingOpener opener;
    std::optional<RoutingTable> table;

    void SetUp() override {
        fs::remove_all(dir);
        config.upstream = {{"k", 9092}};
        config.listen = {"127.0.0.1", 20000};
        config.broker_port_first = 20001;
        config.broker_port_last = 20009;
        config.state_dir = dir.string();
        table.emplace(config, RouteStore(dir));
        table->restore();
        table->start_listening(opener);
    }
    void TearDown() override { fs::remove_all(dir); }

    std::shared_ptr<const SniRouter> router(std::uint16_t advertised_port) {
        SniSettings s;
        s.listen = HostPort{"0.0.0.0", 9443};
        s.advertised_port = advertised_port;
        s.bootstrap_name = "kafka.example.com";
        s.broker_pattern = "broker-{node}.kafka.example.com";
        return SniRouter::from(s);
    }
};

TEST_F(SniMapperTest, EveryBrokerIsToldByItsNameAndTheOnePortAndStillGetsARoute) {
    const auto sni = router(443);
    RoutingAddressMapper mapper(*table, sni.get());
    mapper.set_authoritative(true);  // as for Metadata
    EXPECT_EQ(mapper.client_address(1, "10.0.0.1", 9092), (HostPort{"broker-1.kafka.example.com", 443}));
    EXPECT_EQ(mapper.client_address(2147483647, "10.0.0.2", 9092), (HostPort{"broker-2147483647.kafka.example.com", 443}));
    // The routes exist, so that a client told those names is served when it connects by them.
    const auto snapshot = table->snapshot();
    ASSERT_NE(snapshot->find(1), nullptr);
    ASSERT_NE(snapshot->find(2147483647), nullptr);
    EXPECT_EQ(snapshot->find(2147483647)->upstream(), (HostPort{"10.0.0.2", 9092}));
    EXPECT_TRUE(mapper.is_known(1));
    // Asked again (from the session's cached snapshot), the same answer.
    mapper.set_authoritative(false);
    EXPECT_EQ(mapper.client_address(1, "10.0.0.1", 9092), (HostPort{"broker-1.kafka.example.com", 443}));
}

TEST_F(SniMapperTest, OtherListenersKeepTellingPortPerBrokerAddresses) {
    const auto sni = router(0);
    RoutingAddressMapper sni_mapper(*table, sni.get());
    RoutingAddressMapper plain(*table);
    sni_mapper.set_authoritative(true);
    plain.set_authoritative(true);
    EXPECT_EQ(sni_mapper.client_address(5, "10.0.0.5", 9092), (HostPort{"broker-5.kafka.example.com", 9443}));
    EXPECT_EQ(plain.client_address(5, "10.0.0.5", 9092), (HostPort{"127.0.0.1", 20001}));
}

TEST_F(SniMapperTest, ANodeWithoutANameIsNotTold) {
    const auto sni = router(443);
    RoutingAddressMapper mapper(*table, sni.get());
    mapper.set_authoritative(true);
    EXPECT_FALSE(mapper.client_address(-3, "10.0.0.3", 9092));  // the answer must not reach the client
    EXPECT_FALSE(mapper.client_address(4, "10.0.0.4", 0));       // no route either way
}

// The rewriter every answer that names brokers goes through, with the SNI mapper behind it.
TEST_F(SniMapperTest, DescribeClusterAndFindCoordinatorNameTheBrokersByTheirSniNames) {
    namespace msg = protocol::messages;
    const auto sni = router(443);
    RoutingAddressMapper mapper(*table, sni.get());
    mapper.set_authoritative(true);  // the brokers are known from Metadata first, as in a session
    ASSERT_TRUE(mapper.client_address(1, "10.0.0.1", 9092));
    ASSERT_TRUE(mapper.client_address(2147483647, "10.0.0.2", 9092));
    mapper.set_authoritative(false);

    msg::DescribeClusterResponse cluster;
    for (const auto& [node, host] : {std::pair{1, "10.0.0.1"}, std::pair{2147483647, "10.0.0.2"}}) {
        msg::DescribeClusterResponse::DescribeClusterBroker b;
        b.broker_id = node;
        b.host = host;
        b.port = 9092;
        cluster.brokers.push_back(b);
    }
    msg::AnyResponse described = cluster;
    ASSERT_TRUE(rewrite_response(described, msg::DescribeClusterResponse::api_key, 0, mapper).ok());
    const auto& brokers = std::get<msg::DescribeClusterResponse>(described).brokers;
    EXPECT_EQ(brokers[0].host, "broker-1.kafka.example.com");
    EXPECT_EQ(brokers[1].host, "broker-2147483647.kafka.example.com");
    EXPECT_EQ(brokers[1].port, 443);

    msg::FindCoordinatorResponse coordinator;  // v3: one coordinator, top level
    coordinator.node_id = 2147483647;
    coordinator.host = "10.0.0.2";
    coordinator.port = 9092;
    msg::AnyResponse found = coordinator;
    ASSERT_TRUE(rewrite_response(found, msg::FindCoordinatorResponse::api_key, 3, mapper).ok());
    EXPECT_EQ(std::get<msg::FindCoordinatorResponse>(found).host, "broker-2147483647.kafka.example.com");
    EXPECT_EQ(std::get<msg::FindCoordinatorResponse>(found).port, 443);
}

}  // namespace
}  // namespace kgate::gateway
