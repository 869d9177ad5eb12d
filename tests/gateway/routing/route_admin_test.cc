// Operator changes to routes (what the admin API's PutRoute, DeleteRoute and DrainBroker do
// underneath): partial updates, validation, persistence across restarts, listener moves.
#include <filesystem>
#include <fstream>
#include <set>

#include <gtest/gtest.h>

#include "gateway/routing/host_name.h"
#include "gateway/routing/recording_opener.h"
#include "gateway/routing/routing_table.h"

namespace kgate::gateway {
namespace {

namespace fs = std::filesystem;

// A RouteChange with the fields `set` sets, and only those.
template <class Set>
RouteChange change(Set set) {
    RouteChange c;
    set(c);
    return c;
}

using testing::RecordingOpener;

class RouteAdminTest : public ::testing::Test {
protected:
    void SetUp() override {
        dir = fs::temp_directory_path() / ("kgate-route-admin-" + std::to_string(::getpid()) + "-" +
                                          ::testing::UnitTest::GetInstance()->current_test_info()->name());
        fs::remove_all(dir);
        config.upstream = {{"k", 9092}};
        config.listen = {"127.0.0.1", 20000};
        config.advertised_host = "gw.example.com";
        config.broker_port_first = 20001;
        config.broker_port_last = 20010;
        config.state_dir = dir.string();
        table = std::make_unique<RoutingTable>(config, RouteStore(dir));
        table->restore();
        table->start_listening(opener);
        std::string error;
        ASSERT_TRUE(table->ensure(1, {"broker-1.internal", 9092}, true, error)) << error;
        ASSERT_TRUE(table->ensure(2, {"broker-2.internal", 9092}, true, error)) << error;
    }
    void TearDown() override { fs::remove_all(dir); }

    std::string routes_file() const {
        std::ifstream in(dir / "routes.json");
        return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
    }

