#pragma once
// kgate's side of a broker connection's TLS handshake, as the client: the name sent as SNI and
// verified in the broker's certificate, bounded in time, and what its failures mean.
#include <chrono>
#include <memory>
#include <string>

#include "gateway/metrics/upstream_tls_metrics.h"
#include "gateway/net/asio.h"
#include "gateway/tls/transport_stream.h"
#include "gateway/upstream_tls/upstream_tls_contexts.h"

namespace kgate::gateway {

struct UpstreamTlsOutcome {
    UpstreamTlsResult result = UpstreamTlsResult::ok;
    std::string reason;  // OpenSSL's words, or what timed out; empty when ok
    bool ok() const { return result == UpstreamTlsResult::ok; }
};

// Puts TLS over the connected `stream` with `context` and runs the handshake, sending `name`
// as SNI (unless it is an IP address) and, when the context verifies, requiring the broker's
// certificate to name it. Given up after `timeout`.
awaitable<UpstreamTlsOutcome> client_handshake(TransportStream& stream, const std::shared_ptr<const UpstreamTlsContext>& context,
                                               const std::string& name, std::chrono::milliseconds timeout);

// What a failed handshake means: its error and the certificate verification's result.
UpstreamTlsResult classify_upstream_tls_failure(const error_code& ec, long verify_result);

// A connected broker connection made ready for Kafka: nothing to do when `settings` leave TLS
// off; otherwise the context for them and the handshake, its result counted in `metrics`.
awaitable<UpstreamTlsOutcome> secure_broker_connection(TransportStream& stream, const UpstreamTls& settings, const std::string& name,
                                                       std::chrono::milliseconds timeout, UpstreamTlsContexts& contexts,
                                                       UpstreamTlsMetrics* metrics);

// "TLS with broker1.example.com failed (name_mismatch): ..." for the log.
std::string describe_failure(const UpstreamTlsOutcome& outcome, const std::string& name);

}  // namespace kgate::gateway
