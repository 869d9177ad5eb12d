#include "gateway/upstream_tls/upstream_tls_context.h"

#include <fmt/format.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include "gateway/tls/tls_files.h"

namespace kgate::gateway {
namespace {

// The most specific error OpenSSL queued, the queue then emptied for the next call.
std::string openssl_reason() {
    const unsigned long last = ERR_peek_last_error();
    ERR_clear_error();
    if (last == 0) return "unknown OpenSSL error";
    char text[256];
    ERR_error_string_n(last, text, sizeof text);
    return text;
}

std::string joined(const TlsFileProblems& problems) {
    std::string out;
    for (const auto& p : problems) out += (out.empty() ? "" : "; ") + p.message;
    return out;
}

}  // namespace

UpstreamTlsContext::UpstreamTlsContext() : context_(boost::asio::ssl::context::tls_client) {}

std::shared_ptr<const UpstreamTlsContext> UpstreamTlsContext::load(const UpstreamTls& settings, std::string& error) {
    ERR_clear_error();
    std::shared_ptr<UpstreamTlsContext> loaded(new UpstreamTlsContext());
    loaded->settings_ = settings;
    SSL_CTX* ctx = loaded->context_.native_handle();
    // TLS 1.2 and 1.3 only, OpenSSL's default ciphers; no renegotiation, no compression.
    SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
    SSL_CTX_set_options(ctx, SSL_OP_NO_RENEGOTIATION | SSL_OP_NO_COMPRESSION);
    SSL_CTX_set_verify(ctx, settings.verify ? SSL_VERIFY_PEER : SSL_VERIFY_NONE, nullptr);

    if (settings.ca_file.empty()) {
        if (SSL_CTX_set_default_verify_paths(ctx) != 1) {
            error = fmt::format("the system's trust store cannot be loaded: {}", openssl_reason());
            return nullptr;
        }
    } else {
        auto bundle = read_certificate_file(settings.ca_file, "CA bundle");
        if (!bundle) {
            error = fmt::format("ca: {}", joined(bundle.error()));
            return nullptr;
        }
        X509_STORE* store = SSL_CTX_get_cert_store(ctx);
        for (const auto& certificate : bundle->certificates) {
            if (X509_STORE_add_cert(store, certificate.get()) != 1) {
                error = fmt::format("ca: {}: {}", settings.ca_file, openssl_reason());
                return nullptr;
            }
        }
        loaded->ca_expires_ = bundle->earliest_expiry;
    }

    if (settings.has_client_certificate()) {
        auto checked = validate_tls_files({settings.certificate_file, settings.key_file, std::nullopt}, std::chrono::system_clock::now(),
                                          CertificateUse::client);
        if (!checked) {
            error = fmt::format("certificate, key: {}", joined(checked.error()));
            return nullptr;
        }
        const auto& chain = checked->chain.certificates;
        bool ok = SSL_CTX_use_certificate(ctx, chain.front().get()) == 1;
        for (std::size_t i = 1; ok && i < chain.size(); ++i) ok = SSL_CTX_add1_chain_cert(ctx, chain[i].get()) == 1;
        if (!ok || SSL_CTX_use_PrivateKey(ctx, checked->key.get()) != 1) {
            error = fmt::format("certificate, key: {}: {}", settings.certificate_file, openssl_reason());
            return nullptr;
        }
        loaded->certificate_expires_ = checked->chain.earliest_expiry;
    }
    return loaded;
}

}  // namespace kgate::gateway
