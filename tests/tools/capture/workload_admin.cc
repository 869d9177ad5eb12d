#include <librdkafka/rdkafka.h>

#include <algorithm>
#include <chrono>
#include <functional>
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

template <typename T>
using Owned = std::unique_ptr<T, void (*)(T*)>;

using StartCall = std::function<void(rd_kafka_t*, const rd_kafka_AdminOptions_t*, rd_kafka_queue_t*)>;

struct AdminCall {
  const char* name;
  StartCall start;
};

KafkaPtr<rd_kafka_topic_partition_list_t> partition_list(const char* topic, std::int32_t partition,
                                                         std::int64_t offset) {
  KafkaPtr<rd_kafka_topic_partition_list_t> list(rd_kafka_topic_partition_list_new(1));
  rd_kafka_topic_partition_list_add(list.get(), topic, partition)->offset = offset;
  return list;
}

// Admin calls routed to the group coordinator abort librdkafka 2.0.2 when
// the broker lacks the API (use-after-free in its coordinator-request error
// path, librdkafka issues #3663 and #4605), so those are not attempted.
constexpr const char* kNotAttempted[] = {"DescribeConsumerGroups", "DeleteConsumerGroupOffsets",
                                         "DeleteGroups"};

std::vector<AdminCall> admin_calls() {
  std::vector<AdminCall> calls;
  calls.push_back({"CreateTopics", [](rd_kafka_t* rk, const rd_kafka_AdminOptions_t* o, rd_kafka_queue_t* q) {
    char errstr[256];
    Owned<rd_kafka_NewTopic_t> topic(rd_kafka_NewTopic_new(kAdminTopic, 2, 1, errstr, sizeof errstr),
                                     rd_kafka_NewTopic_destroy);
    rd_kafka_NewTopic_t* topics[] = {topic.get()};
    rd_kafka_CreateTopics(rk, topics, 1, o, q);
  }});
  calls.push_back({"CreatePartitions", [](rd_kafka_t* rk, const rd_kafka_AdminOptions_t* o, rd_kafka_queue_t* q) {
    char errstr[256];
    Owned<rd_kafka_NewPartitions_t> parts(
        rd_kafka_NewPartitions_new(kTopic, kTopicPartitions + 2, errstr, sizeof errstr),
        rd_kafka_NewPartitions_destroy);
    rd_kafka_NewPartitions_t* all[] = {parts.get()};
    rd_kafka_CreatePartitions(rk, all, 1, o, q);
  }});
  calls.push_back({"DescribeConfigs", [](rd_kafka_t* rk, const rd_kafka_AdminOptions_t* o, rd_kafka_queue_t* q) {
    // A broker resource goes straight to that broker instead of the controller.
    Owned<rd_kafka_ConfigResource_t> broker(rd_kafka_ConfigResource_new(RD_KAFKA_RESOURCE_BROKER, "1"),
                                            rd_kafka_ConfigResource_destroy);
    rd_kafka_ConfigResource_t* resources[] = {broker.get()};
    rd_kafka_DescribeConfigs(rk, resources, 1, o, q);
  }});
  calls.push_back({"AlterConfigs", [](rd_kafka_t* rk, const rd_kafka_AdminOptions_t* o, rd_kafka_queue_t* q) {
    Owned<rd_kafka_ConfigResource_t> topic(rd_kafka_ConfigResource_new(RD_KAFKA_RESOURCE_TOPIC, kTopic),
                                           rd_kafka_ConfigResource_destroy);
    rd_kafka_ConfigResource_set_config(topic.get(), "retention.ms", "3600000");
    rd_kafka_ConfigResource_t* resources[] = {topic.get()};
    rd_kafka_AlterConfigs(rk, resources, 1, o, q);
  }});
  calls.push_back({"DeleteRecords", [](rd_kafka_t* rk, const rd_kafka_AdminOptions_t* o, rd_kafka_queue_t* q) {
    const auto before = partition_list(kTopic, 0, 1);
    Owned<rd_kafka_DeleteRecords_t> records(rd_kafka_DeleteRecords_new(before.get()),
                                            rd_kafka_DeleteRecords_destroy);
    rd_kafka_DeleteRecords_t* all[] = {records.get()};
    rd_kafka_DeleteRecords(rk, all, 1, o, q);
  }});
  calls.push_back({"DescribeAcls", [](rd_kafka_t* rk, const rd_kafka_AdminOptions_t* o, rd_kafka_queue_t* q) {
    char errstr[256];
    Owned<rd_kafka_AclBinding_t> filter(
        rd_kafka_AclBindingFilter_new(RD_KAFKA_RESOURCE_ANY, nullptr, RD_KAFKA_RESOURCE_PATTERN_ANY,
                                      nullptr, nullptr, RD_KAFKA_ACL_OPERATION_ANY,
                                      RD_KAFKA_ACL_PERMISSION_TYPE_ANY, errstr, sizeof errstr),
        rd_kafka_AclBinding_destroy);
    rd_kafka_DescribeAcls(rk, filter.get(), o, q);
  }});
  calls.push_back({"ListConsumerGroups", [](rd_kafka_t* rk, const rd_kafka_AdminOptions_t* o, rd_kafka_queue_t* q) {
    rd_kafka_ListConsumerGroups(rk, o, q);
  }});
  // Served with OffsetFetch / OffsetCommit, which the mock implements.
  calls.push_back({"ListConsumerGroupOffsets", [](rd_kafka_t* rk, const rd_kafka_AdminOptions_t* o, rd_kafka_queue_t* q) {
    Owned<rd_kafka_ListConsumerGroupOffsets_t> request(
        rd_kafka_ListConsumerGroupOffsets_new(kGroup, nullptr), rd_kafka_ListConsumerGroupOffsets_destroy);
    rd_kafka_ListConsumerGroupOffsets_t* all[] = {request.get()};
    rd_kafka_ListConsumerGroupOffsets(rk, all, 1, o, q);
  }});
  calls.push_back({"AlterConsumerGroupOffsets", [](rd_kafka_t* rk, const rd_kafka_AdminOptions_t* o, rd_kafka_queue_t* q) {
    const auto offsets = partition_list(kTopic, 0, 1);
    Owned<rd_kafka_AlterConsumerGroupOffsets_t> request(
        rd_kafka_AlterConsumerGroupOffsets_new(kGroup, offsets.get()),
        rd_kafka_AlterConsumerGroupOffsets_destroy);
    rd_kafka_AlterConsumerGroupOffsets_t* all[] = {request.get()};
    rd_kafka_AlterConsumerGroupOffsets(rk, all, 1, o, q);
  }});
  calls.push_back({"DeleteTopics", [](rd_kafka_t* rk, const rd_kafka_AdminOptions_t* o, rd_kafka_queue_t* q) {
    Owned<rd_kafka_DeleteTopic_t> topic(rd_kafka_DeleteTopic_new(kAdminTopic), rd_kafka_DeleteTopic_destroy);
    rd_kafka_DeleteTopic_t* all[] = {topic.get()};
    rd_kafka_DeleteTopics(rk, all, 1, o, q);
  }});
  return calls;
}

