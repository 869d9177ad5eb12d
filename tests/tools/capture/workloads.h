// Client workloads that make librdkafka exercise as many Kafka APIs as the
// mock cluster answers. Each is bounded by the shared deadline.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

#include "relay.h"

namespace kgate::capture {

inline constexpr const char* kTopic = "golden";
inline constexpr int kTopicPartitions = 4;
inline constexpr const char* kTxnTopic = "golden-txn";
inline constexpr int kTxnTopicPartitions = 2;
inline constexpr const char* kGroup = "kgate-capture-group";

struct WorkloadEnv {
  Relay& relay;
  std::string bootstraps;
  std::chrono::steady_clock::time_point deadline;

  // Milliseconds left before the deadline, at most cap_ms and at least 1
  // (librdkafka reads 0 as "do not wait" or "forever", depending on the call).
  [[nodiscard]] int budget_ms(int cap_ms) const;
  [[nodiscard]] bool expired() const { return std::chrono::steady_clock::now() >= deadline; }
};

enum class Outcome { ok, skipped, failed };

struct WorkloadReport {
  std::string name;
  Outcome outcome = Outcome::failed;
  std::string detail;
};

struct ProduceSpec {
  std::string codec;  // compression.codec value
  int messages = 0;
};

// Idempotent producer (acks=all) with keys and headers, spread over the
// partitions of kTopic.
[[nodiscard]] WorkloadReport produce_idempotent(const WorkloadEnv& env, const ProduceSpec& spec,
                                                int& delivered);

// Two consumers in kGroup read kTopic until `expected` messages or timeout,
// commit synchronously and leave the group.
[[nodiscard]] WorkloadReport consume_group(const WorkloadEnv& env, int expected);

// Transactional producer: one committed transaction with offsets, one aborted.
[[nodiscard]] WorkloadReport run_transactions(const WorkloadEnv& env);

// read_committed consumer over kTxnTopic (assign, no group join), so fetch
// responses carry control batches and aborted transactions.
[[nodiscard]] WorkloadReport read_transactions(const WorkloadEnv& env);

// Metadata for all topics, ListOffsets, and every admin API; most are not
// implemented by the mock and just fail.
[[nodiscard]] WorkloadReport run_admin(const WorkloadEnv& env);

}  // namespace kgate::capture
