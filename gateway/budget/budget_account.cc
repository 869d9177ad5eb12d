#include "gateway/budget/budget_account.h"

#include <algorithm>

namespace kgate::gateway {

BudgetAccount::BudgetAccount(MemoryBudget& budget, std::uint64_t owner, const asio::any_io_executor& executor,
                             tcp::socket* recipient)
    : budget_(budget), owner_(owner), recipient_(recipient), retry_(executor) {}

BudgetAccount::~BudgetAccount() {
    hand_on_all();
    if (paused_) budget_.resumed();
}

void BudgetAccount::hold(std::size_t n) {
    if (n == 0) return;
    if (held_ == 0) budget_.holder_joined();
    held_ += n;
}

void BudgetAccount::hand_on(std::size_t n) {
    n = std::min(n, held_);
    if (n == 0) return;
    held_ -= n;
    budget_.give_back(n);
    if (held_ == 0) budget_.holder_left(owner_);
}

void BudgetAccount::took_buffered(std::size_t n) {
    budget_.take_unconditionally(n);
    hold(n);
}

awaitable<std::size_t> BudgetAccount::before_read(tcp::socket& socket, std::size_t remaining, std::size_t buffered_above) {
    const std::size_t step = std::min(remaining, step_);
    auto delay = std::chrono::milliseconds(kFirstRetry);
    const auto gone = [&] {
        if (peer_left_mid_frame(socket, remaining, buffered_above)) return true;
        recipient_left_ = recipient_ != nullptr && peer_finished(*recipient_);
        return recipient_left_;
    };
    while (!stopped_ && !(paused_ && gone())) {
        // The share is judged on what this connection would hold with the step taken.
        if (budget_.try_take(held_, step, owner_) != BudgetGrant::denied) {
            hold(step);
            if (paused_) {
                paused_ = false;
                budget_.resumed();
            }
            co_return step;
        }
        if (!paused_) {
            paused_ = true;
            budget_.paused();
        }
        retry_.expires_after(delay);
        error_code ignored;
        co_await retry_.async_wait(with_ec(ignored));
        delay = std::min(delay * 2, std::chrono::milliseconds(kLastRetry));
    }
    if (paused_) {
        paused_ = false;
        budget_.resumed();
    }
    co_return 0;
}

void BudgetAccount::after_read(std::size_t allowed, std::size_t got) {
    hand_on(allowed - std::min(allowed, got));
    step_ = got >= allowed ? std::min(step_ * 2, kMaxStep) : std::clamp(got * 2, kMinStep, kMaxStep);
}

void BudgetAccount::stop() {
    stopped_ = true;
    retry_.cancel();
}

}  // namespace kgate::gateway