    fs::path dir;
    GatewayConfig config;
    RecordingOpener opener;
    std::unique_ptr<RoutingTable> table;
};

TEST_F(RouteAdminTest, APartialChangeTouchesOnlyItsFields) {
    RouteChange change;
    change.advertised_host = "kafka.example.com";
    const auto r = table->update(1, change);
    ASSERT_TRUE(r) << r.error().message;
    EXPECT_EQ(r->client_advertised, (HostPort{"kafka.example.com", 20001}));
    EXPECT_EQ(r->upstream(), (HostPort{"broker-1.internal", 9092}));
    EXPECT_EQ(r->listen_port, 20001);
    // Published at once, and the other broker is untouched.
    EXPECT_EQ(table->snapshot()->find(1)->client_advertised.host, "kafka.example.com");
    EXPECT_EQ(table->snapshot()->find(2)->client_advertised, (HostPort{"gw.example.com", 20002}));
}

TEST_F(RouteAdminTest, UpstreamOverridesAndTheirRemoval) {
    RouteChange port_only;
    port_only.upstream_port = 19092;
    auto r = table->update(1, port_only);
    ASSERT_TRUE(r) << r.error().message;
    EXPECT_EQ(r->upstream(), (HostPort{"broker-1.internal", 19092})) << "a port alone keeps the host";
    RouteChange host;
    host.upstream_host = "10.0.0.7";
    r = table->update(1, host);
    EXPECT_EQ(r->upstream(), (HostPort{"10.0.0.7", 19092}));
    RouteChange clear;
    clear.upstream_host = "";
    r = table->update(1, clear);
    EXPECT_EQ(r->upstream(), (HostPort{"broker-1.internal", 9092}));
    EXPECT_TRUE(r->admin.empty());
}

TEST_F(RouteAdminTest, AdminOverridesSurviveARestartExactly) {
    RouteChange change;
    change.upstream_host = "10.0.0.7";
    change.upstream_port = 29092;
    change.advertised_host = "kafka.example.com";
    change.advertised_port = 443;
    ASSERT_TRUE(table->update(2, change));
    const BrokerRoute before = *table->snapshot()->find(2);
    table.reset();
    RoutingTable again(config, RouteStore(dir));
    again.restore();
    ASSERT_NE(again.snapshot()->find(2), nullptr);
    EXPECT_EQ(*again.snapshot()->find(2), before);
    EXPECT_EQ(again.snapshot()->find(2)->client_advertised, (HostPort{"kafka.example.com", 443}));
    EXPECT_TRUE(again.snapshot()->find(1)->admin.empty());
}

TEST_F(RouteAdminTest, DeleteRevertsToTheConfiguredOverride) {
    table.reset();
    config.overrides.push_back({1, HostPort{"configured", 9999}, std::nullopt});
    table = std::make_unique<RoutingTable>(config, RouteStore(dir));
    table->restore();
    EXPECT_EQ(table->snapshot()->find(1)->upstream(), (HostPort{"configured", 9999}));
    RouteChange change;
    change.upstream_host = "operator";
    ASSERT_TRUE(table->update(1, change));
    EXPECT_EQ(table->snapshot()->find(1)->upstream(), (HostPort{"operator", 9999}));
    const auto r = table->reset(1);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->upstream(), (HostPort{"configured", 9999}));
    EXPECT_EQ(r->client_advertised, (HostPort{"gw.example.com", 20001}));
    EXPECT_EQ(routes_file().find("\"admin\""), std::string::npos) << routes_file();
}

TEST_F(RouteAdminTest, BadValuesAreRefusedNamingTheFieldAndChangeNothing) {
    const std::string saved = routes_file();
    const BrokerRoute before = *table->snapshot()->find(1);
    struct Case {
        RouteChange change;
        ControlErrc code;
        std::string field;
    };
    std::vector<Case> cases;
    cases.push_back({change([](RouteChange& c) { c.upstream_host = "bad host!"; }), ControlErrc::invalid_argument, "upstream_host"});
    cases.push_back({change([](RouteChange& c) { c.upstream_port = 70000; }), ControlErrc::invalid_argument, "upstream_port"});
    cases.push_back({change([](RouteChange& c) { c.upstream_port = 0; }), ControlErrc::invalid_argument, "upstream_port"});
    cases.push_back({change([](RouteChange& c) { c.upstream_host = ""; c.upstream_port = 9092; }), ControlErrc::invalid_argument, "upstream_port"});
    cases.push_back({change([](RouteChange& c) { c.advertised_host = "-leading.dash"; }), ControlErrc::invalid_argument, "advertised_host"});
    cases.push_back({change([](RouteChange& c) { c.advertised_port = -1; }), ControlErrc::invalid_argument, "advertised_port"});
    cases.push_back({change([](RouteChange& c) { c.listen_port = 65536; }), ControlErrc::invalid_argument, "listen_port"});
    // A good field beside a bad one: the whole change is refused.
    cases.push_back({change([](RouteChange& c) { c.advertised_host = "fine.example.com"; c.listen_port = 0; }), ControlErrc::invalid_argument, "listen_port"});
    cases.push_back({change([](RouteChange& c) { c.listen_port = 20002; }), ControlErrc::failed_precondition, "listen_port: 20002 is broker 2's listener"});
    cases.push_back({change([](RouteChange& c) { c.listen_port = 20000; }), ControlErrc::failed_precondition, "bootstrap"});
    opener.refused = {20500};
    cases.push_back({change([](RouteChange& c) { c.listen_port = 20500; }), ControlErrc::failed_precondition, "Address already in use"});
    for (const auto& c : cases) {
        const auto r = table->update(1, c.change);
        ASSERT_FALSE(r) << c.field;
        EXPECT_EQ(r.error().code, c.code) << r.error().message;
        EXPECT_NE(r.error().message.find(c.field), std::string::npos) << r.error().message;
    }
    EXPECT_EQ(*table->snapshot()->find(1), before);
    EXPECT_EQ(routes_file(), saved);
    const auto unknown = table->update(42, change([](RouteChange& c) { c.advertised_host = "x"; }));
    ASSERT_FALSE(unknown);
    EXPECT_EQ(unknown.error().code, ControlErrc::not_found);
    EXPECT_NE(unknown.error().message.find("known: 1, 2"), std::string::npos) << unknown.error().message;
    EXPECT_EQ(table->reset(42).error().code, ControlErrc::not_found);
    EXPECT_EQ(table->set_draining(42, true).error().code, ControlErrc::not_found);
}

TEST_F(RouteAdminTest, MovingAListenerOpensTheNewPortThenClosesTheOld) {
    const auto r = table->update(1, change([](RouteChange& c) { c.listen_port = 20500; }));
    ASSERT_TRUE(r) << r.error().message;
    EXPECT_EQ(r->listen_port, 20500);
    EXPECT_EQ(r->client_advertised, (HostPort{"gw.example.com", 20500}));
    EXPECT_EQ(opener.opened.back(), 20500);
    EXPECT_EQ(opener.closed, (std::vector<std::uint16_t>{20001}));
    EXPECT_EQ(table->snapshot()->find_by_listen_port(20500)->node_id, 1);
    // The freed port goes to the next new broker.
    std::string error;
    EXPECT_EQ(table->ensure(3, {"broker-3.internal", 9092}, true, error)->listen_port, 20001);
}

TEST_F(RouteAdminTest, AListenerTheBrokerAdvertisesCannotBeMoved) {
    std::string error;
    ASSERT_EQ(table->ensure(3, {"gw.example.com", 20005}, true, error)->listen_port, 20005);
    const auto r = table->update(3, change([](RouteChange& c) { c.listen_port = 20006; }));
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, ControlErrc::failed_precondition);
    EXPECT_NE(r.error().message.find("listen_port: broker 3's gateway port must stay 20005: the gateway port it advertises"), std::string::npos)
        << r.error().message;
    EXPECT_EQ(table->snapshot()->find(3)->listen_port, 20005);
    // Where it is, with the upstream the recipe needs (the advertised address is kgate's): fine.
    const auto kept = table->update(3, change([](RouteChange& c) {
        c.listen_port = 20005;
        c.upstream_host = "broker-3.internal";
        c.upstream_port = 9092;
    }));
    ASSERT_TRUE(kept) << kept.error().message;
    EXPECT_EQ(kept->upstream(), (HostPort{"broker-3.internal", 9092}));
}

