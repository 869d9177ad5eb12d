#include "field_type.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <utility>

#include <fmt/format.h>

#include "spec_error.h"

namespace kgate::codegen {
namespace {

constexpr std::array<std::pair<std::string_view, Kind>, 12> kPrimitives{{
    {"bool", Kind::boolean},
    {"int8", Kind::int8},
    {"int16", Kind::int16},
    {"uint16", Kind::uint16},
    {"int32", Kind::int32},
    {"uint32", Kind::uint32},
    {"int64", Kind::int64},
    {"float64", Kind::float64},
    {"string", Kind::string},
    {"bytes", Kind::bytes},
    {"records", Kind::records},
    {"uuid", Kind::uuid},
}};

}  // namespace

FieldType FieldType::parse(std::string_view spelling, std::string_view what) {
    FieldType t;
    std::string_view elem = spelling;
    if (elem.starts_with("[]")) {
        t.is_array = true;
        elem.remove_prefix(2);
    }
    for (const auto& [name, kind] : kPrimitives) {
        if (elem == name) {
            if (t.is_array && kind == Kind::records) {
                throw SpecError(fmt::format("{}: arrays of records are not a Kafka type", what));
            }
            t.kind = kind;
            return t;
        }
    }
    const bool valid_struct = !elem.empty() && std::isupper(static_cast<unsigned char>(elem.front())) &&
                              std::all_of(elem.begin(), elem.end(), [](char c) { return std::isalnum(static_cast<unsigned char>(c)); });
    if (!valid_struct) throw SpecError(fmt::format("{}: unknown type \"{}\"", what, spelling));
    t.kind = Kind::structure;
    t.struct_name = std::string(elem);
    return t;
}

bool FieldType::is_integer() const {
    switch (kind) {
        case Kind::int8:
        case Kind::int16:
        case Kind::uint16:
        case Kind::int32:
        case Kind::uint32:
        case Kind::int64: return true;
        default: return false;
    }
}

std::string_view kind_name(Kind k) {
    for (const auto& [name, kind] : kPrimitives) {
        if (kind == k) return name;
    }
    return "struct";
}

std::string FieldType::spelling() const {
    const std::string elem = is_struct() ? struct_name : std::string(kind_name(kind));
    return is_array ? "[]" + elem : elem;
}

}  // namespace kgate::codegen
