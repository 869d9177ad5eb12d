#include "gateway/tls/tls_handshake.h"

#include <fmt/format.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <spdlog/spdlog.h>

#include "gateway/log/rate_limited_log.h"
#include "gateway/tls/timed_handshake.h"

namespace kgate::gateway {
namespace {

RateLimitedLog& handshake_log() {
    static RateLimitedLog log;
    return log;
}

std::string_view result_text(TlsHandshakeResult r) {
    switch (r) {
        case TlsHandshakeResult::ok: return "ok";
        case TlsHandshakeResult::timeout: return "timed out";
        case TlsHandshakeResult::closed: return "closed by the client";
        case TlsHandshakeResult::not_tls: return "not TLS";
        case TlsHandshakeResult::no_client_certificate: return "no client certificate (tls-client-auth required)";
        case TlsHandshakeResult::bad_client_certificate: return "client certificate not verified against tls-client-ca";
        case TlsHandshakeResult::sni_refused: return "server name refused";
        case TlsHandshakeResult::failed: break;
    }
    return "failed";
}

}  // namespace

TlsHandshakeResult classify_handshake_error(const error_code& ec) {
    if (ec == asio::error::eof || ec == asio::ssl::error::stream_truncated || ec == asio::error::connection_reset ||
        ec == asio::error::broken_pipe || ec == asio::error::operation_aborted) {
        return TlsHandshakeResult::closed;
    }
    if (ec.category() != asio::error::get_ssl_category()) return TlsHandshakeResult::failed;
    switch (ERR_GET_REASON(static_cast<unsigned long>(ec.value()))) {
        case SSL_R_PEER_DID_NOT_RETURN_A_CERTIFICATE: return TlsHandshakeResult::no_client_certificate;
        case SSL_R_CERTIFICATE_VERIFY_FAILED: return TlsHandshakeResult::bad_client_certificate;
        case SSL_R_WRONG_VERSION_NUMBER:
        case SSL_R_HTTP_REQUEST:
        case SSL_R_HTTPS_PROXY_REQUEST:
        case SSL_R_UNKNOWN_PROTOCOL: return TlsHandshakeResult::not_tls;
        default: return TlsHandshakeResult::failed;
    }
}

awaitable<TlsHandshakeOutcome> server_handshake(TransportStream& stream, std::chrono::milliseconds timeout) {
    // A stalled client gets no more than `timeout`.
    const auto handshake = co_await timed_handshake(stream, asio::ssl::stream_base::server, timeout);
    TlsHandshakeOutcome outcome;
    if (handshake.timed_out) {
        outcome.result = TlsHandshakeResult::timeout;
        outcome.reason = fmt::format("no handshake within {} ms", timeout.count());
    } else if (handshake.ec) {
        outcome.result = classify_handshake_error(handshake.ec);
        outcome.reason = handshake.ec.message();
    }
    co_return outcome;
}

awaitable<bool> accept_client_tls(TransportStream& stream, std::chrono::milliseconds timeout, GatewayMetrics& metrics,
                                  std::uint64_t connection_id, std::string_view peer) {
    if (!stream.is_tls()) co_return true;
    co_return report_client_handshake(co_await server_handshake(stream, timeout), stream, metrics, connection_id, peer);
}

bool report_client_handshake(const TlsHandshakeOutcome& outcome, TransportStream& stream, GatewayMetrics& metrics,
                             std::uint64_t connection_id, std::string_view peer) {
    metrics.on_tls_handshake(outcome.result);
    if (outcome.result == TlsHandshakeResult::ok) {
        spdlog::debug("conn {} from {}: TLS {} {}", connection_id, peer, SSL_get_version(stream.tls().native_handle()),
                      SSL_get_cipher_name(stream.tls().native_handle()));
        return true;
    }
    handshake_log().warn(fmt::format("conn {} from {}: TLS handshake failed ({}): {}; closing", connection_id, peer, result_text(outcome.result),
                                     outcome.reason));
    return false;
}

}  // namespace kgate::gateway
