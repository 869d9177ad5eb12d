#include "relay.h"

#include <cerrno>
#include <cstring>
#include <system_error>
#include <utility>

#include "loopback.h"

namespace kgate::capture {

Relay::Relay(FrameRecorder& recorder) : recorder_(recorder) {}

Relay::~Relay() { stop(); }

int Relay::connect_client(int sockfd, const sockaddr* addr, socklen_t addrlen) noexcept {
  // The mock brokers listen on 127.0.0.1; anything else is not ours to reach.
  if (!is_ipv4_localhost(addr, addrlen)) return EHOSTUNREACH;
  sockaddr_in broker{};
  std::memcpy(&broker, addr, sizeof broker);

  try {
    Listener listener = listen_on_loopback(1);
    const sockaddr_in relay_addr = listener.addr;
    {
      const std::scoped_lock lock(mu_);
      if (stopping_) return ECONNREFUSED;
      reap_finished_locked();
      // Listening already, so the client's connect below completes in the
      // kernel backlog even before the session thread accepts it.
      sessions_.push_back(
          std::make_unique<RelaySession>(std::move(listener.fd), broker, recorder_, ++next_id_));
    }
    if (::connect(sockfd, reinterpret_cast<const sockaddr*>(&relay_addr), sizeof relay_addr) == 0) {
      return 0;
    }
    // The socket is non-blocking: in progress is success for librdkafka,
    // which polls for writability and checks SO_ERROR itself.
    return errno == EINPROGRESS ? 0 : errno;
  } catch (const std::system_error& e) {
    return e.code().value() != 0 ? e.code().value() : EIO;
  } catch (...) {
    return ENOMEM;
  }
}

void Relay::stop() {
  std::vector<std::unique_ptr<RelaySession>> sessions;
  {
    const std::scoped_lock lock(mu_);
    stopping_ = true;
    sessions = std::move(sessions_);
    sessions_.clear();
  }
  // Wake all first, then join (destructors), so shutdowns run in parallel.
  for (auto& session : sessions) session->stop();
  sessions.clear();
}

std::uint64_t Relay::connections() const {
  const std::scoped_lock lock(mu_);
  return next_id_;
}

void Relay::reap_finished_locked() {
  std::erase_if(sessions_, [](const auto& session) { return session->finished(); });
}

}  // namespace kgate::capture
