#pragma once
// A gateway-wide budget for bytes kgate holds on behalf of its connections: request bytes read
// from clients and not yet handed on to a broker, or (a second budget) broker answers read and
// not yet written to their client. Shared by every worker thread: atomics only, no locks.
//
// The rule, for a connection holding `mine` bytes that wants to read `step` more:
//   1. while everything held stays within half the budget, it reads;
//   2. past that, it reads while `mine + step` stays within its fair share: half the budget
//      divided by the connections holding bytes. Connections with ordinary frames keep going
//      however much others hold;
//   3. otherwise it reads with the budget's one pass: taken while everything held, this step
//      included, stays within the whole budget, then kept (whatever is held) until the frame
//      being read is complete. So a frame larger than the fair share, or than the whole
//      budget, still completes, one at a time;
//   4. otherwise it pauses (BudgetAccount) and asks again later.
// What is held stays under 1.5 x the budget plus one frame (max-frame-size): rule 1 adds while
// under half, the pass is taken only under the whole budget and adds one frame, and fair shares
// add at most half the budget on top. Attacks in the tests stay near the budget plus one frame.
// A connection over its share that never completes its frame keeps what it holds and gets
// nothing more; while others hold more than the budget, a frame over its share waits for them.
#include <atomic>
#include <cstddef>
#include <cstdint>

namespace kgate::gateway {

enum class BudgetGrant { shared, fair_share, pass, denied };

class MemoryBudget {
public:
    // `limit` 0: no budget (every read is granted; bytes are still counted).
    explicit MemoryBudget(std::size_t limit) : limit_(limit) {}
    MemoryBudget(const MemoryBudget&) = delete;
    MemoryBudget& operator=(const MemoryBudget&) = delete;

    // Takes `step` bytes for `owner` (a connection id, never 0) holding `mine` already, if the
    // rule allows; nothing is taken when denied.
    BudgetGrant try_take(std::size_t mine, std::size_t step, std::uint64_t owner);
    // Bytes taken but never filled, or handed on.
    void give_back(std::size_t n) { held_.fetch_sub(n, std::memory_order_relaxed); }
    // Bytes a connection could not refuse (already read ahead); counted, never denied.
    void take_unconditionally(std::size_t n) { held_.fetch_add(n, std::memory_order_relaxed); }
    // A connection starts or stops holding bytes: the fair share divides by their number.
    void holder_joined() { holders_.fetch_add(1, std::memory_order_relaxed); }
    void holder_left(std::uint64_t owner);
    // `owner`'s frame is complete (or abandoned): the pass, if it had it, is free.
    void frame_done(std::uint64_t owner);

    void paused() {
        paused_.fetch_add(1, std::memory_order_relaxed);
        pauses_.fetch_add(1, std::memory_order_relaxed);
    }
    void resumed() { paused_.fetch_sub(1, std::memory_order_relaxed); }

    std::size_t limit() const { return limit_; }
    std::size_t held() const { return held_.load(std::memory_order_relaxed); }
    std::size_t holders() const { return holders_.load(std::memory_order_relaxed); }
    std::int64_t paused_now() const { return paused_.load(std::memory_order_relaxed); }
    std::uint64_t pauses() const { return pauses_.load(std::memory_order_relaxed); }
    std::uint64_t pass_owner() const { return pass_.load(std::memory_order_relaxed); }

private:
    const std::size_t limit_;
    std::atomic<std::size_t> held_{0};
    std::atomic<std::size_t> holders_{0};
    std::atomic<std::uint64_t> pass_{0};  // the connection reading with the pass; 0: free
    std::atomic<std::int64_t> paused_{0};
    std::atomic<std::uint64_t> pauses_{0};
};

}  // namespace kgate::gateway
