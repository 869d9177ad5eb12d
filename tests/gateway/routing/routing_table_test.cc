#include "gateway/routing/routing_table.h"

#include <filesystem>
#include <fstream>
#include <set>

#include <gtest/gtest.h>

#include "gateway/routing/recording_opener.h"

namespace kgate::gateway {
namespace {

namespace fs = std::filesystem;

using FakeOpener = testing::RecordingOpener;

class RoutingTableTest : public ::testing::Test {
protected:
    void SetUp() override {
        dir = fs::temp_directory_path() / ("kgate-routing-" + std::to_string(::getpid()) + "-" +
                                          ::testing::UnitTest::GetInstance()->current_test_info()->name());
        fs::remove_all(dir);
        config.upstream = {{"k", 9092}};
        config.listen = {"127.0.0.1", 20000};
        config.broker_port_first = 20001;
        config.broker_port_last = 20003;
        config.state_dir = dir.string();
    }
    void TearDown() override { fs::remove_all(dir); }

    fs::path dir;
    GatewayConfig config;
};

TEST_F(RoutingTableTest, NewBrokersGetTheNextFreePortAndAListener) {
    RoutingTable table(config, RouteStore(dir));
    FakeOpener opener;
    table.restore();
    table.start_listening(opener);
    std::string error;
    // KoP-style ids: large hashes, unrelated to ports.
    const auto a = table.ensure(1834119876, {"10.0.0.1", 9092}, true, error);
    const auto b = table.ensure(-29, {"10.0.0.2", 9092}, true, error);
    ASSERT_TRUE(a && b) << error;
    EXPECT_EQ(a->listen_port, 20001);
    EXPECT_EQ(b->listen_port, 20002);
    EXPECT_EQ(a->client_advertised, (HostPort{"127.0.0.1", 20001}));
    EXPECT_EQ(opener.opened, (std::vector<std::uint16_t>{20001, 20002}));
    EXPECT_EQ(table.snapshot()->find(1834119876)->broker_advertised, (HostPort{"10.0.0.1", 9092}));
}

TEST_F(RoutingTableTest, TakenPortsAreSkippedAndTheRangeCanRunOut) {
    RoutingTable table(config, RouteStore(dir));
    FakeOpener opener;
    opener.refused = {20001};
    table.restore();
    table.start_listening(opener);
    std::string error;
    EXPECT_EQ(table.ensure(1, {"h", 1}, true, error)->listen_port, 20002);
    EXPECT_EQ(table.ensure(2, {"h", 2}, true, error)->listen_port, 20003);
    EXPECT_FALSE(table.ensure(3, {"h", 3}, true, error));
    EXPECT_NE(error.find("no free port in the broker port range 20001-20003"), std::string::npos) << error;
}

TEST_F(RoutingTableTest, PortsSurviveARestart) {
    std::string error;
    {
        RoutingTable table(config, RouteStore(dir));
        FakeOpener opener;
        table.restore();
        table.start_listening(opener);
        table.ensure(7, {"h7", 9092}, true, error);
        table.ensure(3, {"h3", 9092}, true, error);
    }
    RoutingTable again(config, RouteStore(dir));
    again.restore();
    ASSERT_NE(again.snapshot()->find(7), nullptr);
    EXPECT_EQ(again.snapshot()->find(7)->listen_port, 20001);
    EXPECT_EQ(again.snapshot()->find(3)->listen_port, 20002);
    FakeOpener opener;
    again.start_listening(opener);
    EXPECT_EQ(opener.opened.size(), 2u);
    // A third broker after the restart gets the next port, not a reused one.
    EXPECT_EQ(again.ensure(9, {"h9", 9092}, true, error)->listen_port, 20003);
}

TEST_F(RoutingTableTest, OnlyMetadataMovesAKnownBroker) {
    RoutingTable table(config, RouteStore(dir));
    FakeOpener opener;
    table.restore();
    table.start_listening(opener);
    std::string error;
    table.ensure(1, {"old", 9092}, true, error);
    EXPECT_EQ(table.ensure(1, {"controller", 9093}, false, error)->broker_advertised, (HostPort{"old", 9092}));
    EXPECT_EQ(table.ensure(1, {"new", 9092}, true, error)->broker_advertised, (HostPort{"new", 9092}));
    EXPECT_EQ(table.snapshot()->find(1)->listen_port, 20001);
}

TEST_F(RoutingTableTest, OverridesChangeWhereTheGatewayConnects) {
    config.overrides.push_back({5, {"reachable", 19092}});
    RoutingTable table(config, RouteStore(dir));
    table.restore();
    std::string error;
    const auto r = table.ensure(5, {"advertised-by-kop", 9092}, true, error);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->upstream(), (HostPort{"reachable", 19092}));
    EXPECT_EQ(r->broker_advertised, (HostPort{"advertised-by-kop", 9092}));
}

TEST_F(RoutingTableTest, CorruptStateStopsStartUp) {
    fs::create_directories(dir);
    std::ofstream(dir / "routes.json") << "{\"format\": 1, \"routes\": [{\"node_id\": 1}";
    RoutingTable table(config, RouteStore(dir));
    try {
        table.restore();
        FAIL() << "a corrupt state file was accepted";
    } catch (const RouteStoreError& e) {
        EXPECT_NE(std::string(e.what()).find("routes.json is corrupt"), std::string::npos) << e.what();
    }
}

}  // namespace
}  // namespace kgate::gateway
