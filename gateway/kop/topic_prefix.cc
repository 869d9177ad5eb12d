#include "gateway/kop/topic_prefix.h"

#include <string>

namespace kgate::gateway {
namespace {

// v0-7 name topics at the top level, v8-9 per group; v10 names them by id only.
constexpr std::int16_t kGroupsVersion = 8;

bool strip(std::string& name, std::string_view prefix) {
    if (prefix.empty() || !name.starts_with(prefix) || name.size() == prefix.size()) return false;
    name.erase(0, prefix.size());
    return true;
}

}  // namespace

int strip_topic_prefix(protocol::messages::OffsetFetchResponse& response, std::int16_t version, std::string_view prefix) {
    int changed = 0;
    if (version < kGroupsVersion) {
        for (auto& topic : response.topics) changed += strip(topic.name, prefix) ? 1 : 0;
        return changed;
    }
    for (auto& group : response.groups) {
        for (auto& topic : group.topics) changed += strip(topic.name, prefix) ? 1 : 0;
    }
    return changed;
}

}  // namespace kgate::gateway
