// One relayed connection: accepts the librdkafka client on its private
// 127.0.0.1 listener, connects to the real broker and copies bytes both ways
// (one thread per direction, blocking sockets) while a ConnectionTap watches.
#pragma once

#include <netinet/in.h>

#include <atomic>
#include <cstdint>
#include <mutex>
#include <stop_token>
#include <thread>

#include "connection_tap.h"
#include "frame_recorder.h"
#include "common/unique_fd.h"

namespace kgate::capture {

class RelaySession {
 public:
  RelaySession(UniqueFd listener, const sockaddr_in& broker, FrameRecorder& recorder,
               std::uint64_t id);
  ~RelaySession();  // stops and joins
  RelaySession(const RelaySession&) = delete;
  RelaySession& operator=(const RelaySession&) = delete;

  // Asks the session to end and unblocks its threads; does not wait.
  void stop();
  [[nodiscard]] bool finished() const noexcept { return finished_.load(); }

 private:
  void run(const std::stop_token& stop);
  [[nodiscard]] UniqueFd accept_client(const std::stop_token& stop);
  void pump(int from, int to, bool client_to_broker);

  UniqueFd listener_;
  const sockaddr_in broker_;
  const std::uint64_t id_;
  FrameRecorder& recorder_;
  ConnectionTap tap_;

  // Set once both sockets are up, closed only by the destructor after the
  // threads are joined, so stop() can never shut down a reused descriptor.
  std::mutex mu_;
  UniqueFd client_;
  UniqueFd upstream_;

  std::atomic<bool> finished_{false};
  std::jthread thread_;  // last: starts after every other member exists
};

}  // namespace kgate::capture
