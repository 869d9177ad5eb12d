#pragma once
// One connection's bytes held against a MemoryBudget, and its reads paused while the budget's
// rule (memory_budget.h) says no.
//
// Lives on its connection's thread. A paused read waits on this account's own timer and asks
// the budget again when it fires, on that same thread: no other thread wakes it, so nothing
// needs a lock or a registry of waiters. The wait doubles from 5 ms to 100 ms, so a connection
// resumes within 100 ms of memory freeing and a thousand paused ones cost little. Each time it
// asks, it also checks whether its client has left mid-frame (peer_left_mid_frame): a paused
// connection cannot see the end of its stream without reading, and must not keep its bytes
// for a frame that can never complete. An account of answers (read from the broker for a
// client) is given that client as its recipient: once the client has gone, a paused read gives
// up too, or connections whose clients left could hold the budget with answers nobody will read
// until the broker's timeout, while everyone's large answers wait.
//
// Reads ask for a step, not the frame's remaining size: a step is held (reserved) while its
// read is in progress and what did not arrive is given back. Steps follow what the peer really
// sends (twice the last read, 16 KiB to 1 MiB), so a trickling connection reserves little.
#include <chrono>
#include <cstddef>
#include <cstdint>

#include "gateway/budget/memory_budget.h"
#include "gateway/net/asio.h"
#include "gateway/net/frame_io.h"

namespace kgate::gateway {

class BudgetAccount final : public BodyReadGate {
public:
    static constexpr std::size_t kMinStep = 16 * 1024;
    static constexpr std::size_t kFirstStep = 256 * 1024;
    static constexpr std::size_t kMaxStep = 1024 * 1024;
    static constexpr std::chrono::milliseconds kFirstRetry{5};
    static constexpr std::chrono::milliseconds kLastRetry{100};

    // `recipient`: for an account of answers, the client they are for (see above); it must
    // outlive the account.
    BudgetAccount(MemoryBudget& budget, std::uint64_t owner, const asio::any_io_executor& executor,
                  tcp::socket* recipient = nullptr);
    ~BudgetAccount();  // gives back whatever is still held
    BudgetAccount(const BudgetAccount&) = delete;
    BudgetAccount& operator=(const BudgetAccount&) = delete;

    // BodyReadGate
    awaitable<std::size_t> before_read(tcp::socket& socket, std::size_t remaining, std::size_t buffered_above) override;
    void after_read(std::size_t allowed, std::size_t got) override;
    void took_buffered(std::size_t n) override;
    void frame_done() override { budget_.frame_done(owner_); }

    // Bytes that left kgate (written to the broker or the client) or were dropped.
    void hand_on(std::size_t n);
    void hand_on_all() { hand_on(held_); }
    // The connection is closing: a paused read gives up (before_read answers 0).
    void stop();

    std::size_t held() const { return held_; }
    // A paused read gave up because the recipient had gone.
    bool recipient_left() const { return recipient_left_; }
    bool paused() const { return paused_; }

private:
    void hold(std::size_t n);

    MemoryBudget& budget_;
    const std::uint64_t owner_;
    tcp::socket* const recipient_;
    asio::steady_timer retry_;
    std::size_t held_ = 0;
    std::size_t step_ = kFirstStep;
    bool paused_ = false;
    bool stopped_ = false;
    bool recipient_left_ = false;
};

}  // namespace kgate::gateway
