// Scanning response frames: scan_response() must accept exactly what decode_response()
// accepts, fail with the same error where it refuses, and find the error code the decoded
// value's first non-zero ErrorCode is, for every response API and version, intact or damaged.
#include "protocol/codec/frame_scan.h"

#include <random>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "protocol/codec/frame_codec.h"
#include "test_support/message_registry.h"

namespace kgate::protocol {
namespace {

using messages::ApiVersionsResponse;
using messages::MetadataResponse;
using messages::ResponseHeader;

std::vector<std::byte> response_frame(std::int16_t header_version, std::span<const std::byte> body) {
    ResponseHeader h;
    h.correlation_id = 77;
    auto out = *encode_to_vector(h, header_version);
    out.insert(out.end(), body.begin(), body.end());
    return out;
}

std::int16_t first_error_code(const DecodedResponse& d) {
    std::int16_t first = 0;
    std::visit([&](const auto& body) {
        body.for_each_error_code(d.body_version, [&](std::int16_t code) {
            if (first == 0) first = code;
        });
    }, d.body);
    return first;
}

// Both accept with the same first error code, or both refuse with the same error.
std::string compare(std::int16_t key, std::int16_t version, std::span<const std::byte> frame) {
    const auto decoded = decode_response(key, version, frame);
    const auto scanned = scan_response(key, version, frame);
    if (decoded.ok() != scanned.ok()) {
        return fmt::format("decode {}, scan {}", decoded ? "accepted" : "refused: " + decoded.error().to_string(),
                           scanned ? "accepted" : "refused: " + scanned.error().to_string());
    }
    if (!decoded) {
        if (decoded.error().to_string() != scanned.error().to_string()) {
            return fmt::format("decode refused with \"{}\", scan with \"{}\"", decoded.error().to_string(), scanned.error().to_string());
        }
        return {};
    }
    if (first_error_code(*decoded) != *scanned) return fmt::format("decode found error code {}, scan {}", first_error_code(*decoded), *scanned);
    return {};
}

TEST(FrameScan, AgreesWithDecodeOnEveryResponseIntactAndDamaged) {
    std::mt19937 rng(20261127);
    int refused = 0;
    int compared = 0;
    for (const auto& e : test_support::all_message_entries()) {
        if (e.kind != MessageKind::response) continue;
        const ApiInfo* api = find_api(e.api_key);
        ASSERT_NE(api, nullptr) << e.name;
        for (std::int16_t v = e.lowest_version; v <= e.highest_version; ++v) {
            for (const auto mode : {test_support::TestFiller::Mode::values, test_support::TestFiller::Mode::nulls_and_empty}) {
                const auto body = e.encode_filled(v, mode);
                const auto frame = response_frame(response_header_version(*api, v), body);
                ASSERT_EQ(compare(e.api_key, v, frame), "") << e.name << " v" << v;
                ASSERT_TRUE(scan_response(e.api_key, v, frame)) << e.name << " v" << v;
                for (int i = 0; i < 8; ++i, ++compared) {
                    auto bad = frame;
                    std::uniform_int_distribution<std::size_t> pos(0, bad.size() - 1);
                    switch (rng() % 3) {
                        case 0: bad.resize(pos(rng)); break;
                        case 1: bad[pos(rng)] = static_cast<std::byte>(rng()); break;
                        default: bad.push_back(std::byte{0}); break;
                    }
                    if (!scan_response(e.api_key, v, bad)) ++refused;
                    ASSERT_EQ(compare(e.api_key, v, bad), "") << e.name << " v" << v << " damaged, try " << i;
                }
            }
        }
    }
    EXPECT_GT(compared, 4000);
    EXPECT_GT(refused, 2000);
}

TEST(FrameScan, FindsTheFirstNonZeroErrorCode) {
    MetadataResponse m;
    m.topics.emplace_back().error_code = 0;
    m.topics.emplace_back().error_code = 3;  // UNKNOWN_TOPIC_OR_PARTITION
    m.topics.back().partitions.emplace_back().error_code = 9;
    const auto frame = response_frame(1, *encode_to_vector(m, 12));
    const auto scanned = scan_response(MetadataResponse::api_key, 12, frame);
    ASSERT_TRUE(scanned) << scanned.error().to_string();
    EXPECT_EQ(*scanned, 3);
    const auto none = response_frame(1, *encode_to_vector(MetadataResponse{}, 12));
    EXPECT_EQ(*scan_response(MetadataResponse::api_key, 12, none), 0);
}

TEST(FrameScan, ErrorNamesTheFailingFieldPath) {
    MetadataResponse resp;
    auto& b = resp.brokers.emplace_back();
    b.node_id = 1;
    b.host = "broker-1.internal";
    b.port = 9092;
    const auto frame = response_frame(0, *encode_to_vector(resp, 1));
    const std::size_t cut = 4 /*correlation id*/ + 4 /*broker count*/ + 4 /*node id*/ + 2 /*host length*/ + 3;
    const auto s = scan_response(MetadataResponse::api_key, 1, std::span(frame).first(cut), 4);
    ASSERT_FALSE(s);
    EXPECT_EQ(s.error().path, "MetadataResponse.Brokers[0].Host") << s.error().to_string();
    EXPECT_EQ(s.error().offset, 4u + 12u);
}

TEST(FrameScan, UnknownApiAndVersionAreRefused) {
    const std::vector<std::byte> frame(8);
    EXPECT_NE(scan_response(9999, 0, frame).error().reason.find("unknown API key 9999"), std::string::npos);
    EXPECT_NE(scan_response(MetadataResponse::api_key, 999, frame).error().reason.find("has no version 999"), std::string::npos);
}

TEST(FrameScan, ApiVersionsResponseFallsBackToV0Body) {
    ApiVersionsResponse v0;
    v0.error_code = 35;  // UNSUPPORTED_VERSION
    auto& k = v0.api_keys.emplace_back();
    k.api_key = 18;
    k.max_version = 3;
    const auto frame = response_frame(0, *encode_to_vector(v0, 0));
    const auto s = scan_response(ApiVersionsResponse::api_key, 4, frame);
    ASSERT_TRUE(s) << s.error().to_string();
    EXPECT_EQ(*s, 35);
}

TEST(FrameScan, RecordsWhereEachTopLevelFieldLies) {
    MetadataResponse m;
    m.throttle_time_ms = 5;
    m.brokers.emplace_back().host = "b0";
    m.cluster_id = "c";
    m.topics.emplace_back().name = "t";
    const std::int16_t v = 12;
    const auto frame = response_frame(1, *encode_to_vector(m, v));
    std::vector<FieldSpan> spans(MetadataResponse::field_meta.size());
    const auto s = scan_response_fields(MetadataResponse::api_key, v, frame, spans);
    ASSERT_TRUE(s) << s.error().to_string();
    EXPECT_EQ(s->body_offset, 5u);  // correlation id and an empty tagged-field section
    for (std::size_t i = 0; i < spans.size(); ++i) {
        const auto& meta = MetadataResponse::field_meta[i];
        EXPECT_EQ(spans[i].present, meta.first_version <= v && v <= meta.last_version) << meta.name;
    }
    EXPECT_EQ(spans[0].begin, 5u);  // ThrottleTimeMs
    EXPECT_EQ(spans[0].end, 9u);
    EXPECT_EQ(spans[1].begin, 9u);  // Brokers follow it
    // Too few slots is the caller's mistake, reported rather than written past.
    std::vector<FieldSpan> few(2);
    EXPECT_FALSE(scan_response_fields(MetadataResponse::api_key, v, frame, few));
}

}  // namespace
}  // namespace kgate::protocol
