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

    // A table with its listeners open, as a started gateway has it.
    RoutingTable& started(FakeOpener& opener) {
        table_.emplace(config, RouteStore(dir));
        table_->restore();
        table_->start_listening(opener);
        return *table_;
    }

    fs::path dir;
    GatewayConfig config;
    std::optional<RoutingTable> table_;
};

TEST_F(RoutingTableTest, NewBrokersGetTheNextFreePortAndAListener) {
    FakeOpener opener;
    RoutingTable& table = started(opener);
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
    config.overrides.push_back({5, HostPort{"reachable", 19092}, std::nullopt});
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

// KoP behind kgate as behind one proxy per broker: each broker advertises a gateway port, and
// must be served on exactly that port (KoP's transaction markers go to the advertised address).
TEST_F(RoutingTableTest, ABrokerAdvertisingAGatewayPortGetsThatPort) {
    FakeOpener opener;
    RoutingTable& table = started(opener);
    std::string error;
    const auto r = table.ensure(361002061, {"127.0.0.1", 20003}, true, error);
    ASSERT_TRUE(r) << error;
    EXPECT_EQ(r->listen_port, 20003);
    EXPECT_EQ(r->client_advertised, (HostPort{"127.0.0.1", 20003}));  // clients are told what the broker says
    EXPECT_EQ(opener.opened, (std::vector<std::uint16_t>{20003}));
    // A broker advertising its own address takes the next free port, as before.
    EXPECT_EQ(table.ensure(2, {"10.0.0.2", 9092}, true, error)->listen_port, 20001);
}

TEST_F(RoutingTableTest, AnAdvertisedPortAnotherBrokerHasIsRefusedButTheBrokerServed) {
    FakeOpener opener;
    RoutingTable& table = started(opener);
    std::string error;
    ASSERT_EQ(table.ensure(1, {"10.0.0.1", 9092}, true, error)->listen_port, 20001);
    // Broker 2 advertises 20001, broker 1's: it gets another port (and an error is logged) so
    // that clients still reach it.
    const auto r = table.ensure(2, {"127.0.0.1", 20001}, true, error);
    ASSERT_TRUE(r) << error;
    EXPECT_EQ(r->listen_port, 20002);
    EXPECT_EQ(table.snapshot()->find_by_listen_port(20001)->node_id, 1);
}

TEST_F(RoutingTableTest, AKnownBrokerMovesToTheGatewayPortItNowAdvertises) {
    FakeOpener opener;
    RoutingTable& table = started(opener);
    std::string error;
    ASSERT_EQ(table.ensure(1, {"10.0.0.1", 9092}, true, error)->listen_port, 20001);
    const auto r = table.ensure(1, {"127.0.0.1", 20003}, true, error);
    ASSERT_TRUE(r) << error;
    EXPECT_EQ(r->listen_port, 20003);
    EXPECT_EQ(r->client_advertised.port, 20003);
    EXPECT_EQ(opener.opened, (std::vector<std::uint16_t>{20001, 20003}));
    EXPECT_EQ(opener.closed, (std::vector<std::uint16_t>{20001}));
    // A port that cannot be listened on keeps the broker where it is.
    opener.refused = {20002};
    EXPECT_EQ(table.ensure(1, {"127.0.0.1", 20002}, true, error)->listen_port, 20003);
}

TEST_F(RoutingTableTest, StaticRoutesListenAtStartAndDiscoveryConfirmsThem) {
    config.overrides = {{361002061, HostPort{"127.0.0.1", 18104}, 20002}, {1874897021, HostPort{"127.0.0.1", 18107}, 20003}};
    RoutingTable table(config, RouteStore(dir));
    table.restore();
    EXPECT_FALSE(table.why_not_ready_without_discovery());
    ASSERT_EQ(table.snapshot()->routes().size(), 2u);
    EXPECT_EQ(table.snapshot()->find(361002061)->upstream(), (HostPort{"127.0.0.1", 18104}));
    EXPECT_EQ(table.snapshot()->find(361002061)->client_advertised, (HostPort{"127.0.0.1", 20002}));
    FakeOpener opener;
    table.start_listening(opener);
    EXPECT_EQ(opener.opened, (std::vector<std::uint16_t>{20002, 20003}));
    // The first Metadata names the brokers at the ports they are pinned to: nothing moves.
    std::string error;
    const auto r = table.ensure(361002061, {"127.0.0.1", 20002}, true, error);
    ASSERT_TRUE(r) << error;
    EXPECT_EQ(r->listen_port, 20002);
    EXPECT_EQ(r->broker_advertised, (HostPort{"127.0.0.1", 20002}));
    EXPECT_TRUE(opener.closed.empty());
    // Saved without a broker address for the one not named yet, and restored so.
    RoutingTable again(config, RouteStore(dir));
    again.restore();
    EXPECT_EQ(again.snapshot()->find(1874897021)->broker_advertised.port, 0);
    EXPECT_EQ(again.snapshot()->find(361002061)->broker_advertised, (HostPort{"127.0.0.1", 20002}));
}

TEST_F(RoutingTableTest, APortPinnedForAnotherNodeIsNeverGivenAway) {
    config.overrides = {{9, std::nullopt, 20001}};
    RoutingTable table(config, RouteStore(dir));
    FakeOpener opener;
    table.restore();
    EXPECT_TRUE(table.why_not_ready_without_discovery());  // a pinned port alone is not a route
    table.start_listening(opener);
    std::string error;
    EXPECT_EQ(table.ensure(1, {"10.0.0.1", 9092}, true, error)->listen_port, 20002);
    // Not even to a broker that advertises it (an error is logged): it is node 9's.
    EXPECT_EQ(table.ensure(2, {"127.0.0.1", 20001}, true, error)->listen_port, 20003);
    EXPECT_EQ(table.ensure(9, {"10.0.0.9", 9092}, true, error)->listen_port, 20001);
}

TEST_F(RoutingTableTest, SwappedSavedPortsAreCorrectedAtStart) {
    {
        FakeOpener opener;
        RoutingTable& table = started(opener);
        std::string error;
        table.ensure(1, {"10.0.0.1", 9092}, true, error);
        table.ensure(2, {"10.0.0.2", 9092}, true, error);
        table_.reset();
    }
    // Now the brokers advertise the gateway's ports, the other way round from the saved ones.
    std::ifstream in(dir / "routes.json");
    std::string text{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
    in.close();
    for (auto [from, to] : {std::pair{"\"10.0.0.1\",\n        \"port\": 9092", "\"127.0.0.1\",\n        \"port\": 20002"},
                            std::pair{"\"10.0.0.2\",\n        \"port\": 9092", "\"127.0.0.1\",\n        \"port\": 20001"}}) {
        const auto at = text.find(from);
        ASSERT_NE(at, std::string::npos) << text;
        text.replace(at, std::string_view(from).size(), to);
    }
    std::ofstream(dir / "routes.json") << text;
    RoutingTable table(config, RouteStore(dir));
    table.restore();
    EXPECT_EQ(table.snapshot()->find(1)->listen_port, 20002);
    EXPECT_EQ(table.snapshot()->find(2)->listen_port, 20001);
    // Without upstream overrides these brokers lead back to kgate: not servable before discovery.
    ASSERT_TRUE(table.why_not_ready_without_discovery());
    EXPECT_NE(table.why_not_ready_without_discovery()->find("give node 1 an upstream override"), std::string::npos)
        << *table.why_not_ready_without_discovery();
}

}  // namespace
}  // namespace kgate::gateway
