#include "gateway/limits/accept_pause.h"

#include <cerrno>

#include <gtest/gtest.h>

namespace kgate::gateway {
namespace {

TEST(AcceptPause, OutOfDescriptorsIsEmfileOrEnfile) {
    EXPECT_TRUE(out_of_descriptors(error_code(EMFILE, boost::system::system_category())));
    EXPECT_TRUE(out_of_descriptors(error_code(ENFILE, boost::system::system_category())));
    EXPECT_FALSE(out_of_descriptors(error_code(ECONNABORTED, boost::system::system_category())));
    EXPECT_FALSE(out_of_descriptors(asio::error::operation_aborted));
}

TEST(AcceptPause, EveryPausedLoopResumesWhenAConnectionCloses) {
    asio::io_context control;
    GatewayMetrics metrics;
    AcceptPause pause(control, metrics);
    int resumed = 0;
    const auto start = std::chrono::steady_clock::now();
    for (int i = 0; i < 3; ++i) {
        asio::co_spawn(control, [&]() -> awaitable<void> {
            co_await pause.pause();
            ++resumed;
        }, asio::detached);
    }
    control.poll();  // all three wait on the shared timer
    EXPECT_EQ(resumed, 0);
    pause.wake();
    control.run();
    EXPECT_EQ(resumed, 3);
    EXPECT_LT(std::chrono::steady_clock::now() - start, AcceptPause::kRetry);
}

TEST(AcceptPause, ResumesByItselfAfterTheRetryInterval) {
    asio::io_context control;
    GatewayMetrics metrics;
    AcceptPause pause(control, metrics);
    bool resumed = false;
    const auto start = std::chrono::steady_clock::now();
    asio::co_spawn(control, [&]() -> awaitable<void> {
        co_await pause.pause();
        resumed = true;
    }, asio::detached);
    control.run();
    EXPECT_TRUE(resumed);
    EXPECT_GE(std::chrono::steady_clock::now() - start, AcceptPause::kRetry);
    pause.wake();  // nothing waits: harmless
}

}  // namespace
}  // namespace kgate::gateway