TEST_F(RouteAdminTest, DrainingIsPublishedButNotSaved) {
    const std::string saved = routes_file();
    ASSERT_TRUE(table->set_draining(2, true));
    EXPECT_TRUE(table->snapshot()->find(2)->draining);
    EXPECT_EQ(routes_file(), saved);
    ASSERT_TRUE(table->set_draining(2, false));
    EXPECT_FALSE(table->snapshot()->find(2)->draining);
}

TEST_F(RouteAdminTest, ACorruptAdminSectionStopsStartUp) {
    table.reset();
    std::string text = routes_file();
    const auto at = text.find("\"listen_port\"");
    ASSERT_NE(at, std::string::npos);
    text.insert(at, "\"admin\": {\"advertised_port\": 0}, ");
    std::ofstream(dir / "routes.json") << text;
    RoutingTable again(config, RouteStore(dir));
    EXPECT_THROW(again.restore(), RouteStoreError);
}

TEST_F(RouteAdminTest, ARouteToTheGatewaysOwnListenerIsRefused) {
    // Seen: PutRoute accepted the gateway's own broker port, and one client connection then
    // recursed until the open-files limit.
    const auto before = routes_file();
    const auto r = table->update(1, change([](RouteChange& c) {
        c.upstream_host = "127.0.0.1";
        c.upstream_port = 20002;
    }));
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, ControlErrc::invalid_argument);
    EXPECT_NE(r.error().message.find("127.0.0.1:20002 is the gateway's own broker port 20002"), std::string::npos) << r.error().message;
    EXPECT_EQ(routes_file(), before);
    const auto bootstrap = table->update(2, change([](RouteChange& c) {
        c.upstream_host = "gw.example.com";
        c.upstream_port = 20000;
    }));
    ASSERT_FALSE(bootstrap);
    EXPECT_NE(bootstrap.error().message.find("bootstrap listener"), std::string::npos) << bootstrap.error().message;
    // Another host on the same port is a broker, not the gateway.
    EXPECT_TRUE(table->update(1, change([](RouteChange& c) {
        c.upstream_host = "broker-9.internal";
        c.upstream_port = 20002;
    })));
}

TEST(HostName, AcceptsNamesAndAddressesAndRefusesTypos) {
    for (const char* good : {"kafka.example.com", "broker-1", "10.0.0.7", "::1", "fe80::1", "a_b.internal"}) {
        EXPECT_EQ(host_problem(good), std::nullopt) << good;
    }
    for (const char* bad : {"", "has space", "a..b", "-a.com", "a-.com", "x:y", "a/b", "ä.com"}) {
        EXPECT_NE(host_problem(bad), std::nullopt) << bad;
    }
    EXPECT_NE(host_problem(std::string(254, 'a')), std::nullopt);
    EXPECT_NE(host_problem(std::string(64, 'a') + ".com"), std::nullopt);
}

}  // namespace
}  // namespace kgate::gateway
