// Per-record latency, one line per record, for the soak's per-minute percentiles
// (tests/bench/soak/): "UNIX_MS ID LATENCY_US". The producer logs each acknowledgement, the
// consumer each record it reads; matching the ids of both logs counts loss and duplicates
// exactly, independently of the verifier.
#pragma once

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <mutex>
#include <string>

namespace kgate::e2e {

class LatencyLog {
 public:
  // An empty path logs nothing. Throws (start-up only) when the file cannot be opened.
  explicit LatencyLog(const std::string& path);
  ~LatencyLog();
  LatencyLog(const LatencyLog&) = delete;
  LatencyLog& operator=(const LatencyLog&) = delete;

  bool enabled() const { return file_ != nullptr; }
  // Safe from several threads (the consumer group's members share one log).
  void record(std::int64_t id, std::int64_t latency_us);

 private:
  std::mutex mutex_;
  std::FILE* file_ = nullptr;
  // Flushed about once a second: a client killed at its deadline loses at most that much.
  std::chrono::steady_clock::time_point next_flush_;
};

// Wall-clock milliseconds, the clock Kafka record timestamps use.
std::int64_t unix_ms();

}  // namespace kgate::e2e
