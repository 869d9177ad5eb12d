#include <librdkafka/rdkafka.h>

#include <iterator>
#include <string>

#include "kafka_client.h"
#include "produce_args.h"
#include "workloads.h"

namespace kgate::capture {
namespace {

constexpr const char* kTxnOffsetsGroup = "kgate-capture-txn-group";

// Queues `count` keyed messages for kTxnTopic; empty string on success.
std::string produce_batch(rd_kafka_t* producer, const std::string& label, int count) {
  for (int i = 0; i < count; ++i) {
    const std::string key = label + "-" + std::to_string(i);
    const std::string value = "transactional " + label + " message " + std::to_string(i);
    const rd_kafka_vu_t vus[] = {vu_topic(kTxnTopic), vu_partition(i % kTxnTopicPartitions),
                                 vu_bytes(RD_KAFKA_VTYPE_KEY, key),
                                 vu_bytes(RD_KAFKA_VTYPE_VALUE, value), vu_copy_flag()};
    if (rd_kafka_error_t* error = rd_kafka_produceva(producer, vus, std::size(vus))) {
      return "produce: " + take_error(error);
    }
  }
  return {};
}

}  // namespace

WorkloadReport run_transactions(const WorkloadEnv& env) {
  WorkloadReport report{"transactional producer", Outcome::failed, ""};
  KafkaClient producer(RD_KAFKA_PRODUCER, env.relay, "kgate-capture-txn", env.bootstraps,
                       {{"transactional.id", "kgate-capture-txn"},
                        {"transaction.timeout.ms", "10000"},
                        {"linger.ms", "5"}});
  rd_kafka_t* rk = producer.get();

  // Each step returns an error object (null on success); stop at the first.
  auto step = [&](const char* what, rd_kafka_error_t* error) {
    if (error == nullptr) return true;
    report.detail = std::string(what) + ": " + take_error(error);
    return false;
  };

  if (!step("init_transactions", rd_kafka_init_transactions(rk, env.budget_ms(10000)))) {
    return report;
  }

  // Committed transaction, with consumer offsets sent along (AddOffsetsToTxn
  // and TxnOffsetCommit).
  if (!step("begin_transaction", rd_kafka_begin_transaction(rk))) return report;
  if (auto err = produce_batch(rk, "committed", 10); !err.empty()) {
    report.detail = err;
    return report;
  }
  const KafkaPtr<rd_kafka_topic_partition_list_t> offsets(
      rd_kafka_topic_partition_list_new(kTopicPartitions));
  for (int p = 0; p < kTopicPartitions; ++p) {
    rd_kafka_topic_partition_list_add(offsets.get(), kTopic, p)->offset = 1 + p;
  }
  const KafkaPtr<rd_kafka_consumer_group_metadata_t> group(
      rd_kafka_consumer_group_metadata_new(kTxnOffsetsGroup));
  if (!step("send_offsets_to_transaction",
            rd_kafka_send_offsets_to_transaction(rk, offsets.get(), group.get(),
                                                 env.budget_ms(10000)))) {
    return report;
  }
  if (!step("commit_transaction", rd_kafka_commit_transaction(rk, env.budget_ms(10000)))) {
    return report;
  }

  // Aborted transaction: EndTxn with commit=false and abort markers.
  if (!step("begin_transaction", rd_kafka_begin_transaction(rk))) return report;
  if (auto err = produce_batch(rk, "aborted", 5); !err.empty()) {
    report.detail = err;
    return report;
  }
  // Make sure the aborted records reach the log, so readers see them skipped.
  rd_kafka_flush(rk, env.budget_ms(5000));
  if (!step("abort_transaction", rd_kafka_abort_transaction(rk, env.budget_ms(10000)))) {
    return report;
  }

  report.outcome = Outcome::ok;
  report.detail = std::to_string(producer.delivered()) + " delivered (10 committed, 5 aborted)";
  return report;
}

}  // namespace kgate::capture
