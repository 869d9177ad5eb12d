#pragma once
// Whole-string integer parsing with bounds, for the test tools' command lines.
#include <charconv>
#include <string_view>

namespace kgate::tools {

// True, with `value` set, when all of `text` is an integer within [low, high].
inline bool parse_int(std::string_view text, int low, int high, int& value) {
    int parsed = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), parsed);
    if (ec != std::errc() || end != text.data() + text.size() || parsed < low || parsed > high) return false;
    value = parsed;
    return true;
}

}  // namespace kgate::tools
