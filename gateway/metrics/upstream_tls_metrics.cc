#include "gateway/metrics/upstream_tls_metrics.h"

#include <string>

namespace kgate::gateway {

std::string_view upstream_tls_result_label(UpstreamTlsResult result) {
    switch (result) {
        case UpstreamTlsResult::ok: return "ok";
        case UpstreamTlsResult::timeout: return "timeout";
        case UpstreamTlsResult::closed: return "closed";
        case UpstreamTlsResult::not_tls: return "not_tls";
        case UpstreamTlsResult::unknown_ca: return "unknown_ca";
        case UpstreamTlsResult::name_mismatch: return "name_mismatch";
        case UpstreamTlsResult::expired: return "expired";
        case UpstreamTlsResult::bad_certificate: return "bad_certificate";
        case UpstreamTlsResult::settings_unusable: return "settings_unusable";
        case UpstreamTlsResult::failed: return "failed";
    }
    return "failed";
}

UpstreamTlsMetrics::UpstreamTlsMetrics(prometheus::Registry& registry) {
    auto& family = prometheus::BuildCounter()
                       .Name("kgate_upstream_tls_handshakes_total")
                       .Help("kgate's TLS handshakes with brokers, by result")
                       .Register(registry);
    // Every series exists from the start, so that rate() and alerts see zeros, not gaps.
    for (std::size_t i = 0; i < kUpstreamTlsResults; ++i) {
        counters_[i] = &family.Add({{"result", std::string(upstream_tls_result_label(static_cast<UpstreamTlsResult>(i)))}});
    }
}

}  // namespace kgate::gateway
