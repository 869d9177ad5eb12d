#pragma once
// The answers that name brokers, told as the one virtual broker (leader_view.h): everything
// else in them (topics, errors, topic ids, offline leaders) as the broker answered.
#include <cstdint>
#include <string>
#include <vector>

#include "gateway/cluster_mode/leader_view.h"
#include "protocol/messages/describe_cluster_response.h"
#include "protocol/messages/find_coordinator_response.h"
#include "protocol/messages/metadata_response.h"

namespace kgate::gateway {

// Brokers: only the virtual one; the controller, every leader, replica and ISR: the virtual
// one (a partition without a leader keeps -1, an empty list stays empty); offline replicas: none.
void present_metadata(protocol::messages::MetadataResponse& m, const VirtualBroker& self);
void present_describe_cluster(protocol::messages::DescribeClusterResponse& m, const VirtualBroker& self);

// What a FindCoordinator request asked: its key type, and its keys (one before v4).
struct CoordinatorQuestion {
    CoordinatorType type = CoordinatorType::group;
    std::vector<std::string> keys;
};

// Remembers in `view` every coordinator the answer names, then names the virtual broker for
// each one found; lookups that failed keep their error and NodeId -1.
void present_find_coordinator(protocol::messages::FindCoordinatorResponse& m, std::int16_t version, const CoordinatorQuestion& question,
                              LeaderView& view, const VirtualBroker& self);

}  // namespace kgate::gateway
