#include "gateway/cluster_mode/virtual_broker.h"

namespace kgate::gateway {
namespace {

namespace msg = protocol::messages;
constexpr std::int16_t kFirstBatchVersion = 4;  // FindCoordinator's Coordinators[]

void one_if_any(std::vector<std::int32_t>& nodes, std::int32_t self) {
    if (!nodes.empty()) nodes.assign(1, self);
}

}  // namespace

void present_metadata(msg::MetadataResponse& m, const VirtualBroker& self) {
    msg::MetadataResponse::MetadataResponseBroker broker;
    broker.node_id = self.node_id;
    broker.host = self.host;
    broker.port = self.port;
    m.brokers.assign(1, broker);
    if (m.controller_id >= 0) m.controller_id = self.node_id;
    for (auto& topic : m.topics) {
        for (auto& p : topic.partitions) {
            if (p.leader_id >= 0) p.leader_id = self.node_id;
            one_if_any(p.replica_nodes, self.node_id);
            one_if_any(p.isr_nodes, self.node_id);
            p.offline_replicas.clear();
        }
    }
}

void present_describe_cluster(msg::DescribeClusterResponse& m, const VirtualBroker& self) {
    if (m.error_code != 0) return;
    msg::DescribeClusterResponse::DescribeClusterBroker broker;
    broker.broker_id = self.node_id;
    broker.host = self.host;
    broker.port = self.port;
    m.brokers.assign(1, broker);
    if (m.controller_id >= 0) m.controller_id = self.node_id;
}

void present_find_coordinator(msg::FindCoordinatorResponse& m, std::int16_t version, const CoordinatorQuestion& question, LeaderView& view,
                              const VirtualBroker& self) {
    const auto present = [&](const std::string& key, std::int16_t error, std::int32_t& node, std::string& host, std::int32_t& port) {
        if (error != 0 || node < 0) {
            view.forget_coordinator({question.type, key});
            return;
        }
        view.learn_coordinator({question.type, key}, node);
        node = self.node_id;
        host = self.host;
        port = self.port;
    };
    if (version < kFirstBatchVersion) {
        if (!question.keys.empty()) present(question.keys.front(), m.error_code, m.node_id, m.host, m.port);
        return;
    }
    for (auto& c : m.coordinators) present(c.key, c.error_code, c.node_id, c.host, c.port);
}

}  // namespace kgate::gateway
