#include "loopback.h"

#include <arpa/inet.h>
#include <netinet/tcp.h>

#include <cerrno>
#include <cstring>
#include <system_error>

namespace kgate::capture {
namespace {

[[noreturn]] void throw_errno(const char* what) {
  throw std::system_error(errno, std::generic_category(), what);
}

}  // namespace

bool is_ipv4_localhost(const sockaddr* addr, socklen_t addrlen) noexcept {
  if (addr == nullptr || addrlen < static_cast<socklen_t>(sizeof(sockaddr_in)) ||
      addr->sa_family != AF_INET) {
    return false;
  }
  sockaddr_in in{};
  std::memcpy(&in, addr, sizeof in);  // addr need not be aligned for sockaddr_in
  return in.sin_addr.s_addr == htonl(INADDR_LOOPBACK);
}

Listener listen_on_loopback(int backlog) {
  Listener listener;
  listener.fd = UniqueFd(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
  if (!listener.fd.valid()) throw_errno("socket");
  listener.addr.sin_family = AF_INET;
  listener.addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  listener.addr.sin_port = 0;
  if (::bind(listener.fd.get(), reinterpret_cast<const sockaddr*>(&listener.addr),
             sizeof listener.addr) != 0) {
    throw_errno("bind 127.0.0.1:0");
  }
  if (::listen(listener.fd.get(), backlog) != 0) throw_errno("listen");
  socklen_t len = sizeof listener.addr;
  if (::getsockname(listener.fd.get(), reinterpret_cast<sockaddr*>(&listener.addr), &len) != 0) {
    throw_errno("getsockname");
  }
  return listener;
}

UniqueFd connect_to_loopback(const sockaddr_in& target) {
  if (!is_ipv4_localhost(reinterpret_cast<const sockaddr*>(&target), sizeof target)) {
    throw std::system_error(EHOSTUNREACH, std::generic_category(),
                            "refusing to connect outside 127.0.0.1");
  }
  UniqueFd fd(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
  if (!fd.valid()) throw_errno("socket");
  // Frames are small and latency-sensitive; do not let Nagle delay them.
  const int one = 1;
  ::setsockopt(fd.get(), IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  if (::connect(fd.get(), reinterpret_cast<const sockaddr*>(&target), sizeof target) != 0) {
    throw_errno("connect to broker");
  }
  return fd;
}

bool send_all(int fd, std::span<const std::byte> data) noexcept {
  while (!data.empty()) {
    const ssize_t n = ::send(fd, data.data(), data.size(), MSG_NOSIGNAL);
    if (n < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    data = data.subspan(static_cast<std::size_t>(n));
  }
  return true;
}

}  // namespace kgate::capture
