#include "gateway/budget/memory_budget.h"

#include <algorithm>

namespace kgate::gateway {

BudgetGrant MemoryBudget::try_take(std::size_t mine, std::size_t step, std::uint64_t owner) {
    // Taken first, checked after: two workers asking at once cannot both slip under the line.
    const std::size_t total = held_.fetch_add(step, std::memory_order_relaxed) + step;
    if (limit_ == 0 || total <= limit_ / 2) return BudgetGrant::shared;
    // A connection about to hold its first bytes is one of the holders it shares with.
    const std::size_t holders = holders_.load(std::memory_order_relaxed) + (mine == 0 ? 1 : 0);
    if (mine + step <= limit_ / 2 / std::max<std::size_t>(holders, 1)) return BudgetGrant::fair_share;
    if (pass_.load(std::memory_order_relaxed) == owner) return BudgetGrant::pass;
    std::uint64_t expected = 0;
    if (total <= limit_ && pass_.compare_exchange_strong(expected, owner, std::memory_order_relaxed)) return BudgetGrant::pass;
    held_.fetch_sub(step, std::memory_order_relaxed);
    return BudgetGrant::denied;
}

void MemoryBudget::holder_left(std::uint64_t owner) {
    holders_.fetch_sub(1, std::memory_order_relaxed);
    frame_done(owner);
}

void MemoryBudget::frame_done(std::uint64_t owner) {
    std::uint64_t expected = owner;
    pass_.compare_exchange_strong(expected, 0, std::memory_order_relaxed);  // only if it was this one's
}

}  // namespace kgate::gateway
