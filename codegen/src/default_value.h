#pragma once
// Field defaults: validated against the field's type when parsed, turned into C++ when emitted.
#include <cstdint>
#include <string>

#include "message_spec.h"

namespace kgate::codegen {

// Throws SpecError (prefixed with `what`) when the default does not fit the field's type.
void check_default(const FieldSpec& field, const std::string& what);

// True when the field's default is null (nullable string, bytes, records, struct or array).
bool default_is_null(const FieldSpec& field);

// The integer default of an integer field (0 when none is given).
std::int64_t integer_default(const FieldSpec& field);
// The boolean default of a bool field.
bool bool_default(const FieldSpec& field);
// The float64 default.
double float_default(const FieldSpec& field);
// The string default of a string field when it is not null.
std::string string_default(const FieldSpec& field);

}  // namespace kgate::codegen
