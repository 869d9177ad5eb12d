#pragma once
// What client-facing TLS serves with: the certificate chain, its key and, for client
// certificates, the CA bundle they are verified against, loaded into one OpenSSL context.
//
// A ServerTlsContext is immutable once loaded. The gateway publishes the current one as a
// snapshot (gateway/routing/published.h) and a reload swaps in a new one: handshakes started
// after the swap use it, connections already open keep the SSL state they were made with.
#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/asio/ssl/context.hpp>

#include "gateway/config/gateway_config.h"
#include "gateway/tls/certificate_summary.h"
#include "gateway/tls/tls_files.h"

namespace kgate::gateway {

class ServerTlsContext {
public:
    // Reads and checks every file `settings` names. Returns nullptr and sets `error` (naming the
    // setting, the file and the reason) when anything is wrong; nothing is half-loaded.
    static std::shared_ptr<const ServerTlsContext> load(const ClientTls& settings, std::string& error);

    // For a new connection's SSL object. SSL_new on a shared SSL_CTX is safe from any thread
    // and takes its own reference, so the context is not changed; Asio's API only wants it
    // non-const.
    boost::asio::ssl::context& context() const { return context_; }
    const CertificateSummary& certificate() const { return certificate_; }
    // Whether the certificate names `host` (a DNS name or an IP literal) as clients check it:
    // a client that verifies host names, as Java, librdkafka and Go do by default, refuses the
    // gateway at an address the certificate does not cover.
    bool covers(std::string_view host) const;
    // The warning to log when the hosts clients are told are not all covered; nullopt when they are.
    std::optional<std::string> uncovered_warning(const std::vector<std::string>& hosts) const;
    ClientAuth client_auth() const { return client_auth_; }

private:
    ServerTlsContext();

    mutable boost::asio::ssl::context context_;
    CertificateSummary certificate_;
    TlsCredentials credentials_;  // what was checked and loaded: for covers()
    ClientAuth client_auth_ = ClientAuth::none;
};

}  // namespace kgate::gateway
