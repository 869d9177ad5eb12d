#pragma once
// Whether any line of a list of problems or warnings holds `text`: configuration tests check
// that each problem is named, not the exact wording of the others.
#include <algorithm>
#include <string>
#include <string_view>
#include <vector>

namespace kgate::gateway {

inline bool mentions(const std::vector<std::string>& lines, std::string_view text) {
    return std::any_of(lines.begin(), lines.end(), [&](const std::string& l) { return l.find(text) != std::string::npos; });
}

}  // namespace kgate::gateway
