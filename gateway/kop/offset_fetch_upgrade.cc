#include "gateway/kop/offset_fetch_upgrade.h"

#include <utility>

#include <fmt/format.h>

namespace kgate::gateway {
namespace {

using protocol::messages::OffsetFetchRequest;
using protocol::messages::OffsetFetchResponse;

// Topics may be null (all topics) from v2 on; from v8 the question is asked per group.
constexpr std::int16_t kFirstNullableTopics = 2;

}  // namespace

bool offset_fetch_asks_all_topics_below_v8(const OffsetFetchRequest& request, std::int16_t version) {
    return version >= kFirstNullableTopics && version < kOffsetFetchGroupsVersion && !request.topics.has_value();
}

OffsetFetchRequest offset_fetch_as_v8(const OffsetFetchRequest& request) {
    OffsetFetchRequest v8;
    OffsetFetchRequest::OffsetFetchRequestGroup group;
    group.group_id = request.group_id;
    group.topics.reset();  // all topics
    v8.groups.push_back(std::move(group));
    v8.require_stable = request.require_stable;
    return v8;
}

std::optional<OffsetFetchResponse> offset_fetch_from_v8(OffsetFetchResponse&& v8, std::string& error) {
    if (v8.groups.size() != 1) {
        error = fmt::format("OffsetFetch v{} answer to one group holds {} groups", kOffsetFetchGroupsVersion, v8.groups.size());
        return std::nullopt;
    }
    auto& group = v8.groups.front();
    OffsetFetchResponse out;
    out.throttle_time_ms = v8.throttle_time_ms;
    out.error_code = group.error_code;
    out.topics.reserve(group.topics.size());
    for (auto& topic : group.topics) {
        OffsetFetchResponse::OffsetFetchResponseTopic t;
        t.name = std::move(topic.name);
        t.partitions.reserve(topic.partitions.size());
        for (auto& p : topic.partitions) {
            OffsetFetchResponse::OffsetFetchResponsePartition q;
            q.partition_index = p.partition_index;
            q.committed_offset = p.committed_offset;
            q.committed_leader_epoch = p.committed_leader_epoch;  // the encoder writes it from v5 on
            q.metadata = std::move(p.metadata);
            q.error_code = p.error_code;
            t.partitions.push_back(std::move(q));
        }
        out.topics.push_back(std::move(t));
    }
    return out;
}

}  // namespace kgate::gateway
