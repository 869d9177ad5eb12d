#pragma once
// Each KoP broker names a random live broker as the controller, so two brokers (and one
// broker after its broker set changed) disagree. Clients are told one id, the same from every
// listener: the lowest node id among the brokers the answer itself lists (a broker that left
// is never named; Java clients before 2.8 send CreateTopics and DeleteTopics to the controller).
#include <cstdint>
#include <optional>
#include <span>

#include "protocol/messages/describe_cluster_response.h"

namespace kgate::gateway {

// The controller clients are told about, given an answer's broker list (MetadataResponse or
// DescribeCluster brokers): the lowest id; nullopt when it lists none.
template <class Broker>
std::optional<std::int32_t> stable_controller(std::span<const Broker> brokers, std::int32_t Broker::*id) {
    std::optional<std::int32_t> lowest;
    for (const auto& b : brokers) {
        if (!lowest || b.*id < *lowest) lowest = b.*id;
    }
    return lowest;
}

// Writes `controller` over the big-endian int32 at `offset` of `frame` (a Metadata response's
// ControllerId, found by the scan) unless the broker said -1 (no controller) or already named
// it. True when a byte changed.
bool pin_controller_at(std::span<std::byte> frame, std::size_t offset, std::int32_t controller);

// The same for a decoded DescribeCluster answer, choosing from its own brokers.
bool pin_controller(protocol::messages::DescribeClusterResponse& response);

}  // namespace kgate::gateway
