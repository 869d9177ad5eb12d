#include "e2e_verifier.h"

#include "e2e_payload.h"

namespace kgate::e2e {

Verifier::Verifier(std::string run_id, int expect, int consumers, int expect_foreign, int max_duplicates)
    : run_id_(std::move(run_id)),
      expect_(expect),
      expect_foreign_(expect_foreign),
      max_duplicates_(max_duplicates),
      seen_(static_cast<std::size_t>(expect)),
      consumer_partitions_(static_cast<std::size_t>(consumers)),
      consumer_messages_(static_cast<std::size_t>(consumers)) {}

void Verifier::record(int consumer, std::int32_t partition, std::int64_t offset, std::string_view key,
                      std::string_view value) {
  std::lock_guard lock(mutex_);
  const auto c = static_cast<std::size_t>(consumer);
  consumer_partitions_[c].insert(partition);
  ++consumer_messages_[c];

  // Offsets are checked for every message: the log is one sequence whoever wrote it.
  if (const auto it = last_offset_.find(partition); it != last_offset_.end() && offset <= it->second) {
    ++offset_regressions_;
  }
  last_offset_[partition] = offset;

  const auto payload = decode_payload(value);
  if (!payload) {
    ++malformed_;
    return;
  }
  if (payload->run_id != run_id_) {
    ++foreign_;
    return;
  }
  ++own_;
  if (payload->id < 0 || payload->id >= expect_ || key != key_name(payload->key)) {
    ++malformed_;
    return;
  }
  if (seen_[static_cast<std::size_t>(payload->id)]) {
    ++duplicates_;
  } else {
    seen_[static_cast<std::size_t>(payload->id)] = true;
    if (++distinct_ == expect_) completed_.notify_all();
  }
  if (const auto [it, inserted] = key_partition_.emplace(payload->key, partition); !inserted && it->second != partition) {
    ++key_moved_;
  }
  if (const auto it = last_seq_.find(payload->key); it != last_seq_.end() && payload->seq <= it->second) {
    ++seq_regressions_;
  }
  last_seq_[payload->key] = payload->seq;
}

bool Verifier::complete() const {
  std::lock_guard lock(mutex_);
  return distinct_ >= expect_;
}

bool Verifier::wait_complete(std::chrono::steady_clock::time_point deadline) const {
  std::unique_lock lock(mutex_);
  completed_.wait_until(lock, deadline, [this] { return distinct_ >= expect_ || given_up_; });
  return distinct_ >= expect_;
}

void Verifier::give_up() {
  std::lock_guard lock(mutex_);
  given_up_ = true;
  completed_.notify_all();
}

bool Verifier::ok() const {
  std::lock_guard lock(mutex_);
  bool every_consumer_served = true;
  for (const auto& partitions : consumer_partitions_) every_consumer_served = every_consumer_served && !partitions.empty();
  return distinct_ == expect_ && own_ == expect_ + duplicates_ && duplicates_ <= max_duplicates_ && offset_regressions_ == 0 &&
         seq_regressions_ <= duplicates_ && malformed_ == 0 && key_moved_ == 0 && every_consumer_served &&
         (expect_foreign_ < 0 || foreign_ == expect_foreign_);
}

std::string Verifier::summary() const {
  std::lock_guard lock(mutex_);
  std::string out = std::to_string(distinct_) + "/" + std::to_string(expect_) + " distinct, " + std::to_string(own_) +
                    " received, " + std::to_string(duplicates_) + " duplicates, " + std::to_string(offset_regressions_) +
                    " offset regressions, " + std::to_string(seq_regressions_) + " sequence regressions";
  if (max_duplicates_ > 0) out += " (at most " + std::to_string(max_duplicates_) + " duplicates allowed)";
  if (malformed_ > 0) out += ", " + std::to_string(malformed_) + " malformed";
  if (key_moved_ > 0) out += ", " + std::to_string(key_moved_) + " keys on two partitions";
  if (expect_foreign_ >= 0) {
    out += ", " + std::to_string(foreign_) + " of other runs (expected " + std::to_string(expect_foreign_) + ")";
  } else if (foreign_ > 0) {
    out += ", " + std::to_string(foreign_) + " from earlier runs skipped";
  }
  out += ", " + std::to_string(last_offset_.size()) + " partitions; per consumer (messages/partitions):";
  for (std::size_t c = 0; c < consumer_messages_.size(); ++c) {
    out += " " + std::to_string(consumer_messages_[c]) + "/" + std::to_string(consumer_partitions_[c].size());
  }
  return out;
}

}  // namespace kgate::e2e
