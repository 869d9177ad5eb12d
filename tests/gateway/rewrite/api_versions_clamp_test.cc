// ApiVersions clamping: the gateway advertises only what the codec and every broker support,
// and answers ApiVersions itself at every version.
#include "gateway/rewrite/api_versions_clamp.h"
#include "gateway/rewrite/response_rewriter.h"

#include <cstddef>
#include <vector>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "protocol/codec/api_table.h"
#include "protocol/codec/frame_codec.h"

namespace kgate::gateway {
namespace {

using protocol::messages::ApiVersionsResponse;
using protocol::messages::ResponseHeader;

constexpr std::int16_t kProduce = 0;
constexpr std::int16_t kFetch = 1;
constexpr std::int16_t kMetadata = 3;
constexpr std::int16_t kListGroups = 16;
constexpr std::int16_t kApiVersions = 18;
constexpr std::int16_t kInitProducerId = 22;
constexpr std::int16_t kShareFetch = 78;
constexpr std::int16_t kUnsupportedVersion = 35;

ApiRange codec_range(std::int16_t key) {
    const protocol::ApiInfo* api = protocol::find_api(key);
    return {api->min_version, api->max_version};
}

// A broker that supports exactly what the codec does, Produce from v0 as real brokers do.
ApiRanges broker_like_the_codec() {
    ApiRanges out;
    for (const auto& api : protocol::all_apis()) out[api.key] = {api.min_version, api.max_version};
    out[kProduce].min = 0;
    return out;
}

ApiVersionsResponse broker_answer() {
    ApiVersionsResponse r;
    for (auto [key, min, max] : {std::tuple{0, 0, 13}, std::tuple{3, 0, 13}, std::tuple{18, 0, 5}}) {
        auto& e = r.api_keys.emplace_back();
        e.api_key = static_cast<std::int16_t>(key);
        e.min_version = static_cast<std::int16_t>(min);
        e.max_version = static_cast<std::int16_t>(max);
    }
    r.throttle_time_ms = 17;
    auto& supported = r.supported_features.emplace_back();
    supported.name = "metadata.version";
    supported.min_version = 7;
    supported.max_version = 27;
    auto& finalized = r.finalized_features.emplace_back();
    finalized.name = "metadata.version";
    finalized.min_version_level = 27;
    finalized.max_version_level = 27;
    r.finalized_features_epoch = 314;
    r.zk_migration_ready = true;
    return r;
}

TEST(RangesOf, ReadsEveryApiKey) {
    const ApiRanges ranges = ranges_of(broker_answer());
    EXPECT_EQ(ranges, (ApiRanges{{kProduce, {0, 13}}, {kMetadata, {0, 13}}, {kApiVersions, {0, 5}}}));
}

TEST(Clamp, IntersectionAcrossTwoBrokers) {
    const std::vector<ApiRanges> brokers = {
        {{kProduce, {3, 11}}, {kFetch, {4, 17}}, {kMetadata, {0, 12}}, {kApiVersions, {0, 4}}},
        {{kProduce, {0, 12}}, {kFetch, {4, 16}}, {kMetadata, {1, 13}}, {kApiVersions, {0, 5}}},
    };
    EXPECT_EQ(clamp_api_versions(brokers),
              (ApiRanges{{kProduce, {3, 11}}, {kFetch, {4, 16}}, {kMetadata, {1, 12}}, {kApiVersions, {0, 4}}}));
}

TEST(Clamp, KeyOnlyOneBrokerKnowsIsDropped) {
    ApiRanges a = broker_like_the_codec();
    ApiRanges b = broker_like_the_codec();
    b.erase(kShareFetch);
    const std::vector<ApiRanges> brokers = {a, b};
    const ApiRanges clamped = clamp_api_versions(brokers);
    EXPECT_FALSE(clamped.contains(kShareFetch));
    EXPECT_TRUE(clamped.contains(kMetadata));
    // Either order.
    const std::vector<ApiRanges> reversed = {b, a};
    EXPECT_EQ(clamp_api_versions(reversed), clamped);
}

TEST(Clamp, KeyTheCodecDoesNotKnowIsDropped) {
    ApiRanges broker = broker_like_the_codec();
    broker[4] = {0, 7};      // LeaderAndIsr, removed from Kafka 4.0
    broker[1000] = {0, 3};   // a future API
    ASSERT_EQ(protocol::find_api(4), nullptr);
    const std::vector<ApiRanges> brokers = {broker};
    const ApiRanges clamped = clamp_api_versions(brokers);
    EXPECT_FALSE(clamped.contains(4));
    EXPECT_FALSE(clamped.contains(1000));
}

TEST(Clamp, NewerBrokerVersionsAreCappedAtTheCodec) {
    ApiRanges broker = broker_like_the_codec();
    broker[kMetadata] = {0, 20};
    const std::vector<ApiRanges> brokers = {broker};
    EXPECT_EQ(clamp_api_versions(brokers).at(kMetadata), codec_range(kMetadata));
}

TEST(Clamp, UnstableVersionsAreNotAdvertised) {
    // Kafka 4.4 defines InitProducerId v6 as its unstable latest version.
    const protocol::ApiInfo* api = protocol::find_api(kInitProducerId);
    ASSERT_NE(api, nullptr);
    ASSERT_EQ(api->max_decodable_version, 6);
    ASSERT_EQ(api->max_version, 5);
    // A broker running with unstable.api.versions.enable advertises it anyway.
    ApiRanges broker = broker_like_the_codec();
    broker[kInitProducerId] = {0, 6};
    const std::vector<ApiRanges> brokers = {broker};
    EXPECT_EQ(clamp_api_versions(brokers).at(kInitProducerId), (ApiRange{0, 5}));
}

TEST(Clamp, NoOverlapDropsTheKey) {
    ApiRanges broker = broker_like_the_codec();
    broker[kMetadata] = {14, 15};  // only versions the codec does not know
    ApiRanges other = broker_like_the_codec();
    other[kFetch] = {4, 8};
    broker[kFetch] = {10, 18};  // the two brokers share no Fetch version
    const std::vector<ApiRanges> brokers = {broker, other};
    const ApiRanges clamped = clamp_api_versions(brokers);
    EXPECT_FALSE(clamped.contains(kMetadata));
    EXPECT_FALSE(clamped.contains(kFetch));
}

TEST(Clamp, OlderVersionsForwardedUndecodedKeepTheBrokersMin) {
    ASSERT_GT(protocol::find_api(kProduce)->min_version, 0);
    const std::vector<ApiRanges> one = {broker_like_the_codec()};
    EXPECT_EQ(clamp_api_versions(one).at(kProduce), (ApiRange{0, 13}));
    // Still the intersection of the brokers.
    ApiRanges older = broker_like_the_codec();
    older[kProduce] = {2, 11};
    const std::vector<ApiRanges> two = {broker_like_the_codec(), older};
    EXPECT_EQ(clamp_api_versions(two).at(kProduce), (ApiRange{2, 11}));
    // A broker that still serves Fetch v0 (KoP) gets clients that use it: no Fetch version
    // below the codec's names a broker, so those requests are forwarded undecoded.
    ApiRanges low = broker_like_the_codec();
    low[kFetch] = {0, 18};
    const std::vector<ApiRanges> low_fetch = {low};
    EXPECT_EQ(clamp_api_versions(low_fetch).at(kFetch), (ApiRange{0, codec_range(kFetch).max}));
    // Without brokers the codec's own table stands.
    EXPECT_EQ(clamp_api_versions({}).at(kFetch), codec_range(kFetch));
}

TEST(Clamp, OlderVersionsOfAnApiThatNamesBrokersAreNotOffered) {
    // ShareFetch's oldest known version already carries NodeEndpoints: an older one could too,
    // and the gateway could not rewrite it.
    const protocol::ApiInfo* api = protocol::find_api(kShareFetch);
    ASSERT_NE(api, nullptr);
    ASSERT_GT(api->min_version, 0);
    EXPECT_FALSE(forwarded_below_codec_min(kShareFetch));
    EXPECT_TRUE(forwarded_below_codec_min(kFetch));
    EXPECT_TRUE(forwarded_below_codec_min(kProduce));
    EXPECT_FALSE(forwarded_below_codec_min(kMetadata));  // the codec knows every version
    ApiRanges low = broker_like_the_codec();
    low[kShareFetch] = {0, api->max_version};
    const std::vector<ApiRanges> brokers = {low};
    EXPECT_EQ(clamp_api_versions(brokers).at(kShareFetch).min, api->min_version);
}

TEST(Clamp, ExcludedKeysAreDropped) {
    const std::vector<ApiRanges> brokers = {broker_like_the_codec()};
    const ApiRanges clamped = clamp_api_versions(brokers, {kListGroups, kShareFetch});
    EXPECT_FALSE(clamped.contains(kListGroups));
    EXPECT_FALSE(clamped.contains(kShareFetch));
    EXPECT_TRUE(clamped.contains(kApiVersions));
    EXPECT_EQ(clamped.size(), protocol::all_apis().size() - 2);
}

TEST(Clamp, BrokerLikeTheCodecKeepsEveryStableRange) {
    const std::vector<ApiRanges> brokers = {broker_like_the_codec()};
    const ApiRanges clamped = clamp_api_versions(brokers);
    EXPECT_EQ(clamped, broker_like_the_codec());
}

TEST(Clamp, NoBrokersGivesTheCodecTable) {
    const ApiRanges clamped = clamp_api_versions({});
    ASSERT_EQ(clamped.size(), protocol::all_apis().size());
    for (const auto& api : protocol::all_apis()) EXPECT_EQ(clamped.at(api.key), codec_range(api.key)) << api.name;
}

// ---------------------------------------------------------------------------------------
// The gateway's own answers

std::vector<std::byte> api_versions_frame(const ApiVersionsResponse& body, std::int16_t body_version) {
    ResponseHeader header;
    header.correlation_id = 99;
    auto out = *protocol::encode_to_vector(header, 0);  // the ApiVersions response header is always v0
    const auto rest = protocol::encode_to_vector(body, body_version);
    out.insert(out.end(), rest->begin(), rest->end());
    return out;
}

TEST(BuildApiVersionsResponse, RoundTripsAtEveryVersion) {
    const ApiVersionsResponse from_broker = broker_answer();
    const std::vector<ApiRanges> brokers = {broker_like_the_codec()};
    const ApiRanges ranges = clamp_api_versions(brokers, {kShareFetch});
    for (int v = ApiVersionsResponse::lowest_version; v <= ApiVersionsResponse::highest_version; ++v) {
        const auto version = static_cast<std::int16_t>(v);
        SCOPED_TRACE(fmt::format("ApiVersions v{}", version));
        const ApiVersionsResponse built = build_api_versions_response(ranges, from_broker, version);
        EXPECT_EQ(built.error_code, 0);
        EXPECT_EQ(built.throttle_time_ms, 0);
        EXPECT_EQ(ranges_of(built), ranges);

        const auto frame = api_versions_frame(built, version);
        const auto decoded = protocol::decode_response(kApiVersions, version, frame);
        ASSERT_TRUE(decoded) << decoded.error().to_string();
        EXPECT_EQ(decoded->body_version, version);
        const auto& body = std::get<ApiVersionsResponse>(decoded->body);
        EXPECT_TRUE(body == built);
        EXPECT_EQ(ranges_of(body), ranges);
        EXPECT_EQ(protocol::encode_response(*decoded), frame);

        const bool has_features = version >= 3;
        EXPECT_EQ(body.supported_features, has_features ? from_broker.supported_features : decltype(body.supported_features){});
        EXPECT_EQ(body.finalized_features, has_features ? from_broker.finalized_features : decltype(body.finalized_features){});
        EXPECT_EQ(body.finalized_features_epoch, has_features ? 314 : -1);
        EXPECT_EQ(body.zk_migration_ready, has_features);
    }
}

TEST(BuildApiVersionsResponse, KeysAreInAscendingOrder) {
    const ApiRanges ranges = {{kShareFetch, {1, 2}}, {kProduce, {0, 13}}, {kApiVersions, {0, 5}}};
    const auto built = build_api_versions_response(ranges, ApiVersionsResponse{}, 4);
    ASSERT_EQ(built.api_keys.size(), 3u);
    EXPECT_EQ(built.api_keys[0].api_key, kProduce);
    EXPECT_EQ(built.api_keys[1].api_key, kApiVersions);
    EXPECT_EQ(built.api_keys[2].api_key, kShareFetch);
}

TEST(UnsupportedApiVersionsResponse, EncodesAsAV0BodyNamingTheApiVersionsRange) {
    const ApiRanges ranges = {{kProduce, {0, 13}}, {kApiVersions, {0, 4}}};
    const ApiVersionsResponse answer = unsupported_api_versions_response(ranges);
    EXPECT_EQ(answer.error_code, kUnsupportedVersion);
    ASSERT_EQ(answer.api_keys.size(), 1u);

    const auto body = protocol::encode_to_vector(answer, 0);
    ASSERT_TRUE(body);
    // ErrorCode 35, one ApiKeys entry (classic int32 count): key 18, min 0, max 4.
    const std::vector<std::byte> expected = {std::byte{0x00}, std::byte{0x23}, std::byte{0x00}, std::byte{0x00},
                                             std::byte{0x00}, std::byte{0x01}, std::byte{0x00}, std::byte{0x12},
                                             std::byte{0x00}, std::byte{0x00}, std::byte{0x00}, std::byte{0x04}};
    EXPECT_EQ(*body, expected);

    // The client reads it as v0 whatever version it asked for (KIP-511), as the codec does.
    const std::int16_t asked = ApiVersionsResponse::highest_version;
    const auto decoded = protocol::decode_response(kApiVersions, asked, api_versions_frame(answer, 0));
    ASSERT_TRUE(decoded) << decoded.error().to_string();
    EXPECT_EQ(decoded->body_version, 0);
    const auto& decoded_body = std::get<ApiVersionsResponse>(decoded->body);
    EXPECT_EQ(decoded_body.error_code, kUnsupportedVersion);
    EXPECT_EQ(ranges_of(decoded_body), (ApiRanges{{kApiVersions, {0, 4}}}));
}

TEST(UnsupportedApiVersionsResponse, FallsBackToTheCodecsRange) {
    const ApiVersionsResponse answer = unsupported_api_versions_response(ApiRanges{});
    EXPECT_EQ(ranges_of(answer), (ApiRanges{{kApiVersions, codec_range(kApiVersions)}}));
}

}  // namespace
}  // namespace kgate::gateway
