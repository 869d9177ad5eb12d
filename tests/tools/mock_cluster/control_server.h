// The control channel: a TCP listener on 127.0.0.1 whose clients send one
// command per line and get one reply line each (see command.h). Runs on the
// calling thread with poll(); commands are quick calls into the mock, so one
// thread serves every client and there is nothing to join at shutdown.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "command.h"
#include "line_splitter.h"
#include "common/unique_fd.h"

namespace kgate::mockcluster {

enum class StopReason { deadline, stop_fd, quit_command };

class ControlServer {
 public:
  // Listens on 127.0.0.1 with a kernel-chosen port. Throws std::system_error.
  explicit ControlServer(CommandRunner& runner);
  ~ControlServer();
  ControlServer(const ControlServer&) = delete;
  ControlServer& operator=(const ControlServer&) = delete;

  [[nodiscard]] std::uint16_t port() const noexcept { return port_; }

  // Serves clients until the deadline, until stop_fd is readable, or until a
  // client sends `quit` (whose "ok" is sent first). A client leaving or
  // misbehaving only ends that client's connection.
  [[nodiscard]] StopReason run(std::chrono::steady_clock::time_point deadline, int stop_fd);

 private:
  struct Client;

  void accept_clients();
  // Reads what is available and runs complete lines. False: drop the client.
  [[nodiscard]] bool read_from(Client& client);
  void answer(Client& client, const Line& line);
  // Sends queued replies without blocking. False: drop the client.
  [[nodiscard]] static bool flush(Client& client);

  CommandRunner& runner_;
  UniqueFd listener_;
  std::uint16_t port_ = 0;
  std::vector<std::unique_ptr<Client>> clients_;
  bool quit_ = false;
};

}  // namespace kgate::mockcluster
