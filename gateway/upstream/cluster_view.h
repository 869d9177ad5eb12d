#pragma once
// What the gateway knows of the upstream cluster beyond routes: the API versions every broker
// supports, and the clamped set it advertises to clients.
#include <cstdint>
#include <map>

#include "gateway/rewrite/api_versions_clamp.h"
#include "protocol/messages/api_versions_response.h"

namespace kgate::gateway {

struct ClusterView {
    bool known = false;                                   // metadata and versions were fetched
    std::map<std::int32_t, ApiRanges> broker_versions;    // per node id
    ApiRanges advertised;                                 // the intersection: what is routed
    // What ApiVersions offers clients: `advertised`, less what the brokers advertise without
    // serving it (KoP). Requests for the rest are still forwarded, for the broker to refuse.
    ApiRanges offered;
    protocol::messages::ApiVersionsResponse template_response;  // a broker's answer: features etc.
};

}  // namespace kgate::gateway
