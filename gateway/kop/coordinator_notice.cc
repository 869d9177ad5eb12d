#include "gateway/kop/coordinator_notice.h"

#include <spdlog/spdlog.h>

namespace kgate::gateway {

bool CoordinatorNotice::init_producer_id_dropped(GatewayMetrics& metrics, std::string_view broker, std::int32_t node_id) {
    metrics.on_kop_quirk(KopQuirk::init_producer_id_dropped);
    {
        std::lock_guard lock(mutex_);
        if (!told_.emplace(broker).second) return false;
    }
    spdlog::error("KoP broker {} (node {}) closed the connection on InitProducerId without answering: its transaction "
                  "coordinator is off. Idempotent and transactional producers (the Java default from kafka-clients 3.0) "
                  "retry this forever. Set kafkaTransactionCoordinatorEnabled=true (with brokerDeduplicationEnabled=true) "
                  "in the broker's configuration, or disable idempotence in the clients. Said once per broker; "
                  "kgate_kop_quirks_total{{quirk=\"init_producer_id_dropped\"}} counts every time",
                  broker, node_id);
    return true;
}

}  // namespace kgate::gateway
