#pragma once
// Fetch through cluster mode: a request split by partition leader (with the codec: a Fetch
// request carries no records), sessionless upstream; the leaders' answers merged into one from
// views of their frames, so the records they carry are never copied.
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "gateway/cluster_mode/piece_frame.h"
#include "gateway/cluster_mode/split_parts.h"
#include "protocol/codec/frame_codec.h"

namespace kgate::gateway {


// One encoded request frame per broker. Each is a full, sessionless fetch (session id 0, epoch
// -1, no forgotten topics) with no rack, so no broker sends the client to a follower. A request
// without partitions goes whole to leader_of("", {}, -1).
std::optional<std::map<std::int32_t, std::vector<std::byte>>> split_fetch(const protocol::DecodedRequest& request,
                                                                         const PartitionLeader& leader_of, std::string& error);

// The brokers' answers (frames, header included, at `version`) as one: partitions of the same
// topic under one entry, views of the answers except where a partition carries an error (then
// re-encoded without its KIP-951 leader hint), session id 0, the longest throttle, the first
// top-level error, no NodeEndpoints. The answers must outlive the frame's write.
std::optional<PieceFrame> merge_fetch_responses(std::span<const std::span<const std::byte>> answers, std::int16_t version,
                                                std::int32_t correlation_id, std::string& error,
                                                const PartitionErrorSink& on_error = {});

}  // namespace kgate::gateway
