#pragma once
// A KoP broker whose transaction coordinator is off (kafkaTransactionCoordinatorEnabled
// false, its default) closes the connection on InitProducerId without answering, and an
// idempotent producer (the Java default from 3.0) reconnects and asks again forever. kgate
// cannot answer for the broker, but it can say, once per broker, which setting is missing.
#include <cstdint>
#include <functional>
#include <mutex>
#include <set>
#include <string>
#include <string_view>

#include "gateway/metrics/gateway_metrics.h"

namespace kgate::gateway {

class CoordinatorNotice {
public:
    // A broker (`broker`: its address, `node_id` or -1) closed the connection while
    // InitProducerId was the oldest request in flight. Counts it; logs the first time per
    // broker. Returns whether it logged. Any thread; taken only when a connection ends so.
    bool init_producer_id_dropped(GatewayMetrics& metrics, std::string_view broker, std::int32_t node_id);

private:
    std::mutex mutex_;
    std::set<std::string, std::less<>> told_;
};

}  // namespace kgate::gateway
