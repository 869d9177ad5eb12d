#include <librdkafka/rdkafka.h>

#include <algorithm>
#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "admin_result.h"
#include "kafka_client.h"
#include "workloads.h"

namespace kgate::capture {
namespace {

constexpr const char* kAdminTopic = "golden-admin";
constexpr int kCallTimeoutMs = 2500;

// Owner for the admin argument objects, each with its own destroy function.
template <typename T>
using Owned = std::unique_ptr<T, void (*)(T*)>;

using Options = const rd_kafka_AdminOptions_t*;
using StartFn = void (*)(rd_kafka_t*, Options, rd_kafka_queue_t*);

struct AdminCall {
  const char* name;
  StartFn start;
};

KafkaPtr<rd_kafka_topic_partition_list_t> one_partition(std::int32_t partition,
                                                        std::int64_t offset) {
  KafkaPtr<rd_kafka_topic_partition_list_t> list(rd_kafka_topic_partition_list_new(1));
  rd_kafka_topic_partition_list_add(list.get(), kTopic, partition)->offset = offset;
  return list;
}

// The admin API copies its arguments, so they can go as soon as it returns.

void create_topics(rd_kafka_t* rk, Options options, rd_kafka_queue_t* queue) {
  char errstr[256];
  Owned<rd_kafka_NewTopic_t> topic(rd_kafka_NewTopic_new(kAdminTopic, 2, 1, errstr, sizeof errstr),
                                   rd_kafka_NewTopic_destroy);
  rd_kafka_NewTopic_t* topics[] = {topic.get()};
  rd_kafka_CreateTopics(rk, topics, 1, options, queue);
}

void create_partitions(rd_kafka_t* rk, Options options, rd_kafka_queue_t* queue) {
  char errstr[256];
  Owned<rd_kafka_NewPartitions_t> parts(
      rd_kafka_NewPartitions_new(kTopic, kTopicPartitions + 2, errstr, sizeof errstr),
      rd_kafka_NewPartitions_destroy);
  rd_kafka_NewPartitions_t* all[] = {parts.get()};
  rd_kafka_CreatePartitions(rk, all, 1, options, queue);
}

void describe_configs(rd_kafka_t* rk, Options options, rd_kafka_queue_t* queue) {
  // A broker resource goes straight to that broker instead of the controller.
  Owned<rd_kafka_ConfigResource_t> broker(
      rd_kafka_ConfigResource_new(RD_KAFKA_RESOURCE_BROKER, "1"), rd_kafka_ConfigResource_destroy);
  rd_kafka_ConfigResource_t* resources[] = {broker.get()};
  rd_kafka_DescribeConfigs(rk, resources, 1, options, queue);
}

void alter_configs(rd_kafka_t* rk, Options options, rd_kafka_queue_t* queue) {
  Owned<rd_kafka_ConfigResource_t> topic(
      rd_kafka_ConfigResource_new(RD_KAFKA_RESOURCE_TOPIC, kTopic),
      rd_kafka_ConfigResource_destroy);
  rd_kafka_ConfigResource_set_config(topic.get(), "retention.ms", "3600000");
  rd_kafka_ConfigResource_t* resources[] = {topic.get()};
  rd_kafka_AlterConfigs(rk, resources, 1, options, queue);
}

void describe_acls(rd_kafka_t* rk, Options options, rd_kafka_queue_t* queue) {
  char errstr[256];
  Owned<rd_kafka_AclBinding_t> filter(
      rd_kafka_AclBindingFilter_new(RD_KAFKA_RESOURCE_ANY, nullptr, RD_KAFKA_RESOURCE_PATTERN_ANY,
                                    nullptr, nullptr, RD_KAFKA_ACL_OPERATION_ANY,
                                    RD_KAFKA_ACL_PERMISSION_TYPE_ANY, errstr, sizeof errstr),
      rd_kafka_AclBinding_destroy);
  rd_kafka_DescribeAcls(rk, filter.get(), options, queue);
}

// Served with OffsetFetch, which the mock implements.
void list_group_offsets(rd_kafka_t* rk, Options options, rd_kafka_queue_t* queue) {
  Owned<rd_kafka_ListConsumerGroupOffsets_t> request(
      rd_kafka_ListConsumerGroupOffsets_new(kGroup, nullptr),
      rd_kafka_ListConsumerGroupOffsets_destroy);
  rd_kafka_ListConsumerGroupOffsets_t* all[] = {request.get()};
  rd_kafka_ListConsumerGroupOffsets(rk, all, 1, options, queue);
}

// Served with OffsetCommit, which the mock implements.
void alter_group_offsets(rd_kafka_t* rk, Options options, rd_kafka_queue_t* queue) {
  const auto offsets = one_partition(0, 1);
  Owned<rd_kafka_AlterConsumerGroupOffsets_t> request(
      rd_kafka_AlterConsumerGroupOffsets_new(kGroup, offsets.get()),
      rd_kafka_AlterConsumerGroupOffsets_destroy);
  rd_kafka_AlterConsumerGroupOffsets_t* all[] = {request.get()};
  rd_kafka_AlterConsumerGroupOffsets(rk, all, 1, options, queue);
}

void delete_topics(rd_kafka_t* rk, Options options, rd_kafka_queue_t* queue) {
  Owned<rd_kafka_DeleteTopic_t> topic(rd_kafka_DeleteTopic_new(kAdminTopic),
                                      rd_kafka_DeleteTopic_destroy);
  rd_kafka_DeleteTopic_t* all[] = {topic.get()};
  rd_kafka_DeleteTopics(rk, all, 1, options, queue);
}

constexpr AdminCall kCalls[] = {
    {"CreateTopics", create_topics},
    {"CreatePartitions", create_partitions},
    {"DescribeConfigs", describe_configs},
    {"AlterConfigs", alter_configs},
    {"DescribeAcls", describe_acls},
    {"ListConsumerGroupOffsets", list_group_offsets},
    {"AlterConsumerGroupOffsets", alter_group_offsets},
    {"DeleteTopics", delete_topics},
};

// Calls librdkafka 2.0.2 cannot survive against this mock, which lacks their
// APIs anyway (they would yield no frames: librdkafka does not send requests
// the broker did not announce in ApiVersions).
struct NotAttempted {
  const char* name;
  const char* reason;
};
constexpr NotAttempted kNotAttempted[] = {
    // Use-after-free in the coordinator-request error path (librdkafka issues
    // #3663 and #4605): the process aborts.
    {"DescribeConsumerGroups", "aborts librdkafka 2.0.2 (issue #3663)"},
    {"DeleteConsumerGroupOffsets", "aborts librdkafka 2.0.2 (issue #3663)"},
    {"DeleteGroups", "aborts librdkafka 2.0.2 (issue #3663)"},
    // The fan-out error path leaks an internal queue (LeakSanitizer).
    {"DeleteRecords", "leaks inside librdkafka 2.0.2 when unsupported"},
    {"ListConsumerGroups", "leaks inside librdkafka 2.0.2 when unsupported"},
};

// Starts every admin call at once, each with its own result queue (a late
// result can never be taken for another call's), then collects the results.
// Most fail slowly: the mock never names a controller, so librdkafka waits
// for one until the timeout; one after the other they would eat the budget.
std::string run_admin_calls(const WorkloadEnv& env, rd_kafka_t* rk) {
  const int timeout_ms = env.budget_ms(kCallTimeoutMs);
  const KafkaPtr<rd_kafka_AdminOptions_t> options(
      rd_kafka_AdminOptions_new(rk, RD_KAFKA_ADMIN_OP_ANY));
  char errstr[256];
  if (rd_kafka_AdminOptions_set_request_timeout(options.get(), timeout_ms, errstr,
                                                sizeof errstr) != RD_KAFKA_RESP_ERR_NO_ERROR) {
    return std::string("\nadmin options: ") + errstr;
  }

  std::vector<KafkaPtr<rd_kafka_queue_t>> queues;
  for (const AdminCall& call : kCalls) {
    queues.emplace_back(rd_kafka_queue_new(rk));
    call.start(rk, options.get(), queues.back().get());  // options are copied too
  }

  std::string detail;
  for (const NotAttempted& call : kNotAttempted) {
    detail += std::string("\n") + call.name + ": not attempted, " + call.reason;
  }
  const auto give_up_at =
      std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms + 1000);
  for (std::size_t i = 0; i < queues.size(); ++i) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                          give_up_at - std::chrono::steady_clock::now())
                          .count();
    const KafkaPtr<rd_kafka_event_t> event(
        rd_kafka_queue_poll(queues[i].get(), static_cast<int>(std::max<long long>(left, 1))));
    detail += std::string("\n") + kCalls[i].name + ": " +
              (event ? describe_admin_result(event.get()) : "no result before the timeout");
  }
  return detail;
}

