#pragma once
// The three timeouts of a client connection, as plain logic the session's one timer drives:
//   idle:             nothing sent by the client and nothing in flight for connections-max-idle-ms;
//   slow_frame:       a client frame whose bytes so far arrived slower than
//                     frame-min-bytes-per-second once frame-grace-ms is set aside, counted from its
//                     first byte: due at the grace plus what has arrived at the floor rate. Its
//                     announced size buys nothing, so a frame announced at 100 MB and trickled at
//                     500 bytes a second closes within a minute, as a small one would;
//   upstream_request: the broker has not answered the oldest request within that request's own
//                     timeout (or upstream-request-timeout-ms) plus upstream-timeout-margin-ms,
//                     counted from when it was sent or the answer before it came, whichever is
//                     later (a broker answers one connection's requests in order).
//
// The session records nothing per request for this: the check looks at its state when the timer
// fires. A deadline that appears between two checks is never shorter than the shortest
// allowance (the frame grace or the margin), so checking at least that often is never late;
// activity is noticed at the check that sees it, so an idle connection closes at most one
// check interval after its idle time.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

#include "gateway/config/gateway_config.h"
#include "gateway/log/rate_limited_log.h"
#include "gateway/metrics/gateway_metrics.h"
#include "gateway/net/frame_clock.h"

namespace kgate::gateway {

using SteadyTime = std::chrono::steady_clock::time_point;

struct TimeoutSettings {
    std::chrono::milliseconds idle{0};             // 0: never
    std::chrono::milliseconds frame_grace{30000};
    std::size_t frame_min_rate = 0;                // bytes per second; 0: slow frames are never closed
    std::chrono::milliseconds request_default{0};  // 0: the broker is never timed out
    std::chrono::milliseconds request_margin{30000};

    static TimeoutSettings from(const GatewayConfig& config);
    bool any() const { return idle.count() > 0 || frame_min_rate > 0 || request_default.count() > 0; }
};

// What the session is doing, as the check sees it.
struct SessionActivity {
    std::uint64_t bytes_from_client = 0;  // any change since the last check is activity
    FrameClock frame;                      // a client frame on its way in
    bool in_flight = false;                // requests not answered yet
    bool awaiting_broker = false;          // the oldest of them waits on the broker
    SteadyTime waiting_since{};
    std::int32_t own_timeout_ms = -1;      // that request's own timeout; -1: it carries none
};

struct Expiry {
    TimeoutKind kind = TimeoutKind::idle;
    std::chrono::milliseconds allowed{0};  // what the connection, frame or broker was given
    std::size_t frame_size = 0;            // slow_frame: the announced size (0: prefix incomplete)
    std::size_t frame_received = 0;        // slow_frame: the bytes of it that had arrived
};

class SessionTimeouts {
public:
    SessionTimeouts(const TimeoutSettings& settings, SteadyTime now);

    // What expired, if anything; otherwise next_check() says when to look again.
    std::optional<Expiry> check(const SessionActivity& activity, SteadyTime now);
    SteadyTime next_check() const { return next_; }

    // How long a frame may have taken from its first byte with `received` of its bytes in.
    static std::chrono::milliseconds frame_allowance(const TimeoutSettings& settings, std::size_t received);
    // How long the broker has for a request whose own timeout is `own_timeout_ms` (-1: none).
    static std::chrono::milliseconds broker_allowance(const TimeoutSettings& settings, std::int32_t own_timeout_ms);

private:
    TimeoutSettings settings_;
    std::chrono::milliseconds longest_sleep_;
    SteadyTime last_active_;
    std::uint64_t seen_bytes_ = 0;
    SteadyTime next_;
};

// The log line's reason, naming the setting: "idle for 600000 ms with nothing in flight
// (connections-max-idle-ms)".
std::string describe(const Expiry& expiry, const TimeoutSettings& settings);

// Slow frames and silent brokers, logged as warnings at most 20 a second.
RateLimitedLog& timeouts_log();

}  // namespace kgate::gateway
