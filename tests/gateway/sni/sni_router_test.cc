#include "gateway/sni/sni_router.h"

#include <gtest/gtest.h>

namespace kgate::gateway {
namespace {

BrokerRoute route(std::int32_t node) {
    BrokerRoute r;
    r.node_id = node;
    return r;
}

SniSettings settings() {
    SniSettings s;
    s.listen = HostPort{"0.0.0.0", 9443};
    s.bootstrap_name = "kafka.example.com";
    s.broker_pattern = "broker-{node}.kafka.example.com";
    return s;
}

TEST(SniRouter, ChoosesBootstrapOrARoutedBrokerAndRefusesTheRestByReason) {
    const auto router = SniRouter::from(settings());
    ASSERT_TRUE(router);
    // KoP's hashed ids are as large as 2147483647: their names are long, and served alike.
    const RoutingSnapshot routes({route(1), route(2147483647)});
    EXPECT_EQ(router->choose("kafka.example.com", routes).target, SniTarget::bootstrap());
    EXPECT_EQ(router->choose("KAFKA.example.com.", routes).refusal, SniRefusal::none);
    const auto one = router->choose("broker-1.kafka.example.com", routes);
    EXPECT_EQ(one.refusal, SniRefusal::none);
    EXPECT_EQ(one.target, SniTarget::broker(1));
    EXPECT_EQ(router->choose("broker-2147483647.kafka.example.com", routes).target, SniTarget::broker(2147483647));

    EXPECT_EQ(router->choose(nullptr, routes).refusal, SniRefusal::no_sni);
    EXPECT_EQ(router->choose("", routes).refusal, SniRefusal::no_sni);
    EXPECT_EQ(router->choose("other.example.com", routes).refusal, SniRefusal::unknown_name);
    EXPECT_EQ(router->choose("broker-01.kafka.example.com", routes).refusal, SniRefusal::unknown_name);
    EXPECT_EQ(router->choose("broker-2147483648.kafka.example.com", routes).refusal, SniRefusal::unknown_name);
    // A name the pattern makes, for a node kgate has no route for: nothing could serve it.
    const auto unrouted = router->choose("broker-7.kafka.example.com", routes);
    EXPECT_EQ(unrouted.refusal, SniRefusal::unknown_broker);
    EXPECT_EQ(unrouted.target.node_id, 7);
}

TEST(SniRouter, TellsEveryBrokerByItsNameAndTheOneAdvertisedPort) {
    auto s = settings();
    EXPECT_EQ(SniRouter::from(s)->address_for(3), (HostPort{"broker-3.kafka.example.com", 9443}));
    s.advertised_port = 443;  // behind a TLS-passthrough load balancer
    const auto router = SniRouter::from(s);
    EXPECT_EQ(router->address_for(2147483647), (HostPort{"broker-2147483647.kafka.example.com", 443}));
    EXPECT_EQ(router->address_for(0), (HostPort{"broker-0.kafka.example.com", 443}));
    EXPECT_FALSE(router->address_for(-1));
    EXPECT_EQ(router->told_port(), 443);
    EXPECT_EQ(router->listen(), (HostPort{"0.0.0.0", 9443}));
}

TEST(SniRouter, IsOffWithoutAListenerAndRefusesBadNames) {
    EXPECT_EQ(SniRouter::from(SniSettings{}), nullptr);
    auto s = settings();
    s.broker_pattern = "broker.kafka.example.com";
    EXPECT_THROW(SniRouter::from(s), std::invalid_argument);
}

}  // namespace
}  // namespace kgate::gateway
