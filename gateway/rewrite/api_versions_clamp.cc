#include "gateway/rewrite/api_versions_clamp.h"

#include <algorithm>
#include <array>
#include <string_view>

#include "gateway/rewrite/response_rewriter.h"
#include "protocol/codec/api_table.h"
#include "protocol/messages/response_header.h"

namespace kgate::gateway {
namespace {

using protocol::messages::ApiVersionsResponse;

constexpr std::int16_t kApiVersionsKey = ApiVersionsResponse::api_key;
constexpr std::int16_t kUnsupportedVersion = 35;

template <std::size_t N>
constexpr bool has_field(const std::array<protocol::FieldMeta, N>& meta, std::string_view field, std::int16_t version) {
    for (const auto& f : meta) {
        if (f.name == field) return version >= f.first_version && version <= f.last_version;
    }
    return false;
}

ApiVersionsResponse::ApiVersion api_version_entry(std::int16_t key, ApiRange range) {
    ApiVersionsResponse::ApiVersion entry;
    entry.api_key = key;
    entry.min_version = range.min;
    entry.max_version = range.max;
    return entry;
}

}  // namespace

ApiRanges ranges_of(const ApiVersionsResponse& response) {
    ApiRanges out;
    for (const auto& entry : response.api_keys) out.emplace(entry.api_key, ApiRange{entry.min_version, entry.max_version});
    return out;
}

ApiRanges clamp_api_versions(std::span<const ApiRanges> brokers, const std::set<std::int16_t>& excluded) {
    ApiRanges out;
    for (const protocol::ApiInfo& api : protocol::all_apis()) {
        if (excluded.contains(api.key)) continue;
        // Versions below the codec's min that are forwarded undecoded: only the brokers bound them.
        const bool below_codec_min_allowed = forwarded_below_codec_min(api.key) && !brokers.empty();
        ApiRange range{below_codec_min_allowed ? std::int16_t{0} : api.min_version, api.max_version};
        bool every_broker_knows_it = true;
        for (const ApiRanges& broker : brokers) {
            const auto it = broker.find(api.key);
            if (it == broker.end()) {
                every_broker_knows_it = false;
                break;
            }
            range.min = std::max(range.min, it->second.min);
            range.max = std::min(range.max, it->second.max);
        }
        if (every_broker_knows_it && range.min <= range.max) out.emplace(api.key, range);
    }
    return out;
}

ApiVersionsResponse build_api_versions_response(const ApiRanges& ranges, const ApiVersionsResponse& template_from_broker,
                                                std::int16_t version) {
    ApiVersionsResponse out;
    out.error_code = 0;
    out.throttle_time_ms = 0;
    for (const auto& [key, range] : ranges) out.api_keys.push_back(api_version_entry(key, range));
    // Features describe the cluster, not a broker: the gateway passes them on as they are.
    const auto& meta = ApiVersionsResponse::field_meta;
    if (has_field(meta, "SupportedFeatures", version)) out.supported_features = template_from_broker.supported_features;
    if (has_field(meta, "FinalizedFeatures", version)) out.finalized_features = template_from_broker.finalized_features;
    if (has_field(meta, "FinalizedFeaturesEpoch", version)) {
        out.finalized_features_epoch = template_from_broker.finalized_features_epoch;
    }
    if (has_field(meta, "ZkMigrationReady", version)) out.zk_migration_ready = template_from_broker.zk_migration_ready;
    return out;
}

ApiVersionsResponse unsupported_api_versions_response(const ApiRanges& ranges) {
    ApiVersionsResponse out;
    out.error_code = kUnsupportedVersion;
    ApiRange range{0, 0};
    if (const auto it = ranges.find(kApiVersionsKey); it != ranges.end()) {
        range = it->second;
    } else if (const protocol::ApiInfo* api = protocol::find_api(kApiVersionsKey)) {
        range = ApiRange{api->min_version, api->max_version};
    }
    out.api_keys.push_back(api_version_entry(kApiVersionsKey, range));
    return out;
}

std::vector<std::byte> api_versions_answer_frame(const ApiRanges& offered, const ApiVersionsResponse& template_from_broker,
                                                 std::int16_t asked, std::int32_t correlation_id) {
    std::int16_t max_supported = 0;
    if (auto it = offered.find(kApiVersionsKey); it != offered.end()) max_supported = it->second.max;
    protocol::messages::ResponseHeader header;
    header.correlation_id = correlation_id;
    ApiVersionsResponse body;
    std::int16_t body_version = asked;
    if (asked > max_supported) {
        body = unsupported_api_versions_response(offered);  // KIP-511: a v0 body
        body_version = 0;
    } else {
        body = build_api_versions_response(offered, template_from_broker, asked);
    }
    std::vector<std::byte> out(header.encoded_size(0) + body.encoded_size(body_version));
    protocol::Writer w(out);
    header.encode(w, 0);  // the ApiVersions response header is always v0
    body.encode(w, body_version);
    return out;
}

}  // namespace kgate::gateway
