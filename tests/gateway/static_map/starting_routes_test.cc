// The routes kgate serves before any discovery: configured static routes and saved ones, each on
// the port it must have.
#include "gateway/static_map/starting_routes.h"

#include <algorithm>

#include <gtest/gtest.h>

#include "gateway/config/mentions.h"
#include "gateway/config/loopback_gateway.h"

namespace kgate::gateway {
namespace {

GatewayConfig recipe_gateway() { return testing::loopback_gateway(18110, 18114, 18115, 18116); }

BrokerRoute saved(std::int32_t node, HostPort advertised, std::uint16_t port) {
    BrokerRoute r;
    r.node_id = node;
    r.broker_advertised = std::move(advertised);
    r.listen_port = port;
    return r;
}

const BrokerRoute& route_of(const StartingRoutes& s, std::int32_t node) {
    return *std::find_if(s.routes.begin(), s.routes.end(), [&](const BrokerRoute& r) { return r.node_id == node; });
}

TEST(StartingRoutes, OverridesWithUpstreamAndListenPortAreRoutesBeforeDiscovery) {
    auto c = recipe_gateway();
    c.overrides = {{361002061, HostPort{"127.0.0.1", 18104}, 18111},
                   {1874897021, HostPort{"127.0.0.1", 18107}, 18112},
                   {5, HostPort{"10.0.0.5", 9092}, std::nullopt},  // upstream only: waits for discovery
                   {6, std::nullopt, 18114}};                     // port only: waits for discovery
    const auto s = starting_routes(c, {});
    ASSERT_EQ(s.routes.size(), 2u);
    EXPECT_EQ(route_of(s, 361002061).listen_port, 18111);
    EXPECT_EQ(route_of(s, 1874897021).listen_port, 18112);
    EXPECT_EQ(route_of(s, 361002061).broker_advertised.port, 0);  // learnt from the first Metadata
    EXPECT_TRUE(s.problems.empty());
    EXPECT_TRUE(s.notes.empty());
}

TEST(StartingRoutes, SavedRoutesWithSwappedPortsGetThePortsTheyAdvertise) {
    // The failure that started this: each broker advertises one gateway port, the saved routes
    // serve it on the other, and KoP's transaction markers reach the wrong broker.
    const auto c = recipe_gateway();
    const auto s = starting_routes(c, {saved(361002061, {"127.0.0.1", 18111}, 18112), saved(1874897021, {"127.0.0.1", 18112}, 18111)});
    EXPECT_EQ(route_of(s, 361002061).listen_port, 18111);
    EXPECT_EQ(route_of(s, 1874897021).listen_port, 18112);
    EXPECT_TRUE(s.problems.empty());
    EXPECT_TRUE(mentions(s.notes, "broker 361002061: gateway port 18111, the gateway port it advertises (127.0.0.1:18111), instead of the saved 18112"));
}

TEST(StartingRoutes, APinnedPortWinsOverASavedOne) {
    auto c = recipe_gateway();
    c.overrides = {{2, HostPort{"127.0.0.1", 18107}, 18111}};
    // Broker 1 was given 18111 by discovery before the pin; it must give it up.
    const auto s = starting_routes(c, {saved(1, {"localhost", 18104}, 18111), saved(2, {"localhost", 18107}, 18112)});
    EXPECT_EQ(route_of(s, 2).listen_port, 18111);
    EXPECT_EQ(route_of(s, 1).listen_port, 0);  // a free one when listeners open
    EXPECT_TRUE(mentions(s.notes, "broker 1: saved port 18111 is pinned for node 2; it gets another one"));
    EXPECT_TRUE(s.problems.empty());
}

TEST(StartingRoutes, APortPinnedForABrokerNotSeenYetStaysFree) {
    auto c = recipe_gateway();
    c.overrides = {{9, std::nullopt, 18113}};
    const auto s = starting_routes(c, {saved(1, {"localhost", 18104}, 18113)});
    EXPECT_EQ(route_of(s, 1).listen_port, 0);
    EXPECT_TRUE(mentions(s.notes, "broker 1: saved port 18113 is pinned for node 9"));
}

TEST(StartingRoutes, TwoBrokersClaimingOnePortAreAProblem) {
    auto c = recipe_gateway();
    // Broker 2 advertises 18111, which the configuration pins for broker 1.
    c.overrides = {{1, HostPort{"127.0.0.1", 18104}, 18111}};
    const auto s = starting_routes(c, {saved(2, {"127.0.0.1", 18111}, 18112)});
    EXPECT_EQ(route_of(s, 1).listen_port, 18111);
    EXPECT_EQ(route_of(s, 2).listen_port, 0);
    EXPECT_TRUE(mentions(s.problems, "broker 2 must have gateway port 18111, the gateway port it advertises (127.0.0.1:18111), but broker 1 has it"))
        << (s.problems.empty() ? "" : s.problems.front());

    // The same with the pinned node sorting after the one that advertises its port.
    c.overrides = {{5, HostPort{"127.0.0.1", 18104}, 18111}};
    const auto t = starting_routes(c, {saved(2, {"127.0.0.1", 18111}, 18112)});
    EXPECT_EQ(route_of(t, 5).listen_port, 18111);
    EXPECT_EQ(route_of(t, 2).listen_port, 0);
    EXPECT_TRUE(mentions(t.problems, "broker 2 must have gateway port 18111, the gateway port it advertises (127.0.0.1:18111), but overrides pin it for node 5"))
        << (t.problems.empty() ? "" : t.problems.front());

    // Two brokers advertising the same gateway port: the lower node id keeps it.
    const auto u = starting_routes(recipe_gateway(), {saved(8, {"127.0.0.1", 18113}, 18113), saved(3, {"127.0.0.1", 18113}, 18114)});
    EXPECT_EQ(route_of(u, 3).listen_port, 18113);
    EXPECT_EQ(route_of(u, 8).listen_port, 0);
    EXPECT_TRUE(mentions(u.problems, "broker 8 must have gateway port 18113, the gateway port it advertises (127.0.0.1:18113), but broker 3 has it"));
}

TEST(StartingRoutes, ServableMeansAnUpstreamThatIsNotKgate) {
    auto c = recipe_gateway();
    const auto good = saved(1, {"localhost", 18104}, 18111);
    auto own = saved(2, {"127.0.0.1", 18112}, 18112);  // the recipe without an upstream override
    const std::vector<BrokerRoute> routes = {good, own};
    EXPECT_FALSE(why_not_servable(c, routes, good));
    const auto why = why_not_servable(c, routes, own);
    ASSERT_TRUE(why);
    EXPECT_NE(why->find("broker 2's upstream 127.0.0.1:18112 is the gateway's own broker port 18112; give node 2 an upstream override"),
              std::string::npos)
        << *why;
    own.upstream_override = HostPort{"127.0.0.1", 18107};
    EXPECT_FALSE(why_not_servable(c, routes, own));
    EXPECT_TRUE(why_not_servable(c, routes, BrokerRoute{}));  // no address at all
}

}  // namespace
}  // namespace kgate::gateway
