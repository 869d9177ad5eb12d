#include "gateway/kop/served_apis.h"

#include <algorithm>
#include <array>

namespace kgate::gateway {
namespace {

// The keys KoP 3.1.1.1's request handler implements; every other key it advertises is
// answered UNSUPPORTED_VERSION. Sorted: Produce, Fetch, ListOffsets, Metadata, OffsetCommit, OffsetFetch,
// FindCoordinator, JoinGroup, Heartbeat, LeaveGroup, SyncGroup, DescribeGroups, ListGroups,
// SaslHandshake, ApiVersions, CreateTopics, DeleteTopics, DeleteRecords, InitProducerId,
// AddPartitionsToTxn, AddOffsetsToTxn, EndTxn, WriteTxnMarkers, TxnOffsetCommit,
// DescribeConfigs, AlterConfigs, SaslAuthenticate, CreatePartitions, DeleteGroups,
// DescribeCluster.
constexpr std::array<std::int16_t, 30> kServed{0, 1, 2, 3, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18,
                                               19, 20, 21, 22, 24, 25, 26, 27, 28, 32, 33, 36, 37, 42, 60};

}  // namespace

bool kop_serves(std::int16_t api_key) { return std::ranges::binary_search(kServed, api_key); }

ApiRanges only_served_by_kop(const ApiRanges& ranges) {
    ApiRanges out;
    for (const auto& [key, range] : ranges) {
        if (kop_serves(key)) out.emplace(key, range);
    }
    return out;
}

}  // namespace kgate::gateway
