#pragma once
// The server side of a client's TLS handshake, bounded in time, and what its failures are.
#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

#include "gateway/metrics/gateway_metrics.h"
#include "gateway/net/asio.h"
#include "gateway/tls/transport_stream.h"

namespace kgate::gateway {

struct TlsHandshakeOutcome {
    TlsHandshakeResult result = TlsHandshakeResult::ok;
    std::string reason;  // OpenSSL's or Asio's words; empty when ok
};

// The handshake on `stream` (start_server_tls done), given up after `timeout`.
awaitable<TlsHandshakeOutcome> server_handshake(TransportStream& stream, std::chrono::milliseconds timeout);

// What a failed handshake's error means, for the metric.
TlsHandshakeResult classify_handshake_error(const error_code& ec);

// For a client session: nothing to do on a plaintext stream; under TLS the handshake, counted
// in kgate_tls_handshakes_total and, when it fails, logged (rate-limited) naming the connection.
// False when the connection must close.
awaitable<bool> accept_client_tls(TransportStream& stream, std::chrono::milliseconds timeout, GatewayMetrics& metrics,
                                  std::uint64_t connection_id, std::string_view peer);
// What accept_client_tls does with a handshake's outcome: counted, logged when it failed.
bool report_client_handshake(const TlsHandshakeOutcome& outcome, TransportStream& stream, GatewayMetrics& metrics,
                             std::uint64_t connection_id, std::string_view peer);

}  // namespace kgate::gateway
