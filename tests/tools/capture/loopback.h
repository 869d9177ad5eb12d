// Socket helpers that refuse to touch anything but 127.0.0.1.
#pragma once

#include <netinet/in.h>
#include <sys/socket.h>

#include <cstddef>
#include <span>

#include "common/unique_fd.h"

namespace kgate::capture {

// True when addr is AF_INET 127.0.0.1 (any port).
[[nodiscard]] bool is_ipv4_localhost(const sockaddr* addr, socklen_t addrlen) noexcept;

struct Listener {
  UniqueFd fd;
  sockaddr_in addr{};  // the ephemeral port the kernel picked
};

// Listening TCP socket on 127.0.0.1:0. Throws std::system_error.
[[nodiscard]] Listener listen_on_loopback(int backlog);

// Blocking TCP connect to a 127.0.0.1 address. Throws std::system_error,
// including when target is not 127.0.0.1.
[[nodiscard]] UniqueFd connect_to_loopback(const sockaddr_in& target);

// Writes all of data to a blocking socket. False on any error (peer gone).
[[nodiscard]] bool send_all(int fd, std::span<const std::byte> data) noexcept;

}  // namespace kgate::capture
