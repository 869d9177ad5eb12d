#include "gateway/upstream_tls/upstream_handshake.h"

#include <memory>
#include <string>

#include <gtest/gtest.h>
#include <prometheus/registry.h>

#include "gateway/net/socket_pair.h"
#include "gateway/tls/test_certs.h"

namespace kgate::gateway {
namespace {

using namespace std::chrono_literals;
using test::test_cert;

// A broker's side: Asio's TLS server with one of make_test_certs.sh's certificates.
asio::ssl::context broker_context(const std::string& name, bool require_client_certificate = false) {
    asio::ssl::context c(asio::ssl::context::tls_server);
    c.use_certificate_chain_file(test_cert(name + ".pem"));
    c.use_private_key_file(test_cert(name + ".key"), asio::ssl::context::pem);
    if (require_client_certificate) {
        c.load_verify_file(test_cert("ca.pem"));
        c.set_verify_mode(asio::ssl::verify_peer | asio::ssl::verify_fail_if_no_peer_cert);
    }
    return c;
}

UpstreamTls trusting(const std::string& ca) {
    UpstreamTls t;
    t.enabled = true;
    t.ca_file = test_cert(ca);
    return t;
}

struct Outcome {
    UpstreamTlsOutcome kgate;
    error_code broker;
};

// kgate's handshake as the client with `settings`, verifying `name`, against a broker serving `broker`.
Outcome handshake(const UpstreamTls& settings, const std::string& name, asio::ssl::context broker_ctx,
                  std::chrono::milliseconds timeout = 5s, UpstreamTlsMetrics* metrics = nullptr) {
    testing::SocketPair s;
    asio::ssl::stream<tcp::socket&> broker(s.reader, broker_ctx);
    TransportStream kgate(std::move(s.writer));
    UpstreamTlsContexts contexts;
    Outcome out;
    asio::co_spawn(s.io, [&]() -> awaitable<void> {
        out.kgate = co_await secure_broker_connection(kgate, settings, name, timeout, contexts, metrics);
        error_code ignored;
        kgate.socket().close(ignored);  // a failed handshake leaves the broker waiting otherwise
    }, asio::detached);
    asio::co_spawn(s.io, [&]() -> awaitable<void> {
        co_await broker.async_handshake(asio::ssl::stream_base::server, with_ec(out.broker));
    }, asio::detached);
    s.io.run_for(10s);
    return out;
}

TEST(UpstreamHandshake, VerifiesTheCertificateAgainstTheCaAndTheName) {
    const auto out = handshake(trusting("ca.pem"), "broker-1.kafka.test", broker_context("server"));
    EXPECT_TRUE(out.kgate.ok()) << out.kgate.reason;
    EXPECT_FALSE(out.broker) << out.broker.message();
}

TEST(UpstreamHandshake, AnIpAddressIsVerifiedAsOne) {
    const auto out = handshake(trusting("ca.pem"), "127.0.0.1", broker_context("server"));
    EXPECT_TRUE(out.kgate.ok()) << out.kgate.reason;
}

TEST(UpstreamHandshake, ACertificateFromAnotherCaIsUnknownCa) {
    prometheus::Registry registry;
    UpstreamTlsMetrics metrics(registry);
    const auto out = handshake(trusting("other-ca.pem"), "broker-1.kafka.test", broker_context("server"), 5s, &metrics);
    EXPECT_EQ(out.kgate.result, UpstreamTlsResult::unknown_ca) << out.kgate.reason;
    EXPECT_NE(out.kgate.reason.find("unable to get local issuer certificate"), std::string::npos) << out.kgate.reason;
    bool counted = false;
    for (const auto& family : registry.Collect()) {
        for (const auto& m : family.metric) {
            if (family.name == "kgate_upstream_tls_handshakes_total" && m.label[0].value == "unknown_ca") counted = m.counter.value == 1;
        }
    }
    EXPECT_TRUE(counted);
}

TEST(UpstreamHandshake, ANameTheCertificateDoesNotHoldIsANameMismatch) {
    const auto out = handshake(trusting("ca.pem"), "kafka.example.com", broker_context("server"));
    EXPECT_EQ(out.kgate.result, UpstreamTlsResult::name_mismatch) << out.kgate.reason;
    EXPECT_NE(describe_failure(out.kgate, "kafka.example.com").find("(name_mismatch)"), std::string::npos);
}

TEST(UpstreamHandshake, AServerNameOverrideIsWhatIsVerified) {
    auto settings = trusting("ca.pem");
    settings.server_name = "kafka.test";
    EXPECT_EQ(verified_name(settings, "kafka-1.kgate-e2e.invalid", "127.0.0.1"), "kafka.test");
    settings.server_name.clear();
    EXPECT_EQ(verified_name(settings, "kafka-1.kgate-e2e.invalid", "127.0.0.1"), "kafka-1.kgate-e2e.invalid");
    EXPECT_EQ(verified_name(settings, "", "127.0.0.1"), "127.0.0.1");
}

TEST(UpstreamHandshake, AnExpiredCertificateIsExpired) {
    const auto out = handshake(trusting("ca.pem"), "expired.kafka.test", broker_context("expired"));
    EXPECT_EQ(out.kgate.result, UpstreamTlsResult::expired) << out.kgate.reason;
}

TEST(UpstreamHandshake, InsecureSkipVerifyAcceptsAnyCertificate) {
    auto settings = trusting("other-ca.pem");
    settings.verify = false;
    const auto out = handshake(settings, "kafka.example.com", broker_context("server"));
    EXPECT_TRUE(out.kgate.ok()) << out.kgate.reason;
}

TEST(UpstreamHandshake, AClientCertificateIsShownWhenTheBrokerAsks) {
    auto settings = trusting("ca.pem");
    // Under TLS 1.3 kgate's side finishes before the broker judges its certificate: the broker
    // refuses, and kgate learns it at its first read, as a closed connection.
    const auto refused = handshake(settings, "kafka.test", broker_context("server", true));
    EXPECT_TRUE(refused.broker);
    settings.certificate_file = test_cert("client.pem");
    settings.key_file = test_cert("client.key");
    const auto out = handshake(settings, "kafka.test", broker_context("server", true));
    EXPECT_TRUE(out.kgate.ok()) << out.kgate.reason;
    EXPECT_FALSE(out.broker) << out.broker.message();
}

// kgate's side on a loopback pair, with nothing on the other socket unless the test spawns it.
struct KgateAlone {
    testing::SocketPair s;
    TransportStream kgate{std::move(s.writer)};
    UpstreamTlsContexts contexts;

