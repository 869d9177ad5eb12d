// The session forwards a response's original bytes when rewriting changed nothing, so
// `changed` must be exact: false only when every byte would come out the same.
#include <gtest/gtest.h>

#include "gateway/rewrite/response_rewriter.h"

namespace kgate::gateway {
namespace {

namespace msg = protocol::messages;

class GatewayMapper : public AddressMapper {
public:
    std::optional<HostPort> client_address(std::int32_t node_id, std::string_view, std::int32_t) override {
        return HostPort{"gateway", static_cast<std::uint16_t>(19000 + node_id)};
    }
    bool is_known(std::int32_t) override { return true; }
};

msg::AnyResponse fetch_with(std::int32_t preferred_read_replica) {
    msg::FetchResponse f;
    auto& topic = f.responses.emplace_back();
    auto& partition = topic.partitions.emplace_back();
    partition.preferred_read_replica = preferred_read_replica;
    return f;
}

TEST(RewriteOutcome, FetchWithoutReplicaOrEndpointsIsUnchanged) {
    GatewayMapper mapper;
    auto body = fetch_with(-1);
    const auto outcome = rewrite_response(body, msg::FetchResponse::api_key, 12, mapper);
    EXPECT_TRUE(outcome.ok());
    EXPECT_FALSE(outcome.changed);
}

TEST(RewriteOutcome, ClearingAPreferredReplicaIsAChange) {
    GatewayMapper mapper;
    auto body = fetch_with(2);
    const auto outcome = rewrite_response(body, msg::FetchResponse::api_key, 12, mapper);
    EXPECT_TRUE(outcome.changed);
    EXPECT_EQ(std::get<msg::FetchResponse>(body).responses[0].partitions[0].preferred_read_replica, -1);
}

TEST(RewriteOutcome, AddressesAlreadyGatewayOnesAreUnchanged) {
    GatewayMapper mapper;
    msg::MetadataResponse m;
    auto& b = m.brokers.emplace_back();
    b.node_id = 1;
    b.host = "gateway";
    b.port = 19001;
    msg::AnyResponse body = m;
    EXPECT_FALSE(rewrite_response(body, msg::MetadataResponse::api_key, 12, mapper).changed);
    std::get<msg::MetadataResponse>(body).brokers[0].host = "10.0.0.1";
    EXPECT_TRUE(rewrite_response(body, msg::MetadataResponse::api_key, 12, mapper).changed);
}

}  // namespace
}  // namespace kgate::gateway
