// Hard stop for the whole process: librdkafka teardown can block on a
// misbehaving peer, and this tool must always end by itself.
#pragma once

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

namespace kgate::capture {

class Watchdog {
 public:
  // After `limit`, prints a message and _Exit()s with exit_code.
  Watchdog(std::chrono::steady_clock::duration limit, int exit_code);
  ~Watchdog();  // disarms
  Watchdog(const Watchdog&) = delete;
  Watchdog& operator=(const Watchdog&) = delete;

 private:
  std::mutex mu_;
  std::condition_variable_any cv_;
  std::jthread thread_;  // last: the thread uses the members above
};

}  // namespace kgate::capture
