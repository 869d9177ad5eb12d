#pragma once
// Requests split by partition leader with the codec, for the APIs that carry no records:
// ListOffsets and OffsetForLeaderEpoch. Each broker gets the topics and partitions it leads;
// the answers are merged topic by topic.
#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "gateway/cluster_mode/fetch_split.h"
#include "protocol/codec/frame_codec.h"

namespace kgate::gateway {

// Whether split_by_leader() takes this API.
bool split_with_codec(std::int16_t api_key);

// One encoded request frame per broker, the client's header kept; a request without
// partitions goes whole to leader_of("", {}, -1).
std::optional<std::map<std::int32_t, std::vector<std::byte>>> split_by_leader(const protocol::DecodedRequest& request,
                                                                             const PartitionLeader& leader_of, std::string& error);

// The brokers' answers (frames, header included) as one, with the client's correlation id.
std::optional<std::vector<std::byte>> merge_by_topic(std::int16_t api_key, std::int16_t version,
                                                     std::span<const std::span<const std::byte>> answers, std::int32_t correlation_id,
                                                     std::string& error, const PartitionErrorSink& on_error = {});

}  // namespace kgate::gateway
