#include "gateway/cluster_mode/leader_view.h"

#include <algorithm>
#include <limits>

namespace kgate::gateway {

std::int32_t virtual_node_id(std::span<const BrokerRoute> routes) {
    std::int32_t id = std::numeric_limits<std::int32_t>::max();
    while (std::any_of(routes.begin(), routes.end(), [id](const BrokerRoute& r) { return r.node_id == id; })) --id;
    return id;
}

void LeaderView::learn(const protocol::messages::MetadataResponse& metadata) {
    for (const auto& t : metadata.topics) {
        if (!t.name) continue;  // answered by id only: nothing to key it by
        if (t.error_code != 0) {
            forget(*t.name);
            continue;
        }
        Topic topic;
        topic.id = t.topic_id;
        for (const auto& p : t.partitions) {
            if (p.partition_index < 0) continue;
            const auto index = static_cast<std::size_t>(p.partition_index);
            if (topic.leaders.size() <= index) topic.leaders.resize(index + 1, kUnknown);
            topic.leaders[index] = p.leader_id >= 0 ? p.leader_id : kUnknown;
        }
        if (!t.topic_id.is_zero()) names_[t.topic_id.bytes] = *t.name;
        topics_.insert_or_assign(*t.name, std::move(topic));
    }
}

std::int32_t LeaderView::leader(std::string_view topic, std::int32_t partition) const {
    const auto it = topics_.find(topic);
    if (it == topics_.end() || partition < 0) return kUnknown;
    const auto& leaders = it->second.leaders;
    const auto index = static_cast<std::size_t>(partition);
    return index < leaders.size() ? leaders[index] : kUnknown;
}

std::int32_t LeaderView::leader(const protocol::Uuid& topic_id, std::int32_t partition) const {
    const auto it = names_.find(topic_id.bytes);
    return it == names_.end() ? kUnknown : leader(it->second, partition);
}

void LeaderView::forget(std::string_view topic) {
    const auto it = topics_.find(topic);
    if (it == topics_.end()) return;
    names_.erase(it->second.id.bytes);
    topics_.erase(it);
}

void LeaderView::forget(const protocol::Uuid& topic_id) {
    const auto it = names_.find(topic_id.bytes);
    if (it != names_.end()) forget(std::string(it->second));
}

std::int32_t LeaderView::coordinator(const CoordinatorKey& key) const {
    const auto it = coordinators_.find(key);
    return it == coordinators_.end() ? kUnknown : it->second;
}

}  // namespace kgate::gateway
