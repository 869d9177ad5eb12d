#include "gateway/upstream_tls/upstream_handshake.h"

#include <arpa/inet.h>

#include <fmt/format.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509_vfy.h>
#include <openssl/x509v3.h>

#include "gateway/tls/timed_handshake.h"

namespace kgate::gateway {
namespace {

bool ip_literal(const std::string& host) {
    unsigned char address[16];
    return inet_pton(AF_INET, host.c_str(), address) == 1 || inet_pton(AF_INET6, host.c_str(), address) == 1;
}

// SNI and the name the broker's certificate must carry, on this connection's SSL object.
bool set_expected_name(SSL* ssl, const std::string& name, bool verify) {
    const bool ip = ip_literal(name);
    if (!ip && !name.empty() && SSL_set_tlsext_host_name(ssl, name.c_str()) != 1) return false;
    if (!verify || name.empty()) return true;
    if (ip) return X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl), name.c_str()) == 1;
    SSL_set_hostflags(ssl, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
    return SSL_set1_host(ssl, name.c_str()) == 1;
}

}  // namespace

UpstreamTlsResult classify_upstream_tls_failure(const error_code& ec, long verify_result) {
    switch (verify_result) {
        case X509_V_OK: break;
        case X509_V_ERR_HOSTNAME_MISMATCH:
        case X509_V_ERR_IP_ADDRESS_MISMATCH: return UpstreamTlsResult::name_mismatch;
        case X509_V_ERR_CERT_HAS_EXPIRED:
        case X509_V_ERR_CERT_NOT_YET_VALID: return UpstreamTlsResult::expired;
        case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT:
        case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY:
        case X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE:
        case X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT:
        case X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN: return UpstreamTlsResult::unknown_ca;
        default: return UpstreamTlsResult::bad_certificate;
    }
    if (ec == asio::error::eof || ec == asio::ssl::error::stream_truncated || ec == asio::error::connection_reset ||
        ec == asio::error::broken_pipe) {
        return UpstreamTlsResult::closed;
    }
    if (ec.category() != asio::error::get_ssl_category()) return UpstreamTlsResult::failed;
    switch (ERR_GET_REASON(static_cast<unsigned long>(ec.value()))) {
        case SSL_R_WRONG_VERSION_NUMBER:
        case SSL_R_PACKET_LENGTH_TOO_LONG:
        case SSL_R_UNKNOWN_PROTOCOL: return UpstreamTlsResult::not_tls;
        case SSL_R_CERTIFICATE_VERIFY_FAILED:
        case SSL_R_SSLV3_ALERT_BAD_CERTIFICATE:
        case SSL_R_SSLV3_ALERT_CERTIFICATE_EXPIRED:
        case SSL_R_TLSV1_ALERT_UNKNOWN_CA:
        case SSL_R_TLSV13_ALERT_CERTIFICATE_REQUIRED: return UpstreamTlsResult::bad_certificate;
        default: return UpstreamTlsResult::failed;
    }
}

awaitable<UpstreamTlsOutcome> client_handshake(TransportStream& stream, const std::shared_ptr<const UpstreamTlsContext>& context,
                                               const std::string& name, std::chrono::milliseconds timeout) {
    const bool verify = context->settings().verify;
    auto& ssl_context = context->context();
    stream.start_client_tls(context, ssl_context);
    SSL* ssl = stream.tls().native_handle();
    UpstreamTlsOutcome outcome;
    ERR_clear_error();
    if (!set_expected_name(ssl, name, verify)) {
        outcome.result = UpstreamTlsResult::settings_unusable;
        outcome.reason = fmt::format("\"{}\" cannot be the name verified", name);
        co_return outcome;
    }
    // A broker that never answers costs `timeout`.
    const auto handshake = co_await timed_handshake(stream, asio::ssl::stream_base::client, timeout);
    if (handshake.timed_out) {
        outcome.result = UpstreamTlsResult::timeout;
        outcome.reason = fmt::format("no handshake within {} ms", timeout.count());
    } else if (handshake.ec) {
        const long verify_result = SSL_get_verify_result(ssl);
        outcome.result = classify_upstream_tls_failure(handshake.ec, verify_result);
        outcome.reason = verify_result != X509_V_OK ? fmt::format("certificate verify failed: {}", X509_verify_cert_error_string(verify_result))
                                                    : handshake.ec.message();
        if (outcome.result == UpstreamTlsResult::closed) outcome.reason += " (is the broker's listener TLS?)";
    }
    ERR_clear_error();
    co_return outcome;
}

awaitable<UpstreamTlsOutcome> secure_broker_connection(TransportStream& stream, const UpstreamTls& settings, const std::string& name,
                                                       std::chrono::milliseconds timeout, UpstreamTlsContexts& contexts,
                                                       UpstreamTlsMetrics* metrics) {
    if (!settings.enabled) co_return UpstreamTlsOutcome{};
    UpstreamTlsOutcome outcome;
    std::string error;
    if (auto context = contexts.get(settings, error)) {
        outcome = co_await client_handshake(stream, context, name, timeout);
    } else {
        outcome = {UpstreamTlsResult::settings_unusable, std::move(error)};
    }
    if (metrics != nullptr) metrics->on_handshake(outcome.result);
    co_return outcome;
}

std::string describe_failure(const UpstreamTlsOutcome& outcome, const std::string& name) {
    return fmt::format("TLS with {} failed ({}): {}", name, upstream_tls_result_label(outcome.result), outcome.reason);
}

}  // namespace kgate::gateway
