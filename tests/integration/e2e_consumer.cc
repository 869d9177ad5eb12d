#include "e2e_consumer.h"

#include <atomic>
#include <chrono>
#include <cstdio>
#include <memory>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "e2e_client.h"
#include "e2e_latency_log.h"
#include "e2e_options.h"
#include "e2e_payload.h"
#include "e2e_verifier.h"

namespace kgate::e2e {
namespace {

using Clock = std::chrono::steady_clock;

// After the last expected message, keep reading this long: a duplicate arriving late
// must still be seen.
constexpr auto kDrain = std::chrono::milliseconds(1000);
constexpr auto kStatsGrace = std::chrono::seconds(3);

std::int64_t to_ms(Clock::time_point t) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
}

// librdkafka's mock coordinator refuses OffsetCommit while its group is joining
// (REBALANCE_IN_PROGRESS), where a real broker accepts it. A member that started reading
// before the others joined would then hand over partitions without their offsets and the
// next owner would re-read them. So members hold their first assignment paused until every
// member holds one; later rebalances are not held back.
class GroupBarrier {
 public:
  explicit GroupBarrier(int members) : members_(members) {}
  void joined() { ++assigned_; }
  void left() { --assigned_; }
  bool complete() const { return assigned_.load() >= members_; }

 private:
  const int members_;
  std::atomic<int> assigned_{0};
};

using Partitions = std::vector<RdKafka::TopicPartition*>;

// Runs on the member's own thread, inside consume(). Eager rebalancing: before partitions
// move to another member, commit what this one has consumed.
class CommittingRebalance : public RdKafka::RebalanceCb {
 public:
  explicit CommittingRebalance(GroupBarrier& barrier) : barrier_(barrier) {}
  ~CommittingRebalance() override { forget_held(); }
  CommittingRebalance(const CommittingRebalance&) = delete;
  CommittingRebalance& operator=(const CommittingRebalance&) = delete;

  void rebalance_cb(RdKafka::KafkaConsumer* consumer, RdKafka::ErrorCode err, Partitions& partitions) override {
    if (err == RdKafka::ERR__ASSIGN_PARTITIONS) {
      ++assignments_;
      consumer->assign(partitions);
      if (!released_) {
        consumer->pause(partitions);
        for (const auto* tp : partitions) held_.push_back(RdKafka::TopicPartition::create(tp->topic(), tp->partition()));
      }
      barrier_.joined();
      return;
    }
    // ERR__NO_OFFSET only says nothing was consumed since the last commit.
    if (const auto commit = consumer->commitSync(); commit != RdKafka::ERR_NO_ERROR && commit != RdKafka::ERR__NO_OFFSET) {
      if (commit_errors_++ == 0) first_commit_error_ = RdKafka::err2str(commit);
    }
    consumer->unassign();
    forget_held();
    barrier_.left();
  }

  // Resumes the held first assignment once the whole group holds partitions.
  void release_when_ready(RdKafka::KafkaConsumer& consumer) {
    if (released_ || !barrier_.complete()) return;
    released_ = true;
    if (!held_.empty()) consumer.resume(held_);
    forget_held();
  }

  int assignments() const { return assignments_.load(); }
  int commit_errors() const { return commit_errors_; }
  const std::string& first_commit_error() const { return first_commit_error_; }

 private:
  void forget_held() {
    for (auto* tp : held_) delete tp;
    held_.clear();
  }

