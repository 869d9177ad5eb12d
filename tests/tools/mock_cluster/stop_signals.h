// SIGINT/SIGTERM as a readable file descriptor, so the event loop can wait
// for them together with its sockets and no signal handler is needed.
#pragma once

#include "common/unique_fd.h"

namespace kgate::mockcluster {

class StopSignals {
 public:
  // Blocks SIGINT and SIGTERM in the calling thread. Call it before any other
  // thread starts (librdkafka's included), so every thread inherits the mask
  // and the signals can only arrive through fd(). Throws std::system_error.
  StopSignals();
  // The mask stays blocked: a second Ctrl-C during teardown must not turn a
  // clean exit into death by signal.
  ~StopSignals() = default;
  StopSignals(const StopSignals&) = delete;
  StopSignals& operator=(const StopSignals&) = delete;

  [[nodiscard]] int fd() const noexcept { return fd_.get(); }
  // Consumes one pending signal; returns its number, or 0 if none was pending.
  [[nodiscard]] int take() noexcept;

 private:
  UniqueFd fd_;
};

}  // namespace kgate::mockcluster
