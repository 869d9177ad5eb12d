#pragma once
// The validated model of one Kafka message definition file, as the emitters see it.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "field_type.h"
#include "version_range.h"

namespace kgate::codegen {

struct FieldSpec {
    std::string name;
    FieldType type;
    VersionRange versions;
    VersionRange nullable_versions = VersionRange::none();
    std::optional<VersionRange> flexible_versions;  // a per-field override (only headers use it)
    std::optional<std::uint32_t> tag;
    VersionRange tagged_versions = VersionRange::none();
    std::optional<std::string> default_value;  // as written in the JSON
    std::string entity_type;
    bool ignorable = false;
    bool map_key = false;
    bool zero_copy = false;
    std::string about;

    bool is_tagged() const { return tag.has_value(); }
    // Whether the C++ member can hold null (it is nullable in some version).
    bool nullable_type() const { return !nullable_versions.empty(); }
};

struct StructSpec {
    std::string name;
    VersionRange versions;
    std::vector<FieldSpec> fields;
    bool is_common = false;
};

enum class MessageKind { request, response, header, data };

struct MessageSpec {
    std::string name;
    std::string file;
    MessageKind kind = MessageKind::data;
    std::optional<std::int16_t> api_key;
    VersionRange valid_versions;
    VersionRange flexible_versions = VersionRange::none();
    bool latest_version_unstable = false;
    std::vector<std::string> listeners;
    std::vector<FieldSpec> fields;
    // Every nested and common struct, each defined before any struct that uses it.
    std::vector<StructSpec> structs;

    // The versions a client may use: valid versions less an unstable latest one.
    VersionRange stable_versions() const;
    const StructSpec* find_struct(const std::string& name) const;
};

}  // namespace kgate::codegen
