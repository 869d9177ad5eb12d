#pragma once
// A Kafka version range as written in message definitions: "3", "0-7", "9+" or "none".
#include <cstdint>
#include <string>
#include <string_view>

namespace kgate::codegen {

struct VersionRange {
    static constexpr std::int16_t kOpenEnd = INT16_MAX;

    std::int16_t lo = 0;
    std::int16_t hi = -1;  // hi < lo means empty ("none")

    static VersionRange none() { return {0, -1}; }
    static VersionRange all() { return {0, kOpenEnd}; }
    // Throws SpecError with `what` in the message when the text is malformed.
    static VersionRange parse(std::string_view text, std::string_view what);

    bool empty() const { return hi < lo; }
    bool open_ended() const { return !empty() && hi == kOpenEnd; }
    bool contains(std::int16_t v) const { return v >= lo && v <= hi; }
    bool contains(const VersionRange& o) const { return o.empty() || (!empty() && o.lo >= lo && o.hi <= hi); }
    VersionRange intersect(const VersionRange& o) const;
    std::string to_string() const;

    friend bool operator==(const VersionRange&, const VersionRange&) = default;
};

}  // namespace kgate::codegen
