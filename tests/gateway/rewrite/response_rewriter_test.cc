// Every response that can name a broker, at every version the codec knows: encoded as a
// broker would send it (naming internal addresses everywhere it can), decoded, rewritten and
// re-encoded as the client gets it. The client's bytes must hold no internal address, every
// address field must hold the gateway's address for its node, and nothing else may change.
#include "gateway/rewrite/response_rewriter.h"

#include <algorithm>
#include <cstddef>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "protocol/codec/api_table.h"
#include "protocol/codec/frame_codec.h"
#include "protocol/json/json_writer.h"
#include "test_support/fill/all_fills.h"
#include "test_support/message_registry.h"

namespace kgate::gateway {
namespace {

using protocol::DecodedResponse;
using protocol::messages::AnyResponse;
using protocol::messages::DescribeAclsResponse;
using protocol::messages::DescribeClusterResponse;
using protocol::messages::DescribeQuorumResponse;
using protocol::messages::FetchResponse;
using protocol::messages::FindCoordinatorResponse;
using protocol::messages::MetadataResponse;
using protocol::messages::ProduceResponse;
using protocol::messages::ResponseHeader;
using protocol::messages::ShareAcknowledgeResponse;
using protocol::messages::ShareFetchResponse;
using protocol::messages::StreamsGroupDescribeResponse;
using protocol::messages::StreamsGroupHeartbeatResponse;
using protocol::test_support::TestFiller;

// ---------------------------------------------------------------------------------------
// Addresses

// What every internal host has in it, searched for in the bytes clients receive.
constexpr std::string_view kInternalMarker = ".internal";
constexpr std::string_view kGatewayHost = "kgate.example.com";
constexpr std::int16_t kCoordinatorNotAvailable = 15;

std::string internal_host(int n) { return fmt::format("10.0.0.{}.internal", n); }
std::int32_t internal_port(int n) { return 9000 + n; }

// The address the fake gateway gives node `node_id`: one host, a port per broker.
HostPort gateway_address(std::int32_t node_id) {
    return {std::string(kGatewayHost), static_cast<std::uint16_t>(20000 + node_id % 10000)};
}

// KoP-style node ids are large hashes of the advertised address.
constexpr std::int32_t kHashedNodeId = 1834291003;

class FakeAddressMapper : public AddressMapper {
public:
    struct Call {
        std::int32_t node_id;
        std::string host;
        std::int32_t port;
        friend bool operator==(const Call&, const Call&) = default;
    };

    std::optional<HostPort> client_address(std::int32_t node_id, std::string_view host, std::int32_t port) override {
        calls.push_back({node_id, std::string(host), port});
        if (refused.contains(node_id)) return std::nullopt;
        return gateway_address(node_id);
    }

    bool is_known(std::int32_t node_id) override { return !unknown.contains(node_id); }

    bool was_asked(std::int32_t node_id, std::string_view host, std::int32_t port) const {
        return std::find(calls.begin(), calls.end(), Call{node_id, std::string(host), port}) != calls.end();
    }

