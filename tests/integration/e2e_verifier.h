// Consumer-side checks, shared by every consumer of a run (under one lock, so a partition
// handed from one consumer to another in a rebalance is checked as one sequence).
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace kgate::e2e {

class Verifier {
 public:
  // expect_foreign >= 0: exactly that many messages of other runs must arrive (an aborted
  // transaction's, read_uncommitted), 0 included (read_committed must hide them all).
  // max_duplicates > 0: up to that many messages may arrive twice (a broker that writes a
  // retried batch again, as KoP does after a broker stops), each going back in its key's
  // sequence once; nothing may be missing all the same.
  Verifier(std::string run_id, int expect, int consumers, int expect_foreign = -1, int max_duplicates = 0);

  void record(int consumer, std::int32_t partition, std::int64_t offset, std::string_view key, std::string_view value);
  // Every id of the run has arrived at least once.
  bool complete() const;
  // Waits until complete(), give_up() or the deadline; returns complete().
  bool wait_complete(std::chrono::steady_clock::time_point deadline) const;
  // A consumer failed: nobody needs to wait for the deadline any more.
  void give_up();
  // Exact count, no duplicates, per-partition offsets and per-key sequence numbers increasing,
  // every consumer got messages from at least one partition, and the foreign count if one is expected.
  bool ok() const;
  std::string summary() const;

 private:
  const std::string run_id_;
  const int expect_;
  const int expect_foreign_;
  const int max_duplicates_;

  mutable std::mutex mutex_;
  mutable std::condition_variable completed_;
  std::vector<bool> seen_;
  bool given_up_ = false;
  std::int64_t distinct_ = 0;
  std::int64_t own_ = 0;
  std::int64_t foreign_ = 0;          // earlier runs' messages on the same topic
  std::int64_t duplicates_ = 0;       // an id seen again
  std::int64_t offset_regressions_ = 0;
  std::int64_t seq_regressions_ = 0;
  std::int64_t malformed_ = 0;        // unreadable value, id out of range, or key mismatch
  std::int64_t key_moved_ = 0;        // a key seen on two partitions
  std::map<std::int32_t, std::int64_t> last_offset_;
  std::map<std::int32_t, std::int64_t> last_seq_;       // by key
  std::map<std::int32_t, std::int32_t> key_partition_;
  std::vector<std::set<std::int32_t>> consumer_partitions_;
  std::vector<std::int64_t> consumer_messages_;
};

}  // namespace kgate::e2e
