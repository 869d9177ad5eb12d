#include "gateway/upstream/upstream_sasl.h"

#include <exception>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "gateway/net/frame_io.h"
#include "protocol/codec/api_table.h"

namespace kgate::gateway {
namespace {

namespace msg = protocol::messages;

std::string text_of(std::span<const std::byte> bytes) {
    return {reinterpret_cast<const char*>(bytes.data()), bytes.size()};
}

const ApiRanges kBroker{{msg::SaslHandshakeRequest::api_key, {0, 1}}, {msg::SaslAuthenticateRequest::api_key, {0, 2}}};

TEST(PlainAuthBytes, EmptyAuthorizationIdThenUserAndPasswordAfterNuls) {
    const auto bytes = plain_auth_bytes("public/default", "token:abc");
    EXPECT_EQ(text_of(bytes), std::string("\0public/default\0token:abc", 25));
}

TEST(SaslVersions, HandshakeV1AndTheNewestAuthenticateBothKnow) {
    std::string error;
    auto v = sasl_versions(kBroker, error);
    ASSERT_TRUE(v) << error;
    EXPECT_EQ(v->handshake, 1);
    EXPECT_EQ(v->authenticate, 2);
    v = sasl_versions({{17, {0, 1}}, {36, {0, 1}}}, error);  // a KoP-era broker
    ASSERT_TRUE(v) << error;
    EXPECT_EQ(v->authenticate, 1);
    v = sasl_versions({{17, {0, 5}}, {36, {0, 9}}}, error);  // newer than the codec: its newest
    ASSERT_TRUE(v) << error;
    EXPECT_EQ(v->authenticate, msg::SaslAuthenticateRequest::highest_version);
}

TEST(SaslVersions, RefusesBrokersWithoutTheFramedExchange) {
    std::string error;
    EXPECT_FALSE(sasl_versions({{17, {0, 0}}, {36, {0, 2}}}, error));
    EXPECT_NE(error.find("SaslHandshake v1"), std::string::npos) << error;
    EXPECT_FALSE(sasl_versions({{17, {0, 1}}}, error));
    EXPECT_NE(error.find("SaslAuthenticate"), std::string::npos) << error;
    EXPECT_FALSE(sasl_versions({{17, {0, 1}}, {36, {7, 9}}}, error));
    EXPECT_NE(error.find("7-9"), std::string::npos) << error;
}

TEST(SaslProblems, NameTheMechanismsOnOfferAndTheBrokersOwnWords) {
    msg::SaslHandshakeResponse handshake;
    EXPECT_EQ(handshake_problem(handshake, "PLAIN"), "");
    handshake.error_code = 33;
    handshake.mechanisms = {"SCRAM-SHA-512", "OAUTHBEARER"};
    EXPECT_EQ(handshake_problem(handshake, "PLAIN"), "the broker does not enable SASL mechanism PLAIN (it offers: SCRAM-SHA-512, OAUTHBEARER)");
    msg::SaslAuthenticateResponse authenticate;
    EXPECT_EQ(authenticate_problem(authenticate), "");
    authenticate.error_code = 58;
    authenticate.error_message = "Unable to authenticate: bad token";
    EXPECT_EQ(authenticate_problem(authenticate), "the broker refused the credentials (error 58: Unable to authenticate: bad token)");
    authenticate.error_message.reset();
    EXPECT_EQ(authenticate_problem(authenticate), "the broker refused the credentials (error 58)");
}

// A broker on loopback that takes one SaslHandshake and one SaslAuthenticate and accepts
// exactly one password; it records what it was sent.
struct FakeSaslBroker {
    asio::io_context io;
    tcp::acceptor acceptor{io, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0)};
    std::string accepted_password;
    std::vector<std::string> seen;  // "api_key vN" per request
    std::string auth_bytes;

