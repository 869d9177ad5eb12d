#include "gateway/tls/tls_handshake.h"

#include <array>
#include <vector>

#include <gtest/gtest.h>

#include "gateway/net/frame_batch.h"
#include "gateway/net/frame_io.h"
#include "gateway/net/socket_pair.h"
#include "gateway/tls/server_tls_context.h"
#include "gateway/tls/test_certificates.h"

namespace kgate::gateway {
namespace {

using testing::make_certificate;
using testing::make_key;
using namespace std::chrono_literals;

constexpr long kDay = 24 * 3600;

// A CA, a server certificate for 127.0.0.1 and a client certificate, both signed by it.
struct Pki : ::testing::Test {
    testing::CertificateFolder folder;
    testing::Key ca_key = make_key();
    testing::Certificate ca = make_certificate(ca_key.get(), "test CA", 1, -kDay, kDay, nullptr, nullptr, true);
    testing::Key server_key = make_key();
    testing::Key client_key = make_key();
    std::string ca_file = folder.write("ca.pem", ca.get());
    int server_files = 0;

    std::shared_ptr<const ServerTlsContext> server_context(ClientAuth auth) {
        auto leaf = make_certificate(server_key.get(), "127.0.0.1", 2, -60, kDay, ca.get(), ca_key.get());
        ClientTls t;
        t.certificate_file = folder.write("server-" + std::to_string(++server_files) + ".pem", leaf.get());
        t.key_file = folder.write("server-key.pem", server_key.get());
        t.client_auth = auth;
        if (auth != ClientAuth::none) t.client_ca_file = ca_file;
        std::string error;
        auto loaded = ServerTlsContext::load(t, error);
        EXPECT_TRUE(loaded) << error;
        return loaded;
    }

    enum class ClientCertificate { none, from_the_ca, self_signed };

    // A client context trusting the CA, with a client certificate as asked.
    asio::ssl::context client_context(ClientCertificate which) {
        asio::ssl::context c(asio::ssl::context::tls_client);
        c.load_verify_file(ca_file);
        c.set_verify_mode(asio::ssl::verify_peer);
        if (which != ClientCertificate::none) {
            const bool signed_by_ca = which == ClientCertificate::from_the_ca;
            auto cert = make_certificate(client_key.get(), "client", 3, -60, kDay, signed_by_ca ? ca.get() : nullptr,
                                         signed_by_ca ? ca_key.get() : nullptr);
            const std::string name = signed_by_ca ? "client" : "stranger";
            c.use_certificate_file(folder.write(name + ".pem", cert.get()), asio::ssl::context::pem);
            c.use_private_key_file(folder.write(name + "-key.pem", client_key.get()), asio::ssl::context::pem);
        }
        return c;
    }
};

// A loopback connection: kgate's side a TransportStream with TLS started, the client's Asio's
// TLS stream (its handshake not started).
struct TlsPair {
    testing::SocketPair s;
    TransportStream server{std::move(s.reader)};
    asio::ssl::context client_ctx;
    asio::ssl::stream<tcp::socket&> client{s.writer, client_ctx};

