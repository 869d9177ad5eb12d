#include "gateway/cluster_mode/fetch_split.h"

#include <algorithm>

#include <fmt/format.h>

#include "gateway/cluster_mode/wire_walk.h"
#include "protocol/messages/fetch_request.h"
#include "protocol/messages/fetch_response.h"

namespace kgate::gateway {
namespace {

namespace msg = protocol::messages;
constexpr std::int16_t kFirstTopicIdVersion = 13;
constexpr std::int16_t kFirstSessionVersion = 7;  // ErrorCode and SessionId in the response

struct MergedPartition {
    std::span<const std::byte> view;
    std::vector<std::byte> rebuilt;  // when not a view
};

struct MergedTopic {
    std::span<const std::byte> key;
    std::vector<MergedPartition> partitions;
};

// A partition that must not reach the client as the broker wrote it: its leader hint names a
// real broker, or it points at a follower.
bool needs_rebuild(const msg::FetchResponse::PartitionData& p) {
    return p.error_code != 0 || p.preferred_read_replica != -1 || p.current_leader != msg::FetchResponse::LeaderIdAndEpoch{};
}

bool walk_answer(std::span<const std::byte> frame, std::int16_t version, std::vector<MergedTopic>& topics, std::int32_t& throttle,
                 std::int16_t& top_error, std::string& error, const PartitionErrorSink& on_error) {
    const bool flex = version >= msg::FetchResponse::first_flexible_version;
    protocol::Reader r(frame);
    std::int32_t correlation_id = 0;
    std::int32_t answer_throttle = 0;
    std::int16_t answer_error = 0;
    std::int32_t session_id = 0;
    std::int32_t count = 0;
    const auto failed = [&](std::string_view where) {
        error = fmt::format("Fetch v{} response {}: {}", version, where, r.error().to_string());
        return false;
    };
    if (!r.read_int32(correlation_id) || (flex && !skip_tagged_fields(r))) return failed("header");
    if (!r.read_int32(answer_throttle)) return failed("ThrottleTimeMs");
    if (version >= kFirstSessionVersion && (!r.read_int16(answer_error) || !r.read_int32(session_id))) return failed("ErrorCode/SessionId");
    throttle = std::max(throttle, answer_throttle);
    if (top_error == 0) top_error = answer_error;
    if (!r.read_array_length(count, flex, false)) return failed("Responses");
    for (std::int32_t t = 0; t < count; ++t) {
        TopicSpans key;
        std::int32_t partitions = 0;
        if (!read_topic_key(r, frame, version, kFirstTopicIdVersion, flex, key) || !r.read_array_length(partitions, flex, false)) {
            return failed(fmt::format("Responses[{}]", t));
        }
        auto topic = std::find_if(topics.begin(), topics.end(), [&](const MergedTopic& m) {
            return std::equal(m.key.begin(), m.key.end(), key.key.begin(), key.key.end());
        });
        if (topic == topics.end()) topic = topics.insert(topics.end(), MergedTopic{key.key, {}});
        for (std::int32_t p = 0; p < partitions; ++p) {
            const auto start = r.offset();
            msg::FetchResponse::PartitionData partition;
            if (!partition.decode(r, version)) return failed(fmt::format("Responses[{}].Partitions[{}]", t, p));
            if (!needs_rebuild(partition)) {
                topic->partitions.push_back({between(frame, start, r.offset()), {}});
                continue;
            }
            if (partition.error_code != 0 && on_error) on_error(key.name, key.id, partition.error_code);
            partition.current_leader = {};
            partition.preferred_read_replica = -1;
            auto rebuilt = protocol::encode_to_vector(partition, version);
            if (!rebuilt) {
                error = fmt::format("Fetch v{} response Responses[{}].Partitions[{}] cannot be encoded", version, t, p);
                return false;
            }
            topic->partitions.push_back({{}, std::move(*rebuilt)});
        }
        if (flex && !skip_tagged_fields(r)) return failed(fmt::format("Responses[{}] tagged fields", t));
    }
    if (flex && !skip_tagged_fields(r)) return failed("tagged fields");
    return true;
}

}  // namespace

std::optional<std::map<std::int32_t, std::vector<std::byte>>> split_fetch(const protocol::DecodedRequest& request,
                                                                         const PartitionLeader& leader_of, std::string& error) {
    const auto* fetch = std::get_if<msg::FetchRequest>(&request.body);
    if (fetch == nullptr) {
        error = "not a Fetch request";
        return std::nullopt;
    }
    std::map<std::int32_t, msg::FetchRequest> parts;
    const auto part_for = [&](std::int32_t node) -> msg::FetchRequest& {
        auto [it, added] = parts.try_emplace(node);
        if (added) {
            it->second = *fetch;
            it->second.topics.clear();
            it->second.forgotten_topics_data.clear();
            it->second.session_id = 0;
            it->second.session_epoch = -1;  // a full fetch that opens no session
            it->second.rack_id.clear();
        }
        return it->second;
    };
    for (const auto& topic : fetch->topics) {
        for (const auto& partition : topic.partitions) {
            auto& part = part_for(leader_of(topic.topic, topic.topic_id, partition.partition));
            if (part.topics.empty() || part.topics.back().topic != topic.topic || part.topics.back().topic_id != topic.topic_id) {
                auto copy = topic;
                copy.partitions.clear();
                part.topics.push_back(std::move(copy));
            }
            part.topics.back().partitions.push_back(partition);
        }
    }
    if (parts.empty()) part_for(leader_of("", protocol::Uuid{}, -1));
    return encode_parts(request, parts, error);
}

std::optional<PieceFrame> merge_fetch_responses(std::span<const std::span<const std::byte>> answers, std::int16_t version,
                                                std::int32_t correlation_id, std::string& error, const PartitionErrorSink& on_error) {
    std::vector<MergedTopic> topics;
    std::int32_t throttle = 0;
    std::int16_t top_error = 0;
    for (const auto& answer : answers) {
        if (!walk_answer(answer, version, topics, throttle, top_error, error, on_error)) return std::nullopt;
    }
    const bool flex = version >= msg::FetchResponse::first_flexible_version;
    PieceFrame out;
    auto& head = out.built();
    append_int32(head, correlation_id);
    if (flex) head.push_back(std::byte{0});  // no tagged fields in the header
    append_int32(head, throttle);
    if (version >= kFirstSessionVersion) {
        append_int16(head, top_error);
        append_int32(head, 0);  // no fetch session: the client sends full fetches
    }
    append_array_length(head, topics.size(), flex);
    for (auto& topic : topics) {
        out.append(topic.key);
        append_array_length(out.built(), topic.partitions.size(), flex);
        for (auto& p : topic.partitions) {
            if (p.rebuilt.empty()) out.append_view(p.view);
            else out.append(p.rebuilt);
        }
        if (flex) out.built().push_back(std::byte{0});
    }
    if (flex) out.built().push_back(std::byte{0});  // NodeEndpoints named real brokers: dropped
    return out;
}

}  // namespace kgate::gateway
