#include "control_server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstdio>
#include <system_error>

namespace kgate::mockcluster {
namespace {

using Clock = std::chrono::steady_clock;

// Limits that keep a broken or hostile client from growing our memory.
constexpr std::size_t kMaxClients = 32;
constexpr std::size_t kMaxLine = 4096;
constexpr std::size_t kMaxPendingOutput = 64 * 1024;  // a client that never reads
constexpr std::size_t kReadChunk = 4096;

[[noreturn]] void throw_errno(const char* what) {
  throw std::system_error(errno, std::generic_category(), what);
}

int poll_timeout_ms(Clock::time_point deadline) {
  const auto left = std::chrono::ceil<std::chrono::milliseconds>(deadline - Clock::now());
  return static_cast<int>(std::clamp<std::chrono::milliseconds::rep>(left.count(), 0, INT_MAX));
}

}  // namespace

struct ControlServer::Client {
  UniqueFd fd;
  LineSplitter lines{kMaxLine};
  std::string output;
  bool peer_done = false;  // peer shut down its sending side; finish replying, then close
  bool dropped = false;
};

ControlServer::ControlServer(CommandRunner& runner) : runner_(runner) {
  listener_ = UniqueFd(::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
  if (!listener_.valid()) throw_errno("control socket");
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);  // never reachable from off the machine
  addr.sin_port = 0;
  if (::bind(listener_.get(), reinterpret_cast<const sockaddr*>(&addr), sizeof addr) != 0) {
    throw_errno("bind control socket to 127.0.0.1:0");
  }
  if (::listen(listener_.get(), 16) != 0) throw_errno("listen on control socket");
  socklen_t len = sizeof addr;
  if (::getsockname(listener_.get(), reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    throw_errno("getsockname of control socket");
  }
  port_ = ntohs(addr.sin_port);
}

ControlServer::~ControlServer() = default;

StopReason ControlServer::run(Clock::time_point deadline, int stop_fd) {
  std::vector<pollfd> fds;
  while (!quit_) {
    const int timeout = poll_timeout_ms(deadline);
    if (timeout == 0) return StopReason::deadline;

    fds.clear();
    fds.push_back({stop_fd, POLLIN, 0});
    fds.push_back({listener_.get(), POLLIN, 0});
    for (const auto& client : clients_) {
      const short wanted = static_cast<short>((client->peer_done ? 0 : POLLIN) |
                                              (client->output.empty() ? 0 : POLLOUT));
      fds.push_back({client->fd.get(), wanted, 0});
    }
    if (::poll(fds.data(), fds.size(), timeout) < 0) {
      if (errno == EINTR) continue;
      throw_errno("poll");
    }
    if (fds[0].revents != 0) return StopReason::stop_fd;
    if (fds[1].revents != 0) accept_clients();

    // Clients accepted just now are not in fds yet; they are polled next round.
    for (std::size_t i = 0; i + 2 < fds.size() && !quit_; ++i) {
      Client& client = *clients_[i];
      const short revents = fds[i + 2].revents;
      bool keep = true;
      if ((revents & (POLLIN | POLLHUP | POLLERR)) != 0 && !client.peer_done) {
        keep = read_from(client);
      }
      keep = keep && flush(client) && !(client.peer_done && client.output.empty());
      client.dropped = !keep;
    }
    std::erase_if(clients_, [](const auto& client) { return client->dropped; });
  }
  // Best effort: the client that sent quit should still see its "ok".
  for (const auto& client : clients_) (void)flush(*client);
  return StopReason::quit_command;
}

void ControlServer::accept_clients() {
  while (true) {
    UniqueFd fd(::accept4(listener_.get(), nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC));
    if (!fd.valid()) {
      if (errno == EINTR || errno == ECONNABORTED) continue;
      return;  // EAGAIN, or a resource limit: retried on the next readiness
    }
    if (clients_.size() >= kMaxClients) {
      static constexpr char kBusy[] = "error too many control connections\n";
      (void)::send(fd.get(), kBusy, sizeof kBusy - 1, MSG_NOSIGNAL);
      continue;  // fd closes here
    }
    auto client = std::make_unique<Client>();
    client->fd = std::move(fd);
    clients_.push_back(std::move(client));
  }
}

bool ControlServer::read_from(Client& client) {
  char buffer[kReadChunk];
  const ssize_t n = ::recv(client.fd.get(), buffer, sizeof buffer, 0);
  if (n < 0) return errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK;
  if (n == 0) client.peer_done = true;
  client.lines.feed(std::string_view(buffer, static_cast<std::size_t>(n)));
  while (!quit_) {
    std::optional<Line> line = client.lines.next();
    if (!line && client.peer_done) line = client.lines.rest();
    if (!line) break;
    answer(client, *line);
  }
  return client.output.size() <= kMaxPendingOutput;
}

void ControlServer::answer(Client& client, const Line& line) {
  Reply reply;
  if (line.too_long) {
    reply.text = "error line longer than " + std::to_string(kMaxLine) + " bytes";
  } else {
    try {
      reply = runner_.run(line.text);
    } catch (const std::exception& e) {  // e.g. bad_alloc: fail the command, keep serving
      reply.text = std::string("error ") + e.what();
    }
  }
  client.output += reply.text;
  client.output += '\n';
  if (reply.quit) quit_ = true;
}

bool ControlServer::flush(Client& client) {
  while (!client.output.empty()) {
    const ssize_t n =
        ::send(client.fd.get(), client.output.data(), client.output.size(), MSG_NOSIGNAL);
    if (n < 0) {
      if (errno == EINTR) continue;
      return errno == EAGAIN || errno == EWOULDBLOCK;
    }
    client.output.erase(0, static_cast<std::size_t>(n));
  }
  return true;
}

}  // namespace kgate::mockcluster
