#pragma once
// Connecting to a broker with a deadline.
#include <chrono>

#include "gateway/net/asio.h"
#include "gateway/routing/host_port.h"

namespace kgate::gateway {

// Resolves and connects `socket` (on its own executor) to `target` within `timeout`.
// Fails with asio::error::timed_out when the deadline passes first.
awaitable<error_code> connect_with_timeout(tcp::socket& socket, const HostPort& target, std::chrono::milliseconds timeout);

}  // namespace kgate::gateway
