#include "gateway/cluster_mode/cluster_request.h"

#include <gtest/gtest.h>

#include "protocol/messages/any_message.h"
#include "test_support/request_frame.h"
#include "test_support/response_frame.h"

namespace kgate::gateway {
namespace {

namespace msg = protocol::messages;

template <class Body>
std::optional<CoordinatorKey> key_of(const Body& body, std::int16_t version) {
    const auto decoded = protocol::decode_request(test::request_frame(body, version));
    EXPECT_TRUE(decoded) << decoded.error().to_string();
    return decoded ? coordinator_key(*decoded) : std::nullopt;
}

template <class Body>
void expect_group_at_every_version(const char* group) {
    Body body;
    body.group_id = group;
    for (std::int16_t v = Body::lowest_version; v <= Body::highest_version; ++v) {
        SCOPED_TRACE(testing::Message() << Body::message_name << " v" << v);
        EXPECT_EQ(route_of(Body::api_key), Route::coordinator);
        EXPECT_EQ(key_of(body, v), (CoordinatorKey{CoordinatorType::group, group}));
    }
}

TEST(ClusterRequest, GroupRequestsGoToTheGroupsCoordinator) {
    expect_group_at_every_version<msg::JoinGroupRequest>("g1");
    expect_group_at_every_version<msg::SyncGroupRequest>("g1");
    expect_group_at_every_version<msg::HeartbeatRequest>("g1");
    expect_group_at_every_version<msg::LeaveGroupRequest>("g1");
    expect_group_at_every_version<msg::OffsetCommitRequest>("g1");
    expect_group_at_every_version<msg::OffsetDeleteRequest>("g1");
    expect_group_at_every_version<msg::ConsumerGroupHeartbeatRequest>("g1");
    msg::TxnOffsetCommitRequest commit;
    commit.group_id = "g2";
    commit.transactional_id = "t";
    EXPECT_EQ(key_of(commit, 3), (CoordinatorKey{CoordinatorType::group, "g2"}));
}

TEST(ClusterRequest, OffsetFetchForOneGroupAtEveryVersion) {
    for (std::int16_t v = msg::OffsetFetchRequest::lowest_version; v <= msg::OffsetFetchRequest::highest_version; ++v) {
        SCOPED_TRACE(testing::Message() << "OffsetFetch v" << v);
        msg::OffsetFetchRequest one;
        if (v >= 8) {
            one.groups.resize(1);
            one.groups[0].group_id = "g1";
        } else {
            one.group_id = "g1";
        }
        EXPECT_EQ(key_of(one, v), (CoordinatorKey{CoordinatorType::group, "g1"}));
        if (v >= 8) {
            one.groups.resize(2);
            one.groups[1].group_id = "g2";
            EXPECT_EQ(key_of(one, v), std::nullopt);  // several groups: not split yet, any broker
        }
    }
}

TEST(ClusterRequest, TransactionRequestsGoToTheTransactionCoordinator) {
    const CoordinatorKey txn{CoordinatorType::transaction, "txn-1"};
    msg::InitProducerIdRequest init;
    init.transactional_id = "txn-1";
    EXPECT_EQ(key_of(init, 4), txn);
    init.transactional_id.reset();
    EXPECT_EQ(key_of(init, 4), std::nullopt);  // idempotent only: any broker
    msg::AddPartitionsToTxnRequest add;
    add.v3_and_below_transactional_id = "txn-1";
    for (std::int16_t v = msg::AddPartitionsToTxnRequest::lowest_version; v <= 3; ++v) EXPECT_EQ(key_of(add, v), txn);
    msg::AddOffsetsToTxnRequest offsets;
    offsets.transactional_id = "txn-1";
    offsets.group_id = "g";
    EXPECT_EQ(key_of(offsets, 3), txn);
    msg::EndTxnRequest end;
    end.transactional_id = "txn-1";
    EXPECT_EQ(key_of(end, 3), txn);
}

TEST(ClusterRequest, RoutesAndAnswers) {
    EXPECT_EQ(route_of(msg::ProduceRequest::api_key), Route::produce);
    EXPECT_EQ(route_of(msg::FetchRequest::api_key), Route::fetch);
    EXPECT_EQ(route_of(msg::ListOffsetsRequest::api_key), Route::by_topic);
    EXPECT_EQ(route_of(msg::OffsetForLeaderEpochRequest::api_key), Route::by_topic);
    EXPECT_EQ(route_of(msg::ApiVersionsRequest::api_key), Route::local);
    EXPECT_EQ(route_of(msg::SaslHandshakeRequest::api_key), Route::local);
    EXPECT_EQ(route_of(msg::DescribeQuorumRequest::api_key), Route::refused);
    EXPECT_EQ(route_of(msg::CreateTopicsRequest::api_key), Route::any_broker);
    EXPECT_EQ(answer_of(msg::MetadataRequest::api_key, Route::any_broker), Answer::metadata);
    EXPECT_EQ(answer_of(msg::FindCoordinatorRequest::api_key, Route::any_broker), Answer::find_coordinator);
    EXPECT_EQ(answer_of(msg::DescribeClusterRequest::api_key, Route::any_broker), Answer::describe_cluster);
    EXPECT_EQ(answer_of(msg::CreateTopicsRequest::api_key, Route::any_broker), Answer::verbatim);
    ApiRanges offered{{msg::DescribeQuorumRequest::api_key, {0, 2}}, {msg::MetadataRequest::api_key, {0, 13}}};
    EXPECT_EQ(cluster_offered(offered).size(), 1u);
}

TEST(ClusterRequest, CoordinatorErrorsAnywhereInTheAnswer) {
    msg::OffsetCommitResponse commit;
    commit.topics.resize(1);
    commit.topics[0].partitions.resize(2);
    commit.topics[0].partitions[1].error_code = 16;  // NOT_COORDINATOR
    const auto frame = test::response_frame(commit, 8);
    const auto decoded = protocol::decode_response(msg::OffsetCommitResponse::api_key, 8, frame);
    ASSERT_TRUE(decoded);
    EXPECT_TRUE(coordinator_moved(*decoded));
    msg::HeartbeatResponse ok;
    const auto ok_frame = test::response_frame(ok, 4);
    EXPECT_FALSE(coordinator_moved(*protocol::decode_response(msg::HeartbeatResponse::api_key, 4, ok_frame)));
    EXPECT_TRUE(leader_moved(6));
    EXPECT_FALSE(leader_moved(0));
}

TEST(ClusterRequest, SaslIsRefusedWithAnAnswer) {
    const auto frame = refused_sasl_answer(1, 77);
    const auto decoded = protocol::decode_response(msg::SaslHandshakeResponse::api_key, 1, frame);
    ASSERT_TRUE(decoded);
    EXPECT_EQ(decoded->header.correlation_id, 77);
    EXPECT_EQ(std::get<msg::SaslHandshakeResponse>(decoded->body).error_code, 33);
}

}  // namespace
}  // namespace kgate::gateway
