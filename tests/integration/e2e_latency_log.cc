#include "e2e_latency_log.h"

#include <cinttypes>
#include <stdexcept>

namespace kgate::e2e {

std::int64_t unix_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

LatencyLog::LatencyLog(const std::string& path) {
  if (path.empty()) return;
  file_ = std::fopen(path.c_str(), "w");
  if (file_ == nullptr) throw std::runtime_error("cannot open latency log " + path);
}

LatencyLog::~LatencyLog() {
  if (file_ != nullptr) std::fclose(file_);
}

void LatencyLog::record(std::int64_t id, std::int64_t latency_us) {
  if (file_ == nullptr) return;
  std::lock_guard lock(mutex_);
  std::fprintf(file_, "%" PRId64 " %" PRId64 " %" PRId64 "\n", unix_ms(), id, latency_us);
  if (const auto now = std::chrono::steady_clock::now(); now >= next_flush_) {
    std::fflush(file_);
    next_flush_ = now + std::chrono::seconds(1);
  }
}

}  // namespace kgate::e2e
