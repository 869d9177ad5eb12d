#pragma once
// A broker's state as operators see it, the same in ListBrokers and in /routes. A route is
// kept when its broker leaves the cluster (its gateway port stays reserved for its return),
// so the state is what says whether clients can still be served by it.
#include <string_view>

#include "gateway/routing/broker_route.h"
#include "gateway/upstream/cluster_view.h"

namespace kgate::gateway {

enum class BrokerState {
    serving,   // the latest discovery found it in Metadata and it answered ApiVersions
    draining,  // DrainBroker: no new connections, whatever discovery says
    absent,    // the latest discovery did not name it, or could not reach it
};

inline BrokerState broker_state(const BrokerRoute& route, const ClusterView& view) {
    if (route.draining) return BrokerState::draining;
    return view.broker_versions.contains(route.node_id) ? BrokerState::serving : BrokerState::absent;
}

inline std::string_view broker_state_name(BrokerState state) {
    switch (state) {
        case BrokerState::serving: return "serving";
        case BrokerState::draining: return "draining";
        case BrokerState::absent: return "absent";
    }
    return "absent";
}

}  // namespace kgate::gateway
