#include "gateway/rewrite/response_rewriter.h"

#include <array>
#include <string_view>
#include <vector>

#include <fmt/format.h>

#include "protocol/codec/api_table.h"

namespace kgate::gateway {
namespace {

using protocol::messages::AnyResponse;
using protocol::messages::DescribeClusterResponse;
using protocol::messages::DescribeQuorumResponse;
using protocol::messages::FetchResponse;
using protocol::messages::FindCoordinatorResponse;
using protocol::messages::MetadataResponse;
using protocol::messages::ProduceResponse;
using protocol::messages::ShareAcknowledgeResponse;
using protocol::messages::ShareFetchResponse;

struct FieldVersions {
    std::int16_t first = 1;
    std::int16_t last = 0;

    constexpr bool empty() const { return first > last; }
    constexpr bool contains(std::int16_t version) const { return version >= first && version <= last; }
};

// The versions a field exists at, read from the generated definition rather than written
// down here, so a Kafka release that moves a field cannot leave it silently unrewritten.
template <std::size_t N>
constexpr FieldVersions versions_of(const std::array<protocol::FieldMeta, N>& meta, std::string_view field) {
    for (const auto& f : meta) {
        if (f.name == field) return {f.first_version, f.last_version};
    }
    return {};
}

constexpr FieldVersions kMetadataBrokers = versions_of(MetadataResponse::field_meta, "Brokers");
constexpr FieldVersions kSingleCoordinator = versions_of(FindCoordinatorResponse::field_meta, "Host");
constexpr FieldVersions kCoordinatorList = versions_of(FindCoordinatorResponse::field_meta, "Coordinators");
constexpr FieldVersions kDescribeClusterBrokers = versions_of(DescribeClusterResponse::field_meta, "Brokers");
constexpr FieldVersions kProduceEndpoints = versions_of(ProduceResponse::field_meta, "NodeEndpoints");
constexpr FieldVersions kFetchEndpoints = versions_of(FetchResponse::field_meta, "NodeEndpoints");
constexpr FieldVersions kFetchPreferredReplica =
    versions_of(FetchResponse::PartitionData::field_meta, "PreferredReadReplica");
constexpr FieldVersions kShareFetchEndpoints = versions_of(ShareFetchResponse::field_meta, "NodeEndpoints");
constexpr FieldVersions kShareAcknowledgeEndpoints = versions_of(ShareAcknowledgeResponse::field_meta, "NodeEndpoints");
constexpr FieldVersions kQuorumNodes = versions_of(DescribeQuorumResponse::field_meta, "Nodes");

static_assert(!kMetadataBrokers.empty() && !kSingleCoordinator.empty() && !kCoordinatorList.empty() &&
                  !kDescribeClusterBrokers.empty() && !kProduceEndpoints.empty() && !kFetchEndpoints.empty() &&
                  !kFetchPreferredReplica.empty() && !kShareFetchEndpoints.empty() &&
                  !kShareAcknowledgeEndpoints.empty() && !kQuorumNodes.empty(),
              "a field the rewriter relies on is missing from the message definitions");

std::string address_text(std::string_view host, std::int32_t port) {
    if (host.find(':') != std::string_view::npos) return fmt::format("[{}]:{}", host, port);
    return fmt::format("{}:{}", host, port);
}

// Writes client addresses over broker addresses, counting them, and remembers the first
// broker the mapper has no address for.
class AddressRewriter {
public:
    AddressRewriter(AddressMapper& mapper, std::int16_t api_key, std::int16_t api_version)
        : mapper_(mapper), api_key_(api_key), api_version_(api_version) {}

    template <class Port>
    bool rewrite(std::int32_t node_id, std::string& host, Port& port) {
        const auto mapped = mapper_.client_address(node_id, host, static_cast<std::int32_t>(port));
        if (!mapped) {
            outcome_.error = fmt::format("{} v{} response: no client address for broker {} at {}", api_name(),
                                         api_version_, node_id, address_text(host, static_cast<std::int32_t>(port)));
            return false;
        }
        if (host != mapped->host || static_cast<std::int32_t>(port) != mapped->port) outcome_.changed = true;
        host = mapped->host;
        port = static_cast<Port>(mapped->port);
        ++outcome_.addresses_rewritten;
        return true;
    }

