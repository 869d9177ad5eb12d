#include "protocol/codec/generated_impl.h"

namespace kgate::protocol {

void unknown_tags_to_json(JsonWriter& j, const UnknownTaggedFields& tags) {
    j.begin_array();
    for (const auto& t : tags) {
        j.begin_object();
        j.key("tag");
        j.value(static_cast<std::uint64_t>(t.tag));
        j.key("data");
        j.value(t.data);
        j.end_object();
    }
    j.end_array();
}

}  // namespace kgate::protocol
