#pragma once
// What the gateway advertises in ApiVersions: only versions that the codec and every
// upstream broker support, since any request may be routed to any broker.
#include <cstdint>
#include <map>
#include <set>
#include <span>
#include <vector>

#include "protocol/messages/api_versions_response.h"

namespace kgate::gateway {

struct ApiRange {
    std::int16_t min;
    std::int16_t max;

    friend bool operator==(const ApiRange&, const ApiRange&) = default;
};

// By API key.
using ApiRanges = std::map<std::int16_t, ApiRange>;

// The ApiKeys of a broker's answer (the first entry wins for a repeated key). Only a
// successful answer lists the broker's APIs: check its ErrorCode first.
ApiRanges ranges_of(const protocol::messages::ApiVersionsResponse& response);

// The intersection of the codec's table (stable versions only) and every broker's ranges.
// A key survives only if the codec and every broker know it, the ranges overlap and it is not
// `excluded`. Where older versions are forwarded undecoded (forwarded_below_codec_min()), the
// brokers' min is kept even below the codec's: librdkafka's feature detection needs Produce v0
// advertised, and brokers that still serve old versions get the clients that send them.
// With no brokers this is the codec's own table.
ApiRanges clamp_api_versions(std::span<const ApiRanges> brokers, const std::set<std::int16_t>& excluded = {});

// The gateway's own ApiVersions answer at `version`: ApiKeys from `ranges`, no error, no
// throttle, and the broker's feature fields (v3+) copied from `template_from_broker`.
protocol::messages::ApiVersionsResponse build_api_versions_response(
    const ApiRanges& ranges, const protocol::messages::ApiVersionsResponse& template_from_broker, std::int16_t version);

// The answer to an ApiVersions request newer than the gateway knows (KIP-511): encode it as
// a v0 body. ErrorCode UNSUPPORTED_VERSION, and ApiKeys holding only the ApiVersions range
// (taken from `ranges`, else the codec's) so the client retries with a version it can use.
protocol::messages::ApiVersionsResponse unsupported_api_versions_response(const ApiRanges& ranges);

// The whole answer frame (v0 header, always) to an ApiVersions request at `asked`: offering
// `offered`, or the KIP-511 v0 answer when `asked` is newer than the ApiVersions range offered.
std::vector<std::byte> api_versions_answer_frame(const ApiRanges& offered,
                                                 const protocol::messages::ApiVersionsResponse& template_from_broker,
                                                 std::int16_t asked, std::int32_t correlation_id);

}  // namespace kgate::gateway
