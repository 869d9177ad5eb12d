#include "gateway/upstream/bootstrap_candidates.h"

#include <gtest/gtest.h>

namespace kgate::gateway {
namespace {

BrokerRoute route(std::int32_t node_id, std::uint16_t port, bool draining = false) {
    BrokerRoute r;
    r.node_id = node_id;
    r.broker_advertised = {"localhost", port};
    r.listen_port = static_cast<std::uint16_t>(port + 1000);
    r.draining = draining;
    return r;
}

std::vector<std::int32_t> nodes(const std::vector<UpstreamCandidate>& candidates) {
    std::vector<std::int32_t> out;
    for (const auto& c : candidates) out.push_back(c.node_id);
    return out;
}

// KoP's hashed node ids; the snapshot is sorted by node id.
const std::vector<BrokerRoute> kRoutes{route(240799953, 18107), route(1562490967, 18104), route(1880146045, 18110)};
const std::vector<HostPort> kConfigured{{"127.0.0.1", 18104}};

ClusterView serving(std::initializer_list<std::int32_t> ids) {
    ClusterView v;
    v.known = true;
    for (auto id : ids) v.broker_versions[id] = {};
    return v;
}

TEST(BootstrapCandidates, ServingBrokersRotateThenConfiguredServers) {
    const auto view = serving({240799953, 1562490967, 1880146045});
    EXPECT_EQ(nodes(bootstrap_candidates(kRoutes, view, kConfigured, 0)), (std::vector<std::int32_t>{240799953, 1562490967, 1880146045, -1}));
    EXPECT_EQ(nodes(bootstrap_candidates(kRoutes, view, kConfigured, 4)), (std::vector<std::int32_t>{1562490967, 1880146045, 240799953, -1}));
    const auto c = bootstrap_candidates(kRoutes, view, kConfigured, 0);
    EXPECT_EQ(c[0].address, (HostPort{"localhost", 18107}));
    EXPECT_EQ(c[3].address, kConfigured[0]);
}

TEST(BootstrapCandidates, BrokersDiscoveryDidNotFindComeAfterTheServingOnes) {
    // A stopped broker keeps its route; it is tried only when no serving broker answers.
    const auto view = serving({1562490967, 1880146045});
    for (std::size_t rotation = 0; rotation < 3; ++rotation) {
        const auto c = nodes(bootstrap_candidates(kRoutes, view, kConfigured, rotation));
        ASSERT_EQ(c.size(), 4u);
        EXPECT_EQ(c[2], 240799953) << "rotation " << rotation;
        EXPECT_EQ(c[3], -1);
    }
}

TEST(BootstrapCandidates, DrainingBrokersAreNeverChosen) {
    auto routes = kRoutes;
    routes[1].draining = true;
    const auto c = nodes(bootstrap_candidates(routes, serving({240799953, 1562490967, 1880146045}), {}, 0));
    EXPECT_EQ(c, (std::vector<std::int32_t>{240799953, 1880146045}));
}

TEST(BootstrapCandidates, BeforeAnyDiscoveryEveryRouteInRotationOrder) {
    // Restored routes, nothing discovered yet: all are tried, as before, then the configuration.
    EXPECT_EQ(nodes(bootstrap_candidates(kRoutes, ClusterView{}, kConfigured, 1)), (std::vector<std::int32_t>{1562490967, 1880146045, 240799953, -1}));
    EXPECT_TRUE(bootstrap_candidates({}, ClusterView{}, {}, 7).empty());
}

}  // namespace
}  // namespace kgate::gateway
