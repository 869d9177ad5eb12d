#include "gateway/plaintext_listeners/plaintext_ports.h"

#include <filesystem>

#include <gtest/gtest.h>

#include "gateway/routing/recording_opener.h"
#include "gateway/session/routing_address_mapper.h"

namespace kgate::gateway {
namespace {

namespace fs = std::filesystem;

GatewayConfig tls_config() {
    GatewayConfig c;
    c.upstream = {{"k", 9092}};
    c.listen = {"0.0.0.0", 20000};
    c.advertised_host = "kafka.example.com";
    c.broker_port_first = 20001;
    c.broker_port_last = 20009;
    c.tls.certificate_file = "chain.pem";
    return c;
}

TEST(PlaintextPorts, OffWithoutPlaintextListen) { EXPECT_FALSE(PlaintextPorts::from(tls_config())); }

TEST(PlaintextPorts, EachTlsPortHasItsTwinShiftedAsTheBootstrapIs) {
    auto c = tls_config();
    c.plaintext.listen = HostPort{"10.0.0.7", 10000};
    const auto ports = PlaintextPorts::from(c);
    ASSERT_TRUE(ports);
    EXPECT_EQ(ports->shift(), -10000);
    EXPECT_EQ(ports->bootstrap(), (HostPort{"10.0.0.7", 10000}));
    EXPECT_EQ(ports->port_for(20003), 10003);
    EXPECT_EQ(ports->listen_for(20003), (HostPort{"10.0.0.7", 10003}));
    EXPECT_EQ(ports->told_for(20003), (HostPort{"10.0.0.7", 10003}));  // no plaintext-advertised-host: the listen host
    EXPECT_FALSE(ports->port_for(10000));                              // would be port 0
    c.plaintext.advertised_host = "kgate.internal";
    EXPECT_EQ(PlaintextPorts::from(c)->told_for(20003), (HostPort{"kgate.internal", 10003}));
}

TEST(PlaintextPorts, PastTheLastPortThereIsNoTwin) {
    auto c = tls_config();
    c.plaintext.listen = HostPort{"127.0.0.1", 65000};
    const auto ports = PlaintextPorts::from(c);
    EXPECT_EQ(ports->port_for(20535), 65535);
    EXPECT_FALSE(ports->port_for(20536));
}

struct PlaintextMapperTest : ::testing::Test {
    fs::path dir = fs::temp_directory_path() / ("kgate-plaintext-mapper-" + std::to_string(::getpid()));
    GatewayConfig config = tls_config();
    testing::RecordingOpener opener;
    std::optional<RoutingTable> table;

    void SetUp() override {
        fs::remove_all(dir);
        config.state_dir = dir.string();
        config.plaintext.listen = HostPort{"0.0.0.0", 30000};
        config.plaintext.advertised_host = "kgate.internal";
        table.emplace(config, RouteStore(dir));
        table->restore();
        table->start_listening(opener);
    }
    void TearDown() override { fs::remove_all(dir); }
};

// The same routes serve both listeners: a session on a plaintext listener is told the plaintext
// twins, one on a TLS listener the TLS ports, and neither makes a second route.
TEST_F(PlaintextMapperTest, PlaintextSessionsAreToldThePlaintextTwinsOfTheSameRoutes) {
    const auto ports = PlaintextPorts::from(config);
    RoutingAddressMapper plaintext(*table, nullptr, &*ports);
    RoutingAddressMapper tls(*table);
    plaintext.set_authoritative(true);
    tls.set_authoritative(true);
    EXPECT_EQ(plaintext.client_address(1, "10.0.0.1", 9092), (HostPort{"kgate.internal", 30001}));
    EXPECT_EQ(tls.client_address(1, "10.0.0.1", 9092), (HostPort{"kafka.example.com", 20001}));
    EXPECT_EQ(tls.client_address(2, "10.0.0.2", 9092), (HostPort{"kafka.example.com", 20002}));
    EXPECT_EQ(plaintext.client_address(2, "10.0.0.2", 9092), (HostPort{"kgate.internal", 30002}));
    EXPECT_EQ(table->snapshot()->routes().size(), 2u);
    plaintext.set_authoritative(false);  // from the session's cached snapshot
    EXPECT_EQ(plaintext.client_address(1, "10.0.0.1", 9092), (HostPort{"kgate.internal", 30001}));
}

TEST_F(PlaintextMapperTest, ARouteWhosePortHasNoTwinIsNotTold) {
    GatewayConfig far = config;
    far.plaintext.listen = HostPort{"0.0.0.0", 65530};  // shift 45530: broker port 20006 would be 65536
    const auto ports = PlaintextPorts::from(far);
    RoutingAddressMapper plaintext(*table, nullptr, &*ports);
    plaintext.set_authoritative(true);
    for (int node = 1; node <= 5; ++node) ASSERT_TRUE(plaintext.client_address(node, "10.0.0." + std::to_string(node), 9092));
    EXPECT_FALSE(plaintext.client_address(6, "10.0.0.6", 9092));  // the answer must not reach the client
}

}  // namespace
}  // namespace kgate::gateway