// Starts every admin call at once, each with its own result queue, then
// collects the results. Most calls fail slowly (the mock lacks the API, or
// never names a controller, so librdkafka waits for one until the timeout);
// one after the other they would eat the whole budget.
std::string run_admin_calls(const WorkloadEnv& env, rd_kafka_t* rk) {
  const int timeout_ms = env.budget_ms(kCallTimeoutMs);
  const KafkaPtr<rd_kafka_AdminOptions_t> options(rd_kafka_AdminOptions_new(rk, RD_KAFKA_ADMIN_OP_ANY));
  char errstr[256];
  if (rd_kafka_AdminOptions_set_request_timeout(options.get(), timeout_ms, errstr, sizeof errstr) !=
      RD_KAFKA_RESP_ERR_NO_ERROR) {
    return std::string("\nadmin options: ") + errstr;
  }

  struct Pending {
    const char* name;
    KafkaPtr<rd_kafka_queue_t> queue;
  };
  std::vector<Pending> pending;
  for (const AdminCall& call : admin_calls()) {
    KafkaPtr<rd_kafka_queue_t> queue(rd_kafka_queue_new(rk));
    call.start(rk, options.get(), queue.get());  // options are copied into the request
    pending.push_back({call.name, std::move(queue)});
  }

  std::string detail;
  for (const char* name : kNotAttempted) {
    detail += std::string("\n") + name + ": not attempted (aborts librdkafka 2.0.2 against the mock)";
  }
  const auto give_up_at = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms + 1000);
  for (const Pending& call : pending) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                          give_up_at - std::chrono::steady_clock::now())
                          .count();
    const KafkaPtr<rd_kafka_event_t> event(
        rd_kafka_queue_poll(call.queue.get(), static_cast<int>(std::max<long long>(left, 1))));
    detail += std::string("\n") + call.name + ": " +
              (event ? describe_admin_result(event.get()) : "no result before the timeout");
  }
  return detail;
}

// ListOffsets by timestamp (the admin ListOffsets API is newer than 2.0.2).
std::string offsets_for_times(const WorkloadEnv& env, rd_kafka_t* rk) {
  const auto hour_ago = std::chrono::duration_cast<std::chrono::milliseconds>(
                            std::chrono::system_clock::now().time_since_epoch() - std::chrono::hours(1))
                            .count();
  const KafkaPtr<rd_kafka_topic_partition_list_t> query(
      rd_kafka_topic_partition_list_new(kTopicPartitions));
  for (int p = 0; p < kTopicPartitions; ++p) {
    rd_kafka_topic_partition_list_add(query.get(), kTopic, p)->offset = hour_ago;
  }
  const rd_kafka_resp_err_t err = rd_kafka_offsets_for_times(rk, query.get(), env.budget_ms(kCallTimeoutMs));
  return err == RD_KAFKA_RESP_ERR_NO_ERROR ? "answered" : rd_kafka_err2str(err);
}

// The deprecated group listing sends ListGroups v0 without checking broker
// support, so it yields request frames even though the mock hangs up on it.
std::string legacy_list_groups(const WorkloadEnv& env, rd_kafka_t* rk) {
  const rd_kafka_group_list* groups = nullptr;
  const rd_kafka_resp_err_t err = rd_kafka_list_groups(rk, nullptr, &groups, env.budget_ms(kCallTimeoutMs));
  if (groups != nullptr) rd_kafka_group_list_destroy(groups);
  return err == RD_KAFKA_RESP_ERR_NO_ERROR ? "answered" : rd_kafka_err2str(err);
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
  report.detail = "Metadata: " + std::to_string(metadata->broker_cnt) + " brokers, " +
                  std::to_string(metadata->topic_cnt) + " topics";
  rd_kafka_metadata_destroy(metadata);

  report.detail += "\nListOffsets by time: " + offsets_for_times(env, rk);
  report.detail += run_admin_calls(env, rk);
  if (!env.expired()) report.detail += "\nlegacy list_groups: " + legacy_list_groups(env, rk);
  report.outcome = Outcome::ok;  // unsupported admin APIs are expected, not failures
  return report;
}

}  // namespace kgate::capture
