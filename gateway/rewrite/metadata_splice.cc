#include "gateway/rewrite/metadata_splice.h"

#include <array>
#include <string_view>

#include "protocol/codec/frame_scan.h"
#include "protocol/codec/struct_array.h"
#include "protocol/messages/metadata_response.h"

namespace kgate::gateway {
namespace {

using protocol::messages::MetadataResponse;

// Where Brokers sits among the message's fields, from the generated definition: a release
// that moves or renames it fails to compile here instead of patching the wrong bytes.
constexpr std::size_t field_index(std::string_view name) {
    for (std::size_t i = 0; i < MetadataResponse::field_meta.size(); ++i) {
        if (MetadataResponse::field_meta[i].name == name) return i;
    }
    return MetadataResponse::field_meta.size();
}

constexpr std::size_t kBrokers = field_index("Brokers");
constexpr std::size_t kControllerId = field_index("ControllerId");
static_assert(kControllerId < MetadataResponse::field_meta.size() && MetadataResponse::field_meta[kControllerId].type == "int32",
              "MetadataResponse has no int32 ControllerId field");
static_assert(kBrokers < MetadataResponse::field_meta.size(), "MetadataResponse has no Brokers field");
static_assert(MetadataResponse::field_meta[kBrokers].tag < 0, "Brokers is expected outside the tagged fields");

bool is_flexible(std::int16_t version) {
    return MetadataResponse::first_flexible_version >= 0 && version >= MetadataResponse::first_flexible_version;
}

}  // namespace

SplicedMetadata splice_metadata(std::span<const std::byte> frame, std::int16_t api_version, AddressMapper& mapper) {
    SplicedMetadata out;
    std::array<protocol::FieldSpan, MetadataResponse::field_meta.size()> spans{};
    const auto scanned = protocol::scan_response_fields(MetadataResponse::api_key, api_version, frame, spans);
    if (!scanned) {
        out.malformed = scanned.error();
        return out;
    }
    out.first_error_code = scanned->first_error_code;
    out.trailing_bytes = scanned->trailing_bytes;
    if (spans[kControllerId].present) out.controller_id_at = spans[kControllerId].begin;
    const protocol::FieldSpan& at = spans[kBrokers];
    if (!at.present) return out;  // a version without brokers: nothing to rewrite

    // Offsets are frame offsets (the scan started at 0), so errors point at the right byte.
    protocol::Reader r(frame.subspan(at.begin, at.end - at.begin), at.begin);
    std::vector<MetadataResponse::MetadataResponseBroker> brokers;
    if (!protocol::decode_struct_array(r, scanned->body_version, is_flexible(scanned->body_version), "Brokers", brokers) ||
        !r.at_end()) {
        // The scan accepted these bytes, so this is a codec bug rather than a bad broker.
        if (r.error().reason.empty()) r.fail("Brokers decoded to fewer bytes than the scan found");
        r.fail_in(MetadataResponse::message_name);
        out.malformed = r.take_error();
        return out;
    }
    for (const auto& b : brokers) {
        if (!out.lowest_node_id || b.node_id < *out.lowest_node_id) out.lowest_node_id = b.node_id;
    }
    out.outcome = rewrite_metadata_brokers(brokers, scanned->body_version, mapper);
    if (!out.outcome.ok() || !out.outcome.changed) return out;
    auto encoded = protocol::encode_struct_array(brokers, scanned->body_version, is_flexible(scanned->body_version));
    if (!encoded) {
        out.outcome.error = "the rewritten Metadata Brokers cannot be encoded";
        return out;
    }
    out.brokers = std::move(*encoded);
    out.before = frame.first(at.begin);
    out.after = frame.subspan(at.end);
    return out;
}

}  // namespace kgate::gateway
