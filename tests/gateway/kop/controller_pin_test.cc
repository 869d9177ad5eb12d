// Every listener tells clients the same controller: the lowest broker id the answer lists.
#include "gateway/kop/controller_pin.h"

#include <vector>

#include <gtest/gtest.h>

#include "gateway/kop/wire_bytes.h"
#include "gateway/rewrite/metadata_splice.h"
#include "protocol/codec/api_table.h"
#include "protocol/codec/frame_codec.h"

namespace kgate::gateway {
namespace {

namespace msg = protocol::messages;

class SameAddressMapper : public AddressMapper {
public:
    std::optional<HostPort> client_address(std::int32_t, std::string_view host, std::int32_t port) override {
        return HostPort{std::string(host), static_cast<std::uint16_t>(port)};
    }
    bool is_known(std::int32_t) override { return true; }
};

class GatewayMapper : public AddressMapper {
public:
    std::optional<HostPort> client_address(std::int32_t node_id, std::string_view, std::int32_t) override {
        return HostPort{"kgate.example.com", static_cast<std::uint16_t>(node_id == 770564047 ? 18111 : 18112)};
    }
    bool is_known(std::int32_t) override { return true; }
};

// What a KoP broker answers: two brokers with hashed ids, and a controller of its choosing.
std::vector<std::byte> kop_metadata(std::int16_t version, std::int32_t controller) {
    msg::MetadataResponse m;
    for (std::int32_t id : {1880146045, 770564047}) {
        auto& b = m.brokers.emplace_back();
        b.node_id = id;
        b.host = "localhost";
        b.port = id == 770564047 ? 18104 : 18107;
    }
    m.cluster_id = "kgate-kop";
    m.controller_id = controller;
    m.topics.emplace_back().name = "t";
    protocol::DecodedResponse r;
    r.api_key = 3;
    r.api_version = r.body_version = version;
    r.header_version = protocol::response_header_version(*protocol::find_api(3), version);
    r.header.correlation_id = 4;
    r.body = m;
    return *protocol::encode_response(r);
}

std::int32_t controller_of(const std::vector<std::byte>& frame, std::int16_t version) {
    auto decoded = protocol::decode_response(3, version, frame);
    EXPECT_TRUE(decoded) << decoded.error().to_string();
    return decoded ? std::get<msg::MetadataResponse>(decoded->body).controller_id : -2;
}

TEST(KopControllerPin, MetadataNamesTheLowestBrokerAtEveryVersionWithAController) {
    const auto* api = protocol::find_api(3);
    for (std::int16_t v = api->min_version; v <= api->max_version; ++v) {
        auto frame = kop_metadata(v, 1880146045);
        SameAddressMapper mapper;
        const auto spliced = splice_metadata(frame, v, mapper);
        ASSERT_FALSE(spliced.malformed);
        if (v == 0) {
            EXPECT_FALSE(spliced.controller_id_at) << "v0 names no controller";
            continue;
        }
        ASSERT_TRUE(spliced.controller_id_at) << "v" << v;
        ASSERT_EQ(spliced.lowest_node_id, 770564047);
        EXPECT_TRUE(pin_controller_at(frame, *spliced.controller_id_at, *spliced.lowest_node_id));
        EXPECT_EQ(controller_of(frame, v), 770564047) << "v" << v;
        EXPECT_FALSE(pin_controller_at(frame, *spliced.controller_id_at, *spliced.lowest_node_id)) << "already the one";
    }
}

TEST(KopControllerPin, SplicedMetadataCarriesThePinnedBytes) {
    // The rewritten Brokers array is spliced between views of the frame: the pinned id, written
    // into the frame, travels in `after`.
    auto frame = kop_metadata(12, 1880146045);
    GatewayMapper mapper;
    const auto spliced = splice_metadata(frame, 12, mapper);
    ASSERT_TRUE(spliced.outcome.changed);
    ASSERT_TRUE(pin_controller_at(frame, *spliced.controller_id_at, *spliced.lowest_node_id));
    std::vector<std::byte> sent(spliced.before.begin(), spliced.before.end());
    sent.insert(sent.end(), spliced.brokers.begin(), spliced.brokers.end());
    sent.insert(sent.end(), spliced.after.begin(), spliced.after.end());
    EXPECT_EQ(controller_of(sent, 12), 770564047);
}

TEST(KopControllerPin, NoControllerStaysNone) {
    auto frame = kop_metadata(12, -1);
    SameAddressMapper mapper;
    const auto spliced = splice_metadata(frame, 12, mapper);
    EXPECT_FALSE(pin_controller_at(frame, *spliced.controller_id_at, *spliced.lowest_node_id));
    EXPECT_EQ(controller_of(frame, 12), -1);
}

TEST(KopControllerPin, OnlyTheFourControllerBytesChange) {
    auto frame = kop_metadata(9, 1880146045);
    const auto before = frame;
    SameAddressMapper mapper;
    const auto spliced = splice_metadata(frame, 9, mapper);
    ASSERT_TRUE(pin_controller_at(frame, *spliced.controller_id_at, 770564047));
    // 770564047 = 0x2DED9ECF
    const auto at = *spliced.controller_id_at;
    EXPECT_EQ(std::vector<std::byte>(frame.begin() + at, frame.begin() + at + 4),
              test::WireBytes().i32(770564047).bytes());
    for (std::size_t i = 0; i < frame.size(); ++i) {
        if (i < at || i >= at + 4) {
            EXPECT_EQ(frame[i], before[i]) << "byte " << i;
        }
    }
    EXPECT_FALSE(pin_controller_at(frame, frame.size() - 2, 1)) << "out of the frame";
}

TEST(KopControllerPin, DescribeClusterNamesTheLowestBroker) {
    msg::DescribeClusterResponse m;
    m.controller_id = 1880146045;
    m.brokers.emplace_back().broker_id = 1880146045;
    m.brokers.emplace_back().broker_id = 770564047;
    EXPECT_TRUE(pin_controller(m));
    EXPECT_EQ(m.controller_id, 770564047);
    EXPECT_FALSE(pin_controller(m));
    msg::DescribeClusterResponse none;
    none.controller_id = -1;
    none.brokers.emplace_back().broker_id = 5;
    EXPECT_FALSE(pin_controller(none));
}

}  // namespace
}  // namespace kgate::gateway
