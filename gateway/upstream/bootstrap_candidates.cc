#include "gateway/upstream/bootstrap_candidates.h"

#include "gateway/control/broker_state.h"

namespace kgate::gateway {

std::vector<UpstreamCandidate> bootstrap_candidates(std::span<const BrokerRoute> routes, const ClusterView& view,
                                                    std::span<const HostPort> configured, std::size_t rotation) {
    std::vector<UpstreamCandidate> out;
    std::vector<UpstreamCandidate> absent;
    out.reserve(routes.size() + configured.size());
    for (std::size_t i = 0; i < routes.size(); ++i) {
        const auto& r = routes[(rotation + i) % routes.size()];
        switch (broker_state(r, view)) {
            case BrokerState::serving: out.push_back({r.upstream(), r.node_id}); break;
            case BrokerState::absent: absent.push_back({r.upstream(), r.node_id}); break;
            case BrokerState::draining: break;
        }
    }
    out.insert(out.end(), absent.begin(), absent.end());
    for (const auto& address : configured) out.push_back({address, -1});
    return out;
}

}  // namespace kgate::gateway
