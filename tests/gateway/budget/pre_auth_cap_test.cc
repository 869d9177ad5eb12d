#include "gateway/budget/pre_auth_cap.h"

#include <vector>

#include <gtest/gtest.h>

#include "test_support/response_frame.h"

namespace kgate::gateway {
namespace {

namespace msg = protocol::messages;

constexpr std::size_t kCap = 512 * 1024;
constexpr std::size_t kMaxFrame = 100 * 1024 * 1024;
constexpr std::int16_t kHandshake = msg::SaslHandshakeResponse::api_key;
constexpr std::int16_t kAuthenticate = msg::SaslAuthenticateResponse::api_key;
constexpr std::int16_t kMetadata = msg::MetadataResponse::api_key;

template <class Body>
std::vector<std::byte> response(std::int16_t version, const Body& body) {
    return test::response_frame(body, version);
}

std::vector<std::byte> handshake_answer(std::int16_t error) {
    msg::SaslHandshakeResponse body;
    body.error_code = error;
    body.mechanisms = {"PLAIN"};
    return response(1, body);
}

std::vector<std::byte> authenticate_answer(std::int16_t error) {
    msg::SaslAuthenticateResponse body;
    body.error_code = error;
    return response(2, body);  // flexible: a v1 response header with tagged fields
}

void handshake_succeeds(PreAuthCap& cap) { cap.on_answer(kHandshake, 1, handshake_answer(0)); }

std::vector<std::byte> metadata_answer() { return response(12, msg::MetadataResponse{}); }

TEST(PreAuthCap, AConnectionIsCappedFromASuccessfulHandshakeUntilItAuthenticates) {
    SaslRoutes routes;
    PreAuthCap cap(routes, kCap, kMaxFrame);
    cap.connected("broker-1:9092");
    EXPECT_EQ(cap.frame_limit(), kMaxFrame) << "nothing known about this broker yet";
    handshake_succeeds(cap);
    EXPECT_TRUE(cap.capped());
    EXPECT_EQ(cap.frame_limit(), kCap);
    EXPECT_TRUE(routes.requires_sasl("broker-1:9092"));
    cap.on_answer(kAuthenticate, 2, authenticate_answer(58));  // SASL_AUTHENTICATION_FAILED
    EXPECT_TRUE(cap.capped());
    cap.on_answer(kAuthenticate, 2, authenticate_answer(0));
    EXPECT_FALSE(cap.capped());
    EXPECT_EQ(cap.frame_limit(), kMaxFrame);
}

TEST(PreAuthCap, ARefusedHandshakeCapsNothing) {
    SaslRoutes routes;
    PreAuthCap cap(routes, kCap, kMaxFrame);
    cap.connected("broker-1:9092");
    cap.on_answer(kHandshake, 1, handshake_answer(34));  // ILLEGAL_SASL_STATE: a listener without SASL
    EXPECT_FALSE(cap.capped());
    EXPECT_FALSE(routes.requires_sasl("broker-1:9092"));
}

TEST(PreAuthCap, ABrokerSeenRequiringSaslCapsTheFirstFramesOfLaterConnections) {
    SaslRoutes routes;
    routes.saw_sasl("broker-1:9092");
    PreAuthCap later(routes, kCap, kMaxFrame);
    later.connected("broker-1:9092");
    EXPECT_TRUE(later.capped());
    PreAuthCap elsewhere(routes, kCap, kMaxFrame);
    elsewhere.connected("broker-2:9092");
    EXPECT_FALSE(elsewhere.capped());
    EXPECT_EQ(elsewhere.frame_limit(), kMaxFrame);
    // The later connection authenticates: uncapped.
    handshake_succeeds(later);
    EXPECT_TRUE(later.capped());
    later.on_answer(kAuthenticate, 2, authenticate_answer(0));
    EXPECT_FALSE(later.capped());
    EXPECT_TRUE(routes.requires_sasl("broker-1:9092"));
}

TEST(PreAuthCap, ABrokerThatAnswersWithoutAuthenticationIsForgotten) {
    SaslRoutes routes;
    PreAuthCap first(routes, kCap, kMaxFrame);
    first.connected("broker-1:9092");
    handshake_succeeds(first);
    PreAuthCap next(routes, kCap, kMaxFrame);
    next.connected("broker-1:9092");
    ASSERT_TRUE(next.capped()) << "the first connection's handshake taught kgate the broker requires SASL";
    next.on_answer(kMetadata, 12, metadata_answer());  // served with no SASL at all: the listener changed
    EXPECT_FALSE(next.capped());
    EXPECT_FALSE(routes.requires_sasl("broker-1:9092"));
}

TEST(PreAuthCap, RawTokensAfterAV0HandshakeEndWithTheirAnswer) {
    SaslRoutes routes;
    PreAuthCap cap(routes, kCap, kMaxFrame);
    cap.connected("broker-1:9092");
    msg::SaslHandshakeResponse body;
    body.mechanisms = {"PLAIN"};
    cap.on_answer(kHandshake, 0, response(0, body));
    EXPECT_TRUE(cap.capped());
    cap.on_raw_token_answer();
    EXPECT_FALSE(cap.capped());
}

TEST(PreAuthCap, OffOrNotBelowTheFrameLimitNeverCaps) {
    SaslRoutes routes;
    routes.saw_sasl("broker-1:9092");
    PreAuthCap off(routes, 0, kMaxFrame);
    off.connected("broker-1:9092");
    EXPECT_FALSE(off.capped());
    EXPECT_EQ(off.frame_limit(), kMaxFrame);
    PreAuthCap small_frames(routes, kCap, 256 * 1024);  // max-frame-size below the cap
    small_frames.connected("broker-1:9092");
    EXPECT_EQ(small_frames.frame_limit(), 256u * 1024);
}

}  // namespace
}  // namespace kgate::gateway
