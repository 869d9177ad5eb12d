// The gateway never routes to itself: an upstream that is one of its own listeners is named as
// such (and refused in the configuration and by PutRoute, tested beside them).
#include "gateway/routing/own_address.h"

#include <vector>

#include <gtest/gtest.h>

#include "gateway/config/loopback_gateway.h"

namespace kgate::gateway {
namespace {

GatewayConfig loopback_gateway() { return testing::loopback_gateway(34000, 34010, 34100, 34101); }

TEST(OwnListener, NamesEachOfTheGatewaysListeners) {
    const GatewayConfig c = loopback_gateway();
    EXPECT_NE(own_listener(c, {}, {"127.0.0.1", 34000})->find("bootstrap"), std::string::npos);
    EXPECT_NE(own_listener(c, {}, {"localhost", 34002})->find("broker port 34002"), std::string::npos);
    EXPECT_NE(own_listener(c, {}, {"127.0.0.1", 34100})->find("HTTP"), std::string::npos);
    EXPECT_NE(own_listener(c, {}, {"127.0.0.1", 34101})->find("admin"), std::string::npos);
    // A route's listener moved out of the range is the gateway's too.
    BrokerRoute moved;
    moved.node_id = 7;
    moved.listen_port = 35000;
    const std::vector<BrokerRoute> routes = {moved};
    EXPECT_TRUE(own_listener(c, routes, {"127.0.0.1", 35000}));
}

TEST(OwnListener, TheClusterListenerIsTheGatewaysToo) {
    GatewayConfig c = loopback_gateway();
    c.cluster_listen = HostPort{"127.0.0.1", 34200};
    EXPECT_EQ(own_listener(c, {}, {"localhost", 34200}), "the gateway's cluster listener 127.0.0.1:34200");
    EXPECT_FALSE(own_listener(c, {}, {"10.9.9.9", 34200}));
}

TEST(OwnListener, OtherHostsAndPortsAreNot) {
    const GatewayConfig c = loopback_gateway();
    EXPECT_FALSE(own_listener(c, {}, {"127.0.0.1", 9092}));
    EXPECT_FALSE(own_listener(c, {}, {"kop-1.internal", 34001}));  // a broker on another host, same port
    EXPECT_FALSE(own_listener(c, {}, {"10.0.0.5", 34000}));
}

TEST(OwnListener, AWildcardListenerIsReachedByLoopbackAndTheAdvertisedName) {
    GatewayConfig c = loopback_gateway();
    c.listen = {"0.0.0.0", 34000};
    c.advertised_host = "kafka.example.com";
    EXPECT_TRUE(own_listener(c, {}, {"127.0.0.1", 34003}));
    EXPECT_TRUE(own_listener(c, {}, {"kafka.example.com", 34003}));
    EXPECT_FALSE(own_listener(c, {}, {"broker.example.com", 34003}));
    // A listener bound to one address is not reached through loopback.
    c.listen = {"10.0.0.5", 34000};
    EXPECT_FALSE(own_listener(c, {}, {"127.0.0.1", 34003}));
    EXPECT_TRUE(own_listener(c, {}, {"10.0.0.5", 34003}));
}

TEST(OwnBrokerPort, OnlyTheGatewaysBrokerPortsOnItsOwnHost) {
    GatewayConfig c = loopback_gateway();
    EXPECT_EQ(own_broker_port(c, {"127.0.0.1", 34002}), 34002);
    EXPECT_EQ(own_broker_port(c, {"localhost", 34010}), 34010);
    EXPECT_FALSE(own_broker_port(c, {"127.0.0.1", 34000}));  // bootstrap
    EXPECT_FALSE(own_broker_port(c, {"127.0.0.1", 34100}));  // HTTP, outside the range
    EXPECT_FALSE(own_broker_port(c, {"kop-1.internal", 34002}));
    c.listen = {"0.0.0.0", 34000};
    c.advertised_host = "kafka.example.com";
    EXPECT_EQ(own_broker_port(c, {"kafka.example.com", 34003}), 34003);
}

TEST(OwnListener, ConfigurationRefusesARouteToTheGatewayItself) {
    GatewayConfig c = loopback_gateway();
    c.overrides.push_back({1874897021, HostPort{"127.0.0.1", 34001}, std::nullopt});
    c.upstream.push_back({"127.0.0.1", 34000});
    const auto problems = validate(c);
    auto names = [&](std::string_view text) {
        for (const auto& p : problems) {
            if (p.find(text) != std::string::npos) return true;
        }
        return false;
    };
    EXPECT_TRUE(names("overrides: node 1874897021's upstream 127.0.0.1:34001 is the gateway's own broker port 34001"));
    EXPECT_TRUE(names("upstream: 127.0.0.1:34000 is the gateway's bootstrap listener"));
}

}  // namespace
}  // namespace kgate::gateway
