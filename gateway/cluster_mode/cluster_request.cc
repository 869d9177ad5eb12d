#include "gateway/cluster_mode/cluster_request.h"

#include <algorithm>

#include "gateway/cluster_mode/topic_split.h"
#include "protocol/codec/api_table.h"
#include "protocol/messages/any_message.h"

namespace kgate::gateway {
namespace {

namespace msg = protocol::messages;

constexpr std::int16_t kNotCoordinator = 16;
constexpr std::int16_t kCoordinatorNotAvailable = 15;
constexpr std::int16_t kUnsupportedSaslMechanism = 33;
constexpr std::int16_t kLastAddPartitionsClientVersion = 3;  // v4+ is broker to broker

// Answers that name brokers this mode does not rewrite yet.
constexpr std::int16_t kRefused[] = {msg::DescribeQuorumRequest::api_key, msg::ShareFetchRequest::api_key,
                                     msg::ShareAcknowledgeRequest::api_key};

constexpr std::int16_t kGroupCoordinated[] = {
    msg::JoinGroupRequest::api_key,    msg::SyncGroupRequest::api_key,       msg::HeartbeatRequest::api_key,
    msg::LeaveGroupRequest::api_key,   msg::OffsetCommitRequest::api_key,    msg::OffsetFetchRequest::api_key,
    msg::OffsetDeleteRequest::api_key, msg::TxnOffsetCommitRequest::api_key, msg::ConsumerGroupHeartbeatRequest::api_key,
};
constexpr std::int16_t kTransactionCoordinated[] = {msg::InitProducerIdRequest::api_key, msg::AddPartitionsToTxnRequest::api_key,
                                                    msg::AddOffsetsToTxnRequest::api_key, msg::EndTxnRequest::api_key};

template <std::size_t N>
bool in(const std::int16_t (&keys)[N], std::int16_t key) {
    return std::find(std::begin(keys), std::end(keys), key) != std::end(keys);
}

CoordinatorKey group(std::string id) { return {CoordinatorType::group, std::move(id)}; }
CoordinatorKey transaction(std::string id) { return {CoordinatorType::transaction, std::move(id)}; }

}  // namespace

Route route_of(std::int16_t api_key) {
    switch (api_key) {
        case msg::ApiVersionsRequest::api_key:
        case msg::SaslHandshakeRequest::api_key: return Route::local;
        case msg::ProduceRequest::api_key: return Route::produce;
        case msg::FetchRequest::api_key: return Route::fetch;
        default: break;
    }
    if (split_with_codec(api_key)) return Route::by_topic;
    if (in(kRefused, api_key)) return Route::refused;
    if (in(kGroupCoordinated, api_key) || in(kTransactionCoordinated, api_key)) return Route::coordinator;
    return Route::any_broker;
}

Answer answer_of(std::int16_t api_key, Route route) {
    switch (route) {
        case Route::local:
        case Route::refused: return Answer::local;
        case Route::produce: return Answer::produce;
        case Route::fetch: return Answer::fetch;
        case Route::by_topic: return Answer::by_topic;
        case Route::coordinator: return Answer::coordinator;
        case Route::any_broker: break;
    }
    switch (api_key) {
        case msg::MetadataRequest::api_key: return Answer::metadata;
        case msg::DescribeClusterRequest::api_key: return Answer::describe_cluster;
        case msg::FindCoordinatorRequest::api_key: return Answer::find_coordinator;
        default: return Answer::verbatim;
    }
}

std::optional<CoordinatorKey> coordinator_key(const protocol::DecodedRequest& request) {
    const auto version = request.header.request_api_version;
    return std::visit(
        [&](const auto& body) -> std::optional<CoordinatorKey> {
            using T = std::decay_t<decltype(body)>;
            if constexpr (std::is_same_v<T, msg::JoinGroupRequest> || std::is_same_v<T, msg::SyncGroupRequest> ||
                          std::is_same_v<T, msg::HeartbeatRequest> || std::is_same_v<T, msg::LeaveGroupRequest> ||
                          std::is_same_v<T, msg::OffsetCommitRequest> || std::is_same_v<T, msg::OffsetDeleteRequest> ||
                          std::is_same_v<T, msg::TxnOffsetCommitRequest> || std::is_same_v<T, msg::ConsumerGroupHeartbeatRequest>) {
                return group(body.group_id);
            } else if constexpr (std::is_same_v<T, msg::OffsetFetchRequest>) {
                if (body.groups.size() == 1) return group(body.groups.front().group_id);
                if (body.groups.empty()) return group(body.group_id);  // before v8: one group, top level
                return std::nullopt;
            } else if constexpr (std::is_same_v<T, msg::InitProducerIdRequest>) {
                if (!body.transactional_id || body.transactional_id->empty()) return std::nullopt;
                return transaction(*body.transactional_id);
            } else if constexpr (std::is_same_v<T, msg::AddPartitionsToTxnRequest>) {
                if (version > kLastAddPartitionsClientVersion) return std::nullopt;
                return transaction(body.v3_and_below_transactional_id);
            } else if constexpr (std::is_same_v<T, msg::AddOffsetsToTxnRequest> || std::is_same_v<T, msg::EndTxnRequest>) {
                return transaction(body.transactional_id);
            } else {
                return std::nullopt;
            }
        },
        request.body);
}

bool coordinator_moved(const protocol::DecodedResponse& response) {
    bool moved = false;
    std::visit(
        [&](const auto& body) {
            body.for_each_error_code(response.body_version, [&](std::int16_t code) {
                if (code == kNotCoordinator || code == kCoordinatorNotAvailable) moved = true;
            });
        },
        response.body);
    return moved;
}

bool leader_moved(std::int16_t code) {
    constexpr std::int16_t kUnknownTopicOrPartition = 3;
    constexpr std::int16_t kLeaderNotAvailable = 5;
    constexpr std::int16_t kNotLeaderOrFollower = 6;
    constexpr std::int16_t kFencedLeaderEpoch = 74;
    constexpr std::int16_t kUnknownLeaderEpoch = 75;
    constexpr std::int16_t kUnknownTopicId = 100;
    switch (code) {
        case kUnknownTopicOrPartition:
        case kLeaderNotAvailable:
        case kNotLeaderOrFollower:
        case kFencedLeaderEpoch:
        case kUnknownLeaderEpoch:
        case kUnknownTopicId: return true;
        default: return false;
    }
}

TopicNeeds topics_named(const protocol::DecodedRequest& request) {
    TopicNeeds needs;
    const auto add = [&](const std::string& name, const protocol::Uuid& id) {
        if (!id.is_zero()) needs.ids.push_back(id);
        else if (!name.empty()) needs.names.push_back(name);
    };
    std::visit(
        [&](const auto& body) {
            using T = std::decay_t<decltype(body)>;
            if constexpr (std::is_same_v<T, msg::ProduceRequest>) {
                for (const auto& t : body.topic_data) add(t.name, t.topic_id);
            } else if constexpr (std::is_same_v<T, msg::FetchRequest>) {
                for (const auto& t : body.topics) add(t.topic, t.topic_id);
            } else if constexpr (std::is_same_v<T, msg::ListOffsetsRequest>) {
                for (const auto& t : body.topics) add(t.name, {});
            } else if constexpr (std::is_same_v<T, msg::OffsetForLeaderEpochRequest>) {
                for (const auto& t : body.topics) add(t.topic, {});
            }
        },
        request.body);
    return needs;
}

CoordinatorQuestion coordinator_question(const protocol::DecodedRequest& request) {
    CoordinatorQuestion q;
    if (const auto* find = std::get_if<msg::FindCoordinatorRequest>(&request.body)) {
        q.type = static_cast<CoordinatorType>(find->key_type);
        if (!find->coordinator_keys.empty()) q.keys = find->coordinator_keys;
        else q.keys.push_back(find->key);
    }
    return q;
}

ApiRanges cluster_offered(const ApiRanges& offered) {
    ApiRanges out = offered;
    for (const auto key : kRefused) out.erase(key);
    return out;
}

std::vector<std::byte> local_answer(std::int16_t api_key, std::int16_t version, std::int32_t correlation_id, const msg::AnyResponse& body) {
    protocol::DecodedResponse response;
    response.api_key = api_key;
    response.api_version = version;
    response.body_version = version;
    response.header.correlation_id = correlation_id;
    response.header_version = protocol::response_header_version(*protocol::find_api(api_key), version);
    response.body = body;
    auto bytes = protocol::encode_response(response);
    return bytes ? std::move(*bytes) : std::vector<std::byte>{};
}

std::vector<std::byte> refused_sasl_answer(std::int16_t version, std::int32_t correlation_id) {
    msg::SaslHandshakeResponse body;
    body.error_code = kUnsupportedSaslMechanism;
    return local_answer(msg::SaslHandshakeRequest::api_key, version, correlation_id, body);
}

}  // namespace kgate::gateway
