#pragma once
// What a client session asks of gateway/kop/ with --broker-kind kop: which requests go to the
// broker asked another way, and the answers to rework before the client gets them. Pure
// functions over frames; the session keeps the state (which version it sent).
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "gateway/metrics/gateway_metrics.h"
#include "gateway/rewrite/api_versions_clamp.h"
#include "protocol/codec/frame_codec.h"

namespace kgate::gateway {

struct UpgradedRequest {
    std::int16_t upstream_version = 0;
    std::vector<std::byte> frame;  // header and body, no size prefix
    KopQuirk quirk = KopQuirk::offset_fetch_upgraded;
};

// The request KoP gets in place of `request`, or nullopt to forward it as it came: an
// all-topics OffsetFetch v2-7 becomes v8, a DeleteTopics v1-5 becomes v6, when the brokers
// serve that version (`brokers`: what every broker supports). The correlation id and client
// id stay, so the answer matches the client's request.
std::optional<UpgradedRequest> upgrade_for_kop(const protocol::DecodedRequest& request, const ApiRanges& brokers);

// Whether the answer to `api_key` at `upstream_version` must be decoded and reworked:
// OffsetFetch (topic names) and any upgraded request (back to the client's version). Never a
// version older than the codec reads (OffsetFetch v0): that is forwarded as it came.
bool kop_reworks_response(std::int16_t api_key, std::int16_t upstream_version, bool upgraded);

struct KopAnswer {
    std::string error;  // non-empty: the answer cannot be given in the client's version
    std::optional<std::int16_t> first_error_code;  // for the responses metric; nullopt: undecodable
    std::size_t trailing_bytes = 0;
    int topics_renamed = 0;
    bool changed = false;
    std::vector<std::byte> frame;  // when changed: the client's answer, no size prefix

    bool ok() const { return error.empty(); }
};

// `frame` answers a request the broker got at `upstream_version`; the client asked at
// `client_version` (the same unless upgraded). Topic names lose `topic_prefix`.
KopAnswer rework_kop_response(std::span<const std::byte> frame, std::int16_t api_key, std::int16_t upstream_version,
                              std::int16_t client_version, std::string_view topic_prefix);

}  // namespace kgate::gateway
