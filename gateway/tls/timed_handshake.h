#pragma once
// A TLS handshake given up after a timeout: the one race both sides use, a client's handshake
// with kgate's listeners (gateway/tls/tls_handshake) and kgate's with a broker
// (gateway/upstream_tls/upstream_handshake), each then saying what a failure means.
#include <chrono>

#include "gateway/net/asio.h"
#include "gateway/tls/transport_stream.h"

namespace kgate::gateway {

struct TimedHandshake {
    bool timed_out = false;
    error_code ec;  // the handshake's own error; none when it succeeded (or timed out)
};

// The handshake on `stream` (its TLS layer started); whichever ends first, the handshake or
// `timeout`, cancels the other.
awaitable<TimedHandshake> timed_handshake(TransportStream& stream, asio::ssl::stream_base::handshake_type side,
                                          std::chrono::milliseconds timeout);

}  // namespace kgate::gateway
