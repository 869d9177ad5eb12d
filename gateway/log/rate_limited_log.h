#pragma once
// Warnings that a flood of bad input or a lasting failure could repeat without end, limited to a
// burst per interval; what was held back is counted and reported with the next line let through.
#include <atomic>
#include <chrono>
#include <cstdint>
#include <string_view>

namespace kgate::gateway {

class RateLimitedLog {
public:
    explicit RateLimitedLog(std::uint32_t per_interval = 20, std::chrono::milliseconds interval = std::chrono::seconds(1))
        : per_interval_(per_interval), interval_(interval.count() > 0 ? interval.count() : 1) {}
    void warn(std::string_view message);
    void info(std::string_view message);

private:
    // Whether `message` may be written now; `held` receives how many were held back before it.
    bool let_through(std::uint64_t& held);

    std::uint32_t per_interval_;
    std::int64_t interval_;  // milliseconds
    std::atomic<std::int64_t> window_{-1};
    std::atomic<std::uint32_t> in_window_{0};
    std::atomic<std::uint64_t> suppressed_{0};
};

RateLimitedLog& bad_input_log();
// Client connections whose broker connection could not be opened.
RateLimitedLog& upstream_failure_log();

}  // namespace kgate::gateway
