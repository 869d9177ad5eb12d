#pragma once
// What every split by partition leader shares: who leads a partition, who hears of partition
// errors, and the parts' bodies encoded under the client's header.
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <fmt/format.h>

#include "protocol/codec/frame_codec.h"

namespace kgate::gateway {

// Which broker a partition of a topic (by name, or by id where the version names topics by id)
// goes to.
using PartitionLeader = std::function<std::int32_t(std::string_view topic, const protocol::Uuid& topic_id, std::int32_t partition)>;

// Told each partition error an answer carries (the topic by name, or by id), so stale leaders
// can be forgotten; may be empty.
using PartitionErrorSink = std::function<void(std::string_view topic, const protocol::Uuid& topic_id, std::int16_t code)>;

// Each broker's body under the client's header (correlation id included), encoded.
template <class Body>
std::optional<std::map<std::int32_t, std::vector<std::byte>>> encode_parts(const protocol::DecodedRequest& request,
                                                                          std::map<std::int32_t, Body>& parts, std::string& error) {
    std::map<std::int32_t, std::vector<std::byte>> out;
    for (auto& [node, body] : parts) {
        protocol::DecodedRequest part{request.header, request.header_version, std::move(body), request.trailing};
        auto bytes = protocol::encode_request(part);
        if (!bytes) {
            error = fmt::format("{} v{} request for broker {} cannot be encoded", Body::message_name, request.header.request_api_version, node);
            return std::nullopt;
        }
        out.emplace(node, std::move(*bytes));
    }
    return out;
}

}  // namespace kgate::gateway
