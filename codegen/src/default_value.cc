#include "default_value.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <limits>

#include <fmt/format.h>

#include "spec_error.h"

namespace kgate::codegen {
namespace {

std::string lower(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return s;
}

bool parse_integer(const std::string& text, std::int64_t& out) {
    std::string_view s = text;
    bool negative = false;
    if (s.starts_with('-')) {
        negative = true;
        s.remove_prefix(1);
    }
    int base = 10;
    if (s.starts_with("0x") || s.starts_with("0X")) {
        base = 16;
        s.remove_prefix(2);
    }
    if (s.empty()) return false;
    std::uint64_t magnitude = 0;
    const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), magnitude, base);
    if (ec != std::errc() || end != s.data() + s.size()) return false;
    if (negative) {
        if (magnitude > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()) + 1) return false;
        out = static_cast<std::int64_t>(0 - magnitude);
    } else {
        if (magnitude > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) return false;
        out = static_cast<std::int64_t>(magnitude);
    }
    return true;
}

std::pair<std::int64_t, std::int64_t> integer_bounds(Kind k) {
    switch (k) {
        case Kind::int8: return {INT8_MIN, INT8_MAX};
        case Kind::int16: return {INT16_MIN, INT16_MAX};
        case Kind::uint16: return {0, UINT16_MAX};
        case Kind::int32: return {INT32_MIN, INT32_MAX};
        case Kind::uint32: return {0, UINT32_MAX};
        default: return {INT64_MIN, INT64_MAX};
    }
}

}  // namespace

bool default_is_null(const FieldSpec& f) {
    if (f.type.kind == Kind::records && !f.type.is_array) return f.nullable_type();
    return f.default_value && *f.default_value == "null" && f.type.can_be_null() &&
           (f.type.is_array || f.type.is_struct() || f.type.kind == Kind::string || f.type.kind == Kind::bytes);
}

void check_default(const FieldSpec& f, const std::string& what) {
    if (!f.default_value) return;
    const std::string& d = *f.default_value;
    if (d == "null") {
        if (!f.type.can_be_null()) throw SpecError(fmt::format("{}: default null on a {} field", what, f.type.spelling()));
        if (!f.nullable_type()) throw SpecError(fmt::format("{}: default null but the field is never nullable", what));
        return;
    }
    if (f.type.is_array || f.type.is_struct()) {
        throw SpecError(fmt::format("{}: {} fields only take a null default", what, f.type.spelling()));
    }
    switch (f.type.kind) {
        case Kind::boolean:
            if (lower(d) != "true" && lower(d) != "false") throw SpecError(fmt::format("{}: bad bool default \"{}\"", what, d));
            return;
        case Kind::float64:
            try {
                std::size_t used = 0;
                (void)std::stod(d, &used);
                if (used != d.size()) throw std::invalid_argument(d);
            } catch (const std::exception&) {
                throw SpecError(fmt::format("{}: bad float64 default \"{}\"", what, d));
            }
            return;
        case Kind::string: return;
        case Kind::bytes:
        case Kind::records:
        case Kind::uuid:
            if (!d.empty()) throw SpecError(fmt::format("{}: {} fields take no default but null", what, f.type.spelling()));
            return;
        default: break;
    }
    std::int64_t v = 0;
    const auto [lo, hi] = integer_bounds(f.type.kind);
    if (!parse_integer(d, v) || v < lo || v > hi) {
        throw SpecError(fmt::format("{}: default \"{}\" is not a valid {}", what, d, f.type.spelling()));
    }
}

std::int64_t integer_default(const FieldSpec& f) {
    std::int64_t v = 0;
    if (f.default_value && parse_integer(*f.default_value, v)) return v;
    return 0;
}

bool bool_default(const FieldSpec& f) { return f.default_value && lower(*f.default_value) == "true"; }

double float_default(const FieldSpec& f) { return f.default_value ? std::stod(*f.default_value) : 0.0; }

std::string string_default(const FieldSpec& f) {
    if (!f.default_value || *f.default_value == "null") return {};
    return *f.default_value;
}

}  // namespace kgate::codegen
