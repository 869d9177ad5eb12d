// KoP translations at the byte level: the request a client sends, the request KoP gets, the
// answer KoP sends and the answer the client gets, written out by hand for one version of
// each and checked through the codec for every affected version.
#include "gateway/kop/kop_exchange.h"

#include <string>
#include <vector>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "protocol/codec/api_table.h"
#include "protocol/codec/frame_codec.h"
#include "gateway/kop/wire_bytes.h"

namespace kgate::gateway {
namespace {

namespace msg = protocol::messages;
using test::WireBytes;

constexpr std::int32_t kCorrelation = 7;
const ApiRanges kKopRanges{{msg::OffsetFetchRequest::api_key, {0, 8}}, {msg::DeleteTopicsRequest::api_key, {0, 6}}};

WireBytes request_header(std::int16_t key, std::int16_t version, bool flexible) {
    WireBytes w;
    w.i16(key).i16(version).i32(kCorrelation).str("kp");
    if (flexible) w.i8(0);  // header tagged fields
    return w;
}

WireBytes response_header(bool flexible) {
    WireBytes w;
    w.i32(kCorrelation);
    if (flexible) w.i8(0);
    return w;
}

std::optional<UpgradedRequest> upgrade(const std::vector<std::byte>& frame, const ApiRanges& brokers = kKopRanges) {
    auto decoded = protocol::decode_request(frame);
    EXPECT_TRUE(decoded) << decoded.error().to_string();
    if (!decoded) return std::nullopt;
    return upgrade_for_kop(*decoded, brokers);
}

std::vector<std::byte> encode_request(msg::AnyRequest body, std::int16_t key, std::int16_t version) {
    protocol::DecodedRequest r;
    r.header.request_api_key = key;
    r.header.request_api_version = version;
    r.header.correlation_id = kCorrelation;
    r.header.client_id = "kp";
    r.header_version = protocol::request_header_version(*protocol::find_api(key), version);
    r.body = std::move(body);
    return *protocol::encode_request(r);
}

std::vector<std::byte> encode_answer(msg::AnyResponse body, std::int16_t key, std::int16_t version) {
    protocol::DecodedResponse r;
    r.api_key = key;
    r.api_version = r.body_version = version;
    r.header.correlation_id = kCorrelation;
    r.header_version = protocol::response_header_version(*protocol::find_api(key), version);
    r.body = std::move(body);
    return *protocol::encode_response(r);
}

// The client's answer, decoded at its version: `frame` answered the broker at `from`.
template <class M>
M reworked(const std::vector<std::byte>& frame, std::int16_t from, std::int16_t to, std::int16_t want_error) {
    const auto answer = rework_kop_response(frame, M::api_key, from, to, "public/default/");
    EXPECT_TRUE(answer.ok()) << answer.error;
    EXPECT_EQ(answer.first_error_code, want_error);
    auto back = protocol::decode_response(M::api_key, to, answer.frame);
    EXPECT_TRUE(back) << "v" << to << ": " << back.error().to_string();
    if (!back) return M{};
    EXPECT_EQ(back->header.correlation_id, kCorrelation);
    return std::get<M>(std::move(back->body));
}

void expect_upgraded(const std::vector<std::byte>& in, std::int16_t version, KopQuirk quirk, const std::vector<std::byte>& want) {
    const auto up = upgrade(in);
    ASSERT_TRUE(up);
    EXPECT_EQ(up->upstream_version, version);
    EXPECT_EQ(up->quirk, quirk);
    EXPECT_EQ(up->frame, want);
}

// ---- OffsetFetch, all topics ----

TEST(KopOffsetFetch, NullTopicsV3IsAskedAsV8ByteForByte) {
    // v8: one group, Topics null (compact 0), RequireStable false, tagged fields empty.
    expect_upgraded(request_header(9, 3, false).str("g").i32(-1).bytes(), 8, KopQuirk::offset_fetch_upgraded,
                    request_header(9, 8, true).i8(2).cstr("g").i8(0).i8(0).i8(0).i8(0).bytes());
}

TEST(KopOffsetFetch, NullTopicsV7KeepsRequireStable) {
    expect_upgraded(request_header(9, 7, true).cstr("grp").i8(0).i8(1).i8(0).bytes(), 8, KopQuirk::offset_fetch_upgraded,
                    request_header(9, 8, true).i8(2).cstr("grp").i8(0).i8(0).i8(1).i8(0).bytes());
}

TEST(KopOffsetFetch, EveryNullableVersionBelowV8IsUpgraded) {
    for (std::int16_t v = 2; v <= 7; ++v) {
        msg::OffsetFetchRequest m;
        m.group_id = "group-a";
        m.topics.reset();
        m.require_stable = v >= 7;
        const auto up = upgrade(encode_request(m, 9, v));
        ASSERT_TRUE(up) << "v" << v;
        auto back = protocol::decode_request(up->frame);
        ASSERT_TRUE(back) << back.error().to_string();
        EXPECT_EQ(back->header.request_api_version, 8);
        EXPECT_EQ(back->header.correlation_id, kCorrelation);
        EXPECT_EQ(back->header.client_id, "kp");
        const auto& body = std::get<msg::OffsetFetchRequest>(back->body);
        ASSERT_EQ(body.groups.size(), 1u);
        EXPECT_EQ(body.groups[0].group_id, "group-a");
        EXPECT_FALSE(body.groups[0].topics.has_value()) << "v" << v;
        EXPECT_EQ(body.require_stable, v >= 7);
    }
}

TEST(KopOffsetFetch, OtherRequestsGoAsTheyCame) {
    msg::OffsetFetchRequest named;
    named.group_id = "g";
    named.topics->emplace_back().name = "t";
    for (std::int16_t v = 1; v <= 7; ++v) EXPECT_FALSE(upgrade(encode_request(named, 9, v))) << "named topics v" << v;
    msg::OffsetFetchRequest v8;
    v8.groups.emplace_back().group_id = "g";
    v8.groups[0].topics.reset();
    EXPECT_FALSE(upgrade(encode_request(v8, 9, 8)));
    msg::OffsetFetchRequest all;
    all.topics.reset();
    const ApiRanges without_v8{{msg::OffsetFetchRequest::api_key, {0, 7}}};
    EXPECT_FALSE(upgrade(encode_request(all, 9, 3), without_v8)) << "a broker without v8 gets the request as it came";
}

// KoP's v8 answer for group "g": topic public/default/t, partition 0 at offset 5.
std::vector<std::byte> kop_v8_answer(std::string_view topic = "public/default/t") {
    return response_header(true)
        .i32(0)                       // ThrottleTimeMs
        .i8(2).cstr("g")              // Groups[1].GroupId
        .i8(2).cstr(topic)            // Topics[1].Name
        .i8(2).i32(0).i64(5).i32(-1)  // Partitions[1]: index, offset, leader epoch
        .i8(1).i16(0).i8(0)           // Metadata "", ErrorCode, tags
        .i8(0)                        // topic tags
        .i16(0).i8(0)                 // group ErrorCode, tags
        .i8(0)                        // top-level tags
        .bytes();
}

TEST(KopOffsetFetch, V8AnswerBecomesV3ByteForByte) {
    const auto answer = rework_kop_response(kop_v8_answer(), 9, 8, 3, "public/default/");
    ASSERT_TRUE(answer.ok()) << answer.error;
    ASSERT_TRUE(answer.changed);
    EXPECT_EQ(answer.topics_renamed, 1);
    const auto want = response_header(false)
                          .i32(0)                 // ThrottleTimeMs
                          .i32(1).str("t")        // Topics[1].Name
                          .i32(1).i32(0).i64(5)   // Partitions[1]: index, offset
                          .str("").i16(0)         // Metadata, ErrorCode
                          .i16(0)                 // top-level ErrorCode
                          .bytes();
    EXPECT_EQ(answer.frame, want);
}

TEST(KopOffsetFetch, V8AnswerBecomesV7ByteForByte) {
    const auto answer = rework_kop_response(kop_v8_answer(), 9, 8, 7, "public/default/");
    ASSERT_TRUE(answer.ok()) << answer.error;
    const auto want = response_header(true)
                          .i32(0)
                          .i8(2).cstr("t")
                          .i8(2).i32(0).i64(5).i32(-1).i8(1).i16(0).i8(0)
                          .i8(0)
                          .i16(0).i8(0)
                          .bytes();
    EXPECT_EQ(answer.frame, want);
}

TEST(KopOffsetFetch, GroupErrorBecomesTheTopLevelErrorAtEveryVersion) {
    msg::OffsetFetchResponse v8;
    v8.throttle_time_ms = 3;
    auto& group = v8.groups.emplace_back();
    group.group_id = "g";
    group.error_code = 16;  // NOT_COORDINATOR
    const auto frame = encode_answer(v8, 9, 8);
    for (std::int16_t v = 2; v <= 7; ++v) {
        const auto body = reworked<msg::OffsetFetchResponse>(frame, 8, v, 16);
        EXPECT_EQ(body.error_code, 16) << "v" << v;
        EXPECT_EQ(body.throttle_time_ms, v >= 3 ? 3 : 0) << "v" << v;
        EXPECT_TRUE(body.topics.empty());
    }
}

TEST(KopOffsetFetch, AnAnswerWithoutTheGroupIsRefused) {
    const auto frame = response_header(true).i32(0).i8(1).i8(0).bytes();  // no groups
    const auto answer = rework_kop_response(frame, 9, 8, 3, "public/default/");
    EXPECT_FALSE(answer.ok());
    EXPECT_NE(answer.error.find("0 groups"), std::string::npos) << answer.error;
}

TEST(KopOffsetFetch, UndecodableTranslatedAnswerIsRefusedOtherwiseForwarded) {
    const auto frame = response_header(true).i32(0).i8(2).bytes();  // cut short
    const auto translated = rework_kop_response(frame, 9, 8, 3, "public/default/");
    EXPECT_FALSE(translated.ok());
    EXPECT_FALSE(translated.first_error_code);
    const auto as_asked = rework_kop_response(frame, 9, 8, 8, "public/default/");
    EXPECT_TRUE(as_asked.ok()) << "never stricter than without broker-kind kop";
    EXPECT_FALSE(as_asked.changed);
    EXPECT_FALSE(as_asked.first_error_code);
}

// ---- committed offsets under KoP's full names, every version ----

TEST(KopTopicPrefix, StrippedFromTopLevelTopicsAtV1ToV7) {
    for (std::int16_t v = 1; v <= 7; ++v) {
        msg::OffsetFetchResponse m;
        m.topics.emplace_back().name = "public/default/orders";
        m.topics.emplace_back().name = "plain";
        m.topics.emplace_back().name = "other/ns/t";
        const auto frame = encode_answer(m, 9, v);
        const auto answer = rework_kop_response(frame, 9, v, v, "public/default/");
        ASSERT_TRUE(answer.ok()) << answer.error;
        EXPECT_EQ(answer.topics_renamed, 1) << "v" << v;
        auto back = protocol::decode_response(9, v, answer.frame);
        ASSERT_TRUE(back);
        const auto& body = std::get<msg::OffsetFetchResponse>(back->body);
        EXPECT_EQ(body.topics[0].name, "orders");
        EXPECT_EQ(body.topics[1].name, "plain");
        EXPECT_EQ(body.topics[2].name, "other/ns/t") << "another namespace is not the configured prefix";
    }
}

TEST(KopTopicPrefix, StrippedPerGroupAtV8) {
    const auto answer = rework_kop_response(kop_v8_answer(), 9, 8, 8, "public/default/");
    ASSERT_TRUE(answer.ok()) << answer.error;
    EXPECT_EQ(answer.frame, kop_v8_answer("t"));
}

TEST(KopTopicPrefix, PlainNamesAreForwardedAsTheyCame) {
    const auto answer = rework_kop_response(kop_v8_answer("t"), 9, 8, 8, "public/default/");
    ASSERT_TRUE(answer.ok());
    EXPECT_FALSE(answer.changed);
    EXPECT_EQ(answer.topics_renamed, 0);
}

TEST(KopTopicPrefix, ConfiguredPrefixIsTheOneStripped) {
    const auto answer = rework_kop_response(kop_v8_answer("acme/kafka/t"), 9, 8, 8, "acme/kafka/");
    ASSERT_TRUE(answer.changed);
    EXPECT_EQ(answer.frame, kop_v8_answer("t"));
    EXPECT_FALSE(rework_kop_response(kop_v8_answer(), 9, 8, 8, "").changed) << "an empty prefix strips nothing";
}

// ---- DeleteTopics v1-5 ----

TEST(KopDeleteTopics, V4IsAskedAsV6ByteForByte) {
    expect_upgraded(request_header(20, 4, true).i8(2).cstr("t").i32(30000).i8(0).bytes(), 6, KopQuirk::delete_topics_upgraded,
                    request_header(20, 6, true).i8(2).cstr("t").zeros(16).i8(0).i32(30000).i8(0).bytes());
}

TEST(KopDeleteTopics, V6AnswerBecomesV4ByteForByte) {
    const auto v6 = response_header(true)
                        .i32(0)
                        .i8(2).cstr("t").raw({1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16})  // TopicId
                        .i16(0).i8(0).i8(0)                                                           // ErrorCode, ErrorMessage null, tags
                        .i8(0)
                        .bytes();
    const auto answer = rework_kop_response(v6, 20, 6, 4, "public/default/");
    ASSERT_TRUE(answer.ok()) << answer.error;
    const auto want = response_header(true).i32(0).i8(2).cstr("t").i16(0).i8(0).i8(0).bytes();
    EXPECT_EQ(answer.frame, want);
}

TEST(KopDeleteTopics, EveryVersionBelowV6RoundTrips) {
    for (std::int16_t v = 1; v <= 5; ++v) {
        msg::DeleteTopicsRequest m;
        m.topic_names = {"a", "b"};
        m.timeout_ms = 1500;
        const auto up = upgrade(encode_request(m, 20, v));
        ASSERT_TRUE(up) << "v" << v;
        auto sent = protocol::decode_request(up->frame);
        ASSERT_TRUE(sent);
        const auto& body = std::get<msg::DeleteTopicsRequest>(sent->body);
        ASSERT_EQ(body.topics.size(), 2u);
        EXPECT_EQ(body.topics[1].name, "b");
        EXPECT_EQ(body.timeout_ms, 1500);

        msg::DeleteTopicsResponse v6;
        v6.throttle_time_ms = 9;
        for (const char* name : {"a", "b"}) {
            auto& r = v6.responses.emplace_back();
            r.name = name;
            r.error_code = name[0] == 'b' ? 3 : 0;  // UNKNOWN_TOPIC_OR_PARTITION
            if (name[0] == 'b') r.error_message = "no such topic";
        }
        const auto got = reworked<msg::DeleteTopicsResponse>(encode_answer(v6, 20, 6), 6, v, 3);
        ASSERT_EQ(got.responses.size(), 2u);
        EXPECT_EQ(got.responses[0].name, "a");
        EXPECT_EQ(got.responses[1].error_code, 3);
        EXPECT_EQ(got.responses[1].error_message, v >= 5 ? std::optional<std::string>("no such topic") : std::nullopt);
        EXPECT_EQ(got.throttle_time_ms, 9);
    }
    msg::DeleteTopicsRequest v6;
    v6.topics.emplace_back().name = "a";
    EXPECT_FALSE(upgrade(encode_request(v6, 20, 6)));
}

TEST(KopExchange, OnlyOffsetFetchAndUpgradedAnswersAreReworked) {
    for (std::int16_t v = 1; v <= 8; ++v) EXPECT_TRUE(kop_reworks_response(9, v, false)) << v;
    EXPECT_FALSE(kop_reworks_response(9, 0, false)) << "OffsetFetch v0 is older than the codec: forwarded as it came";
    EXPECT_TRUE(kop_reworks_response(20, 6, true));
    EXPECT_FALSE(kop_reworks_response(20, 4, false));
    EXPECT_FALSE(kop_reworks_response(1, 12, false));
}

}  // namespace
}  // namespace kgate::gateway
