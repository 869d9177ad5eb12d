#pragma once
// Warnings about bad client input, limited to a burst per second so a flood of garbage
// cannot flood the log; what was held back is counted and reported with the next line.
#include <atomic>
#include <chrono>
#include <cstdint>
#include <string_view>

namespace kgate::gateway {

class RateLimitedLog {
public:
    explicit RateLimitedLog(std::uint32_t per_second = 20) : per_second_(per_second) {}
    void warn(std::string_view message);

private:
    std::uint32_t per_second_;
    std::atomic<std::int64_t> window_{0};
    std::atomic<std::uint32_t> in_window_{0};
    std::atomic<std::uint64_t> suppressed_{0};
};

RateLimitedLog& bad_input_log();

}  // namespace kgate::gateway
