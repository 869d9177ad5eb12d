#include "gateway/cluster_mode/produce_split.h"

#include <gtest/gtest.h>

#include "protocol/messages/produce_request.h"
#include "protocol/messages/produce_response.h"
#include "test_support/request_frame.h"
#include "test_support/response_frame.h"

namespace kgate::gateway {
namespace {

namespace msg = protocol::messages;
constexpr std::int16_t kFirstTopicIdVersion = 13;

// Distinct bytes per partition, standing for its record batches.
std::vector<std::byte> records_of(int topic, int partition) {
    std::vector<std::byte> bytes(64 + 16 * partition);
    for (std::size_t i = 0; i < bytes.size(); ++i) bytes[i] = static_cast<std::byte>((topic * 31 + partition * 7 + i) & 0xff);
    return bytes;
}

protocol::Uuid topic_id(int topic) {
    protocol::Uuid id;
    id.bytes[15] = static_cast<std::uint8_t>(topic + 1);
    return id;
}

struct ProduceCase {
    std::vector<std::vector<std::byte>> records;  // kept alive: the request views them
    std::vector<std::byte> frame;
};

// Two topics of three partitions each, at `version`.
ProduceCase produce_request(std::int16_t version) {
    ProduceCase c;
    msg::ProduceRequest request;
    request.transactional_id = "txn-1";
    request.acks = -1;
    request.timeout_ms = 3000;
    for (int t = 0; t < 2; ++t) {
        msg::ProduceRequest::TopicProduceData topic;
        if (version >= kFirstTopicIdVersion) topic.topic_id = topic_id(t);
        else topic.name = "topic-" + std::to_string(t);
        for (int p = 0; p < 3; ++p) {
            c.records.push_back(records_of(t, p));
            msg::ProduceRequest::PartitionProduceData partition;
            partition.index = p;
            partition.records = protocol::BytesView(c.records.back());
            topic.partition_data.push_back(partition);
        }
        request.topic_data.push_back(topic);
    }
    c.frame = test::request_frame(request, version, 41);
    return c;
}

// Partition p of either topic is led by broker 10 + p % 2.
std::int32_t leader_by_parity(const TopicSpans&, std::int32_t partition) { return 10 + partition % 2; }

TEST(ProduceSplit, EachVersionSplitsByLeaderWithRecordsAsViews) {
    for (std::int16_t v = msg::ProduceRequest::lowest_version; v <= msg::ProduceRequest::highest_version; ++v) {
        SCOPED_TRACE(testing::Message() << "Produce v" << v);
        const auto c = produce_request(v);
        std::string error;
        const auto layout = layout_produce(c.frame, error);
        ASSERT_TRUE(layout) << error;
        auto parts = split_produce(*layout, leader_by_parity);
        ASSERT_EQ(parts.size(), 2u);
        std::size_t partitions_seen = 0;
        for (const auto& [node, part] : parts) {
            const auto bytes = part.flatten();
            const auto decoded = protocol::decode_request(bytes);
            ASSERT_TRUE(decoded) << decoded.error().to_string();
            EXPECT_EQ(decoded->header.correlation_id, 41);
            const auto& body = std::get<msg::ProduceRequest>(decoded->body);
            EXPECT_EQ(body.acks, -1);
            EXPECT_EQ(body.timeout_ms, 3000);
            EXPECT_EQ(body.transactional_id, std::optional<std::string>("txn-1"));
            ASSERT_EQ(body.topic_data.size(), 2u);
            std::size_t record_bytes = 0;
            for (std::size_t t = 0; t < body.topic_data.size(); ++t) {
                for (const auto& p : body.topic_data[t].partition_data) {
                    EXPECT_EQ(10 + p.index % 2, node);
                    const auto want = records_of(static_cast<int>(t), p.index);
                    ASSERT_TRUE(p.records);
                    EXPECT_TRUE(std::equal(want.begin(), want.end(), p.records->data(), p.records->data() + p.records->size()));
                    record_bytes += want.size();
                    ++partitions_seen;
                }
            }
            // The partitions (records included) travel as views of the client's frame.
            EXPECT_GE(part.viewed_bytes(), record_bytes);
        }
        EXPECT_EQ(partitions_seen, 6u);
    }
}

TEST(ProduceSplit, AllOnOneBrokerIsOnePart) {
    const auto c = produce_request(9);
    std::string error;
    const auto layout = layout_produce(c.frame, error);
    ASSERT_TRUE(layout) << error;
    const auto parts = split_produce(*layout, [](const TopicSpans&, std::int32_t) { return 3; });
    ASSERT_EQ(parts.size(), 1u);
    // The same request, byte for byte.
    EXPECT_EQ(parts.at(3).flatten(), c.frame);
}

TEST(ProduceSplit, TruncatedFrameNamesWhereItFailed) {
    auto c = produce_request(9);
    c.frame.resize(c.frame.size() - 5);
    std::string error;
    EXPECT_FALSE(layout_produce(c.frame, error));
    EXPECT_NE(error.find("PartitionData"), std::string::npos) << error;
}

msg::ProduceResponse answer_for(int first_partition, std::int16_t version, std::int32_t throttle) {
    msg::ProduceResponse r;
    r.throttle_time_ms = throttle;
    for (int t = 0; t < 2; ++t) {
        msg::ProduceResponse::TopicProduceResponse topic;
        if (version >= kFirstTopicIdVersion) topic.topic_id = topic_id(t);
        else topic.name = "topic-" + std::to_string(t);
        for (int p = first_partition; p < 3; p += 2) {
            msg::ProduceResponse::PartitionProduceResponse partition;
            partition.index = p;
            partition.base_offset = 100 * t + p;
            if (p == 2) {
                partition.error_code = 6;  // NOT_LEADER_OR_FOLLOWER, with a hint naming a real broker
                partition.current_leader.leader_id = 2;
                partition.current_leader.leader_epoch = 4;
            }
            topic.partition_responses.push_back(partition);
        }
        r.responses.push_back(topic);
    }
    msg::ProduceResponse::NodeEndpoint endpoint;
    endpoint.node_id = 2;
    endpoint.host = "kafka-2.internal";
    endpoint.port = 9092;
    r.node_endpoints.push_back(endpoint);
    return r;
}

TEST(ProduceSplit, EachVersionMergesAnswersUnderTheClientsCorrelationId) {
    for (std::int16_t v = msg::ProduceResponse::lowest_version; v <= msg::ProduceResponse::highest_version; ++v) {
        SCOPED_TRACE(testing::Message() << "Produce v" << v);
        const auto a = test::response_frame(answer_for(0, v, 5), v, 41);
        const auto b = test::response_frame(answer_for(1, v, 9), v, 41);
        const std::vector<std::span<const std::byte>> answers{a, b};
        std::string error;
        std::vector<std::string> stale;
        const auto merged = merge_produce_responses(answers, v, 41, error, [&](std::string_view topic, const protocol::Uuid&, std::int16_t code) {
            if (code == 6) stale.emplace_back(topic);
        });
        ASSERT_TRUE(merged) << error;
        const auto decoded = protocol::decode_response(msg::ProduceResponse::api_key, v, *merged);
        ASSERT_TRUE(decoded) << decoded.error().to_string();
        EXPECT_EQ(decoded->header.correlation_id, 41);
        const auto& body = std::get<msg::ProduceResponse>(decoded->body);
        EXPECT_EQ(body.throttle_time_ms, 9);
        EXPECT_TRUE(body.node_endpoints.empty());
        ASSERT_EQ(body.responses.size(), 2u);  // one entry per topic
        for (const auto& topic : body.responses) {
            std::vector<std::int32_t> indexes;
            for (const auto& p : topic.partition_responses) {
                indexes.push_back(p.index);
                EXPECT_EQ(p.current_leader, msg::ProduceResponse::LeaderIdAndEpoch{});
            }
            std::sort(indexes.begin(), indexes.end());
            EXPECT_EQ(indexes, (std::vector<std::int32_t>{0, 1, 2}));
        }
        EXPECT_EQ(stale.size(), 2u);  // partition 2 of each topic
    }
}

}  // namespace
}  // namespace kgate::gateway
