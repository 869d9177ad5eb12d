#include "gateway/log/rate_limited_log.h"

#include <spdlog/spdlog.h>

namespace kgate::gateway {

bool RateLimitedLog::let_through(std::uint64_t& held) {
    const auto now =
        std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now().time_since_epoch()).count() / interval_;
    auto window = window_.load(std::memory_order_relaxed);
    if (window != now && window_.compare_exchange_strong(window, now)) in_window_.store(0, std::memory_order_relaxed);
    if (in_window_.fetch_add(1, std::memory_order_relaxed) >= per_interval_) {
        suppressed_.fetch_add(1, std::memory_order_relaxed);
        return false;
    }
    held = suppressed_.exchange(0);
    return true;
}

void RateLimitedLog::warn(std::string_view message) {
    std::uint64_t held = 0;
    if (!let_through(held)) return;
    if (held > 0) spdlog::warn("{} ({} similar messages suppressed)", message, held);
    else spdlog::warn("{}", message);
}

void RateLimitedLog::info(std::string_view message) {
    std::uint64_t held = 0;
    if (!let_through(held)) return;
    if (held > 0) spdlog::info("{} ({} similar messages suppressed)", message, held);
    else spdlog::info("{}", message);
}

RateLimitedLog& bad_input_log() {
    static RateLimitedLog log;
    return log;
}

RateLimitedLog& upstream_failure_log() {
    static RateLimitedLog log;
    return log;
}

}  // namespace kgate::gateway
