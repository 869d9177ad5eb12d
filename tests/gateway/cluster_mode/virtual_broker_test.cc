#include "gateway/cluster_mode/virtual_broker.h"

#include <gtest/gtest.h>

#include "gateway/cluster_mode/cluster_request.h"
#include "protocol/messages/any_message.h"
#include "test_support/request_frame.h"

namespace kgate::gateway {
namespace {

namespace msg = protocol::messages;

const VirtualBroker kSelf{2147483647, "kafka.example.com", 9092};

msg::MetadataResponse three_brokers() {
    msg::MetadataResponse m;
    for (int n = 1; n <= 3; ++n) {
        msg::MetadataResponse::MetadataResponseBroker b;
        b.node_id = n;
        b.host = "kafka-" + std::to_string(n) + ".internal";
        b.port = 9092;
        m.brokers.push_back(b);
    }
    m.controller_id = 2;
    msg::MetadataResponse::MetadataResponseTopic topic;
    topic.name = "orders";
    topic.topic_id.bytes[3] = 9;
    for (int p = 0; p < 3; ++p) {
        msg::MetadataResponse::MetadataResponsePartition partition;
        partition.partition_index = p;
        partition.leader_id = p == 2 ? -1 : p + 1;  // partition 2 is offline
        partition.replica_nodes = {1, 2, 3};
        partition.isr_nodes = p == 2 ? std::vector<std::int32_t>{} : std::vector<std::int32_t>{1, 2};
        partition.offline_replicas = p == 2 ? std::vector<std::int32_t>{3} : std::vector<std::int32_t>{};
        partition.error_code = p == 2 ? 5 : 0;
        topic.partitions.push_back(partition);
    }
    m.topics.push_back(topic);
    msg::MetadataResponse::MetadataResponseTopic missing;
    missing.name = "missing";
    missing.error_code = 3;
    m.topics.push_back(missing);
    return m;
}

TEST(VirtualBroker, MetadataNamesOneBrokerAndKeepsErrors) {
    auto m = three_brokers();
    LeaderView view;
    view.learn(m);
    present_metadata(m, kSelf);
    ASSERT_EQ(m.brokers.size(), 1u);
    EXPECT_EQ(m.brokers[0].node_id, kSelf.node_id);
    EXPECT_EQ(m.brokers[0].host, "kafka.example.com");
    EXPECT_EQ(m.brokers[0].port, 9092);
    EXPECT_EQ(m.controller_id, kSelf.node_id);
    const auto& partitions = m.topics[0].partitions;
    EXPECT_EQ(partitions[0].leader_id, kSelf.node_id);
    EXPECT_EQ(partitions[0].replica_nodes, std::vector<std::int32_t>{kSelf.node_id});
    EXPECT_EQ(partitions[0].isr_nodes, std::vector<std::int32_t>{kSelf.node_id});
    EXPECT_EQ(partitions[2].leader_id, -1);  // offline stays offline
    EXPECT_EQ(partitions[2].error_code, 5);
    EXPECT_TRUE(partitions[2].isr_nodes.empty());
    EXPECT_TRUE(partitions[2].offline_replicas.empty());
    EXPECT_EQ(m.topics[1].error_code, 3);
    EXPECT_EQ(m.topics[0].topic_id.bytes[3], 9);

    // What was learnt before presenting: the real leaders.
    EXPECT_EQ(view.leader("orders", 0), 1);
    EXPECT_EQ(view.leader("orders", 1), 2);
    EXPECT_EQ(view.leader("orders", 2), LeaderView::kUnknown);
    EXPECT_EQ(view.leader(m.topics[0].topic_id, 1), 2);
    EXPECT_FALSE(view.knows("missing"));
    view.forget(m.topics[0].topic_id);
    EXPECT_FALSE(view.knows("orders"));
}

TEST(VirtualBroker, DescribeClusterNamesOneBroker) {
    msg::DescribeClusterResponse d;
    for (int n = 1; n <= 3; ++n) {
        msg::DescribeClusterResponse::DescribeClusterBroker b;
        b.broker_id = n;
        b.host = "kafka-" + std::to_string(n) + ".internal";
        d.brokers.push_back(b);
    }
    d.controller_id = 3;
    present_describe_cluster(d, kSelf);
    ASSERT_EQ(d.brokers.size(), 1u);
    EXPECT_EQ(d.brokers[0].broker_id, kSelf.node_id);
    EXPECT_EQ(d.brokers[0].host, kSelf.host);
    EXPECT_EQ(d.controller_id, kSelf.node_id);
}

TEST(VirtualBroker, FindCoordinatorEachVersionLearnsAndPresents) {
    for (std::int16_t v = msg::FindCoordinatorRequest::lowest_version; v <= msg::FindCoordinatorRequest::highest_version; ++v) {
        SCOPED_TRACE(testing::Message() << "FindCoordinator v" << v);
        // v0 has no key type: groups only.
        const auto type = v >= 1 ? CoordinatorType::transaction : CoordinatorType::group;
        const auto other = v >= 1 ? CoordinatorType::group : CoordinatorType::transaction;
        msg::FindCoordinatorRequest request;
        request.key_type = static_cast<std::int8_t>(type);
        if (v >= 4) request.coordinator_keys = {"txn-a", "txn-b"};
        else request.key = "txn-a";
        const auto decoded = protocol::decode_request(test::request_frame(request, v));
        ASSERT_TRUE(decoded);
        const auto question = coordinator_question(*decoded);
        EXPECT_EQ(question.type, type);
        msg::FindCoordinatorResponse answer;
        if (v >= 4) {
            msg::FindCoordinatorResponse::Coordinator a;
            a.key = "txn-a";
            a.node_id = 2;
            a.host = "kafka-2.internal";
            a.port = 9092;
            msg::FindCoordinatorResponse::Coordinator b;
            b.key = "txn-b";
            b.node_id = -1;
            b.error_code = 15;
            answer.coordinators = {a, b};
        } else {
            answer.node_id = 2;
            answer.host = "kafka-2.internal";
            answer.port = 9092;
        }
        LeaderView view;
        view.learn_coordinator({type, "txn-b"}, 3);
        present_find_coordinator(answer, v, question, view, kSelf);
        EXPECT_EQ(view.coordinator({type, "txn-a"}), 2);
        EXPECT_EQ(view.coordinator({other, "txn-a"}), LeaderView::kUnknown);
        if (v >= 4) {
            EXPECT_EQ(answer.coordinators[0].node_id, kSelf.node_id);
            EXPECT_EQ(answer.coordinators[0].host, kSelf.host);
            EXPECT_EQ(answer.coordinators[1].node_id, -1);  // the failed lookup keeps its error
            EXPECT_EQ(answer.coordinators[1].error_code, 15);
            EXPECT_EQ(view.coordinator({type, "txn-b"}), LeaderView::kUnknown);
        } else {
            EXPECT_EQ(answer.node_id, kSelf.node_id);
            EXPECT_EQ(answer.port, kSelf.port);
        }
    }
}

TEST(VirtualBroker, NodeIdNoBrokerUses) {
    std::vector<BrokerRoute> routes(2);
    routes[0].node_id = 2147483647;
    routes[1].node_id = 2147483646;
    EXPECT_EQ(virtual_node_id(routes), 2147483645);
    EXPECT_EQ(virtual_node_id({}), 2147483647);
}

}  // namespace
}  // namespace kgate::gateway