    UpstreamTlsOutcome run(const UpstreamTls& settings, std::chrono::milliseconds timeout) {
        UpstreamTlsOutcome out{UpstreamTlsResult::failed, "not run"};
        const std::string name = "kafka.test";  // named: a coroutine's reference parameter
        asio::co_spawn(s.io, [&]() -> awaitable<void> {
            out = co_await secure_broker_connection(kgate, settings, name, timeout, contexts, nullptr);
        }, asio::detached);
        s.io.run_for(timeout + 2s);
        return out;
    }
};

TEST(UpstreamHandshake, ABrokerThatNeverAnswersTimesOut) {
    KgateAlone alone;  // the other socket never speaks TLS
    const auto started = std::chrono::steady_clock::now();
    const auto out = alone.run(trusting("ca.pem"), 200ms);
    EXPECT_EQ(out.result, UpstreamTlsResult::timeout) << out.reason;
    EXPECT_LT(std::chrono::steady_clock::now() - started, 3s);
}

TEST(UpstreamHandshake, APlaintextBrokerThatClosesIsClosed) {
    KgateAlone alone;
    asio::co_spawn(alone.s.io, [&]() -> awaitable<void> {  // as Kafka does with a ClientHello: a frame size too large, closed
        std::array<unsigned char, 5> first{};
        error_code ec;
        co_await asio::async_read(alone.s.reader, asio::buffer(first), with_ec(ec));
        alone.s.reader.close(ec);
    }, asio::detached);
    const auto out = alone.run(trusting("ca.pem"), 3s);
    EXPECT_EQ(out.result, UpstreamTlsResult::closed) << out.reason;
    EXPECT_NE(out.reason.find("is the broker's listener TLS?"), std::string::npos) << out.reason;
}

TEST(UpstreamHandshake, UnreadableFilesAreSettingsUnusable) {
    KgateAlone alone;
    const auto out = alone.run(trusting("no-such-ca.pem"), 1s);
    EXPECT_EQ(out.result, UpstreamTlsResult::settings_unusable);
    EXPECT_NE(out.reason.find("no-such-ca.pem"), std::string::npos) << out.reason;
}

TEST(UpstreamHandshake, TlsOffLeavesTheConnectionPlain) {
    KgateAlone alone;
    EXPECT_TRUE(alone.run(UpstreamTls{}, 1s).ok());
    EXPECT_FALSE(alone.kgate.is_tls());
}

TEST(UpstreamTlsContexts, OneContextPerSettings) {
    UpstreamTlsContexts contexts;
    std::string error;
    const auto a = contexts.get(trusting("ca.pem"), error);
    const auto b = contexts.get(trusting("ca.pem"), error);
    const auto c = contexts.get(trusting("other-ca.pem"), error);
    ASSERT_TRUE(a && b && c) << error;
    EXPECT_EQ(a, b);
    EXPECT_NE(a, c);
    EXPECT_TRUE(a->ca_expires());
    EXPECT_FALSE(a->certificate_expires());
}

}  // namespace
}  // namespace kgate::gateway
