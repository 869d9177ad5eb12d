#pragma once
// The C++ side of a field: its member type, default, and the version tests that guard it.
// Shared by every emitter so they agree on how a field is represented.
#include <string>

#include "message_spec.h"

namespace kgate::codegen {

// The C++ type of one element (or of a scalar field): "std::int32_t", "std::string", a struct...
std::string element_type(const FieldType& type);
// The member type: element type, wrapped in std::vector for arrays and in std::optional when
// the field is nullable in some version.
std::string member_type(const FieldSpec& field);
// A typed expression of the field's default value, usable as initializer and in comparisons.
std::string default_expr(const FieldSpec& field);
// Fixed wire size of a scalar element, or 0 when it varies.
int fixed_size(Kind kind);

// A C++ boolean expression of `version` testing membership in `range`, simplified under the
// knowledge that code only runs for versions in `scope`: "true", "false", "version >= 3"...
std::string version_test(const VersionRange& range, const VersionRange& scope);

// The expression saying whether the field uses flexible (compact) encoding.
std::string flexible_test(const FieldSpec& field, const VersionRange& scope);

// The versions in which a field is on the wire: tagged fields only in their tagged versions.
VersionRange present_versions(const FieldSpec& field);

}  // namespace kgate::codegen
