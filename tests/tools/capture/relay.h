// Puts a recording relay between librdkafka clients and the mock brokers.
// Install connect_client() as the body of rd_kafka_conf_set_connect_cb.
#pragma once

#include <sys/socket.h>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <vector>

#include "frame_recorder.h"
#include "relay_session.h"

namespace kgate::capture {

class Relay {
 public:
  explicit Relay(FrameRecorder& recorder);
  ~Relay();  // stop()
  Relay(const Relay&) = delete;
  Relay& operator=(const Relay&) = delete;

  // Connects librdkafka's (non-blocking) socket to a fresh relay listener
  // that forwards to addr. Follows the connect_cb contract: 0 when the
  // connect succeeded or is in progress (librdkafka then waits for
  // writability itself), otherwise an errno value. Never throws.
  int connect_client(int sockfd, const sockaddr* addr, socklen_t addrlen) noexcept;

  // Ends all sessions and joins their threads. Later connects are refused.
  void stop();

  [[nodiscard]] std::uint64_t connections() const;

 private:
  // Caller holds mu_. Joins sessions whose peers already hung up.
  void reap_finished_locked();

  FrameRecorder& recorder_;
  mutable std::mutex mu_;
  bool stopping_ = false;
  std::uint64_t next_id_ = 0;
  std::vector<std::unique_ptr<RelaySession>> sessions_;
};

}  // namespace kgate::capture