    std::set<std::int32_t> refused;
    std::set<std::int32_t> unknown;  // nodes the gateway does not route
    std::vector<Call> calls;
};

// ---------------------------------------------------------------------------------------
// Through the gateway

bool bytes_contain(const std::vector<std::byte>& bytes, std::string_view text) {
    const std::string_view all(reinterpret_cast<const char*>(bytes.data()), bytes.size());
    return all.find(text) != std::string_view::npos;
}

template <class M>
std::string json_of(const M& m, std::int16_t version) {
    protocol::JsonWriter j;
    m.to_json(j, version);
    return j.str();
}

// One response as it passes the gateway. The frames own the bytes that `before` and
// `after` point into (records), so they travel together.
template <class M>
struct GatewayPass {
    std::vector<std::byte> broker_frame;
    std::vector<std::byte> client_frame;
    M before;  // as decoded from the broker
    M after;   // as the client decodes it
    RewriteOutcome outcome;
    bool completed = false;
};

std::vector<std::byte> response_frame(const auto& body, std::int16_t api_key, std::int16_t version) {
    ResponseHeader header;
    header.correlation_id = 4242;
    const auto header_version = protocol::response_header_version(*protocol::find_api(api_key), version);
    auto out = *protocol::encode_to_vector(header, header_version);
    const auto rest = protocol::encode_to_vector(body, version);
    out.insert(out.end(), rest->begin(), rest->end());
    return out;
}

template <class M>
GatewayPass<M> pass_through_gateway(const M& sent_by_broker, std::int16_t version, AddressMapper& mapper) {
    GatewayPass<M> pass;
    pass.broker_frame = response_frame(sent_by_broker, M::api_key, version);
    auto decoded = protocol::decode_response(M::api_key, version, pass.broker_frame);
    if (!decoded) {
        ADD_FAILURE() << M::message_name << " v" << version << ": " << decoded.error().to_string();
        return pass;
    }
    pass.before = std::get<M>(decoded->body);
    pass.outcome = rewrite_response(decoded->body, M::api_key, version, mapper);
    const auto encoded = protocol::encode_response(*decoded);
    if (!encoded) {
        ADD_FAILURE() << M::message_name << " v" << version << ": the rewritten response does not encode";
        return pass;
    }
    pass.client_frame = *encoded;
    auto again = protocol::decode_response(M::api_key, version, pass.client_frame);
    if (!again) {
        ADD_FAILURE() << M::message_name << " v" << version << ": " << again.error().to_string();
        return pass;
    }
    EXPECT_EQ(again->header.correlation_id, 4242);
    pass.after = std::get<M>(again->body);
    pass.completed = true;
    return pass;
}

// A response filled with distinct non-default values in every field of `version`, so an
// unintended change anywhere shows up in the comparison.
template <class M>
M filled(std::int16_t version, TestFiller& filler) {
    M m;
    fill_for_test(m, version, filler);
    return m;
}

template <class Port>
void expect_gateway_address(std::int32_t node_id, const std::string& host, Port port, const std::string& where) {
    const HostPort expected = gateway_address(node_id);
    EXPECT_EQ(host, expected.host) << where;
    EXPECT_EQ(static_cast<std::int32_t>(port), static_cast<std::int32_t>(expected.port)) << where;
}

// Puts back the broker's host/port into the client's view of a list, so that what remains
// can be compared with the broker's response as a whole.
template <class Item>
void restore_addresses(std::vector<Item>& after, const std::vector<Item>& before) {
    ASSERT_EQ(after.size(), before.size());
    for (std::size_t i = 0; i < after.size(); ++i) {
        after[i].host = before[i].host;
        after[i].port = before[i].port;
    }
}

// The checks every rewritten response gets: the broker's bytes named internal hosts, the
// client's bytes name none, `expected_rewrites` addresses were rewritten, and once
// `restore` puts the broker's addresses back, the client's response equals the broker's.
template <class M, class Restore>
void expect_only_addresses_changed(const GatewayPass<M>& pass, std::int16_t version, int expected_rewrites,
                                   Restore restore) {
    ASSERT_TRUE(pass.completed);
    EXPECT_TRUE(pass.outcome.ok()) << pass.outcome.error;
    EXPECT_EQ(pass.outcome.addresses_rewritten, expected_rewrites);
    EXPECT_TRUE(bytes_contain(pass.broker_frame, kInternalMarker)) << "the test named no internal host";
    EXPECT_FALSE(bytes_contain(pass.client_frame, kInternalMarker))
        << M::message_name << " v" << version << " leaks an internal address: " << json_of(pass.after, version);
    M restored = pass.after;
    restore(restored);
    EXPECT_TRUE(restored == pass.before) << M::message_name << " v" << version << " changed more than addresses:\n"
                                         << json_of(pass.before, version) << "\nbecame\n" << json_of(pass.after, version);
}

// For the versions that need no rewrite: the gateway must not touch the body.
template <class M>
void expect_untouched(const GatewayPass<M>& pass, const FakeAddressMapper& mapper) {
    ASSERT_TRUE(pass.completed);
    EXPECT_TRUE(pass.outcome.ok());
    EXPECT_EQ(pass.outcome.addresses_rewritten, 0);
    EXPECT_TRUE(mapper.calls.empty());
    EXPECT_EQ(pass.client_frame, pass.broker_frame);
}

template <class M>
std::vector<std::int16_t> every_version() {
    std::vector<std::int16_t> out;
    for (int v = M::lowest_version; v <= M::highest_version; ++v) out.push_back(static_cast<std::int16_t>(v));
    return out;
}

template <class Endpoint>
std::vector<Endpoint> internal_node_endpoints() {
    std::vector<Endpoint> out;
    for (auto [node, rack] : {std::pair{1, "rack-a"}, std::pair{2, ""}, std::pair{3, "rack-c"}}) {
        Endpoint e;
        e.node_id = node;
        e.host = internal_host(node);
        e.port = internal_port(node);
        if (*rack) e.rack = rack;
        out.push_back(e);
    }
    return out;
}

// Every node endpoint holds its node's gateway address and the mapper saw the broker's.
template <class Endpoint>
void expect_endpoints_mapped(const std::vector<Endpoint>& before, const std::vector<Endpoint>& after,
                             const FakeAddressMapper& mapper) {
    ASSERT_EQ(after.size(), before.size());
    for (std::size_t i = 0; i < after.size(); ++i) {
        expect_gateway_address(after[i].node_id, after[i].host, after[i].port, fmt::format("NodeEndpoints[{}]", i));
        EXPECT_EQ(after[i].node_id, before[i].node_id);
        EXPECT_EQ(after[i].rack, before[i].rack);
        EXPECT_TRUE(mapper.was_asked(before[i].node_id, before[i].host, before[i].port));
    }
}

// ---------------------------------------------------------------------------------------
// Which responses need rewriting

TEST(ResponseNeedsRewrite, ExactlyTheResponsesThatNameBrokers) {
    std::set<std::pair<std::int16_t, std::int16_t>> expected;
    auto add = [&](std::int16_t key, int from, int to) {
        for (int v = from; v <= to; ++v) expected.emplace(key, static_cast<std::int16_t>(v));
    };
    add(0, 10, 13);  // Produce: NodeEndpoints (tagged)
    add(1, 11, 18);  // Fetch: PreferredReadReplica from v11, NodeEndpoints from v16
    add(3, 0, 13);   // Metadata
    add(10, 0, 6);   // FindCoordinator
    add(55, 2, 2);   // DescribeQuorum: Nodes[].Listeners[]
    add(60, 0, 2);   // DescribeCluster
    add(78, 1, 2);   // ShareFetch
    add(79, 1, 2);   // ShareAcknowledge
    int pairs = 0;
    for (const auto& api : protocol::all_apis()) {
        for (int v = api.min_version; v <= api.max_decodable_version; ++v) {
            const auto version = static_cast<std::int16_t>(v);
            EXPECT_EQ(response_needs_rewrite(api.key, version), expected.contains({api.key, version}))
                << api.name << " v" << version;
            ++pairs;
        }
    }
    EXPECT_GT(pairs, 300);
}

TEST(ResponseNeedsRewrite, OlderVersionsWithoutBrokerFieldsPassUnchanged) {
    EXPECT_FALSE(response_needs_rewrite(0, 9));   // Produce before KIP-951
    EXPECT_FALSE(response_needs_rewrite(0, 0));   // Produce below the codec, forwarded undecoded
    EXPECT_FALSE(response_needs_rewrite(1, 10));  // Fetch before PreferredReadReplica
    EXPECT_FALSE(response_needs_rewrite(55, 1));  // DescribeQuorum before Nodes
    EXPECT_FALSE(response_needs_rewrite(88, 0));  // StreamsGroupHeartbeat: user endpoints are not brokers
    EXPECT_FALSE(response_needs_rewrite(29, 3));  // DescribeAcls: hosts are ACL patterns
    EXPECT_FALSE(response_needs_rewrite(-1, 0));
}

TEST(ResponseNeedsRewrite, NewerUnknownVersionsAreDecodedRatherThanForwarded) {
    EXPECT_TRUE(response_needs_rewrite(3, 14));
    EXPECT_TRUE(response_needs_rewrite(0, 14));
    EXPECT_TRUE(response_needs_rewrite(1, 19));
    EXPECT_TRUE(response_needs_rewrite(10, 7));
}

// Guards against a Kafka release adding a host to a response nobody rewrites: every response
// of every version, filled with values, is printed, and a "host" field must belong to a
// rewritten response or to one known to name no broker a client should follow.
TEST(ResponseNeedsRewrite, EveryResponseNamingAHostIsRewrittenOrKnownSafe) {
    const std::map<std::int16_t, std::string_view> hosts_that_are_not_brokers = {
        {29, "DescribeAcls: ACL host patterns"},
        {31, "DeleteAcls: ACL host patterns"},
        {88, "StreamsGroupHeartbeat: Streams user endpoints"},
        {89, "StreamsGroupDescribe: Streams user endpoints"},
        {52, "Vote: controller-only"},
        {53, "BeginQuorumEpoch: controller-only"},
        {54, "EndQuorumEpoch: controller-only"},
        {59, "FetchSnapshot: controller-only"},
        {82, "UpdateRaftVoter: controller-only"},
    };
    int checked = 0;
    for (const auto& entry : protocol::test_support::all_message_entries()) {
        if (entry.kind != protocol::MessageKind::response) continue;
        for (int v = entry.lowest_version; v <= entry.highest_version; ++v) {
            const auto version = static_cast<std::int16_t>(v);
            const auto bytes = entry.encode_filled(version, TestFiller::Mode::values);
            protocol::Reader r(bytes);
            auto body = protocol::messages::decode_response_body(entry.api_key, version, r);
            ASSERT_TRUE(body) << entry.name << " v" << version << ": " << body.error().to_string();
            const std::string json = std::visit(
                [&](const auto& m) {
                    protocol::JsonWriter j;
                    m.to_json(j, version);
                    return j.str();
                },
                *body);
            const bool names_host = json.find("\"host\"") != std::string::npos;
            const bool rewritten = response_needs_rewrite(entry.api_key, version);
            if (names_host) {
                EXPECT_TRUE(rewritten || hosts_that_are_not_brokers.contains(entry.api_key))
                    << entry.name << " v" << version << " names a host the gateway does not rewrite";
            }
            // And the other way: a rewritten response names hosts, except Fetch v11-15,
            // rewritten only for PreferredReadReplica.
            if (rewritten && !(entry.api_key == FetchResponse::api_key && version < 16)) {
                EXPECT_TRUE(names_host) << entry.name << " v" << version;
            }
            ++checked;
        }
    }
    EXPECT_GT(checked, 300);
}

// ---------------------------------------------------------------------------------------
// Metadata

MetadataResponse metadata_naming_internal_brokers(std::int16_t version, TestFiller& filler) {
    auto m = filled<MetadataResponse>(version, filler);
    m.brokers.clear();
    for (auto [node, n, rack] : {std::tuple{1, 1, "rack-a"}, std::tuple{2, 2, ""}, std::tuple{kHashedNodeId, 3, "rack-c"}}) {
        MetadataResponse::MetadataResponseBroker b;
        b.node_id = node;
        b.host = internal_host(n);
        b.port = internal_port(n);
        if (*rack) b.rack = rack;
        m.brokers.push_back(b);
    }
    m.controller_id = 2;
    return m;
}

TEST(RewriteMetadata, EveryVersionNamesOnlyGatewayAddresses) {
    for (const std::int16_t v : every_version<MetadataResponse>()) {
        SCOPED_TRACE(fmt::format("Metadata v{}", v));
        TestFiller filler(TestFiller::Mode::values);
        FakeAddressMapper mapper;
        const auto pass = pass_through_gateway(metadata_naming_internal_brokers(v, filler), v, mapper);
        expect_only_addresses_changed(pass, v, 3,
                                      [&](MetadataResponse& m) { restore_addresses(m.brokers, pass.before.brokers); });
        ASSERT_EQ(pass.after.brokers.size(), 3u);
        for (std::size_t i = 0; i < 3; ++i) {
            const auto& b = pass.after.brokers[i];
            expect_gateway_address(b.node_id, b.host, b.port, fmt::format("Brokers[{}]", i));
            EXPECT_EQ(b.node_id, pass.before.brokers[i].node_id);
            EXPECT_EQ(b.rack, pass.before.brokers[i].rack);
        }
        EXPECT_EQ(pass.after.brokers[2].node_id, kHashedNodeId);
        EXPECT_TRUE(mapper.was_asked(kHashedNodeId, internal_host(3), internal_port(3)));
        if (v >= 1) {
            EXPECT_EQ(pass.after.brokers[0].rack, "rack-a");
            EXPECT_EQ(pass.after.controller_id, 2);
        }
        EXPECT_EQ(pass.after.topics, pass.before.topics);
    }
}

TEST(RewriteMetadata, EmptyBrokerListIsFine) {
    TestFiller filler(TestFiller::Mode::nulls_and_empty);
    FakeAddressMapper mapper;
    const auto pass = pass_through_gateway(filled<MetadataResponse>(12, filler), 12, mapper);
    ASSERT_TRUE(pass.completed);
    EXPECT_TRUE(pass.outcome.ok());
    EXPECT_EQ(pass.outcome.addresses_rewritten, 0);
    EXPECT_EQ(pass.client_frame, pass.broker_frame);
}

// ---------------------------------------------------------------------------------------
// FindCoordinator

FindCoordinatorResponse::Coordinator coordinator(std::string key, std::int32_t node, int n, std::int16_t error = 0) {
    FindCoordinatorResponse::Coordinator c;
    c.key = std::move(key);
    c.node_id = node;
    c.host = n > 0 ? internal_host(n) : "";
    c.port = n > 0 ? internal_port(n) : -1;
    c.error_code = error;
    c.error_message = error ? std::optional<std::string>("The coordinator is not available.") : std::nullopt;
    return c;
}

FindCoordinatorResponse find_coordinator_naming_internal_brokers(std::int16_t version, TestFiller& filler) {
    auto m = filled<FindCoordinatorResponse>(version, filler);
    // v0-3: one coordinator at the top level.
    m.error_code = 0;
    m.node_id = 5;
    m.host = internal_host(5);
    m.port = internal_port(5);
    // v4+: one per key, including a failed lookup that names no broker.
    m.coordinators = {coordinator("orders-group", 1, 1), coordinator("payments-txn", kHashedNodeId, 2),
                      coordinator("lost-group", -1, 0, kCoordinatorNotAvailable), coordinator("audit-group", 1, 1)};
    return m;
}

TEST(RewriteFindCoordinator, EveryVersionNamesOnlyGatewayAddresses) {
    for (const std::int16_t v : every_version<FindCoordinatorResponse>()) {
        SCOPED_TRACE(fmt::format("FindCoordinator v{}", v));
        TestFiller filler(TestFiller::Mode::values);
        FakeAddressMapper mapper;
        const auto pass = pass_through_gateway(find_coordinator_naming_internal_brokers(v, filler), v, mapper);
        const bool single = v <= 3;
        expect_only_addresses_changed(pass, v, single ? 1 : 3, [&](FindCoordinatorResponse& m) {
            m.host = pass.before.host;
            m.port = pass.before.port;
            restore_addresses(m.coordinators, pass.before.coordinators);
        });
        if (single) {
            expect_gateway_address(5, pass.after.host, pass.after.port, "top level");
            EXPECT_EQ(pass.after.node_id, 5);
            EXPECT_TRUE(mapper.was_asked(5, internal_host(5), internal_port(5)));
            continue;
        }
        const auto& cs = pass.after.coordinators;
        ASSERT_EQ(cs.size(), 4u);
        expect_gateway_address(1, cs[0].host, cs[0].port, "Coordinators[0]");
        expect_gateway_address(kHashedNodeId, cs[1].host, cs[1].port, "Coordinators[1]");
        expect_gateway_address(1, cs[3].host, cs[3].port, "Coordinators[3]");
        EXPECT_EQ(cs[0].key, "orders-group");
        EXPECT_EQ(cs[1].key, "payments-txn");
        EXPECT_EQ(cs[1].node_id, kHashedNodeId);
        // The failed lookup keeps its error and its "no broker" answer.
        EXPECT_EQ(cs[2].node_id, -1);
        EXPECT_EQ(cs[2].host, "");
        EXPECT_EQ(cs[2].port, -1);
        EXPECT_EQ(cs[2].error_code, kCoordinatorNotAvailable);
        EXPECT_EQ(mapper.calls.size(), 3u);
    }
}

TEST(RewriteFindCoordinator, FailedLookupIsNotMapped) {
    for (const std::int16_t v : every_version<FindCoordinatorResponse>()) {
        SCOPED_TRACE(fmt::format("FindCoordinator v{}", v));
        FindCoordinatorResponse m;
        m.error_code = kCoordinatorNotAvailable;
        m.node_id = -1;
        m.host = "";
        m.port = -1;
        m.coordinators = {coordinator("lost-group", -1, 0, kCoordinatorNotAvailable)};
        FakeAddressMapper mapper;
        const auto pass = pass_through_gateway(m, v, mapper);
        expect_untouched(pass, mapper);
    }
}

TEST(RewriteFindCoordinator, ErrorWithANodeIdIsStillNotMapped) {
    FindCoordinatorResponse m;
    m.coordinators = {coordinator("stale", 3, 0, kCoordinatorNotAvailable)};
    FakeAddressMapper mapper;
    const auto pass = pass_through_gateway(m, 6, mapper);
    expect_untouched(pass, mapper);
}

// ---------------------------------------------------------------------------------------
// DescribeCluster

DescribeClusterResponse describe_cluster_naming_internal_brokers(std::int16_t version, TestFiller& filler) {
    auto m = filled<DescribeClusterResponse>(version, filler);
    m.brokers.clear();
    for (auto [node, rack] : {std::pair{1, "rack-a"}, std::pair{2, ""}, std::pair{3, "rack-c"}}) {
        DescribeClusterResponse::DescribeClusterBroker b;
        b.broker_id = node;
        b.host = internal_host(node);
        b.port = internal_port(node);
        if (*rack) b.rack = rack;
        b.is_fenced = node == 3;
        m.brokers.push_back(b);
    }
    m.controller_id = 3;
    return m;
}

TEST(RewriteDescribeCluster, EveryVersionNamesOnlyGatewayAddresses) {
    for (const std::int16_t v : every_version<DescribeClusterResponse>()) {
        SCOPED_TRACE(fmt::format("DescribeCluster v{}", v));
        TestFiller filler(TestFiller::Mode::values);
        FakeAddressMapper mapper;
        const auto pass = pass_through_gateway(describe_cluster_naming_internal_brokers(v, filler), v, mapper);
        expect_only_addresses_changed(pass, v, 3,
                                      [&](DescribeClusterResponse& m) { restore_addresses(m.brokers, pass.before.brokers); });
        ASSERT_EQ(pass.after.brokers.size(), 3u);
        for (std::size_t i = 0; i < 3; ++i) {
            const auto& b = pass.after.brokers[i];
            expect_gateway_address(b.broker_id, b.host, b.port, fmt::format("Brokers[{}]", i));
            EXPECT_EQ(b.broker_id, static_cast<std::int32_t>(i + 1));
            EXPECT_EQ(b.rack, pass.before.brokers[i].rack);
            EXPECT_TRUE(mapper.was_asked(b.broker_id, internal_host(b.broker_id), internal_port(b.broker_id)));
        }
        EXPECT_EQ(pass.after.brokers[0].rack, "rack-a");
        EXPECT_EQ(pass.after.controller_id, 3);
    }
}

// ---------------------------------------------------------------------------------------
// Produce

TEST(RewriteProduce, EveryVersionNamesOnlyGatewayAddresses) {
    int rewritten_versions = 0;
    for (const std::int16_t v : every_version<ProduceResponse>()) {
        SCOPED_TRACE(fmt::format("Produce v{}", v));
        TestFiller filler(TestFiller::Mode::values);
        auto m = filled<ProduceResponse>(v, filler);
        m.node_endpoints = internal_node_endpoints<ProduceResponse::NodeEndpoint>();
        FakeAddressMapper mapper;
        const auto pass = pass_through_gateway(m, v, mapper);
        if (!response_needs_rewrite(ProduceResponse::api_key, v)) {
            EXPECT_LT(v, 10);
            expect_untouched(pass, mapper);
            continue;
        }
        ++rewritten_versions;
        expect_only_addresses_changed(pass, v, 3, [&](ProduceResponse& r) {
            restore_addresses(r.node_endpoints, pass.before.node_endpoints);
        });
        expect_endpoints_mapped(pass.before.node_endpoints, pass.after.node_endpoints, mapper);
        // CurrentLeader names a node id only: it stays.
        EXPECT_EQ(pass.after.responses, pass.before.responses);
    }
    EXPECT_EQ(rewritten_versions, 4);  // v10-13
}

// ---------------------------------------------------------------------------------------
// Fetch

TEST(RewriteFetch, EveryVersionNamesOnlyGatewayAddressesAndNoReadReplica) {
    int rewritten_versions = 0;
    for (const std::int16_t v : every_version<FetchResponse>()) {
        SCOPED_TRACE(fmt::format("Fetch v{}", v));
        TestFiller filler(TestFiller::Mode::values);
        auto m = filled<FetchResponse>(v, filler);
        for (auto& topic : m.responses) {
            for (auto& partition : topic.partitions) partition.preferred_read_replica = 2;
        }
        m.node_endpoints = internal_node_endpoints<FetchResponse::NodeEndpoint>();
        FakeAddressMapper mapper;
        const auto pass = pass_through_gateway(m, v, mapper);
        if (!response_needs_rewrite(FetchResponse::api_key, v)) {
            EXPECT_LT(v, 11);
            expect_untouched(pass, mapper);
            continue;
        }
        ++rewritten_versions;
        const bool has_endpoints = v >= 16;
        ASSERT_TRUE(pass.completed);
        EXPECT_TRUE(pass.outcome.ok()) << pass.outcome.error;
        EXPECT_EQ(pass.outcome.addresses_rewritten, has_endpoints ? 3 : 0);
        EXPECT_EQ(bytes_contain(pass.broker_frame, kInternalMarker), has_endpoints);
        EXPECT_FALSE(bytes_contain(pass.client_frame, kInternalMarker)) << json_of(pass.after, v);
        ASSERT_FALSE(pass.after.responses.empty());
        int partitions = 0;
        for (const auto& topic : pass.after.responses) {
            for (const auto& partition : topic.partitions) {
                EXPECT_EQ(partition.preferred_read_replica, -1);
                ++partitions;
            }
        }
        EXPECT_GT(partitions, 0);
        if (has_endpoints) expect_endpoints_mapped(pass.before.node_endpoints, pass.after.node_endpoints, mapper);
        // Nothing else changed: records, offsets, errors, CurrentLeader, aborted transactions.
        FetchResponse restored = pass.after;
        restore_addresses(restored.node_endpoints, pass.before.node_endpoints);
        for (std::size_t t = 0; t < restored.responses.size(); ++t) {
            for (std::size_t p = 0; p < restored.responses[t].partitions.size(); ++p) {
                restored.responses[t].partitions[p].preferred_read_replica =
                    pass.before.responses[t].partitions[p].preferred_read_replica;
            }
        }
        EXPECT_TRUE(restored == pass.before) << json_of(pass.before, v) << "\nbecame\n" << json_of(pass.after, v);
    }
    EXPECT_EQ(rewritten_versions, 8);  // v11-18
}

// ---------------------------------------------------------------------------------------
// ShareFetch and ShareAcknowledge

template <class M>
void check_share_response_every_version() {
    for (const std::int16_t v : every_version<M>()) {
        SCOPED_TRACE(fmt::format("{} v{}", M::message_name, v));
        TestFiller filler(TestFiller::Mode::values);
        auto m = filled<M>(v, filler);
        m.node_endpoints = internal_node_endpoints<typename M::NodeEndpoint>();
        FakeAddressMapper mapper;
        const auto pass = pass_through_gateway(m, v, mapper);
        expect_only_addresses_changed(pass, v, 3, [&](M& r) { restore_addresses(r.node_endpoints, pass.before.node_endpoints); });
        expect_endpoints_mapped(pass.before.node_endpoints, pass.after.node_endpoints, mapper);
        EXPECT_EQ(pass.after.responses, pass.before.responses);
    }
}

TEST(RewriteShareFetch, EveryVersionNamesOnlyGatewayAddresses) { check_share_response_every_version<ShareFetchResponse>(); }

TEST(RewriteShareAcknowledge, EveryVersionNamesOnlyGatewayAddresses) {
    check_share_response_every_version<ShareAcknowledgeResponse>();
}

// ---------------------------------------------------------------------------------------
// DescribeQuorum

DescribeQuorumResponse::Listener listener(std::string name, int n, std::uint16_t port) {
    DescribeQuorumResponse::Listener l;
    l.name = std::move(name);
    l.host = internal_host(n);
    l.port = port;
    return l;
}

TEST(RewriteDescribeQuorum, EveryVersionNamesOnlyGatewayAddresses) {
    for (const std::int16_t v : every_version<DescribeQuorumResponse>()) {
        SCOPED_TRACE(fmt::format("DescribeQuorum v{}", v));
        TestFiller filler(TestFiller::Mode::values);
        auto m = filled<DescribeQuorumResponse>(v, filler);
        m.nodes.clear();
        DescribeQuorumResponse::Node a;
        a.node_id = 1;
        a.listeners = {listener("CONTROLLER", 1, 9093), listener("CONTROLLER_TLS", 11, 9094)};
        DescribeQuorumResponse::Node b;
        b.node_id = 2;
        b.listeners = {listener("CONTROLLER", 2, 9093)};
        m.nodes = {a, b};
        FakeAddressMapper mapper;
        const auto pass = pass_through_gateway(m, v, mapper);
        if (!response_needs_rewrite(DescribeQuorumResponse::api_key, v)) {
            EXPECT_LT(v, 2);
            expect_untouched(pass, mapper);
            continue;
        }
        expect_only_addresses_changed(pass, v, 3, [&](DescribeQuorumResponse& r) {
            ASSERT_EQ(r.nodes.size(), pass.before.nodes.size());
            for (std::size_t i = 0; i < r.nodes.size(); ++i) {
                restore_addresses(r.nodes[i].listeners, pass.before.nodes[i].listeners);
            }
        });
        ASSERT_EQ(pass.after.nodes.size(), 2u);
        for (const auto& node : pass.after.nodes) {
            for (const auto& l : node.listeners) expect_gateway_address(node.node_id, l.host, l.port, l.name);
        }
        EXPECT_EQ(pass.after.nodes[0].listeners[1].name, "CONTROLLER_TLS");
        EXPECT_TRUE(mapper.was_asked(1, internal_host(11), 9094));
        EXPECT_EQ(pass.after.topics, pass.before.topics);
    }
}

TEST(RewriteDescribeQuorum, ControllersTheGatewayDoesNotRouteLoseTheirListeners) {
    const std::int16_t v = DescribeQuorumResponse::highest_version;
    TestFiller filler(TestFiller::Mode::values);
    auto m = filled<DescribeQuorumResponse>(v, filler);
    DescribeQuorumResponse::Node broker;
    broker.node_id = 1;
    broker.listeners = {listener("CONTROLLER", 1, 9093)};
    DescribeQuorumResponse::Node controller;
    controller.node_id = 3000;
    controller.listeners = {listener("CONTROLLER", 30, 9093)};
    m.nodes = {broker, controller};
    FakeAddressMapper mapper;
    mapper.unknown = {3000};
    const auto pass = pass_through_gateway(m, v, mapper);
    ASSERT_TRUE(pass.completed);
    ASSERT_EQ(pass.after.nodes.size(), 2u);
    const auto& kept = pass.after.nodes[0].listeners.at(0);
    expect_gateway_address(1, kept.host, kept.port, "broker 1");
    EXPECT_EQ(pass.after.nodes[1].node_id, 3000);
    EXPECT_TRUE(pass.after.nodes[1].listeners.empty());
    EXPECT_FALSE(bytes_contain(pass.client_frame, internal_host(30)));
    for (const auto& call : mapper.calls) EXPECT_NE(call.node_id, 3000) << "a route was asked for the controller";
}

// ---------------------------------------------------------------------------------------
// Refusals and mismatches

TEST(RewriteRefused, UnmappableBrokerIsAnErrorNamingApiNodeAndAddress) {
    TestFiller filler(TestFiller::Mode::values);
    FakeAddressMapper mapper;
    mapper.refused = {2};
    const auto pass = pass_through_gateway(metadata_naming_internal_brokers(12, filler), 12, mapper);
    ASSERT_TRUE(pass.completed);
    EXPECT_FALSE(pass.outcome.ok());
    EXPECT_EQ(pass.outcome.error, "Metadata v12 response: no client address for broker 2 at 10.0.0.2.internal:9002");
}

TEST(RewriteRefused, EveryRewrittenApiReportsTheRefusal) {
    FakeAddressMapper mapper;
    mapper.refused = {1, 2, 3, 5, kHashedNodeId};
    TestFiller filler(TestFiller::Mode::values);
    auto expect_refused = [&](auto body, std::int16_t version, std::string_view expected) {
        AnyResponse any = std::move(body);
        const auto outcome = rewrite_response(any, std::visit([](const auto& m) { return m.api_key; }, any), version, mapper);
        EXPECT_FALSE(outcome.ok());
        EXPECT_EQ(outcome.error, expected);
    };
    expect_refused(find_coordinator_naming_internal_brokers(3, filler), 3,
                   "FindCoordinator v3 response: no client address for broker 5 at 10.0.0.5.internal:9005");
    expect_refused(find_coordinator_naming_internal_brokers(6, filler), 6,
                   "FindCoordinator v6 response: no client address for broker 1 at 10.0.0.1.internal:9001");
    expect_refused(describe_cluster_naming_internal_brokers(2, filler), 2,
                   "DescribeCluster v2 response: no client address for broker 1 at 10.0.0.1.internal:9001");
    ProduceResponse produce;
    produce.node_endpoints = internal_node_endpoints<ProduceResponse::NodeEndpoint>();
    expect_refused(produce, 13, "Produce v13 response: no client address for broker 1 at 10.0.0.1.internal:9001");
    FetchResponse fetch;
    fetch.node_endpoints = internal_node_endpoints<FetchResponse::NodeEndpoint>();
    expect_refused(fetch, 18, "Fetch v18 response: no client address for broker 1 at 10.0.0.1.internal:9001");
    ShareFetchResponse share_fetch;
    share_fetch.node_endpoints = internal_node_endpoints<ShareFetchResponse::NodeEndpoint>();
    expect_refused(share_fetch, 2, "ShareFetch v2 response: no client address for broker 1 at 10.0.0.1.internal:9001");
    ShareAcknowledgeResponse share_ack;
    share_ack.node_endpoints = internal_node_endpoints<ShareAcknowledgeResponse::NodeEndpoint>();
    expect_refused(share_ack, 1, "ShareAcknowledge v1 response: no client address for broker 1 at 10.0.0.1.internal:9001");
    DescribeQuorumResponse quorum;
    quorum.nodes.emplace_back().node_id = 3;
    quorum.nodes[0].listeners = {listener("CONTROLLER", 3, 9093)};
    expect_refused(quorum, 2, "DescribeQuorum v2 response: no client address for broker 3 at 10.0.0.3.internal:9093");
}

TEST(RewriteRefused, StopsAtTheFirstRefusedBroker) {
    TestFiller filler(TestFiller::Mode::values);
    FakeAddressMapper mapper;
    mapper.refused = {1};
    AnyResponse any = metadata_naming_internal_brokers(13, filler);
    const auto outcome = rewrite_response(any, MetadataResponse::api_key, 13, mapper);
    EXPECT_FALSE(outcome.ok());
    EXPECT_EQ(mapper.calls.size(), 1u);
}

TEST(RewriteRefused, Ipv6AddressesAreBracketedInTheError) {
    MetadataResponse m;
    m.brokers.push_back({});
    m.brokers[0].node_id = 7;
    m.brokers[0].host = "fd00::7";
    m.brokers[0].port = 9092;
    FakeAddressMapper mapper;
    mapper.refused = {7};
    AnyResponse any = m;
    const auto outcome = rewrite_response(any, MetadataResponse::api_key, 12, mapper);
    EXPECT_EQ(outcome.error, "Metadata v12 response: no client address for broker 7 at [fd00::7]:9092");
}

TEST(RewriteMismatch, BodyOfAnotherApiIsAnError) {
    AnyResponse any = FetchResponse{};
    FakeAddressMapper mapper;
    const auto outcome = rewrite_response(any, MetadataResponse::api_key, 12, mapper);
    EXPECT_FALSE(outcome.ok());
    EXPECT_EQ(outcome.error, "Metadata v12 response: the decoded body is not a MetadataResponse");
}

// ---------------------------------------------------------------------------------------
// Responses whose hosts are not brokers

TEST(RewriteLeavesAlone, StreamsUserEndpoints) {
    for (const std::int16_t v : every_version<StreamsGroupHeartbeatResponse>()) {
        SCOPED_TRACE(fmt::format("StreamsGroupHeartbeat v{}", v));
        TestFiller filler(TestFiller::Mode::values);
        auto m = filled<StreamsGroupHeartbeatResponse>(v, filler);
        ASSERT_TRUE(m.partitions_by_user_endpoint && !m.partitions_by_user_endpoint->empty());
        for (auto& e : *m.partitions_by_user_endpoint) {
            e.user_endpoint.host = internal_host(8);
            e.user_endpoint.port = 8080;
        }
        FakeAddressMapper mapper;
        const auto pass = pass_through_gateway(m, v, mapper);
        expect_untouched(pass, mapper);
        EXPECT_EQ(pass.after.partitions_by_user_endpoint->front().user_endpoint.host, internal_host(8));
    }
    for (const std::int16_t v : every_version<StreamsGroupDescribeResponse>()) {
        SCOPED_TRACE(fmt::format("StreamsGroupDescribe v{}", v));
        TestFiller filler(TestFiller::Mode::values);
        auto m = filled<StreamsGroupDescribeResponse>(v, filler);
        int endpoints = 0;
        for (auto& group : m.groups) {
            for (auto& member : group.members) {
                member.user_endpoint.emplace();
                member.user_endpoint->host = internal_host(9);
                member.user_endpoint->port = 8080;
                ++endpoints;
            }
        }
        ASSERT_GT(endpoints, 0);
        FakeAddressMapper mapper;
        const auto pass = pass_through_gateway(m, v, mapper);
        expect_untouched(pass, mapper);
    }
}

TEST(RewriteLeavesAlone, AclHosts) {
    for (const std::int16_t v : every_version<DescribeAclsResponse>()) {
        SCOPED_TRACE(fmt::format("DescribeAcls v{}", v));
        TestFiller filler(TestFiller::Mode::values);
        auto m = filled<DescribeAclsResponse>(v, filler);
        ASSERT_FALSE(m.resources.empty());
        for (auto& resource : m.resources) {
            for (auto& acl : resource.acls) acl.host = internal_host(4);
        }
        FakeAddressMapper mapper;
        const auto pass = pass_through_gateway(m, v, mapper);
        expect_untouched(pass, mapper);
    }
}

}  // namespace
}  // namespace kgate::gateway
