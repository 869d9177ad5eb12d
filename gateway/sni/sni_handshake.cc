#include "gateway/sni/sni_handshake.h"

#include <optional>
#include <string>

#include <fmt/format.h>

#include "gateway/sni/sni_router.h"
#include "gateway/tls/tls_handshake.h"

namespace kgate::gateway {
namespace {

int pending_index() {
    static const int index = SSL_get_ex_new_index(0, nullptr, nullptr, nullptr, nullptr);
    return index;
}

// The name a client sent, fit for a log line: any byte outside printable ASCII shown as '?',
// and no longer than a DNS name may be (with a mark when cut).
std::string printable(const char* name) {
    constexpr std::size_t kLongest = 253;
    std::string out;
    for (const char* c = name; c != nullptr && *c != '\0'; ++c) {
        if (out.size() == kLongest) return out + "...";
        out += *c >= 0x20 && *c < 0x7f ? *c : '?';
    }
    return out;
}

// OpenSSL calls it for every ClientHello, with a server name or without one.
int on_server_name(SSL* ssl, int* alert, void* /*arg*/) {
    auto* pending = static_cast<SniDecision*>(SSL_get_ex_data(ssl, pending_index()));
    if (pending == nullptr) return SSL_TLSEXT_ERR_NOACK;  // not the SNI listener: as without a callback
    const char* name = SSL_get_servername(ssl, TLSEXT_NAMETYPE_host_name);
    pending->asked = printable(name);
    pending->choice = pending->router->choose(name, *pending->routing->snapshot());
    pending->decided = true;
    if (pending->choice.refusal == SniRefusal::none) return SSL_TLSEXT_ERR_OK;
    *alert = SSL_AD_UNRECOGNIZED_NAME;
    return SSL_TLSEXT_ERR_ALERT_FATAL;
}

std::string refusal_reason(const SniDecision& p) {
    switch (p.choice.refusal) {
        case SniRefusal::no_sni: return "the ClientHello names no server (SNI), which the SNI listener needs";
        case SniRefusal::unknown_broker:
            return fmt::format("\"{}\" names broker {}, which kgate has no route for", p.asked, p.choice.target.node_id);
        case SniRefusal::unknown_name:
        case SniRefusal::none: break;
    }
    return fmt::format("\"{}\" is neither {} \"{}\" nor a name of {}", p.asked, kSniBootstrapNameSetting, p.router->names().bootstrap_name(),
                       kSniBrokerPatternSetting);
}

awaitable<bool> accept_sni(TransportStream& stream, ListenerTarget& target, SessionServices& services, std::uint64_t connection_id,
                           std::string_view peer) {
    SniDecision pending;
    pending.router = target.sni;
    pending.routing = &services.routing;
    std::optional<SniDecisionScope> scope(std::in_place, stream.tls().native_handle(), pending);
    auto outcome = co_await server_handshake(stream, services.config.tls.handshake_timeout);
    scope.reset();  // the decision is read below, with no callback left pointing at it
    if (pending.decided && pending.choice.refusal != SniRefusal::none) {
        services.metrics.on_sni_refused(pending.choice.refusal);
        outcome = {TlsHandshakeResult::sni_refused, refusal_reason(pending)};
    } else if (outcome.result == TlsHandshakeResult::ok && !pending.decided) {
        outcome = {TlsHandshakeResult::failed, "the server name callback was not called"};  // OpenSSL always calls it
    }
    if (!report_client_handshake(outcome, stream, services.metrics, connection_id, peer)) co_return false;
    target.bootstrap = pending.choice.target.kind == SniTarget::Kind::bootstrap;
    target.node_id = target.bootstrap ? -1 : pending.choice.target.node_id;
    co_return true;
}

}  // namespace

void install_sni_callback(SSL_CTX* context) { SSL_CTX_set_tlsext_servername_callback(context, on_server_name); }

SniDecisionScope::SniDecisionScope(SSL* ssl, SniDecision& decision) : ssl_(ssl) { SSL_set_ex_data(ssl_, pending_index(), &decision); }

SniDecisionScope::~SniDecisionScope() { SSL_set_ex_data(ssl_, pending_index(), nullptr); }

awaitable<bool> accept_client_connection(TransportStream& stream, ListenerTarget& target, SessionServices& services,
                                         std::uint64_t connection_id, std::string_view peer) {
    if (target.sni != nullptr && stream.is_tls()) co_return co_await accept_sni(stream, target, services, connection_id, peer);
    co_return co_await accept_client_tls(stream, services.config.tls.handshake_timeout, services.metrics, connection_id, peer);
}

}  // namespace kgate::gateway
