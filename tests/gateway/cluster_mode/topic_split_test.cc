#include "gateway/cluster_mode/topic_split.h"

#include <algorithm>

#include <gtest/gtest.h>

#include "protocol/messages/list_offsets_request.h"
#include "protocol/messages/list_offsets_response.h"
#include "protocol/messages/offset_for_leader_epoch_request.h"
#include "protocol/messages/offset_for_leader_epoch_response.h"
#include "test_support/request_frame.h"
#include "test_support/response_frame.h"

namespace kgate::gateway {
namespace {

namespace msg = protocol::messages;

// Partition p of topic "b" is led by broker 1 + p % 2; topic "a" by broker 3.
std::int32_t leader(std::string_view topic, const protocol::Uuid&, std::int32_t partition) {
    return topic == "a" ? 3 : 1 + partition % 2;
}

TEST(TopicSplit, ListOffsetsEachVersionSplitsAndMerges) {
    for (std::int16_t v = msg::ListOffsetsRequest::lowest_version; v <= msg::ListOffsetsRequest::highest_version; ++v) {
        SCOPED_TRACE(testing::Message() << "ListOffsets v" << v);
        msg::ListOffsetsRequest request;
        request.replica_id = -1;
        for (const char* name : {"a", "b"}) {
            msg::ListOffsetsRequest::ListOffsetsTopic topic;
            topic.name = name;
            for (int p = 0; p < 3; ++p) {
                msg::ListOffsetsRequest::ListOffsetsPartition partition;
                partition.partition_index = p;
                partition.timestamp = -2;
                topic.partitions.push_back(partition);
            }
            request.topics.push_back(topic);
        }
        const auto frame = test::request_frame(request, v, 9);
        const auto decoded = protocol::decode_request(frame);
        ASSERT_TRUE(decoded);
        std::string error;
        const auto parts = split_by_leader(*decoded, leader, error);
        ASSERT_TRUE(parts) << error;
        ASSERT_EQ(parts->size(), 3u);
        std::vector<std::vector<std::byte>> answers_bytes;
        for (const auto& [node, bytes] : *parts) {
            const auto part = protocol::decode_request(bytes);
            ASSERT_TRUE(part);
            EXPECT_EQ(part->header.correlation_id, 9);
            msg::ListOffsetsResponse answer;
            answer.throttle_time_ms = node;
            for (const auto& topic : std::get<msg::ListOffsetsRequest>(part->body).topics) {
                msg::ListOffsetsResponse::ListOffsetsTopicResponse t;
                t.name = topic.name;
                for (const auto& p : topic.partitions) {
                    EXPECT_EQ(leader(topic.name, {}, p.partition_index), node);
                    msg::ListOffsetsResponse::ListOffsetsPartitionResponse r;
                    r.partition_index = p.partition_index;
                    r.offset = 10 * node + p.partition_index;
                    t.partitions.push_back(r);
                }
                answer.topics.push_back(t);
            }
            answers_bytes.push_back(test::response_frame(answer, v, 9));
        }
        const std::vector<std::span<const std::byte>> answers(answers_bytes.begin(), answers_bytes.end());
        const auto merged = merge_by_topic(msg::ListOffsetsResponse::api_key, v, answers, 9, error);
        ASSERT_TRUE(merged) << error;
        const auto out = protocol::decode_response(msg::ListOffsetsResponse::api_key, v, *merged);
        ASSERT_TRUE(out);
        const auto& body = std::get<msg::ListOffsetsResponse>(out->body);
        if (v >= 2) {
            EXPECT_EQ(body.throttle_time_ms, 3);  // the longest; v1 has none
        }
        ASSERT_EQ(body.topics.size(), 2u);
        for (const auto& topic : body.topics) {
            EXPECT_EQ(topic.partitions.size(), 3u) << topic.name;
            for (const auto& p : topic.partitions) EXPECT_EQ(p.offset, 10 * leader(topic.name, {}, p.partition_index) + p.partition_index);
        }
    }
}

TEST(TopicSplit, OffsetForLeaderEpochEachVersionSplitsAndMerges) {
    for (std::int16_t v = msg::OffsetForLeaderEpochRequest::lowest_version; v <= msg::OffsetForLeaderEpochRequest::highest_version; ++v) {
        SCOPED_TRACE(testing::Message() << "OffsetForLeaderEpoch v" << v);
        msg::OffsetForLeaderEpochRequest request;
        msg::OffsetForLeaderEpochRequest::OffsetForLeaderTopic topic;
        topic.topic = "b";
        for (int p = 0; p < 4; ++p) {
            msg::OffsetForLeaderEpochRequest::OffsetForLeaderPartition partition;
            partition.partition = p;
            partition.leader_epoch = 2;
            topic.partitions.push_back(partition);
        }
        request.topics.push_back(topic);
        const auto decoded = protocol::decode_request(test::request_frame(request, v, 12));
        ASSERT_TRUE(decoded);
        std::string error;
        const auto parts = split_by_leader(*decoded, leader, error);
        ASSERT_TRUE(parts) << error;
        ASSERT_EQ(parts->size(), 2u);
        std::vector<std::vector<std::byte>> answers_bytes;
        for (const auto& [node, bytes] : *parts) {
            const auto part = protocol::decode_request(bytes);
            ASSERT_TRUE(part);
            msg::OffsetForLeaderEpochResponse answer;
            msg::OffsetForLeaderEpochResponse::OffsetForLeaderTopicResult t;
            t.topic = "b";
            for (const auto& p : std::get<msg::OffsetForLeaderEpochRequest>(part->body).topics.at(0).partitions) {
                msg::OffsetForLeaderEpochResponse::EpochEndOffset r;
                r.partition = p.partition;
                r.end_offset = node * 100;
                if (p.partition == 3) r.error_code = 74;  // FENCED_LEADER_EPOCH
                t.partitions.push_back(r);
            }
            answer.topics.push_back(t);
            answers_bytes.push_back(test::response_frame(answer, v, 12));
        }
        const std::vector<std::span<const std::byte>> answers(answers_bytes.begin(), answers_bytes.end());
        int errors = 0;
        const auto merged = merge_by_topic(msg::OffsetForLeaderEpochResponse::api_key, v, answers, 12, error,
                                           [&](std::string_view name, const protocol::Uuid&, std::int16_t) { errors += name == "b"; });
        ASSERT_TRUE(merged) << error;
        const auto out = protocol::decode_response(msg::OffsetForLeaderEpochResponse::api_key, v, *merged);
        ASSERT_TRUE(out);
        const auto& body = std::get<msg::OffsetForLeaderEpochResponse>(out->body);
        ASSERT_EQ(body.topics.size(), 1u);
        EXPECT_EQ(body.topics[0].partitions.size(), 4u);
        EXPECT_EQ(errors, 1);
    }
}

TEST(TopicSplit, RequestWithoutPartitionsGoesWhole) {
    msg::ListOffsetsRequest request;
    const auto decoded = protocol::decode_request(test::request_frame(request, 7, 1));
    ASSERT_TRUE(decoded);
    std::string error;
    const auto parts = split_by_leader(*decoded, [](std::string_view, const protocol::Uuid&, std::int32_t) { return 8; }, error);
    ASSERT_TRUE(parts) << error;
    ASSERT_EQ(parts->size(), 1u);
    EXPECT_TRUE(parts->contains(8));
}

}  // namespace
}  // namespace kgate::gateway