  GroupBarrier& barrier_;
  Partitions held_;  // owned copies, deleted by forget_held()
  bool released_ = false;
  std::atomic<int> assignments_{0};
  int commit_errors_ = 0;  // the member's thread only, read after join
  std::string first_commit_error_;
};

struct Member {
  Member(const Options& o, int index, GroupBarrier& barrier)
      : stats(o), events("consumer[" + o.label + "#" + std::to_string(index) + "]", stats), rebalance(barrier) {}
  StatsChecker stats;
  ClientEvents events;
  CommittingRebalance rebalance;
  std::atomic<int> consume_errors{0};
  std::string first_consume_error;  // written by the member's thread only, read after join
};

// End to end: from the record's CreateTime (set by the producing client, in milliseconds) to
// now. Only this run's records count; the id is what the soak matches against the producer's.
void log_latency(const Options& o, LatencyLog& log, const RdKafka::Message& msg, std::string_view value) {
  if (!log.enabled()) return;
  const auto payload = decode_payload(value);
  const auto ts = msg.timestamp();
  if (!payload || payload->run_id != o.run_id || ts.type != RdKafka::MessageTimestamp::MSG_TIMESTAMP_CREATE_TIME) return;
  log.record(payload->id, (unix_ms() - ts.timestamp) * 1000);
}

void consume_loop(const Options& o, int index, Member& m, Verifier& verifier, LatencyLog& latency,
                  const std::atomic<std::int64_t>& stop_at_ms) {
  auto conf = make_conf({{"bootstrap.servers", o.bootstrap},
                         {"client.id", "kgate-e2e-" + o.label + "-" + std::to_string(index)},
                         {"group.id", o.group},
                         {"auto.offset.reset", "earliest"},
                         {"isolation.level", o.isolation},
                         {"statistics.interval.ms", "1000"}});
  set_callback(*conf, "event_cb", &m.events);
  std::string error;
  if (conf->set("rebalance_cb", static_cast<RdKafka::RebalanceCb*>(&m.rebalance), error) != RdKafka::Conf::CONF_OK) {
    throw std::runtime_error("rebalance_cb: " + error);
  }
  std::unique_ptr<RdKafka::KafkaConsumer> consumer(RdKafka::KafkaConsumer::create(conf.get(), error));
  if (!consumer) throw std::runtime_error("creating consumer: " + error);
  if (const auto err = consumer->subscribe({o.topic}); err != RdKafka::ERR_NO_ERROR) {
    throw std::runtime_error("subscribe: " + RdKafka::err2str(err));
  }
  const auto stats_deadline = [&] { return stop_at_ms.load() + std::chrono::milliseconds(kStatsGrace).count(); };
  for (;;) {
    const std::int64_t now = to_ms(Clock::now());
    // Past the stop time, linger only until one statistics document has been checked.
    if (now >= stop_at_ms.load() && (m.stats.snapshots() > 0 || now >= stats_deadline())) break;
    std::unique_ptr<RdKafka::Message> msg(consumer->consume(100));
    m.rebalance.release_when_ready(*consumer);
    if (msg->err() == RdKafka::ERR_NO_ERROR) {
      const std::string_view key = msg->key() != nullptr ? std::string_view(*msg->key()) : std::string_view();
      const std::string_view value(static_cast<const char*>(msg->payload()), msg->len());
      verifier.record(index, msg->partition(), msg->offset(), key, value);
      log_latency(o, latency, *msg, value);
    } else if (msg->err() != RdKafka::ERR__TIMED_OUT && msg->err() != RdKafka::ERR__PARTITION_EOF) {
      if (m.consume_errors++ == 0) m.first_consume_error = msg->errstr();
    }
  }
  consumer->close();
}

}  // namespace

int run_consume(const Options& o) {
  const auto start = Clock::now();
  const auto deadline = start + std::chrono::seconds(o.timeout_s);
  Verifier verifier(o.run_id, o.expect, o.consumers, o.expect_foreign, o.max_duplicates);
  GroupBarrier barrier(o.consumers);
  LatencyLog latency(o.latency_log);
  std::vector<std::unique_ptr<Member>> members;
  std::atomic<std::int64_t> stop_at_ms{to_ms(deadline)};
  std::vector<std::jthread> threads;
  std::vector<std::string> thread_errors(static_cast<std::size_t>(o.consumers));
  // Every member exists before any thread starts: the threads index `members`.
  for (int i = 0; i < o.consumers; ++i) members.push_back(std::make_unique<Member>(o, i, barrier));
  for (int i = 0; i < o.consumers; ++i) {
    threads.emplace_back([&, i] {
      try {
        consume_loop(o, i, *members[static_cast<std::size_t>(i)], verifier, latency, stop_at_ms);
      } catch (const std::exception& e) {
        thread_errors[static_cast<std::size_t>(i)] = e.what();
        verifier.give_up();
      }
    });
  }
  const bool complete = verifier.wait_complete(deadline);
  const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
  // Complete: drain briefly for late duplicates. Otherwise (deadline, or a member failed): stop now.
  stop_at_ms = to_ms(Clock::now() + (complete ? kDrain : Clock::duration::zero()));
  threads.clear();  // joins

  bool ok = complete && verifier.ok();
  std::string details;
  for (int i = 0; i < o.consumers; ++i) {
    const Member& m = *members[static_cast<std::size_t>(i)];
    const std::string& thread_error = thread_errors[static_cast<std::size_t>(i)];
    ok = ok && m.stats.ok() && thread_error.empty() && !m.events.fatal();
    details += "; consumer " + std::to_string(i) + ": " + std::to_string(m.rebalance.assignments()) + " assignments, " +
               std::to_string(m.events.errors()) + " client errors, " + m.stats.summary();
    if (!thread_error.empty()) details += ", failed: " + thread_error;
    if (m.rebalance.commit_errors() > 0) {
      details += ", " + std::to_string(m.rebalance.commit_errors()) + " failed commits on revoke (first: " +
                 m.rebalance.first_commit_error() + ")";
    }
    if (m.consume_errors > 0) details += ", " + std::to_string(m.consume_errors.load()) + " consume errors (first: " + m.first_consume_error + ")";
  }
  std::printf("consume[%s]: %s %s%s, %.1f s%s\n", o.label.c_str(), ok ? "OK" : "FAILED", verifier.summary().c_str(),
              complete ? "" : " (TIMED OUT)", seconds, details.c_str());
  return ok ? 0 : 1;
}

}  // namespace kgate::e2e
