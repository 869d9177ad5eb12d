#include "gateway/static_map/cluster_view_wait.h"

namespace kgate::gateway {

awaitable<bool> wait_for_cluster_view(const Published<ClusterView>& view, std::chrono::milliseconds limit,
                                      const std::function<bool()>& give_up) {
    if (view.load()->known) co_return true;
    // Polled: this happens only between start-up and discovery's first success.
    constexpr std::chrono::milliseconds kPoll{50};
    const auto deadline = std::chrono::steady_clock::now() + limit;
    asio::steady_timer timer(co_await asio::this_coro::executor);
    while (std::chrono::steady_clock::now() < deadline && !give_up()) {
        timer.expires_after(kPoll);
        error_code ec;
        co_await timer.async_wait(with_ec(ec));
        if (view.load()->known) co_return true;
    }
    co_return false;
}

}  // namespace kgate::gateway
