#include "e2e_transactions.h"

#include <chrono>
#include <cstdio>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "e2e_client.h"
#include "e2e_options.h"
#include "e2e_payload.h"

namespace kgate::e2e {
namespace {

using Clock = std::chrono::steady_clock;
constexpr int kTxnCallTimeoutMs = 60'000;

class DeliveryFailures : public RdKafka::DeliveryReportCb {
 public:
  void dr_cb(RdKafka::Message& message) override {
    if (message.err() == RdKafka::ERR_NO_ERROR) return;
    // Messages of an aborted transaction are reported as ERR__PURGE_QUEUE when still queued.
    if (message.err() == RdKafka::ERR__PURGE_QUEUE) return;
    if (failed_++ == 0) first_error_ = message.errstr();
  }
  int failed() const { return failed_; }
  const std::string& first_error() const { return first_error_; }

 private:
  int failed_ = 0;  // delivery reports arrive on the producing thread (poll/flush/commit)
  std::string first_error_;
};

// Throws with the call's name when a transactional call fails.
void check(const char* what, RdKafka::Error* raw) {
  std::unique_ptr<RdKafka::Error> error(raw);
  if (!error) return;
  throw std::runtime_error(std::string(what) + ": " + error->str() + (error->is_fatal() ? " (fatal)" : "") +
                           (error->txn_requires_abort() ? " (abortable)" : ""));
}

void produce_one(RdKafka::Producer& producer, const Options& o, const Payload& p, Clock::time_point deadline) {
  const std::string key = key_name(p.key);
  std::string value = encode_payload(p);
  for (;;) {
    const auto err = producer.produce(o.topic, RdKafka::Topic::PARTITION_UA, RdKafka::Producer::RK_MSG_COPY,
                                      value.data(), value.size(), key.data(), key.size(), 0, nullptr);
    if (err == RdKafka::ERR_NO_ERROR) return;
    if (err != RdKafka::ERR__QUEUE_FULL || Clock::now() >= deadline) {
      throw std::runtime_error("produce: " + RdKafka::err2str(err));
    }
    producer.poll(10);
  }
}

}  // namespace

int run_txn_produce(const Options& o) {
  StatsChecker stats(o);
  ClientEvents events("txn-producer[" + o.label + "]", stats);
  DeliveryFailures reports;
  auto conf = make_conf({{"bootstrap.servers", o.bootstrap},
                         {"client.id", "kgate-e2e-" + o.label},
                         {"transactional.id", "kgate-e2e-" + o.label + "-" + o.run_id},
                         {"statistics.interval.ms", "1000"},
                         {"message.timeout.ms", "60000"}});
  set_callback(*conf, "event_cb", &events);
  auto producer = make_producer(*conf, reports);

  const auto start = Clock::now();
  const auto deadline = start + std::chrono::seconds(o.timeout_s);
  std::vector<std::int64_t> next_seq(static_cast<std::size_t>(o.keys));
  int committed = 0;
  int aborted = 0;
  int commits = 0;
  int aborts = 0;
  std::string failure;
  try {
    check("init_transactions", producer->init_transactions(kTxnCallTimeoutMs));
    for (int txn = 0; committed < o.count; ++txn) {
      if (Clock::now() >= deadline) throw std::runtime_error("deadline reached");
      const bool abort = txn % o.abort_every == o.abort_every - 1;
      const int size = abort ? o.batch : std::min(o.batch, o.count - committed);
      check("begin_transaction", producer->begin_transaction());
      for (int i = 0; i < size; ++i) {
        if (abort) {
          const int id = aborted + i;
          produce_one(*producer, o, Payload{o.run_id + "-aborted", id, id % o.keys, 0}, deadline);
        } else {
          Payload p{o.run_id, committed + i, (committed + i) % o.keys, 0};
          p.seq = next_seq[static_cast<std::size_t>(p.key)]++;
          produce_one(*producer, o, p, deadline);
        }
        producer->poll(0);
      }
      if (abort) {
        // Flushed first, so the aborted records really are in the log (a read_uncommitted
        // consumer must see them) rather than purged from the local queue.
        producer->flush(kTxnCallTimeoutMs);
        check("abort_transaction", producer->abort_transaction(kTxnCallTimeoutMs));
        aborted += size;
        ++aborts;
      } else {
        check("commit_transaction", producer->commit_transaction(kTxnCallTimeoutMs));
        committed += size;
        ++commits;
      }
    }
  } catch (const std::exception& e) {
    failure = e.what();
  }
  const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
  const auto stats_deadline = Clock::now() + std::chrono::seconds(3);
  while (stats.snapshots() == 0 && Clock::now() < stats_deadline) producer->poll(100);

  const bool ok = failure.empty() && committed == o.count && reports.failed() == 0 && !events.fatal() && stats.ok();
  std::printf("txn-produce[%s]: %s %d committed in %d transactions, %d aborted in %d transactions, %d failed, "
              "%d client errors, %.1f s; %s",
              o.label.c_str(), ok ? "OK" : "FAILED", committed, commits, aborted, aborts, reports.failed(),
              events.errors(), seconds, stats.summary().c_str());
  if (!failure.empty()) std::printf("; stopped: %s", failure.c_str());
  if (reports.failed() > 0) std::printf("; first delivery error: %s", reports.first_error().c_str());
  if (events.errors() > 0) std::printf("; first client error: %s", events.first_error().c_str());
  std::printf("\n");
  return ok ? 0 : 1;
}

}  // namespace kgate::e2e
