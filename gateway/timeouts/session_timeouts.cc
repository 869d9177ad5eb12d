#include "gateway/timeouts/session_timeouts.h"

#include <algorithm>

#include <fmt/format.h>

namespace kgate::gateway {

TimeoutSettings TimeoutSettings::from(const GatewayConfig& c) {
    TimeoutSettings s;
    s.idle = c.idle_timeout;
    s.frame_grace = c.frame_grace;
    s.frame_min_rate = c.frame_min_rate;
    s.request_default = c.upstream_request_timeout;
    s.request_margin = c.upstream_timeout_margin;
    return s;
}

SessionTimeouts::SessionTimeouts(const TimeoutSettings& settings, SteadyTime now) : settings_(settings), last_active_(now) {
    // A deadline that appears between checks is at least this far away (see the header); a day
    // when only the idle timeout or none is on.
    longest_sleep_ = std::chrono::hours(24);
    if (settings_.frame_min_rate > 0) longest_sleep_ = std::min(longest_sleep_, settings_.frame_grace);
    if (settings_.request_default.count() > 0) longest_sleep_ = std::min(longest_sleep_, settings_.request_margin);
    next_ = now + (settings_.idle.count() > 0 ? std::min(longest_sleep_, settings_.idle) : longest_sleep_);
}

std::chrono::milliseconds SessionTimeouts::frame_allowance(const TimeoutSettings& s, std::size_t received) {
    const auto rate = std::max<std::size_t>(s.frame_min_rate, 1);
    return s.frame_grace + std::chrono::milliseconds(received / rate * 1000 + received % rate * 1000 / rate);
}

std::chrono::milliseconds SessionTimeouts::broker_allowance(const TimeoutSettings& s, std::int32_t own_timeout_ms) {
    const auto own = own_timeout_ms >= 0 ? std::chrono::milliseconds(own_timeout_ms) : s.request_default;
    return own + s.request_margin;
}

std::optional<Expiry> SessionTimeouts::check(const SessionActivity& a, SteadyTime now) {
    if (a.bytes_from_client != seen_bytes_ || a.frame.running || a.in_flight) {
        seen_bytes_ = a.bytes_from_client;
        last_active_ = now;
    }
    next_ = now + longest_sleep_;
    const auto due = [&](SteadyTime deadline) {
        next_ = std::min(next_, deadline);
        return now >= deadline;
    };
    if (settings_.idle.count() > 0 && due(last_active_ + settings_.idle)) return Expiry{TimeoutKind::idle, settings_.idle, 0};
    if (settings_.frame_min_rate > 0 && a.frame.running) {
        // What has arrived only grows, so the deadline only moves later: a check planned for
        // this one is never late.
        const auto allowed = frame_allowance(settings_, a.frame.received);
        if (due(a.frame.since + allowed)) return Expiry{TimeoutKind::slow_frame, allowed, a.frame.size, a.frame.received};
    }
    if (settings_.request_default.count() > 0 && a.awaiting_broker) {
        const auto allowed = broker_allowance(settings_, a.own_timeout_ms);
        if (due(a.waiting_since + allowed)) return Expiry{TimeoutKind::upstream_request, allowed, 0};
    }
    return std::nullopt;
}

std::string describe(const Expiry& e, const TimeoutSettings& s) {
    switch (e.kind) {
        case TimeoutKind::idle:
            return fmt::format("idle for {} ms with nothing in flight (connections-max-idle-ms)", e.allowed.count());
        case TimeoutKind::slow_frame:
            return fmt::format("a {} frame arrived slower than frame-min-bytes-per-second {}: {} bytes of it in {} ms "
                               "(frame-grace-ms {} aside)",
                               e.frame_size > 0 ? fmt::format("{}-byte", e.frame_size) : std::string("size prefix of a"),
                               s.frame_min_rate, e.frame_received, e.allowed.count(), s.frame_grace.count());
        case TimeoutKind::upstream_request:
            return fmt::format("no answer within {} ms (the request's timeout or upstream-request-timeout-ms, plus "
                               "upstream-timeout-margin-ms {})",
                               e.allowed.count(), s.request_margin.count());
    }
    return "timeout";
}

RateLimitedLog& timeouts_log() {
    static RateLimitedLog log;
    return log;
}

}  // namespace kgate::gateway