    awaitable<void> serve() {
        auto socket = co_await acceptor.async_accept(asio::use_awaitable);
        for (int i = 0; i < 2; ++i) {
            std::vector<std::byte> frame;
            if (co_await read_frame(socket, frame, 1 << 20)) co_return;
            auto request = protocol::decode_request(frame);
            if (!request) co_return;
            const auto key = request->header.request_api_key;
            const auto version = request->header.request_api_version;
            seen.push_back(std::to_string(key) + " v" + std::to_string(version));
            protocol::DecodedResponse response;
            response.api_key = key;
            response.api_version = version;
            response.body_version = version;
            response.header.correlation_id = request->header.correlation_id;
            response.header_version = protocol::response_header_version(*protocol::find_api(key), version);
            if (key == msg::SaslHandshakeRequest::api_key) {
                msg::SaslHandshakeResponse body;
                body.mechanisms = {"PLAIN"};
                if (std::get<msg::SaslHandshakeRequest>(request->body).mechanism != "PLAIN") body.error_code = 33;
                response.body = body;
            } else {
                auth_bytes = text_of(std::get<msg::SaslAuthenticateRequest>(request->body).auth_bytes.span());
                msg::SaslAuthenticateResponse body;
                if (auth_bytes != std::string("\0kgate\0", 7) + accepted_password) {
                    body.error_code = 58;
                    body.error_message = "Authentication failed: invalid credentials";
                }
                response.body = body;
            }
            auto bytes = protocol::encode_response(response);
            if (!bytes || co_await write_frame(socket, *bytes)) co_return;
        }
    }

    // Runs the exchange against this broker; returns authenticate_upstream's result.
    bool authenticate(const UpstreamSasl& sasl, std::string& error) {
        bool ok = false;
        std::exception_ptr failure;
        asio::co_spawn(io, serve(), [&](std::exception_ptr e) { if (e) failure = e; });
        asio::co_spawn(io, [&]() -> awaitable<void> {
            TransportStream socket{tcp::socket(io)};
            co_await socket.socket().async_connect(acceptor.local_endpoint(), asio::use_awaitable);
            std::int32_t correlation = 7;
            ok = co_await authenticate_upstream(socket, sasl, kBroker, correlation, 1 << 20, error);
        }, [&](std::exception_ptr e) { if (e) failure = e; });
        io.run();
        io.restart();
        if (failure) std::rethrow_exception(failure);
        return ok;
    }
};

UpstreamSasl plain(const std::string& password) {
    UpstreamSasl sasl;
    sasl.mechanism = "PLAIN";
    sasl.username = "kgate";
    sasl.password = password;
    return sasl;
}

TEST(AuthenticateUpstream, HandshakeThenAuthenticateWithThePlainBytes) {
    FakeSaslBroker broker;
    broker.accepted_password = "token:good";
    std::string error;
    EXPECT_TRUE(broker.authenticate(plain("token:good"), error)) << error;
    EXPECT_EQ(broker.seen, (std::vector<std::string>{"17 v1", "36 v2"}));
    EXPECT_EQ(broker.auth_bytes, std::string("\0kgate\0token:good", 17));
}

TEST(AuthenticateUpstream, AWrongPasswordFailsWithTheBrokersMessage) {
    FakeSaslBroker broker;
    broker.accepted_password = "token:good";
    std::string error;
    EXPECT_FALSE(broker.authenticate(plain("token:bad"), error));
    EXPECT_EQ(error, "the broker refused the credentials (error 58: Authentication failed: invalid credentials)");
}

TEST(AuthenticateUpstream, AMechanismTheBrokerLacksStopsBeforeAnyPasswordIsSent) {
    FakeSaslBroker broker;
    auto sasl = plain("token:good");
    sasl.mechanism = "SCRAM-SHA-512";
    std::string error;
    EXPECT_FALSE(broker.authenticate(sasl, error));
    EXPECT_EQ(broker.seen, (std::vector<std::string>{"17 v1"}));
    EXPECT_NE(error.find("it offers: PLAIN"), std::string::npos) << error;
}

}  // namespace
}  // namespace kgate::gateway
