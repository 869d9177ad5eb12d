#include "relay_session.h"

#include <poll.h>
#include <sys/socket.h>

#include <array>
#include <cerrno>
#include <chrono>
#include <system_error>
#include <vector>

#include "loopback.h"

namespace kgate::capture {
namespace {

// librdkafka connects right after we hand it the listener address; if nobody
// shows up by then, the client gave up on the socket.
constexpr auto kAcceptTimeout = std::chrono::seconds(10);
constexpr int kStopCheckMs = 100;
constexpr std::size_t kChunk = 64 * 1024;

}  // namespace

RelaySession::RelaySession(UniqueFd listener, const sockaddr_in& broker, FrameRecorder& recorder,
                           std::uint64_t id)
    : listener_(std::move(listener)),
      broker_(broker),
      id_(id),
      recorder_(recorder),
      tap_(recorder, id),
      thread_([this](std::stop_token stop) { run(stop); }) {}

RelaySession::~RelaySession() {
  stop();
  if (thread_.joinable()) thread_.join();
}

void RelaySession::stop() {
  thread_.request_stop();
  const std::scoped_lock lock(mu_);
  // shutdown() (not close) wakes threads blocked in recv() on these sockets.
  if (client_.valid()) ::shutdown(client_.get(), SHUT_RDWR);
  if (upstream_.valid()) ::shutdown(upstream_.get(), SHUT_RDWR);
}

UniqueFd RelaySession::accept_client(const std::stop_token& stop) {
  const auto give_up_at = std::chrono::steady_clock::now() + kAcceptTimeout;
  while (!stop.stop_requested() && std::chrono::steady_clock::now() < give_up_at) {
    pollfd pfd{listener_.get(), POLLIN, 0};
    const int ready = ::poll(&pfd, 1, kStopCheckMs);
    if (ready < 0 && errno != EINTR) break;
    if (ready <= 0) continue;
    UniqueFd client(::accept4(listener_.get(), nullptr, nullptr, SOCK_CLOEXEC));
    if (client.valid()) return client;
    if (errno != EINTR && errno != ECONNABORTED) break;
  }
  return UniqueFd();
}

void RelaySession::run(const std::stop_token& stop) {
  UniqueFd client = accept_client(stop);
  listener_.reset();  // one connection per listener
  if (client.valid()) {
    UniqueFd upstream;
    try {
      upstream = connect_to_loopback(broker_);
    } catch (const std::system_error& e) {
      // Dropping the client makes librdkafka see a failed connection and retry.
      recorder_.report_problem("connection " + std::to_string(id_) + ": " + e.what());
    }
    bool start = false;
    if (upstream.valid()) {
      const std::scoped_lock lock(mu_);
      // Checked under mu_ so a concurrent stop() either sees the sockets (and
      // shuts them down) or we see its request here.
      if (!stop.stop_requested()) {
        client_ = std::move(client);
        upstream_ = std::move(upstream);
        start = true;
      }
    }
    if (start) {
      try {
        std::jthread to_client([this] { pump(upstream_.get(), client_.get(), false); });
        pump(client_.get(), upstream_.get(), true);
      } catch (const std::system_error& e) {  // no thread for the second direction
        recorder_.report_problem("connection " + std::to_string(id_) + ": " + e.what());
      }  // joins the broker->client pump
      tap_.finish();
    }
  }
  finished_.store(true);
}

void RelaySession::pump(int from, int to, bool client_to_broker) {
  std::vector<std::byte> buffer(kChunk);
  for (;;) {
    const ssize_t n = ::recv(from, buffer.data(), buffer.size(), 0);
    if (n < 0 && errno == EINTR) continue;
    if (n == 0) {
      // Orderly end of this direction: pass the half-close on so the peer
      // sees it, and let the other direction drain.
      ::shutdown(to, SHUT_WR);
      return;
    }
    if (n < 0) break;
    const std::span<const std::byte> chunk(buffer.data(), static_cast<std::size_t>(n));
    if (client_to_broker) {
      tap_.from_client(chunk);
    } else {
      tap_.from_broker(chunk);
    }
    if (!send_all(to, chunk)) break;
  }
  // Error on either side: tear the whole connection down so the other pump
  // wakes up too.
  ::shutdown(from, SHUT_RDWR);
  ::shutdown(to, SHUT_RDWR);
}

}  // namespace kgate::capture
