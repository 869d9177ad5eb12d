#include "cpp_model.h"

#include <fmt/format.h>

#include "default_value.h"

namespace kgate::codegen {

std::string element_type(const FieldType& type) {
    switch (type.kind) {
        case Kind::boolean: return "bool";
        case Kind::int8: return "std::int8_t";
        case Kind::int16: return "std::int16_t";
        case Kind::uint16: return "std::uint16_t";
        case Kind::int32: return "std::int32_t";
        case Kind::uint32: return "std::uint32_t";
        case Kind::int64: return "std::int64_t";
        case Kind::float64: return "double";
        case Kind::string: return "std::string";
        case Kind::bytes:
        case Kind::records: return "BytesView";
        case Kind::uuid: return "Uuid";
        case Kind::structure: return type.struct_name;
    }
    return "void";
}

std::string member_type(const FieldSpec& f) {
    std::string t = element_type(f.type);
    if (f.type.is_array) t = fmt::format("std::vector<{}>", t);
    if (f.nullable_type()) t = fmt::format("std::optional<{}>", t);
    return t;
}

namespace {

std::string integer_literal(Kind kind, std::int64_t v) {
    if (kind == Kind::int64) {
        // INT64_MIN has no literal form: spell it as an expression.
        if (v == INT64_MIN) return "(-INT64_C(9223372036854775807) - 1)";
        return fmt::format("INT64_C({})", v);
    }
    if (kind == Kind::int32 && v == INT32_MIN) return "(-2147483647 - 1)";
    return fmt::format("{}", v);
}

std::string quoted(const std::string& s) {
    std::string out = "\"";
    for (const char c : s) {
        if (c == '"' || c == '\\') out += '\\';
        out += c;
    }
    return out + "\"";
}

}  // namespace

std::string default_expr(const FieldSpec& f) {
    const std::string type = member_type(f);
    if (default_is_null(f)) return fmt::format("{}(std::nullopt)", type);
    if (f.type.is_array) {
        const std::string vec = fmt::format("std::vector<{}>", element_type(f.type));
        return f.nullable_type() ? fmt::format("{}({}{{}})", type, vec) : vec + "{}";
    }
    switch (f.type.kind) {
        case Kind::boolean: return bool_default(f) ? "true" : "false";
        case Kind::float64: return fmt::format("double{{{}}}", float_default(f));
        case Kind::string:
            return f.nullable_type() ? fmt::format("{}(std::string({}))", type, quoted(string_default(f)))
                                     : fmt::format("std::string({})", quoted(string_default(f)));
        case Kind::bytes:
        case Kind::records: return f.nullable_type() ? fmt::format("{}(BytesView{{}})", type) : "BytesView{}";
        case Kind::uuid: return "Uuid{}";
        case Kind::structure:
            return f.nullable_type() ? fmt::format("{}({}{{}})", type, f.type.struct_name) : fmt::format("{}{{}}", f.type.struct_name);
        default: return fmt::format("{}{{{}}}", element_type(f.type), integer_literal(f.type.kind, integer_default(f)));
    }
}

int fixed_size(Kind kind) {
    switch (kind) {
        case Kind::boolean:
        case Kind::int8: return 1;
        case Kind::int16:
        case Kind::uint16: return 2;
        case Kind::int32:
        case Kind::uint32: return 4;
        case Kind::int64:
        case Kind::float64: return 8;
        case Kind::uuid: return 16;
        default: return 0;
    }
}

std::string version_test(const VersionRange& range, const VersionRange& scope) {
    const VersionRange r = range.intersect(scope);
    if (r.empty()) return "false";
    if (r == scope) return "true";
    std::string lo = r.lo > scope.lo ? fmt::format("version >= {}", r.lo) : "";
    std::string hi = r.hi < scope.hi ? fmt::format("version <= {}", r.hi) : "";
    if (!lo.empty() && !hi.empty()) return fmt::format("({} && {})", lo, hi);
    return lo.empty() ? hi : lo;
}

std::string flexible_test(const FieldSpec& f, const VersionRange& scope) {
    if (f.flexible_versions) return version_test(*f.flexible_versions, scope);
    return "flexible_";
}

VersionRange present_versions(const FieldSpec& f) { return f.is_tagged() ? f.tagged_versions : f.versions; }

}  // namespace kgate::codegen
