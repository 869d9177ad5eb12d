#pragma once
// The SNI listener's handshake: OpenSSL's server-name callback reads the ClientHello's SNI
// (kgate parses no ClientHello bytes itself) and picks bootstrap or a broker; an unknown name
// or none at all is refused with an unrecognized_name alert, logged (rate-limited) and counted.
#include <cstdint>
#include <string>
#include <string_view>

#include <openssl/ssl.h>

#include "gateway/net/asio.h"
#include "gateway/session/session_services.h"
#include "gateway/sni/sni_router.h"
#include "gateway/tls/transport_stream.h"

namespace kgate::gateway {

// Put on every client-facing TLS context (gateway/tls/server_tls_context.cc), so that a reloaded
// certificate keeps it. It acts only on connections accept_client_connection marks as the SNI
// listener's: on the others the server name plays no part, as before.
void install_sni_callback(SSL_CTX* context);

// What the server-name callback decided for one handshake on the SNI listener.
struct SniDecision {
    const SniRouter* router = nullptr;
    const RoutingTable* routing = nullptr;
    bool decided = false;  // the callback ran
    SniChoice choice;
    std::string asked;  // the server name, printable ASCII only, for the log
};

// While it lives, the callback decides `decision` for `ssl`'s handshake; only handshakes so
// marked are decided (other listeners' are left alone).
class SniDecisionScope {
public:
    SniDecisionScope(SSL* ssl, SniDecision& decision);
    ~SniDecisionScope();
    SniDecisionScope(const SniDecisionScope&) = delete;
    SniDecisionScope& operator=(const SniDecisionScope&) = delete;

private:
    SSL* ssl_;
};

// A client connection's first step: nothing on a plaintext listener; the TLS handshake on a TLS
// one; on the SNI listener the handshake too, after which `target` is what the server name
// chose. Counted and logged as accept_client_tls does. False when the connection must close.
awaitable<bool> accept_client_connection(TransportStream& stream, ListenerTarget& target, SessionServices& services,
                                         std::uint64_t connection_id, std::string_view peer);

}  // namespace kgate::gateway
