#include "e2e_producer.h"

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

#include "e2e_client.h"
#include "e2e_latency_log.h"
#include "e2e_options.h"
#include "e2e_payload.h"

namespace kgate::e2e {
namespace {

using Clock = std::chrono::steady_clock;

// Message i of a paced run is due at start + duration * i / count. Its latency runs from that
// due time, not from when produce() was called, to its acknowledgement: a gateway that stalls
// the producer is charged for the whole stall (no coordinated omission).
class AckLatency {
 public:
  AckLatency(const Options& o, Clock::time_point start) : log_(o.latency_log), start_(start), o_(o) {}
  void acknowledged(std::int64_t id) {
    if (!log_.enabled()) return;
    const auto due = start_ + std::chrono::milliseconds(static_cast<long long>(o_.duration_ms) * id / o_.count);
    log_.record(id, std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - due).count());
  }

 private:
  LatencyLog log_;
  Clock::time_point start_;
  const Options& o_;
};

class DeliveryCounter : public RdKafka::DeliveryReportCb {
 public:
  explicit DeliveryCounter(AckLatency& latency) : latency_(latency) {}
  void dr_cb(RdKafka::Message& message) override {
    if (message.err() != RdKafka::ERR_NO_ERROR) {
      if (failed_++ == 0) first_error_ = message.errstr();
      return;
    }
    ++delivered_;
    partitions_.insert(message.partition());
    // The message's id travels as its opaque pointer (see run_produce).
    latency_.acknowledged(reinterpret_cast<std::intptr_t>(message.msg_opaque()));
  }
  // Delivery reports arrive inside poll()/flush() on the producing thread: no lock needed.
  int delivered() const { return delivered_; }
  int failed() const { return failed_; }
  std::size_t partitions() const { return partitions_.size(); }
  const std::string& first_error() const { return first_error_; }

 private:
  AckLatency& latency_;
  int delivered_ = 0;
  int failed_ = 0;
  std::set<std::int32_t> partitions_;
  std::string first_error_;
};

// Lets the driver script start its faults or bad input once traffic really flows.
class StartedMarker {
 public:
  explicit StartedMarker(std::string path) : path_(std::move(path)), done_(path_.empty()) {}
  void update(const DeliveryCounter& reports) {
    if (done_ || reports.delivered() == 0) return;
    done_ = true;
    if (std::FILE* f = std::fopen(path_.c_str(), "w")) {
      std::fputs("started\n", f);
      std::fclose(f);
    }
  }

 private:
  std::string path_;
  bool done_;
};

int remaining_ms(Clock::time_point until) {
  const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(until - Clock::now()).count();
  return static_cast<int>(std::clamp<long long>(left, 0, 100));
}

}  // namespace

int run_produce(const Options& o) {
  StatsChecker stats(o);
  ClientEvents events("producer[" + o.label + "]", stats);
  const auto start = Clock::now();
  AckLatency latency(o, start);
  DeliveryCounter reports(latency);
  auto conf = make_conf({{"bootstrap.servers", o.bootstrap},
                         {"client.id", "kgate-e2e-" + o.label},
                         {"enable.idempotence", "true"},
                         {"acks", "all"},
                         {"statistics.interval.ms", "1000"},
                         {"message.timeout.ms", std::to_string(std::min(o.timeout_s, 120) * 1000)}});
  set_callback(*conf, "event_cb", &events);
  auto producer = make_producer(*conf, reports);

  const auto deadline = start + std::chrono::seconds(o.timeout_s);
  std::vector<std::int64_t> next_seq(static_cast<std::size_t>(o.keys));
  int produced = 0;
  StartedMarker started(o.started_file);
  std::string produce_error;
  for (; produced < o.count && produce_error.empty() && Clock::now() < deadline; ++produced) {
    // Paced runs spread the messages evenly over the duration, serving callbacks meanwhile.
    const auto due = start + std::chrono::milliseconds(static_cast<long long>(o.duration_ms) * produced / o.count);
    while (Clock::now() < due) producer->poll(remaining_ms(due));
    Payload p{o.run_id, produced, produced % o.keys, 0};
    p.seq = next_seq[static_cast<std::size_t>(p.key)]++;
    const std::string key = key_name(p.key);
    std::string value = encode_payload(p);
    for (;;) {
      const auto err = producer->produce(o.topic, RdKafka::Topic::PARTITION_UA, RdKafka::Producer::RK_MSG_COPY,
                                         value.data(), value.size(), key.data(), key.size(), 0,
                                         reinterpret_cast<void*>(static_cast<std::intptr_t>(p.id)));
      if (err == RdKafka::ERR_NO_ERROR) break;
      if (err != RdKafka::ERR__QUEUE_FULL || Clock::now() >= deadline) {
        produce_error = RdKafka::err2str(err);
        break;
      }
      producer->poll(10);  // the local queue is full: let deliveries drain it
    }
    producer->poll(0);
    started.update(reports);
  }
  while (producer->outq_len() > 0 && Clock::now() < deadline) producer->flush(100);
  const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
  // A run shorter than the statistics interval still needs one document to check.
  const auto stats_deadline = Clock::now() + std::chrono::seconds(3);
  while (stats.snapshots() == 0 && Clock::now() < stats_deadline) producer->poll(100);

  const bool delivered_all = reports.delivered() == o.count && reports.failed() == 0 && produce_error.empty();
  const bool clean = !events.fatal() && (!o.strict || events.errors() == 0);
  const bool ok = delivered_all && clean && stats.ok();
  std::printf("produce[%s]: %s %d/%d delivered, %d failed, %zu partitions, %d client errors, %.1f s; %s",
              o.label.c_str(), ok ? "OK" : "FAILED", reports.delivered(), o.count, reports.failed(), reports.partitions(),
              events.errors(), seconds, stats.summary().c_str());
  if (!produce_error.empty()) std::printf("; produce() failed after %d messages: %s", produced, produce_error.c_str());
  if (reports.failed() > 0) std::printf("; first delivery error: %s", reports.first_error().c_str());
  if (events.errors() > 0) std::printf("; first client error%s: %s", events.fatal() ? " (fatal)" : "", events.first_error().c_str());
  if (producer->outq_len() > 0) std::printf("; %d still queued at the deadline", producer->outq_len());
  std::printf("\n");
  return ok ? 0 : 1;
}

}  // namespace kgate::e2e
