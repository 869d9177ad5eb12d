// Whole-frame decoding: headers, dispatch by key and version, and malformed input of every
// kind. Malformed frames must give a clear error naming where they broke, never a crash,
// an over-read or a huge allocation (the suite also runs under ASan+UBSan).
#include "protocol/codec/frame_codec.h"

#include <random>
#include <string>
#include <string_view>
#include <vector>

#include <gtest/gtest.h>

#include "test_support/message_registry.h"

namespace kgate::protocol {
namespace {

using messages::ApiVersionsResponse;
using messages::MetadataRequest;
using messages::MetadataResponse;
using messages::RequestHeader;
using messages::ResponseHeader;

DecodedRequest metadata_request(std::int16_t version) {
    DecodedRequest req{{}, request_header_version(*find_api(MetadataRequest::api_key), version), MetadataRequest{}, {}};
    req.header.request_api_key = MetadataRequest::api_key;
    req.header.request_api_version = version;
    req.header.correlation_id = 42;
    req.header.client_id = "frame-codec-test";
    auto& body = std::get<MetadataRequest>(req.body);
    body.topics.emplace();
    body.topics->emplace_back().name = "orders";
    return req;
}

std::vector<std::byte> response_frame(std::int32_t correlation_id, std::int16_t header_version, const auto& body,
                                      std::int16_t body_version) {
    ResponseHeader h;
    h.correlation_id = correlation_id;
    auto head = encode_to_vector(h, header_version);
    auto rest = encode_to_vector(body, body_version);
    std::vector<std::byte> out = *head;
    out.insert(out.end(), rest->begin(), rest->end());
    return out;
}

TEST(FrameCodec, RequestRoundTripsThroughHeaderAndBody) {
    for (std::int16_t v : {std::int16_t{1}, std::int16_t{8}, std::int16_t{12}, std::int16_t{13}}) {
        const auto req = metadata_request(v);
        const auto bytes = encode_request(req);
        ASSERT_TRUE(bytes);
        const auto decoded = decode_request(*bytes);
        ASSERT_TRUE(decoded) << decoded.error().to_string();
        EXPECT_EQ(decoded->header, req.header);
        EXPECT_EQ(decoded->header_version, v >= 9 ? 2 : 1);
        EXPECT_EQ(std::get<MetadataRequest>(decoded->body).topics->at(0).name, "orders");
        EXPECT_EQ(encode_request(*decoded), bytes);
    }
}

TEST(FrameCodec, PeekReadsKeyVersionAndCorrelationId) {
    const auto bytes = encode_request(metadata_request(12));
    const auto p = peek_request_prefix(*bytes);
    ASSERT_TRUE(p);
    EXPECT_EQ(p->api_key, 3);
    EXPECT_EQ(p->api_version, 12);
    EXPECT_EQ(p->correlation_id, 42);
}

TEST(FrameCodec, UnknownApiKeyIsAClearError) {
    auto bytes = *encode_request(metadata_request(12));
    bytes[0] = std::byte{0x7f};  // api key 0x7f03
    const auto d = decode_request(bytes, 4);
    ASSERT_FALSE(d);
    EXPECT_EQ(d.error().offset, 4u);
    EXPECT_NE(d.error().reason.find("unknown API key 32515"), std::string::npos) << d.error().to_string();
}

TEST(FrameCodec, UnknownVersionIsAClearError) {
    auto bytes = *encode_request(metadata_request(12));
    bytes[3] = std::byte{99};  // version 99
    const auto d = decode_request(bytes);
    ASSERT_FALSE(d);
    EXPECT_NE(d.error().reason.find("Metadata (key 3) has no version 99"), std::string::npos) << d.error().to_string();
}

TEST(FrameCodec, EveryTruncationFailsCleanly) {
    const auto bytes = *encode_request(metadata_request(12));
    for (std::size_t n = 0; n < bytes.size(); ++n) {
        const auto d = decode_request(std::span(bytes).first(n));
        EXPECT_FALSE(d) << "a frame cut to " << n << " of " << bytes.size() << " bytes decoded";
    }
}

TEST(FrameCodec, TrailingBytesAreKeptAndWrittenBack) {
    // Kafka's readers stop after the body's last field: what follows is ignored, not an error.
    auto bytes = *encode_request(metadata_request(12));
    bytes.push_back(std::byte{0});
    const auto d = decode_request(bytes);
    ASSERT_TRUE(d) << d.error().to_string();
    EXPECT_EQ(d->trailing, TrailingBytes{std::byte{0}});
    EXPECT_EQ(*encode_request(*d), bytes);
}

std::vector<std::byte> hex(std::string_view text) {
    std::vector<std::byte> out;
    for (std::size_t i = 0; i + 1 < text.size(); i += 3) {
        out.push_back(static_cast<std::byte>(std::stoi(std::string(text.substr(i, 2)), nullptr, 16)));
    }
    return out;
}

TEST(FrameCodec, LibrdkafkaMetadataAllTopicsWithReservedCountDecodes) {
    // librdkafka 2.16's Metadata v13 for all topics, after the size prefix (38): it reserves four
    // bytes for the topics count and leaves three unused; a broker reads topics = null, the two
    // flags and the tagged fields, and ignores the rest.
    const auto frame = hex(
        "00 03 00 0d 00 00 00 05 00 14 72 64 6b 61 66 6b 61 2d 32 2e 31 36 2d 61 64 6d 69 6e 2d 31 00 "
        "00 00 00 00 01 00 00 ");
    ASSERT_EQ(frame.size(), 38u);
    const auto d = decode_request(frame, 4);
    ASSERT_TRUE(d) << d.error().to_string();
    EXPECT_EQ(d->header.request_api_version, 13);
    EXPECT_EQ(d->header.client_id, "rdkafka-2.16-admin-1");
    const auto& body = std::get<MetadataRequest>(d->body);
    EXPECT_FALSE(body.topics.has_value());
    EXPECT_FALSE(body.allow_auto_topic_creation);
    EXPECT_EQ(d->trailing.size(), 3u);
    EXPECT_EQ(*encode_request(*d), frame);
}

TEST(FrameCodec, ResponseTrailingBytesAreKept) {
    MetadataResponse m;
    m.brokers.emplace_back().host = "b0";
    auto frame = response_frame(7, 1, m, 12);
    frame.push_back(std::byte{0x2a});
    const auto d = decode_response(MetadataResponse::api_key, 12, frame);
    ASSERT_TRUE(d) << d.error().to_string();
    EXPECT_EQ(d->trailing.size(), 1u);
    EXPECT_EQ(*encode_response(*d), frame);
}

TEST(FrameCodec, ErrorNamesTheFailingFieldPath) {
    MetadataResponse resp;
    auto& b = resp.brokers.emplace_back();
    b.node_id = 1;
    b.host = "broker-1.internal";
    b.port = 9092;
    const auto frame = response_frame(5, 0, resp, 1);
    // Cut inside the broker's host name.
    const std::size_t cut = 4 /*correlation id*/ + 4 /*broker count*/ + 4 /*node id*/ + 2 /*host length*/ + 3;
    const auto d = decode_response(MetadataResponse::api_key, 1, std::span(frame).first(cut), 4);
    ASSERT_FALSE(d);
    EXPECT_EQ(d.error().path, "MetadataResponse.Brokers[0].Host") << d.error().to_string();
    EXPECT_EQ(d.error().offset, 4u + 12u);
}

TEST(FrameCodec, HugeArrayCountInABodyFailsFast) {
    // A Metadata v1 request claiming 2^31-1 topics in a 10-byte body.
    auto req = metadata_request(1);
    auto bytes = *encode_request(req);
    const std::size_t header_size = req.header.encoded_size(1);
    bytes.resize(header_size + 10);
    bytes[header_size] = std::byte{0x7f};
    bytes[header_size + 1] = std::byte{0xff};
    bytes[header_size + 2] = std::byte{0xff};
    bytes[header_size + 3] = std::byte{0xff};
    const auto d = decode_request(bytes);
    ASSERT_FALSE(d);
    EXPECT_EQ(d.error().path, "MetadataRequest.Topics");
    EXPECT_NE(d.error().reason.find("array count 2147483647 exceeds the 6 bytes left"), std::string::npos)
        << d.error().to_string();
}

TEST(FrameCodec, ApiVersionsResponseFallsBackToV0Body) {
    // KIP-511: a request newer than the broker knows is answered with a v0 body.
    ApiVersionsResponse v0;
    v0.error_code = 35;  // UNSUPPORTED_VERSION
    auto& k = v0.api_keys.emplace_back();
    k.api_key = 18;
    k.min_version = 0;
    k.max_version = 3;
    const auto frame = response_frame(9, 0, v0, 0);
    const auto d = decode_response(ApiVersionsResponse::api_key, 4, frame);
    ASSERT_TRUE(d) << d.error().to_string();
    EXPECT_EQ(d->body_version, 0);
    EXPECT_EQ(std::get<ApiVersionsResponse>(d->body).error_code, 35);
    EXPECT_EQ(*encode_response(*d), frame);
}

TEST(FrameCodec, ApiVersionsResponseHeaderIsAlwaysV0) {
    const ApiInfo* api = find_api(18);
    ASSERT_NE(api, nullptr);
    EXPECT_EQ(response_header_version(*api, 3), 0);
    EXPECT_EQ(request_header_version(*api, 3), 2);
    const ApiInfo* metadata = find_api(3);
    EXPECT_EQ(response_header_version(*metadata, 9), 1);
    EXPECT_EQ(response_header_version(*metadata, 8), 0);
}

TEST(ApiTable, LeavesOutUnstableVersionsButCanDecodeThem) {
    for (const auto& a : all_apis()) {
        EXPECT_LE(a.min_version, a.max_version) << a.name;
        EXPECT_LE(a.max_version, a.max_decodable_version) << a.name;
        EXPECT_EQ(find_api(a.key), &a);
    }
    EXPECT_EQ(find_api(4), nullptr) << "LeaderAndIsr was removed from Kafka 4";
    EXPECT_EQ(find_api(-1), nullptr);
    EXPECT_EQ(find_api(32767), nullptr);
}

// Valid frames of every API, then corrupted: random bytes overwritten, cut short, or
// length fields blown up. Decoding must fail cleanly or produce something that re-encodes.
class Mutations : public ::testing::Test {
protected:
    std::mt19937 rng{20261127};

