// A session that reached its broker before discovery did waits, bounded, for the brokers' API
// versions.
#include "gateway/static_map/cluster_view_wait.h"

#include <gtest/gtest.h>

namespace kgate::gateway {
namespace {

using namespace std::chrono_literals;

struct Outcome {
    bool known = false;
    std::chrono::milliseconds took{};
};

Outcome wait_on(asio::io_context& io, const Published<ClusterView>& view, std::chrono::milliseconds limit, const std::function<bool()>& give_up) {
    Outcome out;
    asio::co_spawn(io, [&]() -> awaitable<void> {
        const auto start = std::chrono::steady_clock::now();
        out.known = co_await wait_for_cluster_view(view, limit, give_up);
        out.took = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start);
    }, asio::detached);
    io.run();
    return out;
}

std::shared_ptr<const ClusterView> known_view() {
    auto v = std::make_shared<ClusterView>();
    v->known = true;
    return v;
}

TEST(ClusterViewWait, AKnownViewNeedsNoWait) {
    asio::io_context io;
    Published<ClusterView> view(known_view());
    const std::function<bool()> never = [] { return false; };
    const auto out = wait_on(io, view, 5s, never);
    EXPECT_TRUE(out.known);
    EXPECT_LT(out.took, 50ms);
}

TEST(ClusterViewWait, DiscoveryArrivingEndsTheWait) {
    asio::io_context io;
    Published<ClusterView> view(std::make_shared<const ClusterView>());
    asio::steady_timer discovery(io, 200ms);
    discovery.async_wait([&](const error_code&) { view.publish(known_view()); });
    const std::function<bool()> never = [] { return false; };
    const auto out = wait_on(io, view, 5s, never);
    EXPECT_TRUE(out.known);
    EXPECT_GE(out.took, 200ms);
    EXPECT_LT(out.took, 1s);
}

TEST(ClusterViewWait, TheLimitAndAClosingSessionEndIt) {
    asio::io_context io;
    Published<ClusterView> view(std::make_shared<const ClusterView>());
    const std::function<bool()> never = [] { return false; };
    auto out = wait_on(io, view, 300ms, never);
    EXPECT_FALSE(out.known);
    EXPECT_GE(out.took, 300ms);
    EXPECT_LT(out.took, 2s);

    io.restart();
    int polls = 0;
    const std::function<bool()> closing_soon = [&] { return ++polls > 2; };
    out = wait_on(io, view, 5s, closing_soon);
    EXPECT_FALSE(out.known);
    EXPECT_LT(out.took, 1s);
}

}  // namespace
}  // namespace kgate::gateway
