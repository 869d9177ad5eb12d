#pragma once
// What a cluster-mode connection knows of the cluster: which broker leads each partition and
// which broker coordinates each group and transactional id, and the one broker clients see.
#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "gateway/routing/broker_route.h"
#include "protocol/messages/metadata_response.h"
#include "protocol/wire/uuid.h"

namespace kgate::gateway {

// The broker clients are told about: every partition's leader, every coordinator.
struct VirtualBroker {
    std::int32_t node_id = 0;
    std::string host;
    std::int32_t port = 0;
};

// The highest node id (from INT32_MAX down) that no broker in `routes` uses: clients must never
// confuse the virtual broker with a real one (KoP's hashed ids can be anywhere).
std::int32_t virtual_node_id(std::span<const BrokerRoute> routes);

// FindCoordinator's key types.
enum class CoordinatorType : std::int8_t { group = 0, transaction = 1 };

struct CoordinatorKey {
    CoordinatorType type = CoordinatorType::group;
    std::string key;
    friend auto operator<=>(const CoordinatorKey&, const CoordinatorKey&) = default;
};

class LeaderView {
public:
    static constexpr std::int32_t kUnknown = -1;

    // Every topic and partition of a Metadata answer (before it is rewritten for the client).
    // A topic with an error is forgotten; a partition without a leader is remembered as unknown.
    void learn(const protocol::messages::MetadataResponse& metadata);
    // The leader of a partition, kUnknown when not known (or offline).
    std::int32_t leader(std::string_view topic, std::int32_t partition) const;
    std::int32_t leader(const protocol::Uuid& topic_id, std::int32_t partition) const;
    bool knows(std::string_view topic) const { return topics_.find(topic) != topics_.end(); }
    bool knows(const protocol::Uuid& topic_id) const { return names_.contains(topic_id.bytes); }
    void forget(std::string_view topic);
    void forget(const protocol::Uuid& topic_id);

    void learn_coordinator(CoordinatorKey key, std::int32_t node_id) { coordinators_[std::move(key)] = node_id; }
    std::int32_t coordinator(const CoordinatorKey& key) const;
    void forget_coordinator(const CoordinatorKey& key) { coordinators_.erase(key); }

private:
    struct Topic {
        protocol::Uuid id;
        std::vector<std::int32_t> leaders;  // by partition index
    };
    std::map<std::string, Topic, std::less<>> topics_;
    std::map<std::array<std::uint8_t, 16>, std::string> names_;  // topic id to name
    std::map<CoordinatorKey, std::int32_t> coordinators_;
};

}  // namespace kgate::gateway
