#include "gateway/cluster_mode/topic_split.h"

#include <algorithm>

#include <fmt/format.h>

#include "protocol/messages/list_offsets_request.h"
#include "protocol/messages/list_offsets_response.h"
#include "protocol/messages/offset_for_leader_epoch_request.h"
#include "protocol/messages/offset_for_leader_epoch_response.h"

namespace kgate::gateway {
namespace {

namespace msg = protocol::messages;

// Where an API keeps its topics, their names and their partitions' indexes.
template <class Request, class Topic, class Partition>
struct RequestShape {
    std::vector<Topic> Request::*topics;
    std::string Topic::*name;
    std::vector<Partition> Topic::*partitions;
    std::int32_t Partition::*index;
};

template <class Request, class Topic, class Partition>
std::optional<std::map<std::int32_t, std::vector<std::byte>>> split(const protocol::DecodedRequest& request,
                                                                   RequestShape<Request, Topic, Partition> shape,
                                                                   const PartitionLeader& leader_of, std::string& error) {
    const auto& body = std::get<Request>(request.body);
    std::map<std::int32_t, Request> parts;
    const auto part_for = [&](std::int32_t node) -> Request& {
        auto [it, added] = parts.try_emplace(node, body);
        if (added) (it->second.*shape.topics).clear();
        return it->second;
    };
    for (const auto& topic : body.*shape.topics) {
        for (const auto& partition : topic.*shape.partitions) {
            auto& topics = part_for(leader_of(topic.*shape.name, protocol::Uuid{}, partition.*shape.index)).*shape.topics;
            if (topics.empty() || topics.back().*shape.name != topic.*shape.name) {
                auto copy = topic;
                (copy.*shape.partitions).clear();
                topics.push_back(std::move(copy));
            }
            (topics.back().*shape.partitions).push_back(partition);
        }
    }
    if (parts.empty()) part_for(leader_of("", protocol::Uuid{}, -1));
    return encode_parts(request, parts, error);
}

template <class Response, class Topic, class Partition>
struct ResponseShape {
    std::vector<Topic> Response::*topics;
    std::string Topic::*name;
    std::vector<Partition> Topic::*partitions;
    std::int16_t Partition::*error_code;
};

template <class Response, class Topic, class Partition>
std::optional<std::vector<std::byte>> merge(std::int16_t version, std::span<const std::span<const std::byte>> answers,
                                            std::int32_t correlation_id, ResponseShape<Response, Topic, Partition> shape,
                                            std::string& error, const PartitionErrorSink& on_error) {
    std::optional<protocol::DecodedResponse> merged;
    for (const auto& answer : answers) {
        auto decoded = protocol::decode_response(Response::api_key, version, answer);
        if (!decoded) {
            error = fmt::format("{} v{}: {}", Response::message_name, version, decoded.error().to_string());
            return std::nullopt;
        }
        if (!merged) {
            merged = std::move(*decoded);
            continue;
        }
        auto& into = std::get<Response>(merged->body);
        auto& from = std::get<Response>(decoded->body);
        into.throttle_time_ms = std::max(into.throttle_time_ms, from.throttle_time_ms);
        for (auto& topic : from.*shape.topics) {
            auto& topics = into.*shape.topics;
            auto same = std::find_if(topics.begin(), topics.end(), [&](const Topic& t) { return t.*shape.name == topic.*shape.name; });
            if (same == topics.end()) {
                topics.push_back(std::move(topic));
            } else {
                for (auto& p : topic.*shape.partitions) ((*same).*shape.partitions).push_back(std::move(p));
            }
        }
    }
    if (!merged) {
        error = fmt::format("no {} answers to merge", Response::message_name);
        return std::nullopt;
    }
    for (const auto& topic : std::get<Response>(merged->body).*shape.topics) {
        for (const auto& p : topic.*shape.partitions) {
            if (p.*shape.error_code != 0 && on_error) on_error(topic.*shape.name, protocol::Uuid{}, p.*shape.error_code);
        }
    }
    merged->header.correlation_id = correlation_id;
    auto bytes = protocol::encode_response(*merged);
    if (!bytes) error = fmt::format("{} v{} cannot be encoded", Response::message_name, version);
    return bytes;
}

constexpr RequestShape<msg::ListOffsetsRequest, msg::ListOffsetsRequest::ListOffsetsTopic, msg::ListOffsetsRequest::ListOffsetsPartition>
    kListOffsets{&msg::ListOffsetsRequest::topics, &msg::ListOffsetsRequest::ListOffsetsTopic::name,
                 &msg::ListOffsetsRequest::ListOffsetsTopic::partitions, &msg::ListOffsetsRequest::ListOffsetsPartition::partition_index};
constexpr RequestShape<msg::OffsetForLeaderEpochRequest, msg::OffsetForLeaderEpochRequest::OffsetForLeaderTopic,
                       msg::OffsetForLeaderEpochRequest::OffsetForLeaderPartition>
    kEpochs{&msg::OffsetForLeaderEpochRequest::topics, &msg::OffsetForLeaderEpochRequest::OffsetForLeaderTopic::topic,
            &msg::OffsetForLeaderEpochRequest::OffsetForLeaderTopic::partitions,
            &msg::OffsetForLeaderEpochRequest::OffsetForLeaderPartition::partition};
constexpr ResponseShape<msg::ListOffsetsResponse, msg::ListOffsetsResponse::ListOffsetsTopicResponse,
                        msg::ListOffsetsResponse::ListOffsetsPartitionResponse>
    kListOffsetsAnswer{&msg::ListOffsetsResponse::topics, &msg::ListOffsetsResponse::ListOffsetsTopicResponse::name,
                       &msg::ListOffsetsResponse::ListOffsetsTopicResponse::partitions,
                       &msg::ListOffsetsResponse::ListOffsetsPartitionResponse::error_code};
constexpr ResponseShape<msg::OffsetForLeaderEpochResponse, msg::OffsetForLeaderEpochResponse::OffsetForLeaderTopicResult,
                        msg::OffsetForLeaderEpochResponse::EpochEndOffset>
    kEpochsAnswer{&msg::OffsetForLeaderEpochResponse::topics, &msg::OffsetForLeaderEpochResponse::OffsetForLeaderTopicResult::topic,
                  &msg::OffsetForLeaderEpochResponse::OffsetForLeaderTopicResult::partitions,
                  &msg::OffsetForLeaderEpochResponse::EpochEndOffset::error_code};

}  // namespace

bool split_with_codec(std::int16_t api_key) {
    return api_key == msg::ListOffsetsRequest::api_key || api_key == msg::OffsetForLeaderEpochRequest::api_key;
}

std::optional<std::map<std::int32_t, std::vector<std::byte>>> split_by_leader(const protocol::DecodedRequest& request,
                                                                             const PartitionLeader& leader_of, std::string& error) {
    if (std::holds_alternative<msg::ListOffsetsRequest>(request.body)) return split(request, kListOffsets, leader_of, error);
    if (std::holds_alternative<msg::OffsetForLeaderEpochRequest>(request.body)) return split(request, kEpochs, leader_of, error);
    error = "not an API split by topic";
    return std::nullopt;
}

std::optional<std::vector<std::byte>> merge_by_topic(std::int16_t api_key, std::int16_t version,
                                                     std::span<const std::span<const std::byte>> answers, std::int32_t correlation_id,
                                                     std::string& error, const PartitionErrorSink& on_error) {
    if (api_key == msg::ListOffsetsResponse::api_key) return merge(version, answers, correlation_id, kListOffsetsAnswer, error, on_error);
    if (api_key == msg::OffsetForLeaderEpochResponse::api_key) return merge(version, answers, correlation_id, kEpochsAnswer, error, on_error);
    error = fmt::format("API key {} is not merged by topic", api_key);
    return std::nullopt;
}

}  // namespace kgate::gateway
