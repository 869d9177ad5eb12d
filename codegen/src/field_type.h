#pragma once
// The type of a field as spelled in a message definition: a primitive, a struct name,
// or an array "[]T" of either.
#include <string>
#include <string_view>

namespace kgate::codegen {

enum class Kind { boolean, int8, int16, uint16, int32, uint32, int64, float64, string, bytes, records, uuid, structure };

struct FieldType {
    bool is_array = false;
    Kind kind = Kind::int32;  // of the element, for arrays
    std::string struct_name;  // when kind == structure

    static FieldType parse(std::string_view spelling, std::string_view what);

    bool is_struct() const { return kind == Kind::structure; }
    bool is_integer() const;
    // Types that may carry nullableVersions.
    bool can_be_null() const { return is_array || is_struct() || kind == Kind::string || kind == Kind::bytes || kind == Kind::records; }
    std::string spelling() const;
};

std::string_view kind_name(Kind k);

}  // namespace kgate::codegen
