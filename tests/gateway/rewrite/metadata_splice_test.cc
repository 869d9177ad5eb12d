// Metadata responses rewritten by splicing a new Brokers array between untouched bytes must
// give the client exactly what the full decode -> rewrite -> encode path gives, at every
// version; and a response whose topics part is damaged must still be refused as a whole.
#include "gateway/rewrite/metadata_splice.h"

#include <string>
#include <vector>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "protocol/codec/api_table.h"
#include "protocol/codec/frame_codec.h"
#include "protocol/codec/frame_scan.h"
#include "test_support/fill/all_fills.h"

namespace kgate::gateway {
namespace {

using protocol::messages::MetadataResponse;
using protocol::messages::ResponseHeader;
using protocol::test_support::TestFiller;

// Every broker gets one gateway host and a port of its own; `refused` has none.
class PortPerNodeMapper : public AddressMapper {
public:
    std::optional<HostPort> client_address(std::int32_t node_id, std::string_view, std::int32_t) override {
        if (node_id == refused) return std::nullopt;
        return HostPort{"kgate.example.com", static_cast<std::uint16_t>(20000 + (node_id & 0x1fff))};
    }
    bool is_known(std::int32_t) override { return true; }

    std::int32_t refused = -12345;
};

std::vector<std::byte> frame_of(const MetadataResponse& m, std::int16_t version) {
    ResponseHeader header;
    header.correlation_id = 31;
    auto out = *protocol::encode_to_vector(header, protocol::response_header_version(*protocol::find_api(MetadataResponse::api_key), version));
    const auto body = protocol::encode_to_vector(m, version);
    out.insert(out.end(), body->begin(), body->end());
    return out;
}

MetadataResponse three_brokers() {
    MetadataResponse m;
    m.throttle_time_ms = 7;
    for (int id = 1; id <= 3; ++id) {
        auto& b = m.brokers.emplace_back();
        b.node_id = id;
        b.host = fmt::format("broker-{}.internal", id);
        b.port = 9092;
        if (id == 2) b.rack = "rack-b";
    }
    m.cluster_id = "cluster-x";
    m.controller_id = 2;
    for (int t = 0; t < 4; ++t) {
        auto& topic = m.topics.emplace_back();
        topic.name = fmt::format("topic-{}", t);
        topic.error_code = t == 3 ? 3 : 0;
        for (int p = 0; p < 3; ++p) {
            auto& part = topic.partitions.emplace_back();
            part.partition_index = p;
            part.leader_id = 1 + p;
            part.replica_nodes = {1, 2, 3};
            part.isr_nodes = {1 + p};
        }
    }
    return m;
}

std::int16_t first_error_code(const MetadataResponse& m, std::int16_t version) {
    std::int16_t first = 0;
    m.for_each_error_code(version, [&](std::int16_t code) {
        if (first == 0) first = code;
    });
    return first;
}

// Splices and compares with the reference path; empty when they agree.
std::string compare_with_full_decode(const std::vector<std::byte>& frame, std::int16_t version) {
    PortPerNodeMapper reference_mapper;
    auto decoded = protocol::decode_response(MetadataResponse::api_key, version, frame);
    if (!decoded) return "the reference decode failed: " + decoded.error().to_string();
    const auto reference = rewrite_response(decoded->body, MetadataResponse::api_key, version, reference_mapper);
    const auto expected = protocol::encode_response(*decoded);
    if (!reference.ok() || !expected) return "the reference rewrite failed: " + reference.error;

    PortPerNodeMapper mapper;
    const SplicedMetadata s = splice_metadata(frame, version, mapper);
    if (s.malformed) return "splice found the frame malformed: " + s.malformed->to_string();
    if (!s.outcome.ok()) return "splice failed: " + s.outcome.error;
    if (s.outcome.changed != reference.changed) return fmt::format("splice changed {}, reference {}", s.outcome.changed, reference.changed);
    if (s.outcome.addresses_rewritten != reference.addresses_rewritten) return "a different number of addresses was rewritten";
    const auto& body = std::get<MetadataResponse>(decoded->body);
    if (s.first_error_code != first_error_code(body, version)) return "the first error code differs";
    std::vector<std::byte> sent = frame;
    if (s.outcome.changed) {
        sent.assign(s.before.begin(), s.before.end());
        sent.insert(sent.end(), s.brokers.begin(), s.brokers.end());
        sent.insert(sent.end(), s.after.begin(), s.after.end());
    }
    if (sent != *expected) return fmt::format("the spliced frame ({} bytes) differs from the re-encoded one ({} bytes)", sent.size(), expected->size());
    return {};
}

TEST(MetadataSplice, EqualsFullDecodeRewriteEncodeAtEveryVersion) {
    int compared = 0;
    for (std::int16_t v = MetadataResponse::lowest_version; v <= MetadataResponse::highest_version; ++v) {
        EXPECT_EQ(compare_with_full_decode(frame_of(three_brokers(), v), v), "") << "three brokers, v" << v;
        for (const auto mode : {TestFiller::Mode::values, TestFiller::Mode::nulls_and_empty}) {
            TestFiller filler(mode);
            MetadataResponse m;
            fill_for_test(m, v, filler);
            EXPECT_EQ(compare_with_full_decode(frame_of(m, v), v), "") << "filled, v" << v;
            ++compared;
        }
    }
    EXPECT_EQ(compared, 2 * (MetadataResponse::highest_version - MetadataResponse::lowest_version + 1));
    EXPECT_GE(MetadataResponse::highest_version, 13);
}

TEST(MetadataSplice, KeepsTheTopicsBytesAndRewritesTheBrokers) {
    const std::int16_t v = 12;
    const auto frame = frame_of(three_brokers(), v);
    PortPerNodeMapper mapper;
    const auto s = splice_metadata(frame, v, mapper);
    ASSERT_FALSE(s.malformed);
    ASSERT_TRUE(s.outcome.ok()) << s.outcome.error;
    EXPECT_TRUE(s.outcome.changed);
    EXPECT_EQ(s.outcome.addresses_rewritten, 3);
    EXPECT_EQ(s.first_error_code, 3);
    // The views point into the upstream frame: nothing of the topics part was copied.
    EXPECT_EQ(s.before.data(), frame.data());
    EXPECT_EQ(s.after.data() + s.after.size(), frame.data() + frame.size());
    const std::string brokers(reinterpret_cast<const char*>(s.brokers.data()), s.brokers.size());
    EXPECT_NE(brokers.find("kgate.example.com"), std::string::npos);
    EXPECT_EQ(brokers.find(".internal"), std::string::npos);
}

TEST(MetadataSplice, ADamagedTopicsPartIsRefusedAsDecodeRefusesIt) {
    for (std::int16_t v = MetadataResponse::lowest_version; v <= MetadataResponse::highest_version; ++v) {
        const auto frame = frame_of(three_brokers(), v);
        // Cut anywhere in the last 60 bytes: inside the topics (and what follows them).
        for (std::size_t cut = frame.size() - 60; cut < frame.size(); ++cut) {
            PortPerNodeMapper mapper;
            const auto s = splice_metadata(std::span(frame).first(cut), v, mapper);
            const auto d = protocol::decode_response(MetadataResponse::api_key, v, std::span(frame).first(cut));
            ASSERT_FALSE(d);
            ASSERT_TRUE(s.malformed) << "v" << v << " cut to " << cut << " of " << frame.size() << " bytes was accepted";
            EXPECT_EQ(s.malformed->to_string(), d.error().to_string());
            EXPECT_TRUE(s.brokers.empty());
        }
        // A topic count far beyond the bytes left, where the scan says the topics start.
        std::vector<protocol::FieldSpan> spans(MetadataResponse::field_meta.size());
        ASSERT_TRUE(protocol::scan_response_fields(MetadataResponse::api_key, v, frame, spans));
        auto bad = frame;
        const std::size_t topics = spans[4].begin;
        ASSERT_EQ(MetadataResponse::field_meta[4].name, "Topics");
        for (std::size_t i = 0; i < 4; ++i) bad[topics + i] = std::byte{0xff};
        if (v >= 9) bad[topics + 4] = std::byte{0x07};  // a 5-byte uvarint near 2^32
        else bad[topics] = std::byte{0x7f};             // int32 2^31-1
        PortPerNodeMapper mapper;
        const auto s = splice_metadata(bad, v, mapper);
        const auto d = protocol::decode_response(MetadataResponse::api_key, v, bad);
        ASSERT_FALSE(d);
        ASSERT_TRUE(s.malformed) << "v" << v;
        EXPECT_EQ(s.malformed->to_string(), d.error().to_string());
        EXPECT_NE(s.malformed->path.find("Topics"), std::string::npos) << s.malformed->to_string();
    }
}

TEST(MetadataSplice, ABrokerWithoutAClientAddressStopsTheResponse) {
    PortPerNodeMapper mapper;
    mapper.refused = 2;
    const auto s = splice_metadata(frame_of(three_brokers(), 12), 12, mapper);
    ASSERT_FALSE(s.malformed);
    EXPECT_FALSE(s.outcome.ok());
    EXPECT_NE(s.outcome.error.find("broker 2"), std::string::npos) << s.outcome.error;
}

}  // namespace
}  // namespace kgate::gateway
