#pragma once
// KoP lists a group's committed offsets under its own full names, `public/default/<topic>`
// (its kafkaTenant/kafkaNamespace): tools that list a group's offsets would see topics no
// client uses. A Kafka topic name cannot hold '/', so a name with the prefix is never a
// client's own and loses it.
#include <cstdint>
#include <string_view>

#include "protocol/messages/offset_fetch_response.h"

namespace kgate::gateway {

// Strips `prefix` from every topic name `response` holds at `version`; how many it changed.
// An empty prefix changes nothing.
int strip_topic_prefix(protocol::messages::OffsetFetchResponse& response, std::int16_t version, std::string_view prefix);

}  // namespace kgate::gateway
