// libFuzzer target: the first bytes a client sends to the SNI listener, before any handshake.
// kgate parses none of them itself: OpenSSL reads the ClientHello and kgate's server-name
// callback decides from the name it found. This drives that path (the listener's real TLS
// context, callback and SniRouter) with memory BIOs, no sockets. The first input byte picks
// how the rest is used:
//   even: the rest is the client's first flight, as raw bytes;
//   odd:  the rest is a server name; an OpenSSL client (TLS 1.3, or 1.2 when bit 1 is set)
//         writes a real ClientHello asking for it, so every name reaches the callback.
// Checks: a lone client flight never completes a handshake; a name is chosen only for
// bootstrap or a broker with a route; a refused name fails the handshake; the name kept for
// the log is printable and bounded.
// With KGATE_TLS_FUZZ_SEEDS=DIR, start-up first writes real ClientHellos there as seeds.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <openssl/bio.h>
#include <openssl/ssl.h>

#include "fuzz_check.h"
#include "gateway/routing/recording_opener.h"
#include "gateway/routing/routing_table.h"
#include "gateway/sni/sni_handshake.h"
#include "gateway/sni/sni_router.h"
#include "gateway/tls/server_tls_context.h"
#include "gateway/tls/test_certificates.h"

namespace {

using namespace kgate::gateway;
namespace fs = std::filesystem;

struct SslFree {
    void operator()(SSL* s) const { SSL_free(s); }
};
struct CtxFree {
    void operator()(SSL_CTX* c) const { SSL_CTX_free(c); }
};
using Ssl = std::unique_ptr<SSL, SslFree>;

// Everything the SNI listener has, built once: a certificate for *.kafka.test, routes for
// brokers 1, 2 and 2147483647, and the router for kafka.test / broker-{node}.kafka.test.
struct Listener {
    testing::CertificateFolder folder;
    fs::path state = fs::temp_directory_path() / ("kgate-tls-fuzz-" + std::to_string(::getpid()));
    GatewayConfig config;
    testing::RecordingOpener opener;
    std::optional<RoutingTable> routing;
    std::shared_ptr<const ServerTlsContext> tls;
    std::shared_ptr<const SniRouter> router;
    std::unique_ptr<SSL_CTX, CtxFree> client12{SSL_CTX_new(TLS_client_method())};
    std::unique_ptr<SSL_CTX, CtxFree> client13{SSL_CTX_new(TLS_client_method())};

    Listener() {
        const auto key = testing::make_key();
        const auto certificate = testing::make_certificate(key.get(), "*.kafka.test", 1, -60, 86400);
        config.tls.certificate_file = folder.write("server.pem", certificate.get());
        config.tls.key_file = folder.write("server.key", key.get());
        std::string error;
        tls = ServerTlsContext::load(config.tls, error);
        if (!tls) kgate::fuzz::fail("cannot load the fuzzer's certificate: " + error);

        fs::remove_all(state);
        config.upstream = {{"k", 9092}};
        config.listen = {"127.0.0.1", 20000};
        config.broker_port_first = 20001;
        config.broker_port_last = 20009;
        config.state_dir = state.string();
        routing.emplace(config, RouteStore(state));
        routing->restore();
        routing->start_listening(opener);
        for (const std::int32_t node : {1, 2, 2147483647}) {
            if (!routing->ensure(node, {"10.0.0." + std::to_string(node % 200), 9092}, true, error)) kgate::fuzz::fail(error);
        }
        SniSettings sni;
        sni.listen = HostPort{"127.0.0.1", 9443};
        sni.bootstrap_name = "kafka.test";
        sni.broker_pattern = "broker-{node}.kafka.test";
        router = SniRouter::from(sni);

        SSL_CTX_set_max_proto_version(client12.get(), TLS1_2_VERSION);
        SSL_CTX_set_min_proto_version(client13.get(), TLS1_3_VERSION);
    }
    ~Listener() { fs::remove_all(state); }

    // The ClientHello an OpenSSL client sends first, asking for `name` (none when empty or
    // when OpenSSL will not send it).
    std::string client_hello(const std::string& name, bool tls12) const {
        Ssl client(SSL_new(tls12 ? client12.get() : client13.get()));
        BIO* in = BIO_new(BIO_s_mem());
        BIO* out = BIO_new(BIO_s_mem());
        SSL_set_bio(client.get(), in, out);
        SSL_set_connect_state(client.get());
        if (!name.empty()) SSL_set_tlsext_host_name(client.get(), name.c_str());
        SSL_do_handshake(client.get());  // wants to read: the ClientHello is in `out`
        char* bytes = nullptr;
        const long size = BIO_get_mem_data(out, &bytes);
        return std::string(bytes, static_cast<std::size_t>(size));
    }
};

Listener& listener() {
    static Listener l;
    return l;
}

void write_seeds(const fs::path& dir) {
    fs::create_directories(dir);
    const char* names[] = {"kafka.test", "broker-1.kafka.test", "BROKER-2.KAFKA.TEST.", "broker-2147483647.kafka.test",
                           "broker-7.kafka.test", "unknown.example.com", ""};
    int n = 0;
    for (const char* name : names) {
        for (const bool tls12 : {false, true}) {
            std::ofstream(dir / ("hello-" + std::to_string(n++)), std::ios::binary) << '\0' << listener().client_hello(name, tls12);
            std::ofstream(dir / ("name-" + std::to_string(n++)), std::ios::binary) << static_cast<char>(tls12 ? 3 : 1) << name;
        }
    }
}

void check_printable(const std::string& asked) {
    if (asked.size() > 256) kgate::fuzz::fail("the name kept for the log is longer than 256 bytes");
    for (const char c : asked) {
        if (c < 0x20 || c >= 0x7f) kgate::fuzz::fail("the name kept for the log holds a byte that is not printable ASCII");
    }
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
    if (const char* dir = std::getenv("KGATE_TLS_FUZZ_SEEDS")) write_seeds(dir);
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size == 0) return 0;
    auto& l = listener();
    const std::string rest(reinterpret_cast<const char*>(data) + 1, size - 1);
    const std::string flight = (data[0] & 1) != 0 ? l.client_hello(rest.substr(0, rest.find('\0')), (data[0] & 2) != 0) : rest;

    Ssl server(SSL_new(l.tls->context().native_handle()));
    BIO* in = BIO_new(BIO_s_mem());
    BIO* out = BIO_new(BIO_s_mem());
    SSL_set_bio(server.get(), in, out);
    SSL_set_accept_state(server.get());
    SniDecision decision;
    decision.router = l.router.get();
    decision.routing = &*l.routing;
    const auto snapshot = l.routing->snapshot();
    int result = 0;
    {
        const SniDecisionScope scope(server.get(), decision);
        BIO_write(in, flight.data(), static_cast<int>(flight.size()));
        result = SSL_do_handshake(server.get());
    }
    if (result == 1) kgate::fuzz::fail("a handshake completed on the client's first flight alone");
    if (!decision.decided) return 0;
    check_printable(decision.asked);
    if (decision.choice.refusal != SniRefusal::none) {
        if (SSL_get_error(server.get(), result) != SSL_ERROR_SSL) kgate::fuzz::fail("a refused server name did not fail the handshake");
        return 0;
    }
    const auto& target = decision.choice.target;
    if (target.kind == SniTarget::Kind::unknown) kgate::fuzz::fail("a server name was let through to nothing");
    if (target.kind == SniTarget::Kind::broker && snapshot->find(target.node_id) == nullptr) {
        kgate::fuzz::fail("a server name was let through to a broker without a route");
    }
    return 0;
}
