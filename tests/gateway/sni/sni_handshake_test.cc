#include "gateway/sni/sni_handshake.h"

#include <filesystem>
#include <memory>
#include <optional>

#include <gtest/gtest.h>
#include <prometheus/text_serializer.h>

#include "gateway/net/socket_pair.h"
#include "gateway/routing/recording_opener.h"
#include "gateway/sni/sni_router.h"
#include "gateway/tls/server_tls_context.h"
#include "gateway/tls/test_certificates.h"

namespace kgate::gateway {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

// kgate with client TLS, an SNI listener for kafka.test / broker-{node}.kafka.test and routes
// for brokers 1 and 2147483647; each test runs real handshakes over loopback sockets.
struct SniHandshakeTest : ::testing::Test {
    testing::CertificateFolder folder;
    testing::Key key = testing::make_key();
    fs::path state = folder.path() / "state";
    GatewayConfig config;
    std::shared_ptr<const ServerTlsContext> tls;
    std::shared_ptr<const SniRouter> router;
    std::optional<RoutingTable> routing;
    testing::RecordingOpener opener;
    Published<ClusterView> cluster{std::make_shared<const ClusterView>()};
    GatewayMetrics metrics;
    std::unique_ptr<SessionServices> services;  // an aggregate: built with braces once the table is

    void SetUp() override {
        auto certificate = testing::make_certificate(key.get(), "kafka.test", 1, -60, 3600);
        config.tls.certificate_file = folder.write("server.pem", certificate.get());
        config.tls.key_file = folder.write("server-key.pem", key.get());
        config.tls.handshake_timeout = 2s;
        config.sni.listen = HostPort{"127.0.0.1", 9443};
        config.sni.bootstrap_name = "kafka.test";
        config.sni.broker_pattern = "broker-{node}.kafka.test";
        config.listen = {"127.0.0.1", 20000};
        config.broker_port_first = 20001;
        config.broker_port_last = 20009;
        config.state_dir = state.string();
        std::string error;
        tls = ServerTlsContext::load(config.tls, error);
        ASSERT_TRUE(tls) << error;
        router = SniRouter::from(config.sni);
        routing.emplace(config, RouteStore(state));
        routing->restore();
        routing->start_listening(opener);
        ASSERT_TRUE(routing->ensure(1, {"10.0.0.1", 9092}, true, error)) << error;
        ASSERT_TRUE(routing->ensure(2147483647, {"10.0.0.2", 9092}, true, error)) << error;
        services.reset(new SessionServices{config, *routing, cluster, metrics});
    }

    struct Outcome {
        bool accepted = false;
        ListenerTarget target;
        error_code client_ec;
    };

    // One connection: the client asks for `server_name` (none when null); kgate's side is the
    // SNI listener's when `sni`, else a port-per-broker TLS listener's (broker 1).
    Outcome connect(const char* server_name, bool sni = true) {
        testing::SocketPair s;
        TransportStream server(std::move(s.reader));
        server.start_server_tls(tls);
        asio::ssl::context client_ctx(asio::ssl::context::tls_client);
        asio::ssl::stream<tcp::socket&> client(s.writer, client_ctx);
        if (server_name != nullptr) SSL_set_tlsext_host_name(client.native_handle(), server_name);
        Outcome out;
        out.target = sni ? ListenerTarget{true, -1, true, router.get()} : ListenerTarget{false, 1, true, nullptr};
        asio::co_spawn(s.io, [&]() -> awaitable<void> {
            out.accepted = co_await accept_client_connection(server, out.target, *services, 1, "test");
        }, asio::detached);
        asio::co_spawn(s.io, [&]() -> awaitable<void> {
            co_await client.async_handshake(asio::ssl::stream_base::client, with_ec(out.client_ec));
        }, asio::detached);
        s.io.run_for(5s);
        return out;
    }

    std::string metrics_text() const { return prometheus::TextSerializer().Serialize(metrics.registry().Collect()); }
};

TEST_F(SniHandshakeTest, TheServerNameChoosesBootstrapOrABroker) {
    const auto bootstrap = connect("kafka.test");
    EXPECT_TRUE(bootstrap.accepted);
    EXPECT_FALSE(bootstrap.client_ec) << bootstrap.client_ec.message();
    EXPECT_TRUE(bootstrap.target.bootstrap);

    const auto one = connect("Broker-1.Kafka.Test");
    EXPECT_TRUE(one.accepted);
    EXPECT_FALSE(one.target.bootstrap);
    EXPECT_EQ(one.target.node_id, 1);

    const auto kop = connect("broker-2147483647.kafka.test");  // KoP's largest hashed id
    EXPECT_TRUE(kop.accepted);
    EXPECT_EQ(kop.target.node_id, 2147483647);
    EXPECT_NE(metrics_text().find("kgate_tls_handshakes_total{result=\"ok\"} 3"), std::string::npos);
}

TEST_F(SniHandshakeTest, UnknownNamesAndNoNameAreRefusedWithAnAlertAndCounted) {
    // A name with a control byte in it is refused too (and logged with '?' in its place).
    for (const char* name : {"other.example.com", "broker-7.kafka.test", "broker-1.kafka.test\n", static_cast<const char*>(nullptr)}) {
        const auto refused = connect(name);
        EXPECT_FALSE(refused.accepted) << (name ? name : "no SNI");
        // The client hears why: OpenSSL's "tlsv1 unrecognized name" alert.
        EXPECT_NE(refused.client_ec.message().find("unrecognized name"), std::string::npos) << refused.client_ec.message();
    }
    const auto text = metrics_text();
    EXPECT_NE(text.find("kgate_tls_sni_refused_total{reason=\"unknown_name\"} 2"), std::string::npos) << text;
    EXPECT_NE(text.find("kgate_tls_sni_refused_total{reason=\"unknown_broker\"} 1"), std::string::npos);
    EXPECT_NE(text.find("kgate_tls_sni_refused_total{reason=\"no_sni\"} 1"), std::string::npos);
    EXPECT_NE(text.find("kgate_tls_handshakes_total{result=\"sni_refused\"} 4"), std::string::npos);
}

TEST_F(SniHandshakeTest, OtherTlsListenersIgnoreTheServerName) {
    // The same certificate context serves both: the callback leaves these connections alone.
    for (const char* name : {"whatever.example.com", static_cast<const char*>(nullptr)}) {
        const auto plain = connect(name, false);
        EXPECT_TRUE(plain.accepted);
        EXPECT_FALSE(plain.client_ec) << plain.client_ec.message();
        EXPECT_EQ(plain.target.node_id, 1);
    }
    EXPECT_EQ(metrics_text().find("kgate_tls_sni_refused_total{reason=\"unknown_name\"} 1"), std::string::npos);
}

}  // namespace
}  // namespace kgate::gateway
