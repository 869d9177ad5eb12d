#include <librdkafka/rdkafka.h>

#include <array>
#include <memory>
#include <string>

#include "kafka_client.h"
#include "workloads.h"

namespace kgate::capture {
namespace {

constexpr int kConsumers = 2;

Settings group_member_settings() {
  return {{"group.id", kGroup},
          {"auto.offset.reset", "earliest"},  // no committed offsets yet: ListOffsets
          {"enable.auto.commit", "false"},    // we commit explicitly, synchronously
          {"session.timeout.ms", "3000"},     // a late joiner then costs the mock 2 s, not 5
          {"heartbeat.interval.ms", "300"},   // several Heartbeats in a short run
          {"fetch.wait.max.ms", "100"}};
}

// Commits the consumer's positions synchronously. A consumer that got no
// messages has nothing to commit, which is not a failure.
std::string commit_sync(rd_kafka_t* consumer) {
  const rd_kafka_resp_err_t err = rd_kafka_commit(consumer, nullptr, 0 /* sync */);
  if (err == RD_KAFKA_RESP_ERR_NO_ERROR || err == RD_KAFKA_RESP_ERR__NO_OFFSET) return {};
  return rd_kafka_err2str(err);
}

// Explicit committed-offsets lookup: an OffsetFetch after our commit.
std::string fetch_committed(rd_kafka_t* consumer, int timeout_ms) {
  const KafkaPtr<rd_kafka_topic_partition_list_t> partitions(
      rd_kafka_topic_partition_list_new(kTopicPartitions));
  for (int p = 0; p < kTopicPartitions; ++p) {
    rd_kafka_topic_partition_list_add(partitions.get(), kTopic, p);
  }
  const rd_kafka_resp_err_t err = rd_kafka_committed(consumer, partitions.get(), timeout_ms);
  return err == RD_KAFKA_RESP_ERR_NO_ERROR ? std::string() : rd_kafka_err2str(err);
}

}  // namespace

WorkloadReport consume_group(const WorkloadEnv& env, int expected) {
  WorkloadReport report{"consumer group of " + std::to_string(kConsumers), Outcome::failed, ""};
  std::array<std::unique_ptr<KafkaClient>, kConsumers> consumers;
  for (int i = 0; i < kConsumers; ++i) {
    consumers[i] = std::make_unique<KafkaClient>(RD_KAFKA_CONSUMER, env.relay,
                                                 "kgate-capture-consumer-" + std::to_string(i),
                                                 env.bootstraps, group_member_settings());
    // Route the main queue (errors, rebalances) into consumer_poll.
    rd_kafka_poll_set_consumer(consumers[i]->get());
  }

  // Subscribe both before polling so they join the first generation together
  // (the mock waits 3 s for more members on a new group).
  const KafkaPtr<rd_kafka_topic_partition_list_t> topics(rd_kafka_topic_partition_list_new(1));
  rd_kafka_topic_partition_list_add(topics.get(), kTopic, RD_KAFKA_PARTITION_UA);
  for (const auto& consumer : consumers) {
    const rd_kafka_resp_err_t err = rd_kafka_subscribe(consumer->get(), topics.get());
    if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
      report.detail = std::string("subscribe: ") + rd_kafka_err2str(err);
      return report;
    }
  }

  std::array<int, kConsumers> received{};
  int total = 0;
  while (total < expected && !env.expired()) {
    for (int i = 0; i < kConsumers; ++i) {
      const KafkaPtr<rd_kafka_message_t> message(rd_kafka_consumer_poll(consumers[i]->get(), 50));
      if (message && message->err == RD_KAFKA_RESP_ERR_NO_ERROR) {
        ++received[i];
        ++total;
      }
    }
  }

  std::string problems;
  for (const auto& consumer : consumers) {
    if (auto err = commit_sync(consumer->get()); !err.empty()) problems += " commit: " + err;
  }
  if (auto err = fetch_committed(consumers[0]->get(), env.budget_ms(3000)); !err.empty()) {
    problems += " committed: " + err;
  }
  // Watermarks: an explicit ListOffsets (earliest and latest) for partition 0.
  std::int64_t low = 0;
  std::int64_t high = 0;
  const rd_kafka_resp_err_t wm = rd_kafka_query_watermark_offsets(
      consumers[0]->get(), kTopic, 0, &low, &high, env.budget_ms(3000));
  if (wm != RD_KAFKA_RESP_ERR_NO_ERROR) {
    problems += std::string(" watermarks: ") + rd_kafka_err2str(wm);
  }

  // close() sends LeaveGroup; destroying afterwards does not repeat it.
  for (const auto& consumer : consumers) {
    const rd_kafka_resp_err_t err = rd_kafka_consumer_close(consumer->get());
    if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
      problems += std::string(" close: ") + rd_kafka_err2str(err);
    }
  }

  report.detail = std::to_string(total) + "/" + std::to_string(expected) + " messages (";
  for (int i = 0; i < kConsumers; ++i) {
    report.detail += (i > 0 ? "+" : "") + std::to_string(received[i]);
  }
  report.detail += "), partition 0 watermarks " + std::to_string(low) + ".." + std::to_string(high);
  report.detail += problems;
  report.outcome = total >= expected && problems.empty() ? Outcome::ok : Outcome::failed;
  return report;
}

}  // namespace kgate::capture
