#include "gateway/budget/budget_account.h"

#include <chrono>
#include <optional>
#include <vector>

#include <gtest/gtest.h>

#include "gateway/net/socket_pair.h"

namespace kgate::gateway {
namespace {

constexpr std::size_t kMiB = 1024 * 1024;
using std::chrono::milliseconds;
using Loopback = testing::SocketPair;

// Runs the io_context for `limit` at most (every test's coroutines end well before).
void run_for(asio::io_context& io, milliseconds limit) {
    io.run_for(limit);
    io.restart();
}

TEST(BudgetAccount, UnderTheBudgetAReadGetsItsStepAtOnce) {
    Loopback s;
    auto& io = s.io;
    MemoryBudget budget(64 * kMiB);
    BudgetAccount account(budget, 1, io.get_executor());
    std::optional<std::size_t> allowed;
    asio::co_spawn(io, [&]() -> awaitable<void> { allowed = co_await account.before_read(s.reader, 10 * kMiB, 0); }, asio::detached);
    run_for(io, milliseconds(1000));
    ASSERT_TRUE(allowed);
    EXPECT_EQ(*allowed, BudgetAccount::kFirstStep);
    // Only 1,000 bytes arrived: the rest of the step is given back, and the next step follows
    // what the peer really sends.
    account.after_read(*allowed, 1000);
    EXPECT_EQ(account.held(), 1000u);
    EXPECT_EQ(budget.held(), 1000u);
    allowed.reset();
    asio::co_spawn(io, [&]() -> awaitable<void> { allowed = co_await account.before_read(s.reader, 10 * kMiB, 0); }, asio::detached);
    run_for(io, milliseconds(1000));
    ASSERT_TRUE(allowed);
    EXPECT_EQ(*allowed, BudgetAccount::kMinStep);
    account.after_read(*allowed, *allowed);
    account.hand_on_all();
    EXPECT_EQ(budget.held(), 0u);
    EXPECT_EQ(budget.holders(), 0u);
}

TEST(BudgetAccount, AReadOverItsShareWaitsUntilTheHolderHandsItsBytesOn) {
    Loopback s;
    auto& io = s.io;
    MemoryBudget budget(8 * kMiB);
    BudgetAccount big(budget, 1, io.get_executor());
    BudgetAccount other(budget, 2, io.get_executor());
    big.took_buffered(3 * kMiB);
    other.took_buffered(2 * kMiB);
    std::optional<std::size_t> big_allowed;
    asio::co_spawn(io, [&]() -> awaitable<void> { big_allowed = co_await big.before_read(s.reader, kMiB, 0); }, asio::detached);
    run_for(io, milliseconds(1000));
    ASSERT_TRUE(big_allowed);  // over its share of 2 MiB: it reads with the pass
    EXPECT_EQ(budget.pass_owner(), 1u);

    std::optional<std::size_t> other_allowed;
    const auto asked = std::chrono::steady_clock::now();
    auto resumed_after = milliseconds(0);
    asio::co_spawn(io, [&]() -> awaitable<void> {
        other_allowed = co_await other.before_read(s.reader, kMiB, 0);
        resumed_after = std::chrono::duration_cast<milliseconds>(std::chrono::steady_clock::now() - asked);
    }, asio::detached);
    run_for(io, milliseconds(50));
    EXPECT_FALSE(other_allowed) << "over its share, without the pass: paused";
    EXPECT_TRUE(other.paused());
    EXPECT_EQ(budget.paused_now(), 1);
    EXPECT_EQ(budget.pauses(), 1u);

    big.after_read(*big_allowed, *big_allowed);
    big.hand_on_all();  // its frame went to the broker
    EXPECT_EQ(budget.pass_owner(), 0u);
    run_for(io, milliseconds(1000));
    ASSERT_TRUE(other_allowed);
    EXPECT_GT(*other_allowed, 0u);
    EXPECT_LT(resumed_after, milliseconds(500)) << "a paused read asks again within 100 ms";
    EXPECT_FALSE(other.paused());
    EXPECT_EQ(budget.paused_now(), 0);
}

TEST(BudgetAccount, StopEndsAPausedReadAndTheAccountGivesEverythingBack) {
    Loopback s;
    auto& io = s.io;
    MemoryBudget budget(4 * kMiB);
    std::optional<std::size_t> allowed;
    {
        BudgetAccount holder(budget, 1, io.get_executor());
        BudgetAccount waiting(budget, 2, io.get_executor());
        holder.took_buffered(2 * kMiB);
        waiting.took_buffered(kMiB);
        asio::co_spawn(io, [&]() -> awaitable<void> { (void)co_await holder.before_read(s.reader, kMiB, 0); }, asio::detached);  // takes the pass
        asio::co_spawn(io, [&]() -> awaitable<void> { allowed = co_await waiting.before_read(s.reader, kMiB, 0); }, asio::detached);
        run_for(io, milliseconds(30));
        EXPECT_FALSE(allowed);
        waiting.stop();
        run_for(io, milliseconds(1000));
        ASSERT_TRUE(allowed);
        EXPECT_EQ(*allowed, 0u) << "a closing connection's read gives up";
        EXPECT_EQ(budget.paused_now(), 0);
    }
    EXPECT_EQ(budget.held(), 0u);
    EXPECT_EQ(budget.holders(), 0u);
    EXPECT_EQ(budget.pass_owner(), 0u);
}


TEST(BudgetAccount, APausedReadGivesUpWhenItsClientLeftMidFrame) {
    Loopback s;
    MemoryBudget budget(4 * kMiB);
    BudgetAccount holder(budget, 1, s.io.get_executor());
    BudgetAccount waiting(budget, 2, s.io.get_executor());
    holder.took_buffered(2 * kMiB);
    waiting.took_buffered(kMiB);
    std::optional<std::size_t> allowed;
    asio::co_spawn(s.io, [&]() -> awaitable<void> { (void)co_await holder.before_read(s.writer, kMiB, 0); }, asio::detached);
    asio::co_spawn(s.io, [&]() -> awaitable<void> { allowed = co_await waiting.before_read(s.reader, 10 * kMiB, 0); }, asio::detached);
    run_for(s.io, milliseconds(30));
    ASSERT_FALSE(allowed) << "paused";
    // The client sends a little more of its frame and leaves: the frame can never complete.
    asio::write(s.writer, asio::buffer(std::vector<std::byte>(1000)));
    s.writer.shutdown(tcp::socket::shutdown_send);
    run_for(s.io, milliseconds(1000));
    ASSERT_TRUE(allowed);
    EXPECT_EQ(*allowed, 0u);
    EXPECT_FALSE(peer_left_mid_frame(s.reader, 1000)) << "the bytes that are there can still be read";
    EXPECT_TRUE(peer_left_mid_frame(s.reader, 1001));
}

TEST(BudgetAccount, AFrameIsChargedForTheBytesThatArrivedNotItsAnnouncedSize) {
    Loopback s;
    MemoryBudget budget(64 * kMiB);
    BudgetAccount account(budget, 1, s.io.get_executor());
    // 50 MiB announced, 300 KiB sent, then the client waits.
    std::vector<std::byte> sent(4 + 300 * 1024);
    const std::uint32_t announced = 50 * kMiB;
    sent[0] = std::byte(announced >> 24);
    sent[1] = std::byte(announced >> 16);
    sent[2] = std::byte(announced >> 8);
    sent[3] = std::byte(announced);
    asio::write(s.writer, asio::buffer(sent));
    ReadBuffer buffer;
    FrameBuffer frame;
    std::optional<error_code> result;
    asio::co_spawn(s.io, [&]() -> awaitable<void> { result = co_await read_frame(s.reader, buffer, frame, 100 * kMiB, nullptr, &account); },
                   asio::detached);
    // Until everything sent has arrived (at once here; slices for slow sanitizer builds).
    for (int i = 0; i < 100 && account.held() < 300u * 1024; ++i) run_for(s.io, milliseconds(50));
    run_for(s.io, milliseconds(50));
    EXPECT_FALSE(result) << "still waiting for the rest";
    // What arrived, plus at most the one read in progress.
    EXPECT_GE(account.held(), 300u * 1024);
    EXPECT_LE(account.held(), 300u * 1024 + BudgetAccount::kMaxStep);
    EXPECT_EQ(budget.held(), account.held());
    s.writer.close();
    run_for(s.io, milliseconds(1000));
    ASSERT_TRUE(result);
    EXPECT_TRUE(*result);  // end of stream mid-frame
    EXPECT_EQ(account.held(), 300u * 1024) << "the unfilled read is given back";
}

TEST(BudgetAccount, TimePausedByTheBudgetIsNotCountedByTheSlowFrameClock) {
    Loopback s;
    MemoryBudget budget(8 * kMiB);
    BudgetAccount holder(budget, 1, s.io.get_executor());
    BudgetAccount reader(budget, 2, s.io.get_executor());
    holder.took_buffered(3 * kMiB);
    reader.took_buffered(2 * kMiB);  // an earlier frame not yet handed on: at its share
    asio::co_spawn(s.io, [&]() -> awaitable<void> { (void)co_await holder.before_read(s.writer, kMiB, 0); }, asio::detached);
    run_for(s.io, milliseconds(20));
    ASSERT_EQ(budget.pass_owner(), 1u);
    std::vector<std::byte> sent(4 + 100'000);
    sent[1] = std::byte(0x10);  // announces 1 MiB
    asio::write(s.writer, asio::buffer(sent));
    ReadBuffer buffer;
    FrameBuffer frame;
    FrameClock clock;
    asio::co_spawn(s.io, [&]() -> awaitable<void> { (void)co_await read_frame(s.reader, buffer, frame, 8 * kMiB, &clock, &reader); },
                   asio::detached);
    run_for(s.io, milliseconds(50));
    ASSERT_TRUE(reader.paused());
    ASSERT_TRUE(clock.running);
    const auto since = clock.since;
    run_for(s.io, milliseconds(300));
    holder.frame_done();
    holder.hand_on_all();
    for (int i = 0; i < 40 && reader.paused(); ++i) run_for(s.io, milliseconds(25));
    ASSERT_FALSE(reader.paused());
    EXPECT_GE(clock.since - since, milliseconds(250)) << "the clock moved on by the time paused";
    s.writer.close();
    run_for(s.io, milliseconds(500));
}

TEST(BudgetAccount, AWholeFrameReadThroughTheGateArrivesIntact) {
    Loopback s;
    MemoryBudget budget(4 * kMiB);
    BudgetAccount account(budget, 1, s.io.get_executor());
    std::vector<std::byte> body(3 * kMiB);
    for (std::size_t i = 0; i < body.size(); ++i) body[i] = std::byte(static_cast<unsigned char>(i * 7));
    ReadBuffer buffer;
    FrameBuffer frame;
    std::optional<error_code> result;
    asio::co_spawn(s.io, [&]() -> awaitable<void> { co_await write_frame(s.writer, body); }, asio::detached);
    asio::co_spawn(s.io, [&]() -> awaitable<void> { result = co_await read_frame(s.reader, buffer, frame, 8 * kMiB, nullptr, &account); },
                   asio::detached);
    run_for(s.io, milliseconds(5000));
    ASSERT_TRUE(result);
    EXPECT_FALSE(*result) << result->message();
    ASSERT_EQ(frame.size(), body.size());
    EXPECT_TRUE(std::equal(frame.begin(), frame.end(), body.begin()));
    EXPECT_EQ(account.held(), body.size()) << "held until handed on";
    account.hand_on_all();
    EXPECT_EQ(budget.held(), 0u);
}

}  // namespace
}  // namespace kgate::gateway