    TlsPair(Pki& pki, ClientAuth auth, Pki::ClientCertificate certificate = Pki::ClientCertificate::none)
        : client_ctx(pki.client_context(certificate)) {
        server.start_server_tls(pki.server_context(auth));
    }
};

template <class F>
void run(asio::io_context& io, F&& f) {
    asio::co_spawn(io, std::forward<F>(f), asio::detached);
}

TEST_F(Pki, FramesCrossTlsBothWays) {
    TlsPair pair(*this, ClientAuth::none);
    auto& s = pair.s;
    auto& server = pair.server;
    auto& client = pair.client;

    TlsHandshakeOutcome outcome{TlsHandshakeResult::failed, "not run"};
    ReadBuffer in;
    FrameBuffer frame;
    error_code read_ec;
    std::vector<std::byte> answers(3 * (4 + 5));
    error_code client_ec;
    run(s.io, [&]() -> awaitable<void> {
        outcome = co_await server_handshake(server, 2s);
        read_ec = co_await read_frame(server, in, frame, 1 << 20);
        FrameBatch out;  // three small frames: one record, one write
        for (char c : {'a', 'b', 'c'}) out.add(std::vector<std::byte>(5, std::byte(c)));
        EXPECT_FALSE(co_await out.write_to(server));
    });
    run(s.io, [&]() -> awaitable<void> {
        co_await client.async_handshake(asio::ssl::stream_base::client, with_ec(client_ec));
        if (client_ec) co_return;
        const std::array<unsigned char, 7> request{0, 0, 0, 3, 'x', 'y', 'z'};
        co_await asio::async_write(client, asio::buffer(request), with_ec(client_ec));
        co_await asio::async_read(client, asio::buffer(answers), with_ec(client_ec));
    });
    s.io.run_for(5s);
    EXPECT_EQ(outcome.result, TlsHandshakeResult::ok) << outcome.reason;
    EXPECT_FALSE(client_ec) << client_ec.message();
    EXPECT_FALSE(read_ec) << read_ec.message();
    ASSERT_EQ(frame.size(), 3u);
    EXPECT_EQ(frame.data()[2], std::byte('z'));
    EXPECT_EQ(answers[3], std::byte(5));
    EXPECT_EQ(answers[4 + 5 + 4], std::byte('b'));
    EXPECT_EQ(answers.back(), std::byte('c'));
}

// A drain shuts the receive side of a client's socket and still writes the answers in flight:
// the end of the stream the reader then sees must not stop TLS from writing.
TEST_F(Pki, AnswersStillGoOutAfterTheReceiveSideIsShut) {
    TlsPair pair(*this, ClientAuth::none);
    auto& s = pair.s;
    auto& server = pair.server;
    auto& client = pair.client;
    error_code second_read, write_ec, client_ec;
    std::array<unsigned char, 5> answer{};
    run(s.io, [&]() -> awaitable<void> {
        (void)co_await server_handshake(server, 2s);
        ReadBuffer in;
        FrameBuffer frame;
        EXPECT_FALSE(co_await read_frame(server, in, frame, 1 << 20));
        error_code ignored;
        server.socket().shutdown(tcp::socket::shutdown_receive, ignored);  // what ClientSession::drain() does
        second_read = co_await read_frame(server, in, frame, 1 << 20);
        FrameBatch out;
        out.add(std::vector<std::byte>(1, std::byte('!')));
        write_ec = co_await out.write_to(server);
    });
    run(s.io, [&]() -> awaitable<void> {
        co_await client.async_handshake(asio::ssl::stream_base::client, with_ec(client_ec));
        const std::array<unsigned char, 5> request{0, 0, 0, 1, 'q'};
        co_await asio::async_write(client, asio::buffer(request), with_ec(client_ec));
        co_await asio::async_read(client, asio::buffer(answer), with_ec(client_ec));
    });
    s.io.run_for(5s);
    EXPECT_TRUE(second_read) << "the reader sees the end of the stream";
    EXPECT_FALSE(write_ec) << write_ec.message();
    EXPECT_FALSE(client_ec) << client_ec.message();
    EXPECT_EQ(answer[4], '!');
}

TEST_F(Pki, PlaintextKafkaBytesAreNotTls) {
    TlsPair pair(*this, ClientAuth::none);
    auto& s = pair.s;
    auto& server = pair.server;
    // The start of an ApiVersions v3 request, as a plaintext client sends it.
    const std::array<unsigned char, 16> plain{0, 0, 0, 12, 0, 18, 0, 3, 0, 0, 0, 1, 0, 2, 'c', 'l'};
    asio::write(s.writer, asio::buffer(plain));
    TlsHandshakeOutcome outcome;
    run(s.io, [&]() -> awaitable<void> { outcome = co_await server_handshake(server, 2s); });
    s.io.run_for(3s);
    EXPECT_EQ(outcome.result, TlsHandshakeResult::not_tls) << outcome.reason;
}

TEST_F(Pki, GarbageAfterARecordHeaderFails) {
    TlsPair pair(*this, ClientAuth::none);
    auto& s = pair.s;
    auto& server = pair.server;
    std::vector<unsigned char> garbage{0x16, 0x03, 0x01, 0x00, 0x40};  // a handshake record of 64 bytes
    garbage.resize(5 + 64, 0xee);
    asio::write(s.writer, asio::buffer(garbage));
    TlsHandshakeOutcome outcome;
    run(s.io, [&]() -> awaitable<void> { outcome = co_await server_handshake(server, 2s); });
    s.io.run_for(3s);
    EXPECT_EQ(outcome.result, TlsHandshakeResult::failed) << outcome.reason;
    EXPECT_FALSE(outcome.reason.empty());
}

TEST_F(Pki, AStalledHandshakeTimesOut) {
    TlsPair pair(*this, ClientAuth::none);
    auto& s = pair.s;
    auto& server = pair.server;
    const std::array<unsigned char, 3> start{0x16, 0x03, 0x01};  // and then nothing
    asio::write(s.writer, asio::buffer(start));
    TlsHandshakeOutcome outcome;
    const auto began = std::chrono::steady_clock::now();
    run(s.io, [&]() -> awaitable<void> { outcome = co_await server_handshake(server, 150ms); });
    s.io.run_for(3s);
    EXPECT_EQ(outcome.result, TlsHandshakeResult::timeout) << outcome.reason;
    EXPECT_LT(std::chrono::steady_clock::now() - began, 2s);
}

TEST_F(Pki, AClientThatLeavesMidHandshakeClosedIt) {
    TlsPair pair(*this, ClientAuth::none);
    auto& s = pair.s;
    auto& server = pair.server;
    const std::array<unsigned char, 3> start{0x16, 0x03, 0x01};
    asio::write(s.writer, asio::buffer(start));
    s.writer.close();
    TlsHandshakeOutcome outcome;
    run(s.io, [&]() -> awaitable<void> { outcome = co_await server_handshake(server, 2s); });
    s.io.run_for(3s);
    EXPECT_EQ(outcome.result, TlsHandshakeResult::closed) << outcome.reason;
}

// Under tls-client-auth required: a client without a certificate, or with one the CA did not
// sign, is refused; one with a certificate from the CA passes.
TEST_F(Pki, RequiredClientCertificates) {
    const std::pair<ClientCertificate, TlsHandshakeResult> cases[] = {
        {ClientCertificate::none, TlsHandshakeResult::no_client_certificate},
        {ClientCertificate::self_signed, TlsHandshakeResult::bad_client_certificate},
        {ClientCertificate::from_the_ca, TlsHandshakeResult::ok},
    };
    for (const auto& [which, expected] : cases) {
        TlsPair pair(*this, ClientAuth::required, which);
        auto& s = pair.s;
        auto& server = pair.server;
        auto& client = pair.client;
        TlsHandshakeOutcome outcome;
        run(s.io, [&]() -> awaitable<void> {
            outcome = co_await server_handshake(server, 2s);
            server.socket().close();  // the client's read below ends
        });
        run(s.io, [&]() -> awaitable<void> {
            error_code ec;
            co_await client.async_handshake(asio::ssl::stream_base::client, with_ec(ec));
            if (!ec) {  // TLS 1.3: the client learns of the refusal on its first read
                std::array<char, 1> byte{};
                co_await client.async_read_some(asio::buffer(byte), with_ec(ec));
            }
        });
        s.io.run_for(3s);
        EXPECT_EQ(outcome.result, expected) << outcome.reason;
    }
}

TEST(ClassifyHandshakeError, EndOfStreamIsTheClientClosing) {
    EXPECT_EQ(classify_handshake_error(asio::error::eof), TlsHandshakeResult::closed);
    EXPECT_EQ(classify_handshake_error(asio::error::connection_reset), TlsHandshakeResult::closed);
    EXPECT_EQ(classify_handshake_error(asio::error::host_unreachable), TlsHandshakeResult::failed);
}

}  // namespace
}  // namespace kgate::gateway