    void note_change() { outcome_.changed = true; }
    bool is_known(std::int32_t node_id) { return mapper_.is_known(node_id); }

    // Every element's host/port, with its node id taken from the member `id`.
    template <class Item>
    bool rewrite_each(std::vector<Item>& items, std::int32_t Item::*id) {
        for (auto& item : items) {
            if (!rewrite(item.*id, item.host, item.port)) return false;
        }
        return true;
    }

    void fail(std::string reason) { outcome_.error = fmt::format("{} v{} response: {}", api_name(), api_version_, reason); }
    RewriteOutcome take_outcome() { return std::move(outcome_); }

private:
    std::string api_name() const {
        const protocol::ApiInfo* api = protocol::find_api(api_key_);
        return api ? std::string(api->name) : fmt::format("API key {}", api_key_);
    }

    AddressMapper& mapper_;
    std::int16_t api_key_;
    std::int16_t api_version_;
    RewriteOutcome outcome_;
};

// A failed lookup answers NodeId -1 with an empty host: there is no broker to map.
bool names_a_coordinator(std::int16_t error_code, std::int32_t node_id) { return error_code == 0 && node_id >= 0; }

void rewrite_body(MetadataResponse& m, std::int16_t, AddressRewriter& rw) {
    rw.rewrite_each(m.brokers, &MetadataResponse::MetadataResponseBroker::node_id);
}

void rewrite_body(FindCoordinatorResponse& m, std::int16_t version, AddressRewriter& rw) {
    if (kSingleCoordinator.contains(version) && names_a_coordinator(m.error_code, m.node_id)) {
        if (!rw.rewrite(m.node_id, m.host, m.port)) return;
    }
    if (!kCoordinatorList.contains(version)) return;
    for (auto& c : m.coordinators) {
        if (names_a_coordinator(c.error_code, c.node_id) && !rw.rewrite(c.node_id, c.host, c.port)) return;
    }
}

void rewrite_body(DescribeClusterResponse& m, std::int16_t, AddressRewriter& rw) {
    rw.rewrite_each(m.brokers, &DescribeClusterResponse::DescribeClusterBroker::broker_id);
}

void rewrite_body(ProduceResponse& m, std::int16_t version, AddressRewriter& rw) {
    if (kProduceEndpoints.contains(version)) rw.rewrite_each(m.node_endpoints, &ProduceResponse::NodeEndpoint::node_id);
}

void rewrite_body(FetchResponse& m, std::int16_t version, AddressRewriter& rw) {
    if (kFetchPreferredReplica.contains(version)) {
        // A follower the client would have to reach directly: fetch from the leader instead.
        for (auto& topic : m.responses) {
            for (auto& partition : topic.partitions) {
                if (partition.preferred_read_replica != -1) {
                    partition.preferred_read_replica = -1;
                    rw.note_change();
                }
            }
        }
    }
    if (kFetchEndpoints.contains(version)) rw.rewrite_each(m.node_endpoints, &FetchResponse::NodeEndpoint::node_id);
}

void rewrite_body(ShareFetchResponse& m, std::int16_t version, AddressRewriter& rw) {
    if (kShareFetchEndpoints.contains(version)) {
        rw.rewrite_each(m.node_endpoints, &ShareFetchResponse::NodeEndpoint::node_id);
    }
}

void rewrite_body(ShareAcknowledgeResponse& m, std::int16_t version, AddressRewriter& rw) {
    if (kShareAcknowledgeEndpoints.contains(version)) {
        rw.rewrite_each(m.node_endpoints, &ShareAcknowledgeResponse::NodeEndpoint::node_id);
    }
}

void rewrite_body(DescribeQuorumResponse& m, std::int16_t version, AddressRewriter& rw) {
    if (!kQuorumNodes.contains(version)) return;
    // Every listener of a node (controller and others) names the same node. A node the
    // gateway does not route (a dedicated KRaft controller) is listed without its listeners:
    // its address must not leak, and giving it a gateway port would let clients reach it.
    for (auto& node : m.nodes) {
        if (!rw.is_known(node.node_id)) {
            if (!node.listeners.empty()) rw.note_change();
            node.listeners.clear();
            continue;
        }
        for (auto& listener : node.listeners) {
            if (!rw.rewrite(node.node_id, listener.host, listener.port)) return;
        }
    }
}

template <class M>
RewriteOutcome rewrite_as(AnyResponse& body, std::int16_t api_version, AddressRewriter& rw) {
    if (M* m = std::get_if<M>(&body)) {
        rewrite_body(*m, api_version, rw);
    } else {
        rw.fail(fmt::format("the decoded body is not a {}", M::message_name));
    }
    return rw.take_outcome();
}

}  // namespace

bool response_needs_rewrite(std::int16_t api_key, std::int16_t api_version) {
    switch (api_key) {
        case MetadataResponse::api_key: return kMetadataBrokers.contains(api_version);
        case FindCoordinatorResponse::api_key:
            return kSingleCoordinator.contains(api_version) || kCoordinatorList.contains(api_version);
        case DescribeClusterResponse::api_key: return kDescribeClusterBrokers.contains(api_version);
        case ProduceResponse::api_key: return kProduceEndpoints.contains(api_version);
        case FetchResponse::api_key:
            return kFetchEndpoints.contains(api_version) || kFetchPreferredReplica.contains(api_version);
        case ShareFetchResponse::api_key: return kShareFetchEndpoints.contains(api_version);
        case ShareAcknowledgeResponse::api_key: return kShareAcknowledgeEndpoints.contains(api_version);
        case DescribeQuorumResponse::api_key: return kQuorumNodes.contains(api_version);
        default: return false;
    }
}

bool forwarded_below_codec_min(std::int16_t api_key) {
    const protocol::ApiInfo* api = protocol::find_api(api_key);
    return api != nullptr && api->min_version > 0 && !response_needs_rewrite(api_key, api->min_version);
}

RewriteOutcome rewrite_metadata_brokers(std::vector<MetadataResponse::MetadataResponseBroker>& brokers, std::int16_t api_version,
                                        AddressMapper& mapper) {
    if (!kMetadataBrokers.contains(api_version)) return {};
    AddressRewriter rw(mapper, MetadataResponse::api_key, api_version);
    rw.rewrite_each(brokers, &MetadataResponse::MetadataResponseBroker::node_id);
    return rw.take_outcome();
}

RewriteOutcome rewrite_response(AnyResponse& body, std::int16_t api_key, std::int16_t api_version, AddressMapper& mapper) {
    if (!response_needs_rewrite(api_key, api_version)) return {};
    AddressRewriter rw(mapper, api_key, api_version);
    switch (api_key) {
        case MetadataResponse::api_key: return rewrite_as<MetadataResponse>(body, api_version, rw);
        case FindCoordinatorResponse::api_key: return rewrite_as<FindCoordinatorResponse>(body, api_version, rw);
        case DescribeClusterResponse::api_key: return rewrite_as<DescribeClusterResponse>(body, api_version, rw);
        case ProduceResponse::api_key: return rewrite_as<ProduceResponse>(body, api_version, rw);
        case FetchResponse::api_key: return rewrite_as<FetchResponse>(body, api_version, rw);
        case ShareFetchResponse::api_key: return rewrite_as<ShareFetchResponse>(body, api_version, rw);
        case ShareAcknowledgeResponse::api_key: return rewrite_as<ShareAcknowledgeResponse>(body, api_version, rw);
        case DescribeQuorumResponse::api_key: return rewrite_as<DescribeQuorumResponse>(body, api_version, rw);
        default: return {};
    }
}

}  // namespace kgate::gateway
