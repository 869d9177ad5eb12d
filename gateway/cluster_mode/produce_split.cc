#include "gateway/cluster_mode/produce_split.h"

#include <algorithm>

#include <fmt/format.h>

#include "protocol/codec/frame_codec.h"
#include "protocol/messages/produce_request.h"
#include "protocol/messages/produce_response.h"

namespace kgate::gateway {
namespace {

namespace msg = protocol::messages;
constexpr std::int16_t kFirstTopicIdVersion = 13;

std::int16_t request_header_version(bool flexible) { return flexible ? 2 : 1; }

}  // namespace

std::optional<ProduceLayout> layout_produce(std::span<const std::byte> frame, std::string& error) {
    protocol::Reader r(frame);
    const auto prefix = protocol::peek_request_prefix(frame);
    if (!prefix || prefix->api_key != msg::ProduceRequest::api_key) {
        error = "not a Produce request";
        return std::nullopt;
    }
    ProduceLayout layout;
    layout.version = prefix->api_version;
    layout.flexible = layout.version >= msg::ProduceRequest::first_flexible_version;
    const bool flex = layout.flexible;
    msg::RequestHeader header;
    std::optional<std::string> transactional_id;
    std::int16_t acks = 0;
    std::int32_t timeout = 0;
    std::int32_t topics = 0;
    if (!header.decode(r, request_header_version(flex))) {
        error = "Produce request header: " + r.error().to_string();
        return std::nullopt;
    }
    if (!r.read_nullable_string(transactional_id, flex, true) || !r.read_int16(acks) || !r.read_int32(timeout)) {
        error = "Produce request TransactionalId/Acks/TimeoutMs: " + r.error().to_string();
        return std::nullopt;
    }
    layout.head = between(frame, 0, r.offset());
    if (!r.read_array_length(topics, flex, false)) {
        error = "Produce request TopicData: " + r.error().to_string();
        return std::nullopt;
    }
    for (std::int32_t t = 0; t < topics; ++t) {
        TopicSpans topic;
        std::int32_t partitions = 0;
        if (!read_topic_key(r, frame, layout.version, kFirstTopicIdVersion, flex, topic) || !r.read_array_length(partitions, flex, false)) {
            error = fmt::format("Produce request TopicData[{}]: {}", t, r.error().to_string());
            return std::nullopt;
        }
        for (std::int32_t p = 0; p < partitions; ++p) {
            const auto start = r.offset();
            msg::ProduceRequest::PartitionProduceData partition;
            if (!partition.decode(r, layout.version)) {
                error = fmt::format("Produce request TopicData[{}].PartitionData[{}]: {}", t, p, r.error().to_string());
                return std::nullopt;
            }
            topic.partitions.push_back({partition.index, between(frame, start, r.offset())});
        }
        const auto tail_start = r.offset();
        if (flex && !skip_tagged_fields(r)) {
            error = fmt::format("Produce request TopicData[{}] tagged fields: {}", t, r.error().to_string());
            return std::nullopt;
        }
        topic.tail = between(frame, tail_start, r.offset());
        layout.topics.push_back(std::move(topic));
    }
    // The tagged fields and whatever follows the body (forwarded as it came, as kgate does).
    layout.tail = frame.subspan(r.offset());
    return layout;
}

std::map<std::int32_t, PieceFrame> split_produce(const ProduceLayout& layout, const LeaderOf& leader_of) {
    // Which partitions of which topic go where, in the request's order.
    std::map<std::int32_t, std::vector<std::pair<const TopicSpans*, std::vector<const TopicSpans::Partition*>>>> plan;
    for (const auto& topic : layout.topics) {
        for (const auto& partition : topic.partitions) {
            auto& topics = plan[leader_of(topic, partition.index)];
            if (topics.empty() || topics.back().first != &topic) topics.emplace_back(&topic, std::vector<const TopicSpans::Partition*>{});
            topics.back().second.push_back(&partition);
        }
    }
    std::map<std::int32_t, PieceFrame> out;
    if (plan.empty()) {
        // No partitions at all: the request goes as it came, to whoever the caller names for none.
        auto& frame = out[leader_of(TopicSpans{}, -1)];
        frame.append(layout.head);
        append_array_length(frame.built(), layout.topics.size(), layout.flexible);
        for (const auto& topic : layout.topics) {
            frame.append(topic.key);
            append_array_length(frame.built(), 0, layout.flexible);
            frame.append(topic.tail);
        }
        frame.append(layout.tail);
        return out;
    }
    for (const auto& [node, topics] : plan) {
        auto& frame = out[node];
        frame.append(layout.head);
        append_array_length(frame.built(), topics.size(), layout.flexible);
        for (const auto& [topic, partitions] : topics) {
            frame.append(topic->key);
            append_array_length(frame.built(), partitions.size(), layout.flexible);
            for (const auto* partition : partitions) frame.append_view(partition->bytes);
            frame.append(topic->tail);
        }
        frame.append(layout.tail);
    }
    return out;
}

std::optional<std::vector<std::byte>> merge_produce_responses(std::span<const std::span<const std::byte>> answers, std::int16_t version,
                                                              std::int32_t correlation_id, std::string& error,
                                                              const PartitionErrorSink& on_error) {
    protocol::DecodedResponse merged;
    bool first = true;
    for (const auto& answer : answers) {
        auto decoded = protocol::decode_response(msg::ProduceResponse::api_key, version, answer);
        if (!decoded) {
            error = fmt::format("Produce v{} response: {}", version, decoded.error().to_string());
            return std::nullopt;
        }
        if (first) {
            merged = std::move(*decoded);
            first = false;
            continue;
        }
        auto& into = std::get<msg::ProduceResponse>(merged.body);
        auto& from = std::get<msg::ProduceResponse>(decoded->body);
        into.throttle_time_ms = std::max(into.throttle_time_ms, from.throttle_time_ms);
        for (auto& topic : from.responses) {
            // One entry per topic, as a broker answers: partitions led elsewhere join it.
            auto same = std::find_if(into.responses.begin(), into.responses.end(),
                                     [&](const auto& t) { return t.name == topic.name && t.topic_id == topic.topic_id; });
            if (same == into.responses.end()) {
                into.responses.push_back(std::move(topic));
            } else {
                for (auto& p : topic.partition_responses) same->partition_responses.push_back(std::move(p));
            }
        }
    }
    if (first) {
        error = "no Produce answers to merge";
        return std::nullopt;
    }
    auto& body = std::get<msg::ProduceResponse>(merged.body);
    body.node_endpoints.clear();
    for (auto& topic : body.responses) {
        for (auto& partition : topic.partition_responses) {
            partition.current_leader = {};
            if (partition.error_code != 0 && on_error) on_error(topic.name, topic.topic_id, partition.error_code);
        }
    }
    merged.header.correlation_id = correlation_id;
    auto bytes = protocol::encode_response(merged);
    if (!bytes) error = fmt::format("Produce v{} response cannot be encoded", version);
    return bytes;
}

}  // namespace kgate::gateway
