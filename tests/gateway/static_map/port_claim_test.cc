// Which gateway port a broker must have: pinned by the configuration, else the one it
// advertises when that is kgate's own address (KoP behind kgate as behind one proxy per broker).
#include "gateway/static_map/port_claim.h"

#include <gtest/gtest.h>

#include "gateway/config/loopback_gateway.h"

namespace kgate::gateway {
namespace {

GatewayConfig recipe_gateway() { return testing::loopback_gateway(18110, 18114, 18115, 18116); }

TEST(PortClaim, ABrokerAdvertisingAGatewayPortMustHaveIt) {
    const auto c = recipe_gateway();
    const auto claim = claim_port(c, 361002061, {"127.0.0.1", 18112});
    EXPECT_EQ(claim.port, 18112);
    EXPECT_FALSE(claim.pinned);
    EXPECT_NE(claim.reason.find("the gateway port it advertises (127.0.0.1:18112)"), std::string::npos) << claim.reason;
    EXPECT_FALSE(claim.problem);
}

TEST(PortClaim, ABrokerAdvertisingItsOwnAddressMayHaveAnyPort) {
    const auto c = recipe_gateway();
    EXPECT_EQ(claim_port(c, 1, {"localhost", 18104}).port, 0);  // a broker's own port on this host
    EXPECT_EQ(claim_port(c, 1, {"kop-1.internal", 18112}).port, 0);  // another host, a gateway-like port
    EXPECT_EQ(claim_port(c, 1, {"127.0.0.1", 18120}).port, 0);  // outside broker-ports: not kgate's
    EXPECT_EQ(claim_port(c, 1, {}).port, 0);  // not known yet
    EXPECT_FALSE(claim_port(c, 1, {"localhost", 18104}).problem);
}

TEST(PortClaim, APinnedPortWinsAndADisagreementIsSaid) {
    auto c = recipe_gateway();
    c.overrides = {{7, HostPort{"127.0.0.1", 18104}, 18111}};
    auto claim = claim_port(c, 7, {});
    EXPECT_EQ(claim.port, 18111);
    EXPECT_TRUE(claim.pinned);
    EXPECT_FALSE(claim.problem);
    EXPECT_FALSE(claim_port(c, 7, {"127.0.0.1", 18111}).problem);
    claim = claim_port(c, 7, {"127.0.0.1", 18112});  // the ports swapped
    EXPECT_EQ(claim.port, 18111);
    ASSERT_TRUE(claim.problem);
    EXPECT_NE(claim.problem->find("broker 7 advertises 127.0.0.1:18112 but overrides pin its listen-port to 18111"), std::string::npos)
        << *claim.problem;
}

TEST(PortClaim, AdvertisingTheBootstrapOrAnOperatorPortIsAProblem) {
    const auto c = recipe_gateway();
    for (const std::uint16_t port : {18110, 18115, 18116}) {
        const auto claim = claim_port(c, 9, {"127.0.0.1", port});
        EXPECT_EQ(claim.port, 0);
        ASSERT_TRUE(claim.problem) << port;
        EXPECT_NE(claim.problem->find("broker 9 advertises 127.0.0.1:" + std::to_string(port) + ", which is the gateway's"), std::string::npos)
            << *claim.problem;
        EXPECT_NE(claim.problem->find("broker ports (18111-18114)"), std::string::npos) << *claim.problem;
    }
}

TEST(PortClaim, ThePublicNameWithAPortOutsideTheRangeIsSaid) {
    auto c = recipe_gateway();
    c.listen = {"0.0.0.0", 18110};
    c.advertised_host = "kafka.example.com";
    const auto claim = claim_port(c, 4, {"kafka.example.com", 18120});
    EXPECT_EQ(claim.port, 0);
    ASSERT_TRUE(claim.problem);
    EXPECT_NE(claim.problem->find("broker 4 advertises kafka.example.com:18120, the name clients are told, with a port outside "
                                  "broker-ports (18111-18114)"),
              std::string::npos)
        << *claim.problem;
    // On loopback a port outside the range may be a real broker beside kgate: nothing to say.
    c.advertised_host = "127.0.0.1";
    EXPECT_FALSE(claim_port(c, 4, {"127.0.0.1", 18120}).problem);
}

TEST(PortClaim, TheNameClientsAreToldCountsAsTheGateways) {
    auto c = recipe_gateway();
    c.listen = {"0.0.0.0", 18110};
    c.advertised_host = "kafka.example.com";
    EXPECT_EQ(claim_port(c, 1, {"kafka.example.com", 18113}).port, 18113);
    EXPECT_EQ(claim_port(c, 1, {"127.0.0.1", 18113}).port, 18113);  // a wildcard bind answers on loopback
    EXPECT_EQ(claim_port(c, 1, {"kop-1.example.com", 18113}).port, 0);
}

}  // namespace
}  // namespace kgate::gateway