    std::vector<std::byte> mutate(std::vector<std::byte> frame) {
        if (frame.empty()) return frame;
        std::uniform_int_distribution<std::size_t> pos(0, frame.size() - 1);
        switch (rng() % 3) {
            case 0:
                for (int i = 0; i < 3; ++i) frame[pos(rng)] = static_cast<std::byte>(rng());
                break;
            case 1: frame.resize(pos(rng)); break;
            default: {
                const std::size_t p = pos(rng);
                for (std::size_t i = p; i < std::min(frame.size(), p + 4); ++i) frame[i] = std::byte{0x7f};
            }
        }
        return frame;
    }
};

TEST_F(Mutations, CorruptedRequestsOfEveryApiFailCleanly) {
    int decoded_ok = 0;
    int rejected = 0;
    for (const auto& e : test_support::all_message_entries()) {
        if (e.kind != MessageKind::request) continue;
        const ApiInfo* api = find_api(e.api_key);
        ASSERT_NE(api, nullptr) << e.name;
        for (std::int16_t v : {e.lowest_version, e.highest_version}) {
            RequestHeader h;
            h.request_api_key = e.api_key;
            h.request_api_version = v;
            h.correlation_id = 1;
            h.client_id = "mutations";
            auto frame = *encode_to_vector(h, request_header_version(*api, v));
            const auto body = e.encode_filled(v, test_support::TestFiller::Mode::values);
            frame.insert(frame.end(), body.begin(), body.end());
            ASSERT_TRUE(decode_request(frame)) << e.name << " v" << v;
            for (int i = 0; i < 40; ++i) {
                const auto bad = mutate(frame);
                const auto d = decode_request(bad);
                if (!d) {
                    ++rejected;
                    EXPECT_FALSE(d.error().reason.empty());
                    continue;
                }
                ++decoded_ok;
                const auto again = encode_request(*d);
                ASSERT_TRUE(again) << e.name;
                const auto d2 = decode_request(*again);
                ASSERT_TRUE(d2) << e.name << ": " << d2.error().to_string();
                EXPECT_TRUE(d2->body == d->body) << e.name;
            }
        }
    }
    EXPECT_GT(rejected, 1000);
    EXPECT_GT(decoded_ok, 0);
}

TEST_F(Mutations, RandomBytesAsResponsesOfEveryApiFailCleanly) {
    std::uniform_int_distribution<int> len(0, 96);
    int tried = 0;
    for (const auto& a : all_apis()) {
        for (std::int16_t v = a.min_version; v <= a.max_decodable_version; ++v) {
            for (int i = 0; i < 16; ++i, ++tried) {
                std::vector<std::byte> junk(static_cast<std::size_t>(len(rng)));
                for (auto& b : junk) b = static_cast<std::byte>(rng() % 4 == 0 ? 0xff : rng() % 3);
                const auto d = decode_response(a.key, v, junk);
                if (d) {
                    EXPECT_TRUE(encode_response(*d));
                }
            }
        }
    }
    EXPECT_GT(tried, 4000);
}

}  // namespace
}  // namespace kgate::protocol
