#pragma once
// kgate_upstream_tls_handshakes_total{result}: how kgate's own TLS handshakes with brokers
// ended (gateway/upstream_tls/). Counted once per connection attempt, never per request.
#include <array>
#include <string_view>

#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/registry.h>

namespace kgate::gateway {

// ok; no handshake within the connect timeout; the broker closed or reset it; the broker did
// not answer in TLS (a plaintext listener); its certificate's issuer is not in the CA bundle;
// the certificate does not name the host verified; it is expired or not yet valid; any other
// reason its certificate was refused (kgate's client certificate refused by the broker
// included); the route's TLS files could not be loaded; anything else.
enum class UpstreamTlsResult { ok, timeout, closed, not_tls, unknown_ca, name_mismatch, expired, bad_certificate, settings_unusable, failed };
inline constexpr std::size_t kUpstreamTlsResults = 10;

std::string_view upstream_tls_result_label(UpstreamTlsResult result);

class UpstreamTlsMetrics {
public:
    explicit UpstreamTlsMetrics(prometheus::Registry& registry);
    UpstreamTlsMetrics(const UpstreamTlsMetrics&) = delete;
    UpstreamTlsMetrics& operator=(const UpstreamTlsMetrics&) = delete;

    void on_handshake(UpstreamTlsResult result) { counters_[static_cast<std::size_t>(result)]->Increment(); }

private:
    std::array<prometheus::Counter*, kUpstreamTlsResults> counters_{};
};

}  // namespace kgate::gateway
