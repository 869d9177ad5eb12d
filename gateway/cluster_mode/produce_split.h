#pragma once
// Produce through cluster mode: a request cut into one request per partition leader, its
// partitions (records and all) sent as views of the client's frame; the leaders' answers merged
// back into one, with the client's correlation id.
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "gateway/cluster_mode/fetch_split.h"
#include "gateway/cluster_mode/piece_frame.h"
#include "gateway/cluster_mode/wire_walk.h"

namespace kgate::gateway {

// Where the parts of a Produce request frame (header included) lie.
struct ProduceLayout {
    std::int16_t version = 0;
    bool flexible = false;
    std::span<const std::byte> head;  // header, TransactionalId, Acks, TimeoutMs
    std::vector<TopicSpans> topics;
    std::span<const std::byte> tail;  // the request's tagged fields
};

// nullopt (and `error`, naming the field) when the frame does not walk as a Produce request.
std::optional<ProduceLayout> layout_produce(std::span<const std::byte> frame, std::string& error);

// Which broker a partition goes to.
using LeaderOf = std::function<std::int32_t(const TopicSpans& topic, std::int32_t partition)>;

// One request per broker, in `frame`'s topic and partition order; partitions are views of the
// frame the layout was made from, which must outlive the returned frames' writes.
std::map<std::int32_t, PieceFrame> split_produce(const ProduceLayout& layout, const LeaderOf& leader_of);

// The brokers' answers (response frames, header included, all at `version`) as one answer for
// the client: topics merged, the longest throttle, KIP-951 leader hints dropped (they name real
// brokers). nullopt (and `error`) when an answer does not decode.
std::optional<std::vector<std::byte>> merge_produce_responses(std::span<const std::span<const std::byte>> answers, std::int16_t version,
                                                              std::int32_t correlation_id, std::string& error,
                                                              const PartitionErrorSink& on_error = {});

}  // namespace kgate::gateway