// ListOffsets by timestamp (the admin ListOffsets API is newer than 2.0.2).
std::string offsets_for_times(const WorkloadEnv& env, rd_kafka_t* rk) {
  const auto hour_ago = std::chrono::duration_cast<std::chrono::milliseconds>(
                            std::chrono::system_clock::now().time_since_epoch() -
                            std::chrono::hours(1))
                            .count();
  const KafkaPtr<rd_kafka_topic_partition_list_t> query(
      rd_kafka_topic_partition_list_new(kTopicPartitions));
  for (int p = 0; p < kTopicPartitions; ++p) {
    rd_kafka_topic_partition_list_add(query.get(), kTopic, p)->offset = hour_ago;
  }
  const rd_kafka_resp_err_t err =
      rd_kafka_offsets_for_times(rk, query.get(), env.budget_ms(kCallTimeoutMs));
  return err == RD_KAFKA_RESP_ERR_NO_ERROR ? "ok" : rd_kafka_err2str(err);
}

}  // namespace

WorkloadReport run_admin(const WorkloadEnv& env) {
  WorkloadReport report{"metadata and admin calls", Outcome::failed, ""};
  KafkaClient admin(RD_KAFKA_PRODUCER, env.relay, "kgate-capture-admin", env.bootstraps, {});
  rd_kafka_t* rk = admin.get();

  const rd_kafka_metadata_t* metadata = nullptr;
  const rd_kafka_resp_err_t err = rd_kafka_metadata(rk, 1 /* all topics */, nullptr, &metadata,
                                                    env.budget_ms(kCallTimeoutMs));
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    report.detail = std::string("Metadata: ") + rd_kafka_err2str(err);
    return report;
  }
  report.detail = "Metadata (all topics): " + std::to_string(metadata->broker_cnt) +
                  " brokers, " + std::to_string(metadata->topic_cnt) + " topics";
  rd_kafka_metadata_destroy(metadata);

  report.detail += "\nListOffsets by time: " + offsets_for_times(env, rk);
  report.detail += run_admin_calls(env, rk);
  report.outcome = Outcome::ok;  // unsupported admin APIs are expected, not failures
  return report;
}

}  // namespace kgate::capture
