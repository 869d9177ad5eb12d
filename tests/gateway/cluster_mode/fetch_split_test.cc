#include "gateway/cluster_mode/fetch_split.h"

#include <algorithm>

#include <gtest/gtest.h>

#include "protocol/messages/fetch_request.h"
#include "protocol/messages/fetch_response.h"
#include "test_support/request_frame.h"
#include "test_support/response_frame.h"

namespace kgate::gateway {
namespace {

namespace msg = protocol::messages;
constexpr std::int16_t kFirstTopicIdVersion = 13;
constexpr std::int16_t kFirstSessionVersion = 7;

protocol::Uuid topic_id(int topic) {
    protocol::Uuid id;
    id.bytes[0] = static_cast<std::uint8_t>(0x40 + topic);
    return id;
}

void name_topic(std::string& name, protocol::Uuid& id, int topic, std::int16_t version) {
    if (version >= kFirstTopicIdVersion) id = topic_id(topic);
    else name = "topic-" + std::to_string(topic);
}

msg::FetchRequest fetch_request(std::int16_t version) {
    msg::FetchRequest r;
    r.max_wait_ms = 500;
    r.min_bytes = 1;
    r.session_id = 77;
    r.session_epoch = 3;
    r.rack_id = "rack-a";
    for (int t = 0; t < 2; ++t) {
        msg::FetchRequest::FetchTopic topic;
        name_topic(topic.topic, topic.topic_id, t, version);
        for (int p = 0; p < 4; ++p) {
            msg::FetchRequest::FetchPartition partition;
            partition.partition = p;
            partition.fetch_offset = 1000 + p;
            partition.partition_max_bytes = 1 << 20;
            topic.partitions.push_back(partition);
        }
        r.topics.push_back(topic);
    }
    msg::FetchRequest::ForgottenTopic forgotten;
    name_topic(forgotten.topic, forgotten.topic_id, 5, version);
    forgotten.partitions = {0};
    r.forgotten_topics_data.push_back(forgotten);
    return r;
}

// Partition p is led by broker 20 + p % 3, whichever the topic.
std::int32_t leader(std::string_view, const protocol::Uuid&, std::int32_t partition) { return 20 + partition % 3; }

TEST(FetchSplit, EachVersionSplitsByLeaderSessionless) {
    for (std::int16_t v = msg::FetchRequest::lowest_version; v <= msg::FetchRequest::highest_version; ++v) {
        SCOPED_TRACE(testing::Message() << "Fetch v" << v);
        const auto frame = test::request_frame(fetch_request(v), v, 55);
        const auto request = protocol::decode_request(frame);
        ASSERT_TRUE(request) << request.error().to_string();
        std::string error;
        const auto parts = split_fetch(*request, leader, error);
        ASSERT_TRUE(parts) << error;
        ASSERT_EQ(parts->size(), 3u);
        std::size_t partitions = 0;
        for (const auto& [node, bytes] : *parts) {
            const auto decoded = protocol::decode_request(bytes);
            ASSERT_TRUE(decoded) << decoded.error().to_string();
            EXPECT_EQ(decoded->header.correlation_id, 55);
            const auto& body = std::get<msg::FetchRequest>(decoded->body);
            EXPECT_EQ(body.max_wait_ms, 500);
            if (v >= kFirstSessionVersion) {
                EXPECT_EQ(body.session_id, 0);
                EXPECT_EQ(body.session_epoch, -1);
                EXPECT_TRUE(body.forgotten_topics_data.empty());
            }
            EXPECT_TRUE(body.rack_id.empty());
            for (const auto& topic : body.topics) {
                for (const auto& p : topic.partitions) {
                    EXPECT_EQ(20 + p.partition % 3, node);
                    EXPECT_EQ(p.fetch_offset, 1000 + p.partition);
                    ++partitions;
                }
            }
        }
        EXPECT_EQ(partitions, 8u);
    }
}

struct FetchAnswer {
    std::vector<std::vector<std::byte>> records;  // the answer views them
    std::vector<std::byte> frame;
};

// Broker `node`'s answer for the partitions it leads; partition 3 of topic 1 with an error.
FetchAnswer fetch_answer(std::int32_t node, std::int16_t version, std::int32_t throttle) {
    FetchAnswer a;
    a.records.reserve(8);
    msg::FetchResponse r;
    r.throttle_time_ms = throttle;
    r.session_id = 1234;
    for (int t = 0; t < 2; ++t) {
        msg::FetchResponse::FetchableTopicResponse topic;
        name_topic(topic.topic, topic.topic_id, t, version);
        for (int p = 0; p < 4; ++p) {
            if (20 + p % 3 != node) continue;
            msg::FetchResponse::PartitionData partition;
            partition.partition_index = p;
            partition.high_watermark = 5000;
            if (t == 1 && p == 3) {
                partition.error_code = 6;
                partition.current_leader.leader_id = 3;
                partition.current_leader.leader_epoch = 9;
            } else {
                a.records.emplace_back(100 + 10 * p, static_cast<std::byte>(0x30 + 4 * t + p));
                partition.records = protocol::BytesView(a.records.back());
            }
            topic.partitions.push_back(partition);
        }
        r.responses.push_back(topic);
    }
    msg::FetchResponse::NodeEndpoint endpoint;
    endpoint.node_id = 3;
    endpoint.host = "kafka-3.internal";
    endpoint.port = 9092;
    r.node_endpoints.push_back(endpoint);
    a.frame = test::response_frame(r, version, 55);
    return a;
}

TEST(FetchSplit, EachVersionMergesAnswersFromViews) {
    for (std::int16_t v = msg::FetchResponse::lowest_version; v <= msg::FetchResponse::highest_version; ++v) {
        SCOPED_TRACE(testing::Message() << "Fetch v" << v);
        const auto a = fetch_answer(20, v, 1);
        const auto b = fetch_answer(21, v, 8);
        const auto c = fetch_answer(22, v, 3);
        const std::vector<std::span<const std::byte>> answers{a.frame, b.frame, c.frame};
        std::string error;
        int stale = 0;
        const auto merged = merge_fetch_responses(answers, v, 55, error, [&](std::string_view, const protocol::Uuid&, std::int16_t code) {
            stale += code == 6;
        });
        ASSERT_TRUE(merged) << error;
        std::size_t record_bytes = 0;
        for (const auto* answer : {&a, &b, &c}) {
            for (const auto& r : answer->records) record_bytes += r.size();
        }
        EXPECT_GE(merged->viewed_bytes(), record_bytes);  // records are never copied
        const auto bytes = merged->flatten();
        const auto decoded = protocol::decode_response(msg::FetchResponse::api_key, v, bytes);
        ASSERT_TRUE(decoded) << decoded.error().to_string();
        EXPECT_EQ(decoded->header.correlation_id, 55);
        const auto& body = std::get<msg::FetchResponse>(decoded->body);
        EXPECT_EQ(body.throttle_time_ms, 8);
        EXPECT_EQ(body.session_id, 0);
        EXPECT_TRUE(body.node_endpoints.empty());
        ASSERT_EQ(body.responses.size(), 2u);  // one entry per topic
        for (int t = 0; t < 2; ++t) {
            const auto& topic = body.responses[static_cast<std::size_t>(t)];
            std::vector<std::int32_t> indexes;
            for (const auto& p : topic.partitions) {
                indexes.push_back(p.partition_index);
                EXPECT_EQ(p.current_leader, msg::FetchResponse::LeaderIdAndEpoch{});
                if (p.error_code != 0) continue;
                ASSERT_TRUE(p.records);
                EXPECT_EQ(p.records->size(), static_cast<std::size_t>(100 + 10 * p.partition_index));
                EXPECT_EQ(p.records->data()[0], static_cast<std::byte>(0x30 + 4 * t + p.partition_index));
            }
            std::sort(indexes.begin(), indexes.end());
            EXPECT_EQ(indexes, (std::vector<std::int32_t>{0, 1, 2, 3}));
        }
        EXPECT_EQ(stale, 1);
    }
}

TEST(FetchSplit, TruncatedAnswerIsRefused) {
    auto a = fetch_answer(20, 12, 0);
    a.frame.resize(a.frame.size() - 3);
    const std::vector<std::span<const std::byte>> answers{a.frame};
    std::string error;
    EXPECT_FALSE(merge_fetch_responses(answers, 12, 55, error));
    EXPECT_NE(error.find("Fetch v12 response"), std::string::npos) << error;
}

}  // namespace
}  // namespace kgate::gateway
