#include "gateway/kop/delete_topics_upgrade.h"

#include <utility>

namespace kgate::gateway {

using protocol::messages::DeleteTopicsRequest;
using protocol::messages::DeleteTopicsResponse;

bool delete_topics_by_name_list(std::int16_t version) { return version >= 1 && version < kDeleteTopicsByStateVersion; }

DeleteTopicsRequest delete_topics_as_v6(const DeleteTopicsRequest& request) {
    DeleteTopicsRequest v6;
    v6.timeout_ms = request.timeout_ms;
    v6.topics.reserve(request.topic_names.size());
    for (const auto& name : request.topic_names) {
        DeleteTopicsRequest::DeleteTopicState state;
        state.name = name;
        v6.topics.push_back(std::move(state));
    }
    return v6;
}

DeleteTopicsResponse delete_topics_from_v6(DeleteTopicsResponse&& v6) {
    DeleteTopicsResponse out;
    out.throttle_time_ms = v6.throttle_time_ms;
    out.responses.reserve(v6.responses.size());
    for (auto& r : v6.responses) {
        DeleteTopicsResponse::DeletableTopicResult result;
        result.name = r.name ? std::move(*r.name) : std::string();  // not nullable below v6
        result.error_code = r.error_code;
        result.error_message = std::move(r.error_message);
        out.responses.push_back(std::move(result));
    }
    return out;
}

}  // namespace kgate::gateway
