#include "admin_result.h"

#include <cstddef>

namespace kgate::capture {
namespace {

std::string topics_error(const rd_kafka_topic_result_t** topics, std::size_t count) {
  for (std::size_t i = 0; i < count; ++i) {
    if (rd_kafka_topic_result_error(topics[i]) != RD_KAFKA_RESP_ERR_NO_ERROR) {
      const char* message = rd_kafka_topic_result_error_string(topics[i]);
      return message != nullptr ? message
                                : rd_kafka_err2str(rd_kafka_topic_result_error(topics[i]));
    }
  }
  return {};
}

std::string resources_error(const rd_kafka_ConfigResource_t** resources, std::size_t count) {
  for (std::size_t i = 0; i < count; ++i) {
    if (rd_kafka_ConfigResource_error(resources[i]) != RD_KAFKA_RESP_ERR_NO_ERROR) {
      const char* message = rd_kafka_ConfigResource_error_string(resources[i]);
      return message != nullptr ? message
                                : rd_kafka_err2str(rd_kafka_ConfigResource_error(resources[i]));
    }
  }
  return {};
}

std::string partitions_error(const rd_kafka_topic_partition_list_t* partitions) {
  if (partitions == nullptr) return {};
  for (int i = 0; i < partitions->cnt; ++i) {
    if (partitions->elems[i].err != RD_KAFKA_RESP_ERR_NO_ERROR) {
      return rd_kafka_err2str(partitions->elems[i].err);
    }
  }
  return {};
}

std::string groups_error(const rd_kafka_group_result_t** groups, std::size_t count) {
  for (std::size_t i = 0; i < count; ++i) {
    if (const rd_kafka_error_t* error = rd_kafka_group_result_error(groups[i])) {
      return rd_kafka_error_string(error);
    }
    if (auto message = partitions_error(rd_kafka_group_result_partitions(groups[i]));
        !message.empty()) {
      return message;
    }
  }
  return {};
}

std::string item_error(rd_kafka_event_t* event) {
  std::size_t count = 0;
  switch (rd_kafka_event_type(event)) {
    case RD_KAFKA_EVENT_CREATETOPICS_RESULT: {
      const auto** topics = rd_kafka_CreateTopics_result_topics(
          rd_kafka_event_CreateTopics_result(event), &count);
      return topics_error(topics, count);
    }
    case RD_KAFKA_EVENT_DELETETOPICS_RESULT: {
      const auto** topics = rd_kafka_DeleteTopics_result_topics(
          rd_kafka_event_DeleteTopics_result(event), &count);
      return topics_error(topics, count);
    }
    case RD_KAFKA_EVENT_CREATEPARTITIONS_RESULT: {
      const auto** topics = rd_kafka_CreatePartitions_result_topics(
          rd_kafka_event_CreatePartitions_result(event), &count);
      return topics_error(topics, count);
    }
    case RD_KAFKA_EVENT_DESCRIBECONFIGS_RESULT: {
      const auto** resources = rd_kafka_DescribeConfigs_result_resources(
          rd_kafka_event_DescribeConfigs_result(event), &count);
      return resources_error(resources, count);
    }
    case RD_KAFKA_EVENT_ALTERCONFIGS_RESULT: {
      const auto** resources = rd_kafka_AlterConfigs_result_resources(
          rd_kafka_event_AlterConfigs_result(event), &count);
      return resources_error(resources, count);
    }
    case RD_KAFKA_EVENT_DELETERECORDS_RESULT:
      return partitions_error(
          rd_kafka_DeleteRecords_result_offsets(rd_kafka_event_DeleteRecords_result(event)));
    case RD_KAFKA_EVENT_DELETEGROUPS_RESULT: {
      const auto** groups = rd_kafka_DeleteGroups_result_groups(
          rd_kafka_event_DeleteGroups_result(event), &count);
      return groups_error(groups, count);
    }
    case RD_KAFKA_EVENT_LISTCONSUMERGROUPOFFSETS_RESULT: {
      const auto** groups = rd_kafka_ListConsumerGroupOffsets_result_groups(
          rd_kafka_event_ListConsumerGroupOffsets_result(event), &count);
      return groups_error(groups, count);
    }
    case RD_KAFKA_EVENT_ALTERCONSUMERGROUPOFFSETS_RESULT: {
      const auto** groups = rd_kafka_AlterConsumerGroupOffsets_result_groups(
          rd_kafka_event_AlterConsumerGroupOffsets_result(event), &count);
      return groups_error(groups, count);
    }
    case RD_KAFKA_EVENT_DELETECONSUMERGROUPOFFSETS_RESULT: {
      const auto** groups = rd_kafka_DeleteConsumerGroupOffsets_result_groups(
          rd_kafka_event_DeleteConsumerGroupOffsets_result(event), &count);
      return groups_error(groups, count);
    }
    case RD_KAFKA_EVENT_DESCRIBECONSUMERGROUPS_RESULT: {
      const auto** groups = rd_kafka_DescribeConsumerGroups_result_groups(
          rd_kafka_event_DescribeConsumerGroups_result(event), &count);
      for (std::size_t i = 0; i < count; ++i) {
        if (const rd_kafka_error_t* error = rd_kafka_ConsumerGroupDescription_error(groups[i])) {
          return rd_kafka_error_string(error);
        }
      }
      return {};
    }
    case RD_KAFKA_EVENT_LISTCONSUMERGROUPS_RESULT: {
      // Per-broker failures are listed apart from the (possibly empty) result.
      const rd_kafka_error_t** errors = rd_kafka_ListConsumerGroups_result_errors(
          rd_kafka_event_ListConsumerGroups_result(event), &count);
      return count > 0 ? rd_kafka_error_string(errors[0]) : std::string();
    }
    default:
      return {};
  }
}

}  // namespace

std::string describe_admin_result(rd_kafka_event_t* event) {
  if (rd_kafka_event_error(event) != RD_KAFKA_RESP_ERR_NO_ERROR) {
    return rd_kafka_event_error_string(event);
  }
  const std::string error = item_error(event);
  return error.empty() ? "ok" : error;
}

}  // namespace kgate::capture
