#include "version_range.h"

#include <algorithm>
#include <charconv>

#include <fmt/format.h>

#include "spec_error.h"

namespace kgate::codegen {
namespace {

std::int16_t parse_version(std::string_view s, std::string_view text, std::string_view what) {
    int v = -1;
    const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc() || end != s.data() + s.size() || v < 0 || v > 32766) {
        throw SpecError(fmt::format("{}: malformed version range \"{}\"", what, text));
    }
    return static_cast<std::int16_t>(v);
}

}  // namespace

VersionRange VersionRange::parse(std::string_view text, std::string_view what) {
    if (text == "none") return none();
    if (text.empty()) throw SpecError(fmt::format("{}: empty version range", what));
    if (text.back() == '+') return {parse_version(text.substr(0, text.size() - 1), text, what), kOpenEnd};
    if (const auto dash = text.find('-'); dash != std::string_view::npos) {
        const VersionRange r{parse_version(text.substr(0, dash), text, what),
                             parse_version(text.substr(dash + 1), text, what)};
        if (r.empty()) throw SpecError(fmt::format("{}: version range \"{}\" is backwards", what, text));
        return r;
    }
    const auto v = parse_version(text, text, what);
    return {v, v};
}

VersionRange VersionRange::intersect(const VersionRange& o) const {
    if (empty() || o.empty()) return none();
    const VersionRange r{std::max(lo, o.lo), std::min(hi, o.hi)};
    return r.empty() ? none() : r;
}

std::string VersionRange::to_string() const {
    if (empty()) return "none";
    if (open_ended()) return fmt::format("{}+", lo);
    if (lo == hi) return fmt::format("{}", lo);
    return fmt::format("{}-{}", lo, hi);
}

}  // namespace kgate::codegen
