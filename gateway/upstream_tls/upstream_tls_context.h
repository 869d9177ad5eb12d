#pragma once
// What kgate's TLS connections to brokers are made with: the CA bundle brokers' certificates
// must verify to (or the system's trust store) and, optionally, kgate's client certificate,
// loaded into one OpenSSL client context. Immutable once loaded; shared by every connection
// made with the same settings (gateway/upstream_tls/upstream_tls_contexts.h).
#include <chrono>
#include <memory>
#include <optional>
#include <string>

#include <boost/asio/ssl/context.hpp>

#include "gateway/upstream_tls/upstream_tls_settings.h"

namespace kgate::gateway {

class UpstreamTlsContext {
public:
    // Reads and checks every file `settings` names; nullptr and `error` (naming the file and
    // the reason) when anything is wrong.
    static std::shared_ptr<const UpstreamTlsContext> load(const UpstreamTls& settings, std::string& error);

    // For a new connection's SSL object: SSL_new takes its own reference and leaves the
    // context as it is; Asio's API only wants it non-const.
    boost::asio::ssl::context& context() const { return context_; }
    const UpstreamTls& settings() const { return settings_; }
    // When the CA bundle and the client certificate file stop working (earliest notAfter), for
    // the expiry gauge; nullopt for a file not in use.
    std::optional<std::chrono::system_clock::time_point> ca_expires() const { return ca_expires_; }
    std::optional<std::chrono::system_clock::time_point> certificate_expires() const { return certificate_expires_; }

private:
    UpstreamTlsContext();

    mutable boost::asio::ssl::context context_;
    UpstreamTls settings_;
    std::optional<std::chrono::system_clock::time_point> ca_expires_;
    std::optional<std::chrono::system_clock::time_point> certificate_expires_;
};

}  // namespace kgate::gateway
