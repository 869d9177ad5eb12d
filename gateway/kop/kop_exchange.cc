#include "gateway/kop/kop_exchange.h"

#include <utility>
#include <variant>

#include <fmt/format.h>

#include "gateway/kop/delete_topics_upgrade.h"
#include "gateway/kop/offset_fetch_upgrade.h"
#include "gateway/kop/topic_prefix.h"

namespace kgate::gateway {
namespace {

namespace msg = protocol::messages;

bool brokers_serve(const ApiRanges& brokers, std::int16_t api_key, std::int16_t version) {
    const auto it = brokers.find(api_key);
    return it != brokers.end() && it->second.min <= version && version <= it->second.max;
}

std::optional<UpgradedRequest> reencoded(const protocol::DecodedRequest& request, msg::AnyRequest body, std::int16_t version,
                                         KopQuirk quirk) {
    const protocol::ApiInfo* api = protocol::find_api(request.header.request_api_key);
    if (api == nullptr) return std::nullopt;
    protocol::DecodedRequest up;
    up.header = request.header;
    up.header.request_api_version = version;
    up.header_version = protocol::request_header_version(*api, version);
    up.body = std::move(body);
    auto frame = protocol::encode_request(up);
    if (!frame) return std::nullopt;
    return UpgradedRequest{version, std::move(*frame), quirk};
}

std::int16_t first_error_code(const msg::AnyResponse& body, std::int16_t version) {
    std::int16_t first = 0;
    std::visit([&](const auto& m) {
        m.for_each_error_code(version, [&](std::int16_t code) {
            if (first == 0) first = code;
        });
    }, body);
    return first;
}

}  // namespace

std::optional<UpgradedRequest> upgrade_for_kop(const protocol::DecodedRequest& request, const ApiRanges& brokers) {
    const std::int16_t version = request.header.request_api_version;
    if (const auto* m = std::get_if<msg::OffsetFetchRequest>(&request.body)) {
        if (!offset_fetch_asks_all_topics_below_v8(*m, version) ||
            !brokers_serve(brokers, msg::OffsetFetchRequest::api_key, kOffsetFetchGroupsVersion)) {
            return std::nullopt;
        }
        return reencoded(request, offset_fetch_as_v8(*m), kOffsetFetchGroupsVersion, KopQuirk::offset_fetch_upgraded);
    }
    if (const auto* m = std::get_if<msg::DeleteTopicsRequest>(&request.body)) {
        if (!delete_topics_by_name_list(version) ||
            !brokers_serve(brokers, msg::DeleteTopicsRequest::api_key, kDeleteTopicsByStateVersion)) {
            return std::nullopt;
        }
        return reencoded(request, delete_topics_as_v6(*m), kDeleteTopicsByStateVersion, KopQuirk::delete_topics_upgraded);
    }
    return std::nullopt;
}

bool kop_reworks_response(std::int16_t api_key, std::int16_t upstream_version, bool upgraded) {
    const protocol::ApiInfo* api = protocol::find_api(api_key);
    if (api == nullptr || !api->can_decode(upstream_version)) return false;
    return upgraded || api_key == msg::OffsetFetchResponse::api_key;
}

KopAnswer rework_kop_response(std::span<const std::byte> frame, std::int16_t api_key, std::int16_t upstream_version,
                              std::int16_t client_version, std::string_view topic_prefix) {
    KopAnswer out;
    auto decoded = protocol::decode_response(api_key, upstream_version, frame);
    if (!decoded) {
        // An answer in the client's own version is forwarded as it came, as without broker-kind
        // kop: only its topic names would have changed. A translated one cannot be.
        if (client_version != upstream_version) out.error = decoded.error().to_string();
        return out;
    }
    out.first_error_code = first_error_code(decoded->body, decoded->body_version);
    out.trailing_bytes = decoded->trailing.size();
    if (auto* m = std::get_if<msg::OffsetFetchResponse>(&decoded->body)) {
        out.topics_renamed = strip_topic_prefix(*m, upstream_version, topic_prefix);
        if (client_version != upstream_version) {
            auto down = offset_fetch_from_v8(std::move(*m), out.error);
            if (!down) return out;
            decoded->body = std::move(*down);
        }
    } else if (auto* d = std::get_if<msg::DeleteTopicsResponse>(&decoded->body); d != nullptr && client_version != upstream_version) {
        decoded->body = delete_topics_from_v6(std::move(*d));
    }
    if (out.topics_renamed == 0 && client_version == upstream_version) return out;  // forward as it came
    const protocol::ApiInfo* api = protocol::find_api(api_key);
    decoded->api_version = client_version;
    decoded->body_version = client_version;
    decoded->header_version = protocol::response_header_version(*api, client_version);
    if (client_version != upstream_version) {
        decoded->header.unknown_tags = {};  // a v0 header has no tagged fields
        decoded->trailing.clear();
    }
    auto bytes = protocol::encode_response(*decoded);
    if (!bytes) {
        out.error = fmt::format("{} v{} answer cannot be encoded", api->name, client_version);
        return out;
    }
    out.changed = true;
    out.frame = std::move(*bytes);
    return out;
}

}  // namespace kgate::gateway
