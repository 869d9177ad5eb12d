#pragma once
// What the accept loops do when accepting fails. Out of descriptors (EMFILE, ENFILE) is what a
// connection flood causes: the connection waits in the kernel's backlog, and accepting again at
// once would spin. The loops pause until a client connection closes (its descriptors are free
// again) or a short interval passes, whichever comes first, and the failure is logged once per
// interval for all listeners together, with the count of the lines held back.
#include <chrono>
#include <cstdint>

#include "gateway/log/rate_limited_log.h"
#include "gateway/metrics/gateway_metrics.h"
#include "gateway/net/asio.h"

namespace kgate::gateway {

class AcceptPause {
public:
    static constexpr std::chrono::milliseconds kRetry{100};  // descriptors may free elsewhere too
    static constexpr std::chrono::seconds kLogInterval{10};

    AcceptPause(asio::io_context& control, GatewayMetrics& metrics) : timer_(control), metrics_(metrics) {}

    // Control loop only: counts and logs a failed accept on `port`.
    void failed(std::uint16_t port, const error_code& ec);
    // Control loop only: an accept on `port` succeeded after `failures` failed ones.
    void recovered(std::uint16_t port, std::uint64_t failures);
    // Resumes when wake() is called or kRetry has passed. Every paused loop shares one timer.
    awaitable<void> pause();
    // A client connection closed: paused loops try again now. Control loop only.
    void wake();

private:
    asio::steady_timer timer_;
    bool armed_ = false;
    GatewayMetrics& metrics_;
    RateLimitedLog log_{1, kLogInterval};
    RateLimitedLog recovered_log_{1, kLogInterval};  // a flood fails and recovers many times a second
};

// EMFILE and ENFILE: the process or the system is out of file descriptors.
bool out_of_descriptors(const error_code& ec);

}  // namespace kgate::gateway
