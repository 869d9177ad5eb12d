#pragma once
#include <cstdint>
#include <string_view>

namespace kgate::protocol {

enum class MessageKind { request, response, header, data };

// Static description of one field of a generated struct, kept from the definition so code
// can find fields by meaning (entityType "brokerId", "topicName", ...).
struct FieldMeta {
    std::string_view name;
    std::string_view entity_type;
    std::string_view type;
    std::int16_t first_version;
    std::int16_t last_version;
    std::int64_t tag;  // -1 when not tagged
};

}  // namespace kgate::protocol
