#pragma once
// What cluster mode does with each request (cluster_session.h says why), and what the session
// keeps about a request until its answer is written.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "gateway/cluster_mode/leader_view.h"
#include "gateway/cluster_mode/piece_frame.h"
#include "gateway/cluster_mode/virtual_broker.h"
#include "gateway/net/frame_buffer.h"
#include "gateway/rewrite/api_versions_clamp.h"
#include "protocol/codec/frame_codec.h"

namespace kgate::gateway {

enum class Route {
    local,        // answered by kgate
    any_broker,   // forwarded whole to any broker
    coordinator,  // forwarded whole to a group's or transactional id's coordinator
    produce,      // split by partition leader, partitions as views
    fetch,        // split by partition leader with the codec, answers merged from views
    by_topic,     // ListOffsets, OffsetForLeaderEpoch: split and merged with the codec
    refused,      // closes the connection
};

// How the answer (or answers) become the client's.
enum class Answer { verbatim, metadata, describe_cluster, find_coordinator, produce, fetch, by_topic, coordinator, local };

Route route_of(std::int16_t api_key);
Answer answer_of(std::int16_t api_key, Route route);

// The coordinator a request must reach; nullopt when it names none (InitProducerId without a
// transactional id, AddPartitionsToTxn v4+, OffsetFetch for several groups).
std::optional<CoordinatorKey> coordinator_key(const protocol::DecodedRequest& request);

// Whether an answer carries an error that makes a cached coordinator stale.
bool coordinator_moved(const protocol::DecodedResponse& response);
// Whether a partition error makes a topic's leaders stale.
bool leader_moved(std::int16_t code);

// The topics a split request names, to learn their leaders before routing it.
struct TopicNeeds {
    std::vector<std::string> names;
    std::vector<protocol::Uuid> ids;
    bool empty() const { return names.empty() && ids.empty(); }
};
TopicNeeds topics_named(const protocol::DecodedRequest& request);

// What a FindCoordinator request asks.
CoordinatorQuestion coordinator_question(const protocol::DecodedRequest& request);

// What this mode offers clients: `offered` less what it refuses.
ApiRanges cluster_offered(const ApiRanges& offered);
// A local answer frame (header and body) for `body` at `version`.
std::vector<std::byte> local_answer(std::int16_t api_key, std::int16_t version, std::int32_t correlation_id,
                                    const protocol::messages::AnyResponse& body);
// SaslHandshake, refused: UNSUPPORTED_SASL_MECHANISM, no mechanisms offered.
std::vector<std::byte> refused_sasl_answer(std::int16_t version, std::int32_t correlation_id);

// One client request until its answer is written.
struct PendingAnswer {
    std::int32_t correlation_id = 0;
    std::int16_t api_key = 0;
    std::int16_t api_version = 0;
    Answer answer = Answer::verbatim;
    std::vector<std::byte> local;         // Answer::local
    std::vector<std::int32_t> nodes;      // one answer from each, in this order
    std::optional<CoordinatorKey> coordinator;
    CoordinatorQuestion question;         // Answer::find_coordinator
    std::vector<FrameBuffer> answers;     // read by the writer, one per node
};

}  // namespace kgate::gateway
