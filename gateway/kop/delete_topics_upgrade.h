#pragma once
// KoP reads only DeleteTopics v6's topic list: a v1-5 request (kafka-clients 2.6.0 sends v4)
// deletes nothing and is answered without the topics. kgate asks v6 with the same names and
// turns the answer back into the version the client asked for.
#include <cstdint>

#include "protocol/messages/delete_topics_request.h"
#include "protocol/messages/delete_topics_response.h"

namespace kgate::gateway {

inline constexpr std::int16_t kDeleteTopicsByStateVersion = 6;

// Whether a request at `version` lists its topics the way KoP ignores (TopicNames, v1-5).
bool delete_topics_by_name_list(std::int16_t version);

// The same request at v6: one DeleteTopicState per name, the same timeout.
protocol::messages::DeleteTopicsRequest delete_topics_as_v6(const protocol::messages::DeleteTopicsRequest& request);

// A v6 answer as a v1-5 answer: per topic its name, error code and (v5) message. A result
// without a name (a v6 answer may name a topic by id only) keeps an empty name.
protocol::messages::DeleteTopicsResponse delete_topics_from_v6(protocol::messages::DeleteTopicsResponse&& v6);

}  // namespace kgate::gateway
