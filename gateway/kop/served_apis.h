#pragma once
// The APIs a KoP (Kafka-on-Pulsar) broker really serves. KoP 3.1 advertises every API key of
// the kafka-clients it bundles (68) but implements about 30; the rest are answered with
// UNSUPPORTED_VERSION and an ERROR line in the broker's log. Clients are offered only these.
#include <cstdint>

#include "gateway/rewrite/api_versions_clamp.h"

namespace kgate::gateway {

bool kop_serves(std::int16_t api_key);

// `ranges` without the keys KoP does not serve.
ApiRanges only_served_by_kop(const ApiRanges& ranges);

}  // namespace kgate::gateway
