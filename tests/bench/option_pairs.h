#pragma once
// Command-line helpers shared by the bench tools, which take "--name value" pairs only.
#include <charconv>
#include <cstdio>
#include <string_view>
#include <system_error>

namespace kgate::bench {

// A number in [low, high], the whole text and nothing else.
template <typename T>
bool parse_number(std::string_view text, T low, T high, T& out) {
    T value{};
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc() || end != text.data() + text.size() || value < low || value > high) return false;
    out = value;
    return true;
}

// Calls take(name, value) for every pair; false on an odd count or on a pair take refuses
// (named on stderr after `tool`).
template <typename Take>
bool take_option_pairs(const char* tool, int argc, char** argv, Take&& take) {
    if (argc % 2 == 0) return false;
    for (int i = 1; i + 1 < argc; i += 2) {
        if (!take(std::string_view(argv[i]), std::string_view(argv[i + 1]))) {
            std::fprintf(stderr, "%s: bad option %s %s\n", tool, argv[i], argv[i + 1]);
            return false;
        }
    }
    return true;
}

}  // namespace kgate::bench
