#pragma once
// OffsetFetch for all of a group's topics (Topics null, v2-7) crashes KoP's handler: it
// dereferences the null list, logs a NullPointerException and drops the connection. KoP
// answers the same question asked the v8 way (one group, Topics null), so kgate asks that and
// turns the v8 answer back into the version the client asked for.
#include <cstdint>
#include <optional>
#include <string>

#include "protocol/messages/offset_fetch_request.h"
#include "protocol/messages/offset_fetch_response.h"

namespace kgate::gateway {

inline constexpr std::int16_t kOffsetFetchGroupsVersion = 8;

// Whether a request at `version` is the one KoP cannot answer: all topics, before v8.
bool offset_fetch_asks_all_topics_below_v8(const protocol::messages::OffsetFetchRequest& request, std::int16_t version);

// The same question as a v8 request: one group, Topics null, RequireStable kept.
protocol::messages::OffsetFetchRequest offset_fetch_as_v8(const protocol::messages::OffsetFetchRequest& request);

// A v8 answer for one group as a v2-7 answer: the group's topics and
// error code at the top level. Fails (naming what is wrong) when the answer holds no group.
std::optional<protocol::messages::OffsetFetchResponse> offset_fetch_from_v8(protocol::messages::OffsetFetchResponse&& v8,
                                                                            std::string& error);

}  // namespace kgate::gateway
